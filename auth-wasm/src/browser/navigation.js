// The address bar and history (navigation.rs, history.rs): smaller in JavaScript than bound from Rust
// (the size report measures it). wasm-bindgen ships this file beside its glue (`snippets/`).

export const href = () => location.href;
export const origin = () => location.origin;

/** Leaves for `url`: keeping this page in history, or (`replace`) in its place. */
export function leave(url, replace) {
  if (replace) location.replace(url);
  else location.assign(url);
}

/** Whether this page runs in a frame (same-origin or not): a top we may not even read is someone else's. */
export function inFrame() {
  try {
    return top !== self;
  } catch {
    return true;
  }
}

/** Tells routers that the address changed without a navigation of theirs: a `popstate` event, which
 * routers answer by reading `location`. */
export function notifyLocationChanged() {
  dispatchEvent(new PopStateEvent('popstate', { state: history.state }));
}

/** Puts `url` in the address bar with `state` (JSON text; none when undefined): a new history entry
 * (`push`) or in place of the current one, loading nothing. Routers are told when `notify`. */
export function setUrl(url, state, push, notify) {
  history[push ? 'pushState' : 'replaceState'](state == null ? null : JSON.parse(state), '', url);
  if (notify) notifyLocationChanged();
}

/** A history-state value as JSON text, when it is an object (ours, or the router's or the app's). */
export const stateText = (state) => (state !== null && typeof state === 'object' ? JSON.stringify(state) : null);

/** The current history entry's state as JSON text, when it is an object. */
export const currentStateText = () => stateText(history.state);
