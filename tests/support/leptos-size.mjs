// Prints the Leptos marginal cost: what the quick start (leptos-auth/examples/quickstart.rs) weighs
// against the same app without auth (quickstart_without_auth.rs), both built by tests/leptos-size.sh
// (release, wasm-bindgen --target web, wasm-opt -Oz): the .wasm, and the JS (wasm-bindgen's glue and the
// crates' snippets it imports), raw, gzip -9 and brotli, and what auth adds to the code, by crate (from the
// wasm-opt -g copies). The budgeted figure is what a page loads more: the .wasm compressed, plus the JS
// minified by esbuild and compressed, as the npm figure counts them.
//   node support/leptos-size.mjs [dir]    (this part only; support/size-report.mjs checks the budgets)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { brotli, gzip, minified, row } from './measure.mjs';
import { snippets } from './npm-size.mjs';
import { breakdown } from './wasm-breakdown.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const LEPTOS_DIR = path.join(here, '..', '..', 'target', 'leptos-size');
/** The hydrate builds of the quick start with and without auth (tests/ssr-example.sh). */
export const HYDRATE_DIR = path.join(here, '..', '..', 'target', 'ssr-example', 'size');
const WITH = 'quickstart';
const WITHOUT = 'quickstart_without_auth';
const PROBE = 'core_probe';

/** Prints the table and the breakdown; returns the marginal cost, .wasm + JS (gzip, brotli). */
export function leptosSize(dir = LEPTOS_DIR) {
  const file = (app, name) => readFileSync(path.join(dir, app, name));
  const sizes = (bytes) => [bytes.length, gzip(bytes), brotli(bytes)];
  const minus = (a, b) => a.map((x, i) => x - b[i]);
  console.log(`Leptos marginal cost: the quick start against the same app without auth`
    + ` (leptos-auth/examples/${WITH}.rs, ${WITHOUT}.rs; release, wasm-opt -Oz)`);
  row(['file', 'raw', 'gzip-9', 'brotli'], 40);
  const wasm = [WITH, WITHOUT].map((app) => sizes(file(app, `${app}_bg.wasm`)));
  row([`${WITH}_bg.wasm`, ...wasm[0]], 40);
  row([`${WITHOUT}_bg.wasm`, ...wasm[1]], 40);
  row(['marginal cost, .wasm', ...minus(...wasm)], 40);
  // Each JS file minified and compressed on its own, summed: [raw, min+gzip, min+brotli].
  const js = [WITH, WITHOUT].map((app) => {
    const total = [0, 0, 0];
    for (const name of [`${app}.js`, ...snippets(path.join(dir, app), `${app}.js`)]) {
      const bytes = file(app, name);
      const small = minified(name, bytes);
      const cells = [bytes.length, gzip(small), brotli(small)];
      cells.forEach((c, i) => { total[i] += c; });
      row([`${name.replace(/^snippets\/[^/]+\//, 'snippets/…/')}${name.startsWith('snippets') ? '' : ' (glue)'}`
        + ' (min)', ...cells], 40);
    }
    return total;
  });
  row(['marginal cost, JS (min)', ...minus(...js)], 40);
  const total = minus(...wasm).map((x, i) => x + minus(...js)[i]);
  row(['marginal cost, .wasm + JS', ...total], 40);

  const [withAuth, withoutAuth] = [WITH, WITHOUT].map((app) => breakdown(file(app, `${app}.names.wasm`)));
  console.log(`  what auth adds to the .wasm: ${withAuth.code - withoutAuth.code} bytes of code`
    + ` (${withAuth.code} against ${withoutAuth.code}), ${withAuth.data - withoutAuth.data} of data;`
    + ` code by crate, with auth / without / added:`);
  const before = new Map(withoutAuth.groups);
  const groups = new Map(withAuth.groups);
  for (const [group] of withoutAuth.groups) if (!groups.has(group)) groups.set(group, 0);
  const added = [...groups].map(([group, size]) => [group, size, before.get(group) ?? 0])
    .sort((a, b) => (b[1] - b[2]) - (a[1] - a[2]));
  for (const [group, size, base] of added) {
    console.log(`    ${[size, base, size - base].map((n) => String(n).padStart(7)).join(' ')}  ${group}`);
  }

  // The floor of any design that keeps the protocol core in Rust: the app without auth plus the core,
  // driven from JS (core_probe.rs), against the app without auth. Reported, not budgeted.
  const probe = sizes(file(PROBE, `${PROBE}_bg.wasm`));
  const core = minus(probe, wasm[1]);
  console.log(`  the protocol core alone (${PROBE}.rs: the same app plus the core, its I/O left to JS):`
    + ` ${core[1]} B gzip of .wasm (${core[2]} brotli); the browser layer, leptos-auth and their JS add`
    + ` ${total[1] - core[1]} B gzip to it`);
  const [gzipped, brotlied] = total.slice(1);
  return { marginalGzip: gzipped, marginalBrotli: brotlied };
}

/**
 * Prints the hydrate build's marginal cost beside the client-only one (reported, no limit): the same
 * quick start and app without auth, built for hydration (leptos-auth/examples/ssr/examples/
 * hydrate_quickstart*.rs), measured as the client-only figure is. Returns it (gzip), or null when
 * tests/ssr-example.sh has not built them.
 */
export function hydrateSize(clientOnlyGzip, dir = HYDRATE_DIR) {
  const apps = ['hydrate_quickstart', 'hydrate_quickstart_without_auth'];
  if (!apps.every((app) => existsSync(path.join(dir, app, `${app}_bg.wasm`)))) {
    console.log('Leptos hydrate marginal cost: not built (bash tests/ssr-example.sh)');
    return null;
  }
  const gzipped = apps.map((app) => {
    const file = (name) => readFileSync(path.join(dir, app, name));
    const js = [`${app}.js`, ...snippets(path.join(dir, app), `${app}.js`)]
      .reduce((sum, name) => sum + gzip(minified(name, file(name))), 0);
    return [gzip(file(`${app}_bg.wasm`)), js];
  });
  const [wasm, js] = [0, 1].map((i) => gzipped[0][i] - gzipped[1][i]);
  console.log(`Leptos marginal cost of a server-rendered app's browser build (the quick start and the app`
    + ` without auth built for hydration; reported, no limit): ${n(wasm + js)} B gzip (.wasm ${n(wasm)},`
    + ` JS min ${n(js)}), beside the client-only ${n(clientOnlyGzip)} B`);
  return wasm + js;
}

const n = (bytes) => bytes.toLocaleString('en-US');

if (import.meta.url === `file://${process.argv[1]}`) {
  const { marginalGzip } = leptosSize(process.argv[2] ?? LEPTOS_DIR);
  hydrateSize(marginalGzip);
}
