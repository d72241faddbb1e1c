// The npm README's JavaScript and JSX blocks are code as written: each parses (esbuild, as an ES module).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { transformSync } from 'esbuild';

const readme = readFileSync(new URL('../../auth-wasm/npm/README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```(js|jsx)\n([\s\S]*?)```/g)].map(([, loader, code]) => ({ loader, code }));

test('the npm README has its JS blocks and its React block', () => {
  assert.ok(blocks.length >= 5, `${blocks.length} blocks`);
  assert.ok(blocks.some((b) => b.loader === 'jsx' && b.code.includes("from 'auth-wasm/react'")));
});

test('every JS and JSX block of the npm README parses', () => {
  for (const { loader, code } of blocks) {
    assert.doesNotThrow(() => transformSync(code, { loader, format: 'esm', target: 'es2022', jsx: 'automatic' }),
      `a ${loader} block does not parse:\n${code}`);
  }
});

test('the README names no redirect URI the provider would not match', () => {
  assert.doesNotMatch(readme, /redirectUri: '\/'/, 'the defaults are the paths to register');
});
