// The Web Lock of a renewal (locks.rs): smaller in JavaScript than bound from Rust
// (the size report measures it). wasm-bindgen ships this file beside its glue (`snippets/`).

/** Runs `work(waited)` (which returns a promise) holding the exclusive Web Lock `name` of this origin,
 * and resolves once it is done. First without waiting (`waited` false); if another tab holds the lock,
 * once that tab lets go (`waited` true: it has likely just changed what the lock guards). Without
 * `navigator.locks` (older browsers, insecure contexts) the work runs at once. */
export async function withLock(name, work) {
  // `work` throws when it is called after the Rust side gave up waiting (its future was dropped and the
  // function with it): the lock is then let go at once, with nothing left to reject unhandled.
  const run = (waited) => {
    try {
      return work(waited);
    } catch {
      return undefined;
    }
  };
  const locks = navigator.locks;
  if (!locks) return run(false);
  let ran = false;
  await locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) {
      ran = true;
      await run(false);
    }
  });
  if (!ran) await locks.request(name, () => run(true));
}
