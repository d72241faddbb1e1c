// Starts the local provider and serves the built app against it.
// With --app-origin (repeatable), it serves no app: it starts the provider and the demo API for apps of
// your own on those origins, registers their redirect URIs (provider.mjs, APP_REDIRECT_PATHS) and prints
// what to configure them with (tests/run-provider.sh runs this mode on fixed ports).
//   node support/stack.mjs --app-origin http://localhost:3000 [--app-origin ...] [--op-port 8600] [--api-port 8601]
//   node support/stack.mjs [--spa-port 8080] [--op-port 8600] [--api-port 8601] [--log-port 0]
//                          [--access-token-ttl 3600]
//                          [--dist ../dist] [--max-seconds N] [--banner]
//                          [--no-refresh-tokens] [--rogue-id-tokens] [--no-end-session]
//                          [--cross-origin-isolated] [--coop] [--refuse-frames] [--refuse-scope api:write]
//                          [--cache-location localStorage] [--provider-host localhost] [--popup-timeout 120]
//                          [--npm-package DIR] [--js-example DIR] [--par on|off|required] [--dpop on|off]
//                          [--no-dpop] [--no-discovery] [--returnto-logout]
// Prints one line `READY {json}` with the URLs once both listen. Stops on SIGINT/SIGTERM, or after
// --max-seconds (tests pass one, so that a stray process never outlives its test run).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startApi } from './api.mjs';
import {
  API_SCOPE, APP_POST_LOGOUT_PATHS, APP_REDIRECT_PATHS, CLIENT_ID, USERS, startProvider,
} from './provider.mjs';
import { startStaticServer } from './static-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    'app-origin': { type: 'string', multiple: true, default: [] },
    'spa-port': { type: 'string', default: '0' },
    'op-port': { type: 'string', default: '0' },
    'log-port': { type: 'string', default: '0' },
    'api-port': { type: 'string', default: '0' },
    'access-token-ttl': { type: 'string', default: '3600' },
    dist: { type: 'string', default: path.join(here, '..', '..', 'dist') },
    'npm-package': { type: 'string', default: path.join(here, '..', '..', 'target', 'npm', 'auth-wasm') },
    // The page served at /js-example/ (a registered redirect URI): the plain-JS example, or a bundle of it.
    'js-example': { type: 'string', default: path.join(here, '..', '..', 'auth-wasm', 'npm', 'example') },
    'max-seconds': { type: 'string' },
    banner: { type: 'boolean', default: false },
    'no-refresh-tokens': { type: 'boolean', default: false },
    'rogue-id-tokens': { type: 'boolean', default: false },
    'cache-location': { type: 'string' },
    // A provider without RP-initiated logout: discovery names no end_session_endpoint.
    'no-end-session': { type: 'boolean', default: false },
    // The app (and the JS example) served with COOP same-origin + COEP require-corp.
    'cross-origin-isolated': { type: 'boolean', default: false },
    // The app (and the JS example) served with COOP same-origin only.
    coop: { type: 'boolean', default: false },
    // The popup timeout of the demo and the JS example (auth-config.json's `popup_timeout_secs`).
    'popup-timeout': { type: 'string' },
    // The provider answers prompt=none with a page that refuses to be framed.
    'refuse-frames': { type: 'boolean', default: false },
    // The host name in the provider's URLs (its issuer): `localhost` puts it on another site than the
    // app on 127.0.0.1, as a hosted provider is. It still listens on 127.0.0.1 only.
    'provider-host': { type: 'string', default: '127.0.0.1' },
    // The user unticks this scope on the provider's consent page: it is never granted.
    'refuse-scope': { type: 'string' },
    // Pushed authorization requests: offered (default), not offered, or required by the provider.
    par: { type: 'string', default: process.env.AUTH_TEST_PAR ?? 'on' },
    // DPoP (RFC 9449) with nonces at the provider and the API, and `"dpop": "required"` in the app's
    // configuration: off unless asked for (AUTH_TEST_DPOP=on runs every test with it), as the tests
    // written before DPoP read bearer tokens and count token requests that a nonce retry would add to.
    dpop: { type: 'string', default: process.env.AUTH_TEST_DPOP ?? 'off' },
    // DPoP off whatever AUTH_TEST_DPOP says: for the tests of the bearer path.
    'no-dpop': { type: 'boolean', default: false },
    // The provider serves no discovery document (404), and the app's configuration supplies it (`metadata`).
    'no-discovery': { type: 'boolean', default: false },
    // The provider also signs out at its own `/v2/logout` (with `returnTo`), and the app's configuration
    // overrides the end-session endpoint and its parameter names to use it (`metadata_overrides`).
    'returnto-logout': { type: 'boolean', default: false },
  },
});
if (!['on', 'off'].includes(values.dpop)) throw new Error(`--dpop on|off, not ${values.dpop}`);
const dpop = values.dpop === 'on' && !values['no-dpop'];
const appOrigins = values['app-origin'].map((given) => {
  const url = URL.canParse(given) ? new URL(given) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
    console.error(`--app-origin takes an origin such as http://localhost:3000 (scheme, host, port), not ${given}`);
    process.exit(2);
  }
  return url.origin;
});

