// The test stack's static server serves only what is inside the folder a path is mounted on: an
// encoded `..` (or a sibling folder whose name starts like the root's) is refused, on 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { fileInside, startStaticServer } from '../support/static-server.mjs';

/** GET with the path sent exactly as written (no client-side normalisation), bounded in time. */
function get(origin, rawPath) {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer for ${rawPath}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('the static server', { timeout: 30_000 }, () => {
  let dir;
  let server;
  let isolated;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'static-server-'));
    // dist/ is the app; dist-secret/ and secret.txt are beside it; example/ and example/pkg/ are mounts.
    await mkdir(path.join(dir, 'dist'));
    await mkdir(path.join(dir, 'dist-secret'));
    await mkdir(path.join(dir, 'example', 'pkg'), { recursive: true });
    await writeFile(path.join(dir, 'dist', 'index.html'), '<p>app</p>');
    await writeFile(path.join(dir, 'dist', 'navigate.html'), '<p>the other page</p>');
    await writeFile(path.join(dir, 'dist-secret', 'key.txt'), 'SECRET KEY');
    await writeFile(path.join(dir, 'secret.txt'), 'SECRET FILE');
    await writeFile(path.join(dir, 'example', 'index.html'), '<p>example</p>');
    await writeFile(path.join(dir, 'example', 'app.js'), 'SIBLING OF PKG');
    await writeFile(path.join(dir, 'example', 'pkg', 'index.js'), 'export {};');
    // As target/npm/auth-wasm-<version>.tgz lies beside the mounted target/npm/auth-wasm/.
    await writeFile(path.join(dir, 'example', 'pkg-0.1.0.tgz'), 'SECRET TARBALL');
    const options = {
      root: path.join(dir, 'dist'),
      mounts: { '/js-example/pkg/': path.join(dir, 'example', 'pkg'), '/js-example/': path.join(dir, 'example') },
    };
    server = await startStaticServer(options);
    isolated = await startStaticServer({ ...options, crossOriginIsolated: true });
  });
  after(async () => {
    await server?.close();
    await isolated?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves another page of the app as its page, at / and every path without an extension', async () => {
    const other = await startStaticServer({ root: path.join(dir, 'dist'), page: 'navigate.html' });
    try {
      assert.equal((await get(other.origin, '/')).body, '<p>the other page</p>');
      assert.equal((await get(other.origin, '/authentication/login-callback')).body, '<p>the other page</p>');
      assert.equal((await get(other.origin, '/index.html')).body, '<p>app</p>', 'the other files as they are');
    } finally {
      await other.close();
    }
  });

  it('serves the files of each mount and the app', async () => {
    assert.equal((await get(server.origin, '/js-example/pkg/index.js')).body, 'export {};');
    assert.equal((await get(server.origin, '/js-example/app.js')).body, 'SIBLING OF PKG');
    assert.equal((await get(server.origin, '/orders')).body, '<p>app</p>', 'the single-page fallback');
  });

  for (const attack of [
    '/js-example/pkg/..%2Fpkg-0.1.0.tgz',
    '/js-example/pkg/..%2Fapp.js',
    '/js-example/pkg/..%2F..%2Fsecret.txt',
    '/js-example/pkg/%2E%2E%2Fapp.js',
    '/js-example/pkg/..%5Capp.js',
    '/js-example/pkg/%2F..%2F..%2Fsecret.txt',
    '/js-example/..%2Fsecret.txt',
    '/..%2Fsecret.txt',
    '/..%2Fdist-secret%2Fkey.txt',
    '/js-example/pkg/%E0%A4%A',
    '/js-example/pkg/index.js%00.html',
  ]) {
    it(`refuses ${attack}`, async () => {
      const { status, body } = await get(server.origin, attack);
      assert.ok(status === 403 || status === 404 || status === 400, `status ${status}`);
      assert.doesNotMatch(body, /SECRET|SIBLING/);
    });
  }

  it('stays up after a path that does not decode', async () => {
    await get(server.origin, '/%E0%A4%A');
    assert.equal((await get(server.origin, '/js-example/pkg/index.js')).status, 200);
  });

  it('sends COOP and COEP when asked to make the app cross-origin isolated', async () => {
    const { headers } = await get(isolated.origin, '/');
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal((await get(server.origin, '/')).headers['cross-origin-embedder-policy'], undefined);
  });

  it('fileInside keeps paths inside their folder', () => {
    const root = path.resolve('/srv/app');
    assert.equal(fileInside(root, '/a/b.js'), path.join(root, 'a', 'b.js'));
    assert.equal(fileInside(root, 'a/../b.js'), path.join(root, 'b.js'));
    assert.equal(fileInside(root, '..%2Fx'), null);
    assert.equal(fileInside(root, '../app-other/x'), null);
    assert.equal(fileInside(root, '%'), null);
  });
});
