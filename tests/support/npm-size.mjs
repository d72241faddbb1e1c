// Prints what a page loads from the npm package for login + silent token (index.js, errors.js, the
// wasm-bindgen glue and the .wasm): raw, gzip -9, brotli, and "min+gzip" / "min+brotli" file by file (JS
// minified by esbuild, then compressed; the .wasm as it is). The shipped figure is measured as the issue
// measured the JS libraries and this package: an entry importing sign-in and token calls, bundled and
// minified by esbuild (for the common es2020 target), then `gzip -9`, with the .wasm compressed on its
// own and added. A JS app bundles the package's modules into one file, and that is what its users load.
//   node support/npm-size.mjs [package dir]    (this part only; support/size-report.mjs checks the budgets)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildSync } from 'esbuild';

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

/** An app's entry: loads the package, completes a callback, signs in on a click, gets a token. */
const ENTRY = `
import { createAuthClient } from './index.js';
createAuthClient({ authority: 'https://login.example.com', clientId: 'app' }).then(async (auth) => {
  await auth.handleRedirect();
  document.querySelector('#sign-in').onclick = () => auth.login();
  console.log(await auth.getToken({ scopes: ['api://orders/read'] }));
});
`;

/** The JS of {@link ENTRY} bundled and minified by esbuild, as an app ships it (the .wasm, which
 * `index.js` finds by `new URL(…, import.meta.url)`, stays a file of its own). */
export function bundled(dir) {
  const result = buildSync({
    stdin: { contents: ENTRY, resolveDir: dir, sourcefile: 'entry.js' },
    bundle: true, minify: true, format: 'esm', target: 'es2020', write: false, logLevel: 'silent',
  });
  if (result.outputFiles.length !== 1) throw new Error('the bundle is expected as one JS file');
  return Buffer.from(result.outputFiles[0].contents);
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
  row(['total, file by file', ...total], 36);
  const bundle = bundled(dir);
  const wasm = readFileSync(path.join(dir, 'auth_wasm_bg.wasm'));
  const shipped = { minGzip: gzip(bundle) + gzip(wasm), minBrotli: brotli(bundle) + brotli(wasm) };
  row(['an app\'s esbuild bundle (the JS)', bundle.length, '', '', gzip(bundle), brotli(bundle)], 36);
  row(['shipped: the bundle and the .wasm', '', '', '', shipped.minGzip, shipped.minBrotli], 36);
  const core = readFileSync(path.join(dir, '..', 'core-size', 'core_size_bg.wasm'));
  console.log(`  of which the protocol core alone (discovery, authorize URL, token response, ID-token checks):`
    + ` ${core.length} bytes raw, ${gzip(core)} gzip-9 (auth-wasm/examples/core_size.rs)`);
  const parts = breakdown(readFileSync(path.join(dir, '..', 'breakdown', 'auth_wasm.names.wasm')));
  console.log(`  what the .wasm is made of: ${parts.code} bytes of code, ${parts.data} of data (strings, tables); code by crate:`);
  for (const [group, size] of parts.groups) console.log(`    ${String(size).padStart(7)}  ${group}`);
  for (const [library, bytes] of Object.entries(JS_LIBRARIES)) {
    console.log(`  ${library}: ${bytes} bytes (measured by esbuild --minify, gzip -9)`);
  }
  return shipped;
}

if (import.meta.url === `file://${process.argv[1]}`) npmSize(process.argv[2] ?? NPM_DIR);

/** The React entry point (`auth-wasm/react`, react.js) on its own, min+gzip -9: what it adds to an app
 * that loads the package and React anyway (both stay imports of it, measured elsewhere or not at all). */
export function reactSize(dir = NPM_DIR) {
  const small = minified('react.js', readFileSync(path.join(dir, 'react.js')));
  return { minGzip: gzip(small), minBrotli: brotli(small) };
}