let issuer;
let api;
let providerMetadata;
// With --app-origin, the apps are served by their own dev servers.
const app = appOrigins.length ? { origin: undefined, close: async () => {} } : await startStaticServer({
  root: values.dist,
  port: Number(values['spa-port']),
  config: () => ({
    authority: issuer, client_id: CLIENT_ID, scopes: [API_SCOPE], api_base_url: api.url, other_api_url: api.otherUrl,
    ...(values['cache-location'] ? { cache_location: values['cache-location'] } : {}),
    ...(values['popup-timeout'] ? { popup_timeout_secs: Number(values['popup-timeout']) } : {}),
    ...(dpop ? { dpop: 'required' } : {}),
    ...(providerMetadata ? { metadata: providerMetadata } : {}),
    ...(values['returnto-logout'] ? {
      metadata_overrides: {
        end_session_endpoint: `${issuer}/v2/logout`, post_logout_redirect_uri_parameter: 'returnTo', id_token_hint_parameter: '',
      },
    } : {}),
  }),
  // The plain-JS example of the npm package, with the built package beside it.
  mounts: {
    '/js-example/pkg/': values['npm-package'],
    '/js-example/': values['js-example'],
  },
  crossOriginIsolated: values['cross-origin-isolated'],
  coop: values.coop,
});
const provider = await startProvider({
  spaOrigin: app.origin,
  appOrigins,
  port: Number(values['op-port']),
  logPort: Number(values['log-port']),
  accessTokenTtl: Number(values['access-token-ttl']),
  refreshTokens: !values['no-refresh-tokens'],
  rogueIdTokens: values['rogue-id-tokens'],
  endSession: !values['no-end-session'],
  refuseFrames: values['refuse-frames'],
  host: values['provider-host'],
  refuseScope: values['refuse-scope'],
  par: values.par,
  dpop,
  discovery: !values['no-discovery'],
  returnToLogout: values['returnto-logout'],
});
issuer = provider.issuer;
providerMetadata = provider.metadata;
api = await startApi({
  issuer, audience: provider.apiResource, scope: API_SCOPE, spaOrigin: app.origin, appOrigins, port: Number(values['api-port']),
  dpopNonces: dpop,
});

async function stop() {
  await Promise.race([Promise.all([app.close(), provider.close(), api.close()]), new Promise((r) => setTimeout(r, 2000))]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values['max-seconds']) setTimeout(stop, Number(values['max-seconds']) * 1000).unref();

console.log(`READY ${JSON.stringify({ app: app.origin, appOrigins, issuer, api: api.url, otherApi: api.otherUrl, requestLog: provider.requestLog, dpop, pid: process.pid })}`);
if (appOrigins.length) {
  const list = (paths) => appOrigins.flatMap((origin) => paths.map((p) => `${origin}${p}`)).join('\n                      ');
  console.log(`
  Local OpenID provider and demo API for ${appOrigins.join(', ')}
  Authority:          ${issuer}
  Client id:          ${CLIENT_ID}  (a public client: no secret; PKCE)
  Scopes:             openid profile email offline_access ${API_SCOPE}  (${API_SCOPE}: the API's scope)
  API URL:            ${api.url}/orders  (GET, with the access token; CORS allows the origins above)
  Redirect URIs:      ${list(APP_REDIRECT_PATHS)}
  Post-logout URIs:   ${list(APP_POST_LOGOUT_PATHS)}
  Test users:         ${Object.keys(USERS).join(', ')}  (any password)
  Stop with Ctrl-C.`);
} else if (values.banner) {
  console.log(`
  auth-wasm demo:   ${app.origin}
  OpenID provider:  ${issuer}  (request log: ${provider.requestLog})
  Plain JS example: ${app.origin}/js-example/  (the npm package)
  Protected API:    ${api.url}/orders
  Test users:       ${Object.keys(USERS).join(', ')}  (any password)
  Stop with Ctrl-C.`);
}
