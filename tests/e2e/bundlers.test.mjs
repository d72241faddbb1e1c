// The npm package in a bundle, as JS apps ship it: esbuild (JS API) bundles the plain-JS example for
// the common `es2020` target (which refuses top-level await) and minifies it, importing the package by
// its name `auth-wasm`; the .wasm is copied beside the bundle, as the package README says for esbuild.
// Served at /js-example/ instead of the example, the bundle signs alice in through the local provider
// and gets her token. A second page takes the README's other esbuild way: `--loader:.wasm=file` and
// `init(url)` with the URL of the .wasm esbuild emitted.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { build } from 'esbuild';

import { exampleUrl, signInOnExample, useStackAndBrowser, withPage } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.join(here, '..', '..', 'auth-wasm', 'npm', 'example');
const PACKAGE = path.join(here, '..', '..', 'target', 'npm', 'auth-wasm');

/** What an app's esbuild build does, but with the example's `./pkg/index.js` resolved as `auth-wasm`. */
const packageByName = (project) => ({
  name: 'example-imports-auth-wasm',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/pkg\/index\.js$/ }, () => esbuild.resolve('auth-wasm', {
      kind: 'import-statement', resolveDir: project,
    }));
  },
});

const OPTIONS = { bundle: true, format: 'esm', target: 'es2020', minify: true, metafile: true, logLevel: 'silent' };

/** Bundles into `out`: the example (index.html, app.js, the .wasm copied) and the file-loader page. */
async function bundle(project, out) {
  // A project with the package installed under its name, as `npm install auth-wasm` leaves it.
  mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  symlinkSync(PACKAGE, path.join(project, 'node_modules', 'auth-wasm'), 'dir');

  const example = await build({
    ...OPTIONS, entryPoints: [path.join(EXAMPLE, 'app.js')], outdir: out, plugins: [packageByName(project)],
  });
  copyFileSync(path.join(EXAMPLE, 'index.html'), path.join(out, 'index.html'));
  copyFileSync(path.join(PACKAGE, 'auth_wasm_bg.wasm'), path.join(out, 'auth_wasm_bg.wasm'));

  writeFileSync(path.join(project, 'file-loader.js'), `
    import { init, createAuthClient } from 'auth-wasm';
    import wasmUrl from 'auth-wasm/auth_wasm_bg.wasm';

    window.result = (async () => {
      await init(wasmUrl);
      const config = await (await fetch('/auth-config.json')).json();
      const auth = await createAuthClient({ authority: config.authority, clientId: config.client_id, scopes: config.scopes });
      const token = await auth.getToken({ scopes: config.scopes });
      return { wasmUrl, name: auth.account?.name, token: typeof token };
    })().catch((error) => ({ error: \`\${error.code}: \${error.message}\` }));
  `);
  const fileLoader = await build({
    ...OPTIONS, entryPoints: [path.join(project, 'file-loader.js')], outdir: path.join(out, 'file-loader'),
    loader: { '.wasm': 'file' }, publicPath: '/js-example/file-loader/',
  });
  writeFileSync(path.join(out, 'file-loader', 'index.html'),
    '<!DOCTYPE html><title>file loader</title><script type="module" src="./file-loader.js"></script>');
  return { example, fileLoader };
}

describe('the npm package bundled by esbuild (target es2020)', { timeout: 120_000 }, () => {
  const project = mkdtempSync(path.join(os.tmpdir(), 'auth-wasm-esbuild-'));
  const out = path.join(project, 'out');
  let builds;
  // Before the stack starts: it serves `out` at /js-example/.
  before(async () => {
    builds = await bundle(project, out);
  });
  const ctx = useStackAndBrowser(['--js-example', out]);
  after(() => rmSync(project, { recursive: true, force: true }));

  it('bundles the example into one script with no top-level await, and it signs alice in', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    assert.deepEqual(Object.keys(builds.example.metafile.outputs).map((f) => path.basename(f)), ['app.js']);
    const inputs = Object.keys(builds.example.metafile.inputs);
    assert.ok(inputs.some((f) => f.endsWith('auth-wasm/index.js')), `the package is in the bundle: ${inputs}`);

    const requests = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await signInOnExample(page, stack, 'alice');
    await page.getByText('Signed in as Alice Example (alice)').waitFor();
    assert.equal(page.url(), exampleUrl(stack), 'back on the bundled example with a clean URL');
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByText(/^Call 1: an access token for alice, scope api:read/).waitFor();

    const local = requests.filter((p) => p.startsWith('/js-example/'));
    assert.ok(local.includes('/js-example/app.js') && local.includes('/js-example/auth_wasm_bg.wasm'), local.join(' '));
    assert.deepEqual(local.filter((p) => p.startsWith('/js-example/pkg/') || p.endsWith('token.js')), [],
      'nothing but the bundle and the .wasm: not the package files, not the example modules');
    assert.equal(await page.locator('#error').isHidden(), true);

    // The file-loader page of the same origin and tab: the session alice signed in to, its token cached.
    await page.goto(`${stack.app}/js-example/file-loader/`);
    await page.waitForFunction(() => window.result !== undefined);
    const result = await page.evaluate(() => window.result);
    assert.match(result.wasmUrl ?? '', /^\/js-example\/file-loader\/auth_wasm_bg-\w+\.wasm$/, JSON.stringify(result));
    assert.deepEqual({ name: result.name, token: result.token }, { name: 'Alice Example', token: 'string' });
    assert.ok(requests.includes(result.wasmUrl), 'the .wasm esbuild emitted was loaded');
    assert.ok(readFileSync(path.join(out, 'file-loader', path.basename(result.wasmUrl))).length > 100_000);
  }));
});
