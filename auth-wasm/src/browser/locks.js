// The Web Lock of a renewal (locks.rs), held until the Rust side lets go of it. wasm-bindgen ships this
// file beside its glue (`snippets/`).

/** A request for the exclusive Web Lock `name` of this origin. `granted` resolves once it is held: to
 * `false` if it was free, to `true` if another tab held it first (and has likely just changed what the
 * lock guards). It is held until `release()`, which also withdraws a request still waiting, so that a
 * renewal given up half-way never leaves the lock taken. Without `navigator.locks` (older browsers,
 * insecure contexts) it is granted at once. */
export class LockRequest {
  constructor(name) {
    this.controller = new AbortController();
    this.released = new Promise((resolve) => { this.letGo = resolve; });
    const locks = navigator.locks;
    if (!locks) {
      this.granted = Promise.resolve(false);
      return;
    }
    const signal = this.controller.signal;
    this.granted = new Promise((resolve, reject) => {
      const hold = (waited) => { resolve(waited); return this.released; };
      locks.request(name, { ifAvailable: true }, (lock) => {
        if (lock) return hold(false);
        locks.request(name, { signal }, () => hold(true)).catch(reject);
        return undefined;
      }).catch(reject);
    });
    // A request withdrawn before it was granted rejects `granted`, which nobody awaits any more.
    this.granted.catch(() => {});
  }

  release() {
    this.controller.abort();
    this.letGo();
  }
}
