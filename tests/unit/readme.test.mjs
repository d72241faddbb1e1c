// The README's Leptos quick start is the example CI compiles, word for word.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);

test('the README quick start is leptos-auth/examples/quickstart.rs', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = readFileSync(new URL('leptos-auth/examples/quickstart.rs', root), 'utf8');
  assert.ok(readme.includes(`\`\`\`rust\n${example}\`\`\``), 'update the README block from the example');
});
