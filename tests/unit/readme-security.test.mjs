// Every test the README's Security table names exists and runs: Rust tests as `file.rs: name` (a `fn name(`
// in that file of auth-wasm, outside comments, under a test attribute and not `#[ignore]`d), node tests as
// `dir/file.test.mjs` "name", "name" (tests of that file, not skipped or todo, whose names may be templates
// such as `refuses ${attack}`, where a template part stands for one piece of text without spaces at its
// ends). Every row names at least one.
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

/** `source` with its comments blanked out (`//` to the end of a line, and block comments). */
const withoutComments = (source) => source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:"'`])\/\/.*$/gm, '$1');

/** The names of the node tests of `file` that run (not `.skip`, `.todo`, or given `{ skip }`/`{ todo }`),
 * as regular expressions. */
function nodeTestNames(file) {
  const source = withoutComments(readFileSync(file, 'utf8'));
  const calls = [...source.matchAll(/\b(?:it|test)(\.\w+)?\((['`])((?:\\.|(?!\2).)*)\2\s*(,\s*\{[^}]*\})?/g)];
  const running = calls.filter(([, modifier, , , options]) => !modifier && !/\b(skip|todo)\b/.test(options ?? ''));
  return running.map(([, , , name]) => {
    const escaped = name.replace(/\\(.)/g, '$1').split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${escaped.join('\\S(?:.*\\S)?')}$`);
  });
}

/** Whether `source` (a Rust file) has a test `name` that runs: `fn name(` outside comments, with a test
 * attribute (`#[test]`, `#[wasm_bindgen_test]`, or a `cfg_attr` of one) among the attributes right above it,
 * and no `#[ignore]`. */
function runsRustTest(source, name) {
  const code = withoutComments(source);
  const at = code.search(new RegExp(`\\bfn ${name}\\(`));
  if (at < 0) return false;
  const attributes = [];
  for (const line of code.slice(0, at).split('\n').reverse().slice(1)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#[')) break;
    attributes.push(trimmed);
  }
  return attributes.some((a) => /\b(test|wasm_bindgen_test)\b/.test(a)) && !attributes.some((a) => /^#\[ignore/.test(a));
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
        if (!sources.some((s) => runsRustTest(s, name))) missing.push(`${file}: ${name}`);
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
