// Prints what a page loads from the npm package for login + silent token (index.js, errors.js, the
// wasm-bindgen glue and the .wasm): raw, gzip -9, brotli, and "min+gzip" as the JS libraries are
// measured (JS minified by esbuild, then gzip -9; the .wasm as it is, gzip -9).
//   node support/npm-size.mjs [package dir]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { transformSync } from 'esbuild';

import { breakdown } from './wasm-breakdown.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? path.join(here, '..', '..', 'target', 'npm', 'auth-wasm');
const FILES = ['index.js', 'errors.js', 'messages.js', 'auth_wasm.js', 'auth_wasm_bg.wasm'];
const JS_LIBRARIES = { 'oidc-client-ts': 17_557, '@azure/msal-browser': 74_496, '@auth0/auth0-spa-js': 63_939 };

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const row = (cells) => console.log(cells.map((c, i) => String(c)[i ? 'padStart' : 'padEnd'](i ? 12 : 22)).join(''));

row(['file', 'raw', 'gzip-9', 'brotli', 'min+gzip-9']);
const total = [0, 0, 0, 0];
for (const name of FILES) {
  const bytes = readFileSync(path.join(dir, name));
  const minified = name.endsWith('.js')
    ? Buffer.from(transformSync(bytes.toString(), { minify: true, format: 'esm', target: 'es2022' }).code)
    : bytes;
  const cells = [bytes.length, gzip(bytes), brotli(bytes), gzip(minified)];
  cells.forEach((c, i) => { total[i] += c; });
  row([name, ...cells]);
}
row(['total', ...total]);
console.log(`\nmin+gzip for login + silent token: ${total[3]} bytes (target 40,000; goal 17,557)`);
const probe = path.join(dir, '..', 'core-size', 'core_size_bg.wasm');
const core = readFileSync(probe);
console.log(`  of which the protocol core alone (discovery, authorize URL, token response, ID-token checks):`
  + ` ${core.length} bytes raw, ${gzip(core)} gzip-9 (auth-wasm/examples/core_size.rs)`);
const names = path.join(dir, '..', 'breakdown', 'auth_wasm.names.wasm');
const parts = breakdown(readFileSync(names));
console.log(`  what the .wasm is made of: ${parts.code} bytes of code, ${parts.data} of data (strings, tables); code by crate:`);
for (const [group, size] of parts.groups) console.log(`    ${String(size).padStart(7)}  ${group}`);
for (const [library, bytes] of Object.entries(JS_LIBRARIES)) {
  console.log(`  ${library}: ${bytes} bytes (measured by esbuild --minify, gzip -9)`);
}
