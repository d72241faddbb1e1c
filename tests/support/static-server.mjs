// Serves the built app (trunk's dist/) on 127.0.0.1 as a single-page app: unknown paths get index.html,
// so deep links such as /authentication/login-callback load the app. /auth-config.json can be given
// here, so one build runs against a provider on any port.
//
// A path is decoded, then resolved, and must stay inside its folder (path.relative, not a string
// prefix): `/js-example/pkg/..%2F…` or a sibling folder that shares the root's name as a prefix get 403.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.d.ts': 'text/plain; charset=utf-8',
};

/**
 * @param {object} options
 * @param {string} options.root the folder to serve
 * @param {number} [options.port] 0 for any free port
 * @param {() => object} [options.config] the body of /auth-config.json; the file in root otherwise
 * @param {Record<string, string>} [options.mounts] URL prefix (ending in /) → folder, served as plain
 *   files (no single-page fallback); the longest matching prefix wins
 * @param {boolean} [options.crossOriginIsolated] send COOP same-origin and COEP require-corp with every
 *   response, as apps that need threads or precise timers do
 * @param {boolean} [options.coop] send COOP same-origin (without COEP) with every response, as apps that
 *   isolate their window from others' do
 * @param {string} [options.page] the app's page in root, served at / and at every path without an extension
 */
export async function startStaticServer({
  root, port = 0, config, mounts = {}, crossOriginIsolated = false, coop = false, page = 'index.html',
}) {
  const rootDir = path.resolve(root);
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  async function handle(req, res) {
    if (crossOriginIsolated || coop) res.setHeader('cross-origin-opener-policy', 'same-origin');
    if (crossOriginIsolated) res.setHeader('cross-origin-embedder-policy', 'require-corp');
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const mount = prefixes.find((prefix) => pathname.startsWith(prefix));
    if (mount) {
      await serveFile(res, path.resolve(mounts[mount]), pathname.slice(mount.length));
      return;
    }
    const headers = { 'cache-control': 'no-store' };
    if (pathname === '/auth-config.json' && config) {
      res.writeHead(200, { ...headers, 'content-type': TYPES['.json'] });
      res.end(JSON.stringify(config(), null, 2));
      return;
    }
    let file = fileInside(rootDir, pathname);
    if (!file) {
      res.writeHead(403, headers).end();
      return;
    }
    if (pathname.endsWith('/')) file = path.join(file, pathname === '/' ? page : 'index.html');
    let body;
    try {
      body = await readFile(file);
    } catch {
      if (path.extname(pathname)) {
        res.writeHead(404, headers).end('not found');
        return;
      }
      file = path.join(rootDir, page);
      body = await readFile(file).catch(() => null);
      if (!body) {
        res.writeHead(500, headers).end(`no ${page} in ${rootDir}: build the app first`);
        return;
      }
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  }
  /** A file of `dir` (index.html for a folder), or 404. */
  async function serveFile(res, dir, relative) {
    let file = fileInside(dir, relative);
    if (!file) {
      res.writeHead(403, { 'cache-control': 'no-store' }).end();
      return;
    }
    if (relative === '' || relative.endsWith('/')) file = path.join(file, 'index.html');
    const body = await readFile(file).catch(() => null);
    if (!body) {
      res.writeHead(404, { 'cache-control': 'no-store' }).end('not found');
      return;
    }
    res.writeHead(200, { 'cache-control': 'no-store', 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  }

  // A request that fails (say, a file that cannot be read) answers 500 instead of stopping the server.
  const server = http.createServer((req, res) => handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }));

  const actualPort = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
  return {
    origin: `http://127.0.0.1:${actualPort}`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

/**
 * The file that the URL path `urlPath` (percent-encoded) names inside `dir`, or null when it would
 * leave `dir` (`..` in any encoding, an absolute or drive path, a NUL) or does not decode.
 */
export function fileInside(dir, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(dir, `.${path.sep}${decoded}`);
  const relative = path.relative(dir, file);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return null;
  return file;
}
