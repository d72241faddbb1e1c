// The hidden iframe of a silent renewal (silent.rs): smaller in JavaScript than bound from Rust
// (the size report measures it). wasm-bindgen ships this file beside its glue (`snippets/`).

const POLL_MS = 50;
/** How long a frame that loaded a page we cannot read may take to move on (a page that redirects by
 * script) before the renewal is given up. */
const LOADED_ELSEWHERE_GRACE_MS = 2000;

/** Loads `url` in a hidden iframe; resolves to the URL it comes back to under `redirectBase` (the silent
 * redirect URI without its query), or to null after `timeoutMs`. Rejects with the reason as a string, at
 * once rather than at the timeout, when it cannot work: the page is cross-origin isolated (no provider
 * page loads in its frames), or the frame loaded a page we cannot read (the provider needs the user, or
 * refuses to be framed and the browser shows an error page) that stays there. Anything else the browser
 * throws rejects as it is. The frame is gone either way. */
export function hiddenIframe(url, redirectBase, timeoutMs) {
  if (self.crossOriginIsolated) {
    return Promise.reject('the page is cross-origin isolated (COOP and COEP require-corp), so the '
      + "provider's page cannot load in a hidden iframe");
  }
  const frame = document.createElement('iframe');
  frame.setAttribute('style', 'display:none;width:0;height:0;border:0');
  frame.setAttribute('aria-hidden', 'true');
  frame.title = 'silent sign-in';
  let loads = 0;
  frame.addEventListener('load', () => { loads += 1; });
  frame.src = url;
  (document.body ?? document.documentElement).append(frame);
  return new Promise((resolve, reject) => {
    let waited = 0;
    // Since when (ms waited) the frame has shown a loaded page we cannot read, and after which load.
    let since = null;
    let sinceLoad = 0;
    const end = (settle, value) => {
      clearInterval(timer);
      frame.remove();
      settle(value);
    };
    const timer = setInterval(() => {
      waited += POLL_MS;
      let href;
      try {
        href = frame.contentWindow?.location.href;
      } catch {
        href = null; // the provider's origin, or an error page: not ours to read
      }
      if (typeof href === 'string' && href.startsWith(redirectBase)) return end(resolve, href);
      if (href === null && loads > 0) {
        if (since === null || sinceLoad !== loads) {
          [since, sinceLoad] = [waited, loads]; // another page loaded: it gets its own grace
        } else if (waited - since >= LOADED_ELSEWHERE_GRACE_MS) {
          return end(reject, "the provider's page loaded in the hidden iframe but did not return to "
            + 'the app (it needs the user, or refuses to be framed)');
        }
      } else {
        since = null;
      }
      if (waited >= timeoutMs) end(resolve, null);
    }, POLL_MS);
  });
}
