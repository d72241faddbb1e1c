// The README's Leptos quick start, and the same with a token for an API, are the examples CI compiles, word
// for word.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);

test('the README quick start is leptos-auth/examples/quickstart.rs', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = readFileSync(new URL('leptos-auth/examples/quickstart.rs', root), 'utf8');
  assert.ok(readme.includes(`\`\`\`rust\n${example}\`\`\``), 'update the README block from the example');
});

test('the README quick start with an API token is leptos-auth/examples/quickstart_api.rs', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = readFileSync(new URL('leptos-auth/examples/quickstart_api.rs', root), 'utf8');
  assert.ok(readme.includes(`\`\`\`rust\n${example}\`\`\``), 'update the README block from the example');
});
