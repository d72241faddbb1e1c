#!/usr/bin/env bash
# Builds the npm package of auth-wasm into target/npm/auth-wasm (and its .tgz beside it) with the
# installed tools only: cargo, wasm-bindgen (the Cargo.lock version) and npm binaryen's wasm-opt.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
cd "$ROOT"
OUT="$ROOT/target/npm/auth-wasm"
rm -rf "$OUT" && mkdir -p "$OUT"

# Built with a pinned nightly that rebuilds std with panics that abort at once (-Cpanic=immediate-abort):
# no panic message is formatted, so core::fmt, the panic locations and their texts leave the .wasm.
# Nothing observable is lost: a panic was already fatal
# (panic = "abort"), and on wasm32-unknown-unknown std wrote its message nowhere (no hook is set); it now
# traps at once. -Zlocation-detail=none drops the file names and lines that code still hands to panics
# (for RefCell borrows, say), and no path of the build machine is in the package. (-Zmir-opt-level=3 is
# not used: its passes are the compiler's unfinished ones, not for a security library.)
# Every crate but auth-wasm (std, alloc and core included) is built at opt-level 3, as the precompiled
# std is; wasm-opt -Oz shrinks the result further than it shrinks those crates built for size, and std
# built for size made a cached-token getToken slower. The crate itself stays stable Rust: apps that
# depend on it build with their own toolchain and profile.
# Without the reference-types feature (which rustc enables for wasm32 by default), wasm-bindgen keeps JS
# values in its JS-side heap rather than in a table of externrefs, with no externref shim per export and
# no table allocator in the wasm, and the cached getToken is no slower.
# Cargo's messages say where auth-wasm's build.rs wrote the JS API's TypeScript (which the .d.ts holds)
# and its declaration as data, js-api.json: the package's tests read that beside the package, not in it.
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Ctarget-feature=-reference-types" cargo "+$NPM_NIGHTLY" build -Z build-std=std,panic_abort \
  --config 'profile.release.package."*".opt-level=3' -p auth-wasm --lib --features js,dpop --release \
  --target wasm32-unknown-unknown --locked --target-dir "$ROOT/target/npm-build" --message-format=json-render-diagnostics \
  | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => { text += chunk; }).on("end", () => {
      const messages = text.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
      const script = messages.find((m) => m.reason === "build-script-executed" && /(^|\/)auth-wasm[# ]/.test(m.package_id));
      if (!script) throw new Error("cargo named no build script output of auth-wasm");
      require("fs").copyFileSync(`${script.out_dir}/js-api.json`, process.argv[1]);
    });
  ' "$ROOT/target/npm/js-api.json"
wasm-bindgen --target web --out-dir "$OUT" --out-name auth_wasm \
  "$ROOT/target/npm-build/wasm32-unknown-unknown/release/auth_wasm.wasm"
# The same optimisation with function names kept, for the size report's breakdown (not part of the package).
mkdir -p "$ROOT/target/npm/breakdown"
# The package's own wasm may also say that the lowest 1 KB of memory is never used (Rust puts its 1 MB
# stack there, growing down: reaching it is a stack overflow already), so that wasm-opt folds constant
# offsets into loads and stores. Apps built with trunk choose
# their own wasm-opt flags, so the Leptos figure does not use it.
# After -Oz, binaryen's --flatten --rereloop rebuilds the control flow and two more -Oz rounds shrink
# it again. The e2e tests run this optimised package.
NPM_WASM_OPT=(-Oz --flatten --rereloop -Oz -Oz --strip-producers --low-memory-unused)
wasm-opt "${NPM_WASM_OPT[@]}" -g "${WASM_OPT_FEATURES[@]}" "$OUT/auth_wasm_bg.wasm" -o "$ROOT/target/npm/breakdown/auth_wasm.names.wasm"
wasm-opt "${NPM_WASM_OPT[@]}" "${WASM_OPT_FEATURES[@]}" "$OUT/auth_wasm_bg.wasm" -o "$OUT/auth_wasm_bg.wasm"
cp auth-wasm/npm/index.js auth-wasm/npm/index.d.ts auth-wasm/npm/errors.js auth-wasm/npm/errors.d.ts \
  auth-wasm/npm/react.js auth-wasm/npm/react.d.ts auth-wasm/npm/README.md "$OUT/"
