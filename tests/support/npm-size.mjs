// Prints what a page loads from the npm package for login + silent token (index.js, errors.js, the
// wasm-bindgen glue and the .wasm): raw, gzip -9, brotli, and "min+gzip" / "min+brotli" as the JS
// libraries are measured (JS minified by esbuild, then compressed; the .wasm as it is).
//   node support/npm-size.mjs [package dir]    (this part only; support/size-report.mjs checks the budgets)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { brotli, gzip, minified, row } from './measure.mjs';
import { breakdown } from './wasm-breakdown.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NPM_DIR = path.join(here, '..', '..', 'target', 'npm', 'auth-wasm');
const FILES = ['index.js', 'errors.js', 'messages.js', 'auth_wasm.js', 'auth_wasm_bg.wasm'];
/** The vendors' figures: esbuild --minify, gzip -9, for login + silent token. */
export const JS_LIBRARIES = { 'oidc-client-ts': 17_557, '@azure/msal-browser': 74_496, '@auth0/auth0-spa-js': 63_939 };

/** The crates' JS files (`snippets/…`, copied by wasm-bindgen) that the glue `glue` in `dir` imports:
 * what a page loads. (wasm-bindgen copies every snippet of a crate, imported or not.) */
export function snippets(dir, glue) {
  const text = readFileSync(path.join(dir, glue), 'utf8');
  // Each file once, however many import statements name it.
  const found = [...new Set([...text.matchAll(/from ['"]\.\/(snippets\/[^'"]+\.js)['"]/g)].map((match) => match[1]))].sort();
  // Should wasm-bindgen write its imports otherwise, the report must not quietly count none of them.
  if (text.includes('snippets/') && found.length === 0) {
    throw new Error(`${glue} imports snippets in a form this script does not read: update snippets()`);
  }
  return found;
}

/** Prints the package's table and breakdown; returns its shipped sizes (min+gzip, min+brotli). */
export function npmSize(dir = NPM_DIR) {
  console.log(`npm package (${path.relative(process.cwd(), dir) || '.'}): what a page loads for login + silent token`);
  row(['file', 'raw', 'gzip-9', 'brotli', 'min+gzip-9', 'min+brotli'], 36);
  const total = [0, 0, 0, 0, 0];
  for (const name of [...FILES, ...snippets(dir, 'auth_wasm.js')]) {
    const bytes = readFileSync(path.join(dir, name));
    const small = minified(name, bytes);
    const cells = [bytes.length, gzip(bytes), brotli(bytes), gzip(small), brotli(small)];
    cells.forEach((c, i) => { total[i] += c; });
    row([name.replace(/^snippets\/[^/]+\//, 'snippets/…/'), ...cells], 36);
  }
  row(['total', ...total], 36);
  const core = readFileSync(path.join(dir, '..', 'core-size', 'core_size_bg.wasm'));
  console.log(`  of which the protocol core alone (discovery, authorize URL, token response, ID-token checks):`
    + ` ${core.length} bytes raw, ${gzip(core)} gzip-9 (auth-wasm/examples/core_size.rs)`);
  const parts = breakdown(readFileSync(path.join(dir, '..', 'breakdown', 'auth_wasm.names.wasm')));
  console.log(`  what the .wasm is made of: ${parts.code} bytes of code, ${parts.data} of data (strings, tables); code by crate:`);
  for (const [group, size] of parts.groups) console.log(`    ${String(size).padStart(7)}  ${group}`);
  for (const [library, bytes] of Object.entries(JS_LIBRARIES)) {
    console.log(`  ${library}: ${bytes} bytes (measured by esbuild --minify, gzip -9)`);
  }
  return { minGzip: total[3], minBrotli: total[4] };
}

if (import.meta.url === `file://${process.argv[1]}`) npmSize(process.argv[2] ?? NPM_DIR);
