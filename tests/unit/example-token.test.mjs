// The plain-JS example page describes any access token, JWT or opaque, without throwing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeToken, jwtClaims } from '../../auth-wasm/npm/example/token.js';

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims) => `${b64url({ alg: 'RS256', typ: 'at+jwt' })}.${b64url(claims)}.c2lnbmF0dXJl`;

test('a JWT access token shows its subject, scope and expiry', () => {
  const token = jwt({ sub: 'alice', scope: 'api:read', exp: 1_900_000_000 });
  assert.match(describeToken(token, 1), /^Call 1: an access token for alice, scope api:read, expires /);
});

test('an opaque access token shows its length, not its content', () => {
  for (const token of ['2YotnFZFEjr1zCsicMWpAA', 'a.b.c', 'x.eyJub3QiOiJqc29uIn0.y', 'a.b', '...', '']) {
    const text = describeToken(token, 2);
    assert.equal(text, `Call 2: an opaque access token (${token.length} characters), for the API to read`);
  }
});

test('only three base64url parts with JSON objects for header and payload count as a JWT', () => {
  assert.deepEqual(jwtClaims(jwt({ sub: 'bob' })), { sub: 'bob' });
  assert.equal(jwtClaims(`${b64url({ alg: 'none' })}.${b64url([1, 2])}.`), undefined, 'an array payload');
  assert.equal(jwtClaims(`${b64url({ alg: 'dir', enc: 'A256GCM' })}.key.iv.ciphertext.tag`), undefined, 'a JWE');
  assert.equal(jwtClaims(`${b64url({ alg: 'RS256' })}.%%%.sig`), undefined, 'not base64url');
  assert.equal(jwtClaims(undefined), undefined);
});

test('claims of unexpected types are left out, not shown as undefined', () => {
  const text = describeToken(jwt({ sub: 42, scope: ['api:read'], exp: 'soon' }), 3);
  assert.equal(text, 'Call 3: an access token');
});
