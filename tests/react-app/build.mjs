// Builds the React test app with esbuild into OUT (default: target/react-app): app.js (React, the app and
// the package bundled), index.html, the package's .wasm beside app.js (index.js finds it there), and the
// pages the provider returns to (silent-callback.html, popup-callback.html). The package is
// target/npm/auth-wasm (tests/build-npm.sh), resolved by its name as from node_modules, exports and all.
//   node react-app/build.mjs [OUT]
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(here, '..', '..');
const PACKAGE = path.join(ROOT, 'target', 'npm', 'auth-wasm');

export async function buildReactApp(out = path.join(ROOT, 'target', 'react-app')) {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [path.join(here, 'src', 'main.jsx')], outfile: path.join(out, 'app.js'),
    bundle: true, format: 'esm', target: 'es2022', jsx: 'automatic', logLevel: 'warning',
    // Development React: StrictMode runs effects twice only there.
    define: { 'process.env.NODE_ENV': '"development"' },
    // `auth-wasm` from the folder holding the built package; React from tests/node_modules.
    nodePaths: [path.dirname(PACKAGE), path.join(here, '..', 'node_modules')],
  });
  copyFileSync(path.join(here, 'index.html'), path.join(out, 'index.html'));
  copyFileSync(path.join(PACKAGE, 'auth_wasm_bg.wasm'), path.join(out, 'auth_wasm_bg.wasm'));
  copyFileSync(path.join(PACKAGE, 'popup-callback.html'), path.join(out, 'popup-callback.html'));
  copyFileSync(path.join(ROOT, 'demo-app', 'silent-callback.html'), path.join(out, 'silent-callback.html'));
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildReactApp(process.argv[2]));