# wasm-bindgen's .d.ts declares its internals, which index.js uses and an app does not: the loader's
# InitOutput (the module's exports, with mangled names), initSync, and [Symbol.dispose], whose
# declaration needs TypeScript's ESNext.Disposable lib. They go; free() stays, said to be optional.
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  let text = fs.readFileSync(file, "utf8");
  const edit = (from, to) => {
    if (!text.includes(from)) throw new Error(`auth_wasm.d.ts has no ${JSON.stringify(from)}: update build-npm.sh`);
    text = text.replace(from, to);
  };
  edit("    free(): void;\n    [Symbol.dispose](): void;\n",
    "    /** Frees the client in the WebAssembly module now, after which it is unusable. Optional: a client the page\n"
    + "     * no longer references is freed when the browser collects it. */\n    free(): void;\n");
  const internals = text.indexOf("export interface InitOutput");
  if (internals < 0) throw new Error("auth_wasm.d.ts has no InitOutput: update build-npm.sh");
  text = text.slice(0, internals) + "/** The loader index.js calls (its init() is the API). */\n"
    + "export default function __wbg_init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> }): Promise<unknown>;\n";
  fs.writeFileSync(file, text);
' "$OUT/auth_wasm.d.ts"
# The static page a sign-in popup lands on, for the app to serve at its popup redirect URI.
cp demo-app/popup-callback.html "$OUT/"
# The errors' English text, from the tables Rust's Display reads too (errors.js assembles it): the
# package is built with the dpop feature, so its messages are in too.
node -e '
  const fs = require("fs");
  const [out, ...tables] = process.argv.slice(1);
  const table = {};
  for (const file of tables) {
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      const at = line.indexOf(": ");
      if (line && !line.startsWith("#") && at > 0) table[line.slice(0, at)] = line.slice(at + 2);
    }
  }
  fs.writeFileSync(out, "// Made by tests/build-npm.sh from auth-wasm/src/messages.txt and messages-dpop.txt.\nexport default " + JSON.stringify(table) + ";\n");
' "$OUT/messages.js" auth-wasm/src/messages.txt auth-wasm/src/messages-dpop.txt

version=$(cargo metadata --no-deps --format-version 1 --locked \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="auth-wasm").version))')
VERSION="$version" OUT="$OUT" node -e '
  const fs = require("fs");
  const pkg = {
    name: "auth-wasm",
    version: process.env.VERSION,
    description: "OpenID Connect / OAuth 2.0 sign-in (authorization code + PKCE) for browser apps, in WebAssembly",
    type: "module",
    main: "index.js",
    module: "index.js",
    types: "index.d.ts",
    // The .wasm is exported too, for bundlers that are given its URL (esbuild: `--loader:.wasm=file`).
    exports: {
      ".": { types: "./index.d.ts", default: "./index.js" },
      "./auth_wasm_bg.wasm": "./auth_wasm_bg.wasm",
      "./popup-callback.html": "./popup-callback.html",
      "./react": { types: "./react.d.ts", default: "./react.js" },
      "./package.json": "./package.json",
    },
    // Only auth-wasm/react imports React: the app brings it.
    peerDependencies: { react: ">=18" },
    peerDependenciesMeta: { react: { optional: true } },
    files: ["index.js", "index.d.ts", "react.js", "react.d.ts", "errors.js", "errors.d.ts", "messages.js", "auth_wasm.js", "auth_wasm.d.ts", "auth_wasm_bg.wasm", "snippets", "popup-callback.html", "README.md"],
    sideEffects: false,
    license: "MIT OR Apache-2.0",
    keywords: ["oauth2", "openid-connect", "oidc", "pkce", "authentication", "webassembly", "entra-id"],
  };
  fs.writeFileSync(`${process.env.OUT}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
'
(cd "$ROOT/target/npm" && npm pack ./auth-wasm --silent >/dev/null)

# The protocol core alone, for the size report (not part of the package).
cargo build -p auth-wasm --example core_size --release --target wasm32-unknown-unknown --locked
PROBE="$ROOT/target/npm/core-size"
wasm-bindgen --target web --out-dir "$PROBE" --out-name core_size \
  "$ROOT/target/wasm32-unknown-unknown/release/examples/core_size.wasm"
wasm-opt "${WASM_OPT_SIZE[@]}" "${WASM_OPT_FEATURES[@]}" "$PROBE/core_size_bg.wasm" -o "$PROBE/core_size_bg.wasm"
echo "npm package: $OUT ($(ls "$ROOT"/target/npm/*.tgz))"
