// The channel between the tabs of an app (tabs.rs): smaller in JavaScript than bound from Rust
// (the size report measures it). wasm-bindgen ships this file beside its glue (`snippets/`).

/** How the tabs of one app follow each other: messages on the BroadcastChannel `name` (same origin only)
 * go to `onMessage(text)`; where the session is in localStorage, each `storage` event's key (null: the
 * storage was cleared) goes to `onStorage`; `onRestore()` runs when the page comes back from the
 * back/forward cache, having missed what happened meanwhile. */
export class TabsChannel {
  constructor(name, onMessage, onStorage, onRestore) {
    try {
      this.channel = new BroadcastChannel(name);
      this.channel.onmessage = (event) => typeof event.data === 'string' && onMessage(event.data);
    } catch {
      this.channel = null; // a tab that cannot tell the others still works on its own
    }
    this.onStorage = onStorage && ((event) => onStorage(event.key));
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

  close() {
    this.channel?.close();
    if (this.onStorage) removeEventListener('storage', this.onStorage);
    removeEventListener('pageshow', this.onPageShow);
  }
}
