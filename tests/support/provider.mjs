// A real OpenID provider for the demo and the end-to-end tests: npm `oidc-provider` (OpenID-certified),
// configured for a browser public client, bound to 127.0.0.1.
//
// Besides the provider, it runs a request log on a separate loopback port, so tests can see what the
// provider received (authorize parameters, token requests) without scraping its HTML.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import http from 'node:http';

import Provider, { errors } from 'oidc-provider';

export const CLIENT_ID = 'demo-spa';
export const API_SCOPE = 'api:read';
// Another scope of the demo API, which no configuration asks for at sign-in: an app asks for it later.
export const API_WRITE_SCOPE = 'api:write';
export const USERS = {
  alice: { name: 'Alice Example', given_name: 'Alice', family_name: 'Example', email: 'alice@example.com' },
  bob: { name: 'Bob Example', given_name: 'Bob', family_name: 'Example', email: 'bob@example.com' },
};
// What an app of its own (not the demo) registers, for each origin the local stack is started for
// (`stack.mjs --app-origin`): the paths leptos-auth and the npm package use by default, and the root,
// where the npm package's example comes back to.
export const APP_REDIRECT_PATHS = ['/authentication/login-callback', '/silent-callback.html', '/popup-callback.html', '/'];
export const APP_POST_LOGOUT_PATHS = ['/authentication/logout-callback', '/'];
// Parameters whose values are secrets: the request log keeps that they were sent, not what they were.
const SECRET_PARAMS = new Set(['code', 'code_verifier', 'refresh_token', 'id_token_hint', 'token', 'password']);

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [
    { ...rsa, kid: `rsa-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `ec-${randomBytes(4).toString('hex')}`, alg: 'ES256', use: 'sig' },
  ];
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

// A page without web fonts (the default one loads Google Fonts, which a closed network never answers).
function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;text-align:center}
button{font:inherit;padding:.5rem 1rem;margin:.25rem}</style></head><body>
<h1>Sign out of the demo provider?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
}

function postLogoutSuccessSource(ctx) {
  ctx.body = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>'
    + '<body><h1>You are signed out.</h1></body></html>';
}

/**
 * Starts the provider and its request log.
 * @param {object} options
 * @param {string} [options.spaOrigin] the demo's origin (CORS, the demo's redirect URIs)
 * @param {string[]} [options.appOrigins] origins of other apps (CORS, APP_REDIRECT_PATHS and
 *   APP_POST_LOGOUT_PATHS on each)
 * @param {number} [options.port] 0 for any free port
 * @param {number} [options.logPort] 0 for any free port
 * @param {number} [options.accessTokenTtl] seconds
 * @param {boolean} [options.refreshTokens] issue refresh tokens (default true)
 * @param {boolean} [options.rogueIdTokens] re-sign every ID token with a key that is not in the JWKS,
 *   keeping its header (kid): a forged token a client must reject
 * @param {boolean} [options.endSession] RP-initiated logout (default true); without it discovery names
 *   no end_session_endpoint, as with many OAuth-first servers
 * @param {boolean} [options.refuseFrames] answer `prompt=none` authorization requests with a page that
 *   refuses to be framed (`X-Frame-Options: DENY`) instead of a redirect, as providers that forbid
 *   iframes do: a hidden-iframe renewal can never come back
 * @param {string} [options.host] the host name of the issuer's URLs (default 127.0.0.1; it listens on
 *   127.0.0.1 whatever the name)
 * @param {string} [options.refuseScope] a scope the user unticks on the consent page: the grant holds
 *   the other scopes asked for, with this one refused, and the token response's `scope` lacks it
 * @param {'on'|'off'|'required'} [options.par] pushed authorization requests (RFC 9126): offered (default),
 *   not offered, or required (the authorize endpoint takes only a pushed request's `request_uri`)
 * @param {boolean} [options.dpop] DPoP (RFC 9449) with nonces: metadata lists
 *   `dpop_signing_alg_values_supported`, a token request with a proof gets DPoP-bound tokens (and, from a
 *   public client, a bound refresh token), and a proof without the provider's current nonce is answered
 *   `use_dpop_nonce` with a `DPoP-Nonce`. Requests without a proof still get bearer tokens. Off: the
 *   provider knows nothing of DPoP (oidc-provider's own default is on, without nonces).
 * @param {boolean} [options.discovery] serve the discovery document (default true); without it
 *   `/.well-known/openid-configuration` answers 404, and the document it would have served is returned as
 *   `metadata`, for the app's configuration to supply
 * @param {boolean} [options.returnToLogout] also sign out at `/v2/logout?client_id&returnTo&state`, as some
 *   hosted providers do (a logout URL of their own, which discovery does not name, with `returnTo` for the
 *   post-logout redirect URI): it sends the browser on to the end-session endpoint
 */
export async function startProvider({
  spaOrigin, appOrigins = [], port = 0, logPort = 0, accessTokenTtl = 3600, refreshTokens = true, rogueIdTokens = false,
  endSession = true, refuseFrames = false, host = '127.0.0.1', refuseScope, par = 'on', dpop = false,
  discovery = true, returnToLogout = false,
}) {
  const server = http.createServer();
  const actualPort = await listen(server, port);
  const issuer = `http://${host}:${actualPort}`;
  const apiResource = `${issuer}/api`;

  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [
        ...(spaOrigin ? [
          `${spaOrigin}/authentication/login-callback`, `${spaOrigin}/silent-callback.html`, `${spaOrigin}/js-example/`,
          `${spaOrigin}/popup-callback.html`,
        ] : []),
        ...appOrigins.flatMap((origin) => APP_REDIRECT_PATHS.map((p) => `${origin}${p}`)),
      ],
      post_logout_redirect_uris: [
        ...(spaOrigin ? [`${spaOrigin}/authentication/logout-callback`, `${spaOrigin}/js-example/`] : []),
        ...appOrigins.flatMap((origin) => APP_POST_LOGOUT_PATHS.map((p) => `${origin}${p}`)),
      ],
    }],
    async findAccount(_ctx, sub) {
      const user = USERS[sub];
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, preferred_username: sub, email_verified: true, ...user };
        },
      };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    // Profile claims in the ID token too, so the app can show the user without a userinfo call.
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    jwks: { keys: signingKeys() },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    // oidc-provider drops offline_access unless prompt=consent (OIDC Core §11); a public SPA client
    // gets a (rotating) refresh token whenever it may use the refresh_token grant.
    async issueRefreshToken(_ctx, client, code) {
      return refreshTokens && client.grantTypeAllowed('refresh_token') && code.scopes.has('openid');
    },
    clientBasedCORS(_ctx, origin) {
      return origin === spaOrigin || appOrigins.includes(origin);
    },
    ttl: {
      AccessToken: accessTokenTtl,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
      Interaction: 3600,
      AuthorizationCode: 60,
    },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      pushedAuthorizationRequests: { enabled: par !== 'off', requirePushedAuthorizationRequests: par === 'required' },
      // Nonces on every DPoP request: a client's first proof costs one `use_dpop_nonce` retry. A nonce is
      // good for a few minutes (a new one every minute); an answer carries a `DPoP-Nonce` only when the
      // proof's was not the newest, so a client keeps the last one it was given.
      dPoP: dpop ? { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true } : { enabled: false },
      rpInitiatedLogout: { enabled: endSession, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        // Tokens are for the demo API whenever the API scope is asked for without another resource.
        async defaultResource(ctx, _client, oneOf) {
          if (oneOf) return oneOf;
          const scope = ctx.oidc.params?.scope ?? '';
          return scope.split(' ').includes(API_SCOPE) ? apiResource : undefined;
        },
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (resourceIndicator !== apiResource) throw new errors.InvalidTarget();
          return {
            scope: `${API_SCOPE} ${API_WRITE_SCOPE}`,
            audience: apiResource,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });

  const rogueKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  if (rogueIdTokens) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !ctx.body?.id_token) return;
      const [header, payload] = ctx.body.id_token.split('.');
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), rogueKey).toString('base64url');
      ctx.body = { ...ctx.body, id_token: `${header}.${payload}.${signature}` };
    });
  }

  // Pushed authorization requests (RFC 9126), by the request_uri the provider answered with: their
  // parameters as the app pushed them. What this support reads of an authorization request (the request
  // log, the frame refusal, the select_account rewrite) reads the pushed parameters too.
  const pushed = new Map();
  // The authorization request's parameters as the app sent them: the query, with what it pushed.
  const authorizeParams = (query) => ({ ...(pushed.get(query.request_uri) ?? {}), ...query });
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/request') return next();
    // The body is read here, kept as sent, and handed on (with prompt=select_account rewritten as
    // below); oidc-provider reads `req.body` when the stream is used up.
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    const asSent = Object.fromEntries(new URLSearchParams(body));
    ctx.state.pushedAsSent = asSent;
    ctx.req.body = asSent.prompt === 'select_account' ? body.replace('prompt=select_account', 'prompt=login') : body;
    await next();
    if (ctx.status === 201 && ctx.body?.request_uri) pushed.set(ctx.body.request_uri, asSent);
    return undefined;
  });

  const requests = [];
  provider.use(async (ctx, next) => {
    // The query as the browser sent it (the provider later drops what it will not honour).
    const query = { ...ctx.query };
    await next();
    const params = ctx.method === 'GET'
      ? authorizeParams(query)
      : { ...query, ...(ctx.state.pushedAsSent ?? ctx.oidc?.params ?? {}) };
    for (const name of Object.keys(params)) {
      if (params[name] === undefined) delete params[name];
      // A refresh token is logged by a fingerprint (not the token), so tests can tell whether one was
      // presented twice.
      else if (name === 'refresh_token') params[name] = `sha256:${createHash('sha256').update(String(params[name])).digest('hex').slice(0, 16)}`;
      else if (SECRET_PARAMS.has(name)) params[name] = '[redacted]';
    }
    requests.push({
      method: ctx.method,
      path: ctx.path,
      route: ctx.oidc?.route,
      params,
      // The names in the URL's query: with a pushed request, client_id and request_uri only.
      queryNames: ctx.method === 'GET' ? Object.keys(query) : undefined,
      origin: ctx.get('origin') || undefined,
      // Whether a DPoP proof came with it (never the proof), the token type of a token answer, and the
      // nonce the answer carried (nonces are no secret).
      dpopProof: Boolean(ctx.get('dpop')),
      tokenType: ctx.oidc?.route === 'token' ? ctx.body?.token_type : undefined,
      dpopNonce: ctx.response.get('dpop-nonce') || undefined,
      status: ctx.status,
      // The OAuth error of a failed request (no secrets in it), to make test failures readable.
      error: ctx.status >= 400 && ctx.body?.error ? `${ctx.body.error}: ${ctx.body.error_description ?? ''}` : undefined,
      at: Date.now(),
    });
  });
  // Switched on by POST /hang-token-endpoint on the request log: from then on, token requests get no
  // answer at all, as from a provider that hangs. The log never sees such a request end, so it is logged
  // here as it arrives, with status 'hung'; the connection stays open until the client gives up or the
  // server closes.
  let hangTokenEndpoint = false;
  provider.use(async (ctx, next) => {
    if (!hangTokenEndpoint || ctx.method !== 'POST' || ctx.path !== '/token') return next();
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    const form = new URLSearchParams(body);
    const refreshToken = form.get('refresh_token');
    requests.push({
      method: ctx.method,
      path: ctx.path,
      route: 'token',
      params: {
        grant_type: form.get('grant_type') ?? undefined,
        refresh_token: refreshToken === null ? undefined : `sha256:${createHash('sha256').update(refreshToken).digest('hex').slice(0, 16)}`,
      },
      origin: ctx.get('origin') || undefined,
      status: 'hung',
      at: Date.now(),
    });
    return new Promise(() => {});
  });
  // Discovery turned off (after the document is read for `metadata`, below). Registered after the log,
  // which still records the request.
  let serveDiscovery = true;
  provider.use(async (ctx, next) => {
    if (serveDiscovery || ctx.path !== '/.well-known/openid-configuration') return next();
    ctx.status = 404;
    ctx.body = 'discovery is turned off';
    return undefined;
  });
  if (returnToLogout) {
    // Registered after the log, which records the request as the app sent it.
    provider.use(async (ctx, next) => {
      if (ctx.method !== 'GET' || ctx.path !== '/v2/logout') return next();
      const { client_id: clientId, returnTo, state } = ctx.query;
      const endSession = new URL(`${issuer}/session/end`);
      for (const [name, value] of Object.entries({ client_id: clientId, post_logout_redirect_uri: returnTo, state })) {
        if (value !== undefined) endSession.searchParams.set(name, value);
      }
      ctx.redirect(endSession.href);
      return undefined;
    });
  }
  if (refuseFrames) {
    // Registered after the log, which still records the request.
    provider.use(async (ctx, next) => {
      if (ctx.path !== '/auth' || authorizeParams(ctx.query).prompt !== 'none') return next();
      ctx.status = 200;
      ctx.set('x-frame-options', 'DENY');
      ctx.set('content-security-policy', "frame-ancestors 'none'");
      ctx.type = 'html';
      ctx.body = '<!DOCTYPE html><title>Not in a frame</title><p>This provider cannot be framed.</p>';
      return undefined;
    });
  }
  // Refresh answers lost on the way back (POST /lose-refresh-answers?mode=drop|hold on the log server):
  // the provider takes the next refresh grant (the token is rotated and the old one consumed, so that
  // presenting it again revokes the grant), then `drop` closes the connection and `hold` never answers,
  // as a network that drops a response or a tab closed while its request is in flight. Registered after
  // the log, which still records the request.
  let loseNextRefreshAnswer;
  provider.use(async (ctx, next) => {
    await next();
    const mode = loseNextRefreshAnswer;
    if (!mode || ctx.oidc?.route !== 'token' || ctx.oidc.params?.grant_type !== 'refresh_token' || ctx.status !== 200) return;
    loseNextRefreshAnswer = undefined;
    ctx.respond = false;
    if (mode === 'drop') ctx.req.socket.destroy();
  });
  if (refuseScope) {
    // The consent of the dev interactions, with `refuseScope` unticked: the grant records it as refused
    // (so consent is not asked again for it), and the tokens are issued without it. (Registered after the
    // log, which records the request.)
    provider.use(async (ctx, next) => {
      if (ctx.method !== 'POST' || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
      const { prompt, grantId, session, params } = await provider.interactionDetails(ctx.req, ctx.res);
      if (prompt.name !== 'consent') return next();
      const grant = grantId
        ? await provider.Grant.find(grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const { missingOIDCScope, missingOIDCClaims, missingResourceScopes = {} } = prompt.details;
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missingResourceScopes)) {
        const granted = scopes.filter((scope) => scope !== refuseScope);
        if (granted.length) grant.addResourceScope(resource, granted.join(' '));
        if (granted.length < scopes.length) grant.rejectResourceScope(resource, refuseScope);
      }
      const result = { consent: { grantId: await grant.save() } };
      return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    });
  }
  // This provider has no account picker: prompt=select_account shows its login form, where any of the
  // users can be chosen. (Registered after the log, which keeps the prompt as the app sent it.)
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth' && ctx.query.prompt === 'select_account') ctx.query = { ...ctx.query, prompt: 'login' };
    await next();
  });
  server.on('request', provider.callback());

  // The request log: GET /requests lists what the provider received; DELETE /requests clears it.
  // (POST /hang-token-endpoint: see above.)
  const logServer = http.createServer((req, res) => {
    if (req.url === '/requests' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(requests));
    } else if (req.url === '/requests' && req.method === 'DELETE') {
      requests.length = 0;
      res.writeHead(204).end();
    } else if (req.url.startsWith('/lose-refresh-answers?mode=') && req.method === 'POST') {
      loseNextRefreshAnswer = new URL(req.url, 'http://log').searchParams.get('mode');
      res.writeHead(204).end();
    } else if (req.url === '/hang-token-endpoint' && req.method === 'POST') {
      hangTokenEndpoint = true;
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  const actualLogPort = await listen(logServer, logPort);

  let metadata;
  if (!discovery) {
    metadata = await (await fetch(`http://127.0.0.1:${actualPort}/.well-known/openid-configuration`)).json();
    serveDiscovery = false;
    requests.length = 0;
  }

  return {
    issuer,
    apiResource,
    requestLog: `http://127.0.0.1:${actualLogPort}/requests`,
    metadata,
    close: () => Promise.all([server, logServer].map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); }))),
  };
}
