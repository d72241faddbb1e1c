// Every test the README's Security table names exists: Rust tests as `file.rs: name` (a `fn name(` in
// that file of auth-wasm), node tests as `dir/file.test.mjs` "name", "name" (tests of that file, whose
// names may be templates such as `refuses ${attack}`). Every row names at least one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function filesUnder(dir, suffix) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f));
}

const securityRows = () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Security\n')[1]?.split('\n## ')[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| threat') && !line.startsWith('|---'));
};

/** The names of the node tests of `file`, as regular expressions (template parts match anything). */
function nodeTestNames(file) {
  const source = readFileSync(file, 'utf8');
  const names = [...source.matchAll(/\b(?:it|test)\((['`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2]);
  return names.map((name) => {
    const escaped = name.replace(/\\(.)/g, '$1').split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${escaped.join('.+')}$`);
  });
}

test('the README has a Security section with a row per threat', () => {
  assert.ok(securityRows().length >= 28, 'the Security table');
});

test('every test the Security table names exists', () => {
  const rustFiles = filesUnder(path.join(root, 'auth-wasm'), '.rs');
  const missing = [];
  for (const row of securityRows()) {
    const tests = row.split(' | ').at(-1);
    for (const [, file, first, more] of tests.matchAll(/`([\w-]+\.rs): (\w+)`((?:, `\w+`)*)/g)) {
      const sources = rustFiles.filter((f) => path.basename(f) === file).map((f) => readFileSync(f, 'utf8'));
      for (const name of [first, ...(more.match(/\w+/g) ?? [])]) {
        if (!sources.some((s) => s.includes(`fn ${name}(`))) missing.push(`${file}: ${name}`);
      }
    }
    for (const [, file, list] of tests.matchAll(/`((?:e2e|unit)\/[\w.-]+\.test\.mjs)` ((?:"[^"]+"(?:, )?)+)/g)) {
      const names = nodeTestNames(path.join(root, 'tests', file));
      for (const [, name] of list.matchAll(/"([^"]+)"/g)) {
        if (!names.some((pattern) => pattern.test(name))) missing.push(`${file} "${name}"`);
      }
    }
    if (!/`[\w.-]+\.rs: |\.test\.mjs` "/.test(tests)) missing.push(`no test in: ${row.slice(0, 80)}`);
  }
  assert.deepEqual(missing, []);
});
