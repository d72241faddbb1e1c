// How the size reports measure: `gzip -9` and `brotli -q 11` (the command-line tools, which compress
// alike on every machine; Node's zlib is Chromium's, whose output depends on the CPU and the Node
// version), and JS minified by esbuild (as the JS libraries are measured); plus a table printer.
import { execFileSync } from 'node:child_process';

import { transformSync } from 'esbuild';

const compressed = (command, args, bytes) =>
  execFileSync(command, args, { input: bytes, maxBuffer: 64 << 20 }).length;
export const gzip = (bytes) => compressed('gzip', ['-9', '-n', '-c'], bytes);
export const brotli = (bytes) => compressed('brotli', ['-q', '11', '-c'], bytes);
/** A .js file minified by esbuild; anything else as it is. */
export const minified = (name, bytes) => (name.endsWith('.js')
  ? Buffer.from(transformSync(bytes.toString(), { minify: true, format: 'esm', target: 'es2022' }).code)
  : bytes);
/** One table row: the first cell left-aligned in `first` columns, the others right-aligned in `rest`. */
export const row = (cells, first = 22, rest = 12) =>
  console.log(cells.map((c, i) => String(c)[i ? 'padStart' : 'padEnd'](i ? rest : first)).join(''));
