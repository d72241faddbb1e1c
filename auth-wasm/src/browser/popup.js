// The sign-in popup's window (popup.rs): opened, sent on, watched and closed here, smaller in
// JavaScript than bound from Rust. wasm-bindgen ships this file beside its glue (`snippets/`).

const POLL_MS = 100;

/** Opens a blank window `width` x `height` at `left`, `top` (-1: centred over this window); null when
 * the browser refuses (a popup blocker: no click, or one too long ago). Called in the app's event
 * handler, before anything is awaited. */
export function openPopup(width, height, left, top) {
  const x = left >= 0 ? left : Math.max(0, Math.round(screenX + (outerWidth - width) / 2));
  const y = top >= 0 ? top : Math.max(0, Math.round(screenY + (outerHeight - height) / 2));
  try {
    return window.open('', 'auth-wasm-popup', `popup,width=${width},height=${height},left=${x},top=${y}`) ?? null;
  } catch {
    return null;
  }
}

/** Sends the popup to `url` (the provider's authorize endpoint). */
export function navigatePopup(popup, url) {
  popup.location.href = url;
}

/** Resolves to the URL the popup's landing page sends on the BroadcastChannel `channelName` (a string),
 * or, with `watchClosed`, to whether the window was seen on another origin before it read as closed (a
 * boolean: under Cross-Origin-Opener-Policy the handle reads as closed once the window reaches the
 * provider, and is never seen there), or to null after `timeoutMs`. Reading `closed` is the one poll:
 * the browser has no event for it. */
export function awaitPopup(popup, channelName, timeoutMs, watchClosed) {
  const channel = new BroadcastChannel(channelName);
  return new Promise((resolve) => {
    let seenOnProvider = false;
    const end = (value) => {
      clearInterval(timer);
      clearTimeout(timeout);
      channel.close();
      resolve(value);
    };
    channel.onmessage = (event) => {
      if (typeof event.data === 'string') end(event.data);
    };
    const timeout = setTimeout(() => end(null), timeoutMs);
    const timer = setInterval(() => {
      if (!watchClosed) return;
      if (popup.closed) return end(seenOnProvider);
      try {
        void popup.location.href; // readable on this origin (about:blank, the landing page)
      } catch {
        seenOnProvider = true; // another origin's page, through a handle that still works
      }
    }, POLL_MS);
  });
}

/** Brings the popup to the front, where the handle still works. */
export function focusPopup(popup) {
  if (!popup.closed) popup.focus();
}

/** Closes the popup, where the handle still works. */
export function closePopup(popup) {
  if (!popup.closed) popup.close();
}
