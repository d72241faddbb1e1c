// The library crates state compatible version ranges, not exact versions: an app that needs another 0.2.x of
// wasm-bindgen (or a dependency of it that does) must still resolve. The workspace's Cargo.lock keeps its own
// exact versions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);

/** The `name = "…"` / `name = { version = "…" }` lines of `section` (a TOML table) whose version is exact. */
function exactPins(file, section) {
  const text = readFileSync(new URL(file, root), 'utf8');
  const start = text.indexOf(`\n[${section}]\n`);
  if (start < 0) return [];
  const body = text.slice(start + section.length + 4).split(/\n\[/)[0];
  return body.split('\n').filter((line) => /^[\w-]+\s*=\s*("=|\{[^}]*version\s*=\s*"=)/.test(line));
}

test('the workspace and the library crates pin no dependency to an exact version', () => {
  const pins = [
    ...exactPins('Cargo.toml', 'workspace.dependencies'),
    ...['auth-wasm', 'leptos-auth'].flatMap((crate) => [
      'dependencies', "target.'cfg(target_arch = \"wasm32\")'.dependencies",
      "target.'cfg(not(target_arch = \"wasm32\"))'.dependencies",
    ].flatMap((section) => exactPins(`${crate}/Cargo.toml`, section))),
  ];
  assert.deepEqual(pins, [], 'state a compatible range (e.g. "0.2.114"); Cargo.lock keeps the exact version');
});
