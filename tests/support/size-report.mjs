// The size report of the test command: the npm package (what a page loads, min+gzip and min+brotli) and
// the Leptos marginal cost (the quick start against the same app without auth, gzip and brotli of the
// .wasm), each checked against tests/support/size-budgets.json. Exits 1 when a figure is over its limit,
// or when a measured .wasm is not a module that WebAssembly would compile (an empty or truncated file
// would otherwise pass as small).
// The React entry point is its own figure (react-min-gzip), not part of the npm one.
// Run after tests/build-npm.sh and tests/leptos-size.sh (and tests/ssr-example.sh, for the hydrate
// build's marginal cost, which is reported beside the client-only one with no limit):
//   node support/size-report.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { LEPTOS_DIR, hydrateSize, leptosSize } from './leptos-size.mjs';
import { NPM_DIR, npmSize, reactSize } from './npm-size.mjs';

const BUDGETS = new URL('./size-budgets.json', import.meta.url);
const { figures } = JSON.parse(readFileSync(BUDGETS, 'utf8'));

const npm = npmSize();
console.log();
const leptos = leptosSize();
console.log();
hydrateSize(leptos.marginalGzip);

// What each budgeted figure is, and its brotli companion (reported, not budgeted: the issue budgets gzip).
const measured = {
  'npm-min-gzip': { bytes: npm.minGzip, brotli: npm.minBrotli },
  'leptos-marginal-gzip': { bytes: leptos.marginalGzip, brotli: leptos.marginalBrotli },
};
const missing = Object.keys(measured).filter((id) => !figures[id]);
if (missing.length) throw new Error(`size-budgets.json names no budget for ${missing.join(', ')}`);

const n = (bytes) => bytes.toLocaleString('en-US');
const cell = (text, width) => String(text).padStart(width);
console.log(`\nSize budgets (tests/support/size-budgets.json), in bytes:`);
console.log(`${'figure'.padEnd(44)}${cell('measured', 10)}${cell('limit (enforced)', 18)}${cell('budget', 10)}`
  + `${cell('stretch', 10)}`);
const failures = [];
// Every .wasm a figure measures must be a whole module: a size that comes from a broken build is no size.
const measuredWasm = [
  path.join(NPM_DIR, 'auth_wasm_bg.wasm'),
  ...['quickstart', 'quickstart_without_auth'].map((app) => path.join(LEPTOS_DIR, app, `${app}_bg.wasm`)),
];
const broken = measuredWasm.filter((file) => !WebAssembly.validate(readFileSync(file)));
for (const [id, { bytes, brotli }] of Object.entries(measured)) {
  const { title, limit, budget, stretch } = figures[id];
  console.log(`${title.padEnd(44)}${cell(n(bytes), 10)}${cell(n(limit), 18)}${cell(n(budget), 10)}`
    + `${cell(n(stretch), 10)}`);
  console.log(`${'  the same in brotli -q 11 (not budgeted)'.padEnd(44)}${cell(n(brotli), 10)}`);
  const ratchet = Math.ceil(bytes / 1000) * 1000;
  let verdict;
  if (bytes > limit) {
    verdict = `OVER THE LIMIT by ${n(bytes - limit)} B`;
    failures.push(`${title}: ${n(bytes)} B is over its limit of ${n(limit)} B`);
  } else if (bytes <= stretch) {
    verdict = `stretch target met${limit > stretch ? `: lower limit to the stretch target, ${n(stretch)}` : ''}`;
  } else if (bytes <= budget) {
    verdict = `budget met, ${n(bytes - stretch)} B above the stretch target`
      + `${limit > budget ? `: lower limit to the budget, ${n(budget)}` : ''}`;
  } else {
    verdict = `within the limit; ${n(bytes - budget)} B over the budget`
      + `${ratchet < limit ? `; the limit can come down to ${n(ratchet)}` : ''}`;
  }
  console.log(`  → ${verdict}`);
}
// auth-wasm/react, measured alone (not part of the npm figure).
const reactFigure = figures['react-min-gzip'];
const react = reactSize();
console.log(`${reactFigure.title.padEnd(44)}${cell(n(react.minGzip), 10)}${cell(n(reactFigure.limit), 18)}`
  + `${cell(n(reactFigure.budget), 10)}${cell(n(reactFigure.stretch), 10)}`);
console.log(`${'  the same in brotli -q 11 (not budgeted)'.padEnd(44)}${cell(n(react.minBrotli), 10)}`);
if (react.minGzip > reactFigure.limit) {
  failures.push(`${reactFigure.title}: ${n(react.minGzip)} B is over its limit of ${n(reactFigure.limit)} B`);
}
if (broken.length) {
  console.error(`\nFAILED: not a valid WebAssembly module (a broken build measures nothing): ${broken.join(', ')}.`);
  process.exit(1);
}
if (failures.length) {
  console.error(`\nFAILED: ${failures.join('; ')}.`);
  console.error('Make it smaller, or, if the growth is intended, raise "limit" in tests/support/size-budgets.json'
    + ' in the same commit and say why.');
  process.exit(1);
}
console.log('\nEvery figure is within its enforced limit.');
