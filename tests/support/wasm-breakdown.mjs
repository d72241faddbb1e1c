// What the code of a .wasm is made of: the bytes of each function body, summed by crate, read from the
// module's name section (build it with `wasm-opt -g` so the names survive). twiggy does this too, but
// panics on wasm-bindgen's output; this reads the sections itself.
//   node support/wasm-breakdown.mjs <file.wasm> [top N functions]
import { readFileSync } from 'node:fs';

/** Sums of code bytes by group, the largest functions, and the sizes of code and data. */
export function breakdown(bytes) {
  let at = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  const name = () => {
    const length = leb();
    const text = new TextDecoder().decode(bytes.subarray(at, at + length));
    at += length;
    return text;
  };
  let importedFunctions = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      for (let count = leb(); count > 0; count--) {
        name();
        name();
        const kind = bytes[at++];
        if (kind === 0) { leb(); importedFunctions++; }
        else if (kind === 1) { at++; const flags = leb(); leb(); if (flags & 1) leb(); }
        else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); }
        else if (kind === 3) { at += 2; }
        else if (kind === 4) { at++; leb(); }
      }
    } else if (id === 10) {
      for (let count = leb(); count > 0; count--) {
        const length = leb();
        bodies.push(length);
        at += length;
      }
    } else if (id === 11) {
      data = size;
    } else if (id === 0 && name() === 'name') {
      while (at < end) {
        const kind = bytes[at++];
        const subsectionEnd = leb() + at;
        if (kind === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            names.set(index, name());
          }
        }
        at = subsectionEnd;
      }
    }
    at = end;
  }
  const functions = bodies.map((size, i) => ({
    size,
    name: (names.get(i + importedFunctions) ?? '?').replace(/\[[0-9a-f]{8,16}\]|::h[0-9a-f]{16}/g, ''),
  }));
  const groups = new Map();
  for (const { size, name: fn } of functions) {
    const group = GROUPS.find(([pattern]) => pattern.test(withoutTypeArguments(fn)))?.[1] ?? 'other';
    groups.set(group, (groups.get(group) ?? 0) + size);
  }
  return {
    code: bodies.reduce((a, b) => a + b, 0),
    data,
    groups: [...groups].sort((a, b) => b[1] - a[1]),
    functions: functions.sort((a, b) => b.size - a.size),
  };
}

/** A function's name without the type arguments of its generics: the nightly build's names (v0 mangling)
 * carry them (`future_to_promise::<auth_wasm::…>`), the stable build's do not, and a function is grouped
 * by the crate that defines it either way. */
function withoutTypeArguments(name) {
  for (;;) {
    const shorter = name.replace(/::<[^<>]*>/g, '').replace(/(::<[^<>]*)<[^<>]*>/g, '$1');
    if (shorter === name) return name;
    name = shorter;
  }
}

// First match wins: the more specific patterns come first.
const GROUPS = [
  [/flt2dec|float_to|<f64 as core::fmt|fmt::float|zmij|dec2flt/, 'float formatting'],
  [/miniserde|mini_internal/, 'miniserde (JSON)'],
  [/serde_json|serde_wasm_bindgen|serde_core|serde::/, 'serde'],
  [/core::fmt|alloc::fmt|Formatter|as core::fmt::(Display|Debug)>::fmt/, 'core::fmt'],
  [/leptos_auth/, 'leptos_auth (context, components, routes)'],
  // The JS API's exports (wasm-bindgen names them after the class and method).
  [/auth_wasm::js|^authclient_|^__wbg_authclient/, 'auth_wasm::js (the JS API)'],
  [/auth_wasm::browser/, 'auth_wasm::browser (async, storage, fetch)'],
  [/auth_wasm::protocol/, 'auth_wasm::protocol (the core)'],
  [/auth_wasm/, 'auth_wasm (other)'],
  [/^quickstart|^core_probe/, 'the app (main and its components)'],
  [/leptos|tachys|reactive_graph|any_spawner|hydration_context|throw_error|or_poisoned|oco_ref|next_tuple|send_wrapper|slotmap/,
    'leptos, leptos_router (tachys, reactive_graph)'],
  [/js_sys|wasm_bindgen|externref|shim/, 'wasm-bindgen, js-sys'],
  [/hashbrown|indexmap/, 'hashbrown, indexmap'],
  [/dlmalloc|talc|__rdl|__rust_alloc|realloc/, 'allocator'],
  [/btree/, 'BTreeMap'],
  [/base64/, 'base64'],
  [/sha2|digest/, 'sha2'],
  [/futures/, 'futures-util'],
  [/form_urlencoded|percent_encoding/, 'form_urlencoded'],
  [/core::|alloc::|std::|<core|<alloc|<std|^<(str|char|u8|\[u8\])>::|^memcmp$|^memcpy$|^memset$/, 'core, alloc, std'],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = breakdown(readFileSync(process.argv[2]));
  console.log(`code ${result.code} bytes, data ${result.data} bytes`);
  for (const [group, size] of result.groups) console.log(`  ${String(size).padStart(7)}  ${group}`);
  const top = Number(process.argv[3] ?? 0);
  for (const { size, name } of result.functions.slice(0, top)) console.log(`  ${String(size).padStart(7)}  ${name}`);
}
