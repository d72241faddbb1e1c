// The Web Lock of a renewal (locks.rs): smaller in JavaScript than bound from Rust
// (the size report measures it). wasm-bindgen ships this file beside its glue (`snippets/`).

/** Runs `work(waited)` (which returns a promise) holding the exclusive Web Lock `name` of this origin,
 * and resolves once it is done. First without waiting (`waited` false); if another tab holds the lock,
 * once that tab lets go (`waited` true: it has likely just changed what the lock guards). Without
 * `navigator.locks` (older browsers, insecure contexts) the work runs at once. */
export async function withLock(name, work) {
  const locks = navigator.locks;
  if (!locks) return work(false);
  let ran = false;
  await locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) {
      ran = true;
      await work(false);
    }
  });
  if (!ran) await locks.request(name, () => work(true));
}
