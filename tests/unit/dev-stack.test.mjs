// The local stack for apps of your own (`stack.mjs --app-origin`, run by tests/run-provider.sh): started for
// two origins, the provider and the demo API accept both (redirect URIs, post-logout URIs, CORS of the token
// endpoint and of the API) and refuse a third, and it prints what to configure an app with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

import { API_SCOPE, APP_POST_LOGOUT_PATHS, APP_REDIRECT_PATHS, CLIENT_ID } from '../support/provider.mjs';

const ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:5173'];
const OTHER = 'http://localhost:4000';
let stack;
let ready;
let printed = '';

before(async () => {
  stack = spawn(process.execPath, [
    new URL('../support/stack.mjs', import.meta.url).pathname,
    ...ORIGINS.flatMap((origin) => ['--app-origin', origin]), '--max-seconds', '120',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: stack.stdout });
  ready = await new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      printed += `${line}\n`;
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice('READY '.length)));
    });
    stack.once('exit', (code) => reject(new Error(`the stack exited (${code}) before READY`)));
  });
  // The block after the READY line.
  while (!printed.includes('Stop with Ctrl-C.')) await new Promise((r) => setTimeout(r, 20));
});

after(async () => {
  if (stack.exitCode === null) {
    stack.kill('SIGTERM');
    await once(stack, 'exit');
  }
});

function authorizeUrl(redirectUri) {
  const url = new URL(`${ready.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID, response_type: 'code', scope: `openid ${API_SCOPE}`, redirect_uri: redirectUri,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  });
  return url;
}

test('it serves discovery, and no app', async () => {
  assert.equal(ready.app, undefined);
  assert.deepEqual(ready.appOrigins, ORIGINS);
  const discovery = await (await fetch(`${ready.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(discovery.issuer, ready.issuer);
  assert.ok(discovery.authorization_endpoint.startsWith(ready.issuer));
  assert.ok(discovery.end_session_endpoint);
});

test('an authorization request is accepted with each redirect URI of each origin, refused for another origin', async () => {
  for (const origin of ORIGINS) {
    for (const path of APP_REDIRECT_PATHS) {
      const answer = await fetch(authorizeUrl(`${origin}${path}`), { redirect: 'manual' });
      assert.equal(answer.status, 303, `${origin}${path}: ${await answer.text()}`);
      assert.match(answer.headers.get('location'), /\/interaction\//, `${origin}${path}`);
    }
  }
  const refused = await fetch(authorizeUrl(`${OTHER}/authentication/login-callback`), { redirect: 'manual' });
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /invalid_redirect_uri/);
});

test('sign-out may come back to each origin, not to another', async () => {
  const endSession = (uri) => fetch(`${ready.issuer}/session/end?${new URLSearchParams({
    client_id: CLIENT_ID, post_logout_redirect_uri: uri,
  })}`, { redirect: 'manual' });
  for (const origin of ORIGINS) {
    for (const path of APP_POST_LOGOUT_PATHS) {
      const answer = await endSession(`${origin}${path}`);
      assert.equal(answer.status, 200, `${origin}${path}: ${await answer.text()}`);
    }
  }
  const refused = await endSession(`${OTHER}/authentication/logout-callback`);
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /post_logout_redirect_uri not registered/);
});

test("the token endpoint's CORS allows each origin, not another", async () => {
  const tokenRequest = (origin) => fetch(`${ready.issuer}/token`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: CLIENT_ID, code: 'not-a-code',
      code_verifier: 'a'.repeat(43), redirect_uri: `${origin}/`,
    }),
  });
  for (const origin of ORIGINS) {
    const answer = await tokenRequest(origin);
    assert.equal(answer.headers.get('access-control-allow-origin'), origin);
    assert.equal((await answer.json()).error, 'invalid_grant');
  }
  const refused = await tokenRequest(OTHER);
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
  assert.match((await refused.json()).error_description, /origin .* not allowed/);
});

test("the API's CORS allows each origin, not another", async () => {
  for (const origin of ORIGINS) {
    const preflight = await fetch(`${ready.api}/orders`, { method: 'OPTIONS', headers: { origin } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.match(preflight.headers.get('access-control-allow-headers'), /authorization/);
    const unauthorized = await fetch(`${ready.api}/orders`, { headers: { origin } });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.headers.get('access-control-allow-origin'), origin);
  }
  const other = await fetch(`${ready.api}/orders`, { method: 'OPTIONS', headers: { origin: OTHER } });
  assert.notEqual(other.headers.get('access-control-allow-origin'), OTHER);
});

test('it prints the authority, client id, scopes, API URL and redirect URIs', () => {
  assert.match(printed, new RegExp(`Authority: +${ready.issuer}\\n`));
  assert.match(printed, new RegExp(`Client id: +${CLIENT_ID} `));
  assert.match(printed, new RegExp(`Scopes: .*${API_SCOPE}`));
  assert.match(printed, new RegExp(`API URL: +${ready.api}/orders`));
  for (const origin of ORIGINS) {
    for (const path of APP_REDIRECT_PATHS) assert.ok(printed.includes(`${origin}${path}\n`), `${origin}${path}`);
  }
});
