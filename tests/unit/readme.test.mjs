// The README's Leptos quick start, and the same with a token for an API, are the examples CI compiles, word
// for word.
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
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

// "Use it in your own app": its blocks are the files of the apps the test command builds (tests/apps/).
// The Leptos app's paths to this repository (../../../) are the README's to a clone beside the app
// (../auth-wasm/), the one difference allowed.
const ownAppBlocks = [
  ['toml', 'tests/apps/leptos-app/Cargo.toml'],
  ['toml', 'tests/apps/leptos-app/Trunk.toml'],
  ['html', 'tests/apps/leptos-app/index.html'],
  ['html', 'tests/apps/react-app/public/silent-callback.html'],
  ['jsx', 'tests/apps/react-app/src/main.jsx'],
];

/** The text of the README's section `heading` (to the next `## `). */
function section(readme, heading) {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `the README has ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test('"Use it in your own app" comes right after "The two commands"', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const headings = readme.split('\n').filter((line) => line.startsWith('## '));
  assert.equal(headings[headings.indexOf('## The two commands') + 1], '## Use it in your own app');
  const own = section(readme, '## Use it in your own app');
  assert.ok(own.includes('\n### Leptos with trunk\n') && own.includes('\n### React with Vite and React Router\n'));
});

for (const [lang, file] of ownAppBlocks) {
  test(`"Use it in your own app" shows ${file} word for word`, () => {
    const own = section(readFileSync(new URL('README.md', root), 'utf8'), '## Use it in your own app');
    const text = readFileSync(new URL(file, root), 'utf8').replaceAll('../../../', '../auth-wasm/');
    assert.ok(own.includes(`\`\`\`${lang}\n${text}\`\`\``), `update the README block from ${file}`);
  });
}

test('the Leptos app of one\'s own is the quick start with a token call (quickstart_api.rs)', () => {
  // One file, not a copy: the app's main.rs is a link to the example the README shows.
  const main = new URL('tests/apps/leptos-app/src/main.rs', root);
  assert.ok(lstatSync(main).isSymbolicLink(), 'main.rs links to leptos-auth/examples/quickstart_api.rs');
  assert.equal(realpathSync(main), realpathSync(new URL('leptos-auth/examples/quickstart_api.rs', root)));
});

test('the Leptos app of one\'s own locks the workspace\'s wasm-bindgen (the CLI tests/setup.sh installs)', () => {
  const locked = (file) => readFileSync(new URL(file, root), 'utf8').match(/\nname = "wasm-bindgen"\nversion = "([^"]+)"/)?.[1];
  assert.ok(locked('Cargo.lock'));
  assert.equal(locked('tests/apps/leptos-app/Cargo.lock'), locked('Cargo.lock'));
});
