// The channel between the tabs of an app (tabs.rs). wasm-bindgen ships this file beside its glue
// (`snippets/`).

/** How the tabs of one app follow each other: messages on the BroadcastChannel `name` (same origin only)
 * go to `onMessage(text)`; where the session is in localStorage, each `storage` event's key (null: the
 * storage was cleared) goes to `onStorage`; `onRestore()` runs when the page comes back from the
 * back/forward cache, having missed what happened meanwhile. `nextChange(ms)` waits for the next news. */
export class TabsChannel {
  constructor(name, onMessage, onStorage, onRestore) {
    this.waiting = [];
    try {
      this.channel = new BroadcastChannel(name);
      this.channel.onmessage = (event) => {
        if (typeof event.data === 'string') onMessage(event.data);
        this.wake();
      };
    } catch {
      this.channel = null; // a tab that cannot tell the others still works on its own
    }
    this.onStorage = onStorage && ((event) => {
      onStorage(event.key);
      this.wake();
    });
    this.onPageShow = (event) => event.persisted && onRestore();
    if (this.onStorage) addEventListener('storage', this.onStorage);
    addEventListener('pageshow', this.onPageShow);
  }

  /** Tells the other tabs (not this one). */
  post(text) {
    try {
      this.channel?.postMessage(text);
    } catch {
      // Closed, or the message cannot be cloned: the other tabs catch up through storage.
    }
  }

  /** Resolves once the next message or `storage` event has been handled (true), or after `ms` (false):
   * a tab waiting for another tab's news is woken by the news, not by polling. */
  nextChange(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((wake) => wake !== done);
        resolve(false);
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiting.push(done);
    });
  }

  wake() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) done();
  }

  close() {
    this.channel?.close();
    if (this.onStorage) removeEventListener('storage', this.onStorage);
    removeEventListener('pageshow', this.onPageShow);
    this.wake();
  }
}
