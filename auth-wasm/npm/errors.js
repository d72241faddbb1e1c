// Errors of auth-wasm: JS Errors with a stable `code` (AuthErrorCode in the .d.ts lists them). The wasm
// sends a code, a message key and its values; the English text is assembled here from messages.js, which
// the package build makes from auth-wasm/src/messages.txt (the same table Rust's Display reads).
import MESSAGES from './messages.js';

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
  }
}

// getToken() rejects with this when no token can be had without the user; redirect() sends the browser
// to the provider for one (those scopes, returning to the current page), as Rust's
// InteractionRequired::redirect does, and popup() gets it in a popup window (InteractionRequired::popup:
// index.js gives it the client's loginPopup and getToken).
export class InteractionRequiredError extends AuthError {
  #redirect;
  #popup;

  constructor(code, message, redirect) {
    super(code, message);
    this.name = 'InteractionRequiredError';
    this.#redirect = redirect;
  }

  redirect() {
    return this.#redirect();
  }

  popup() {
    return this.#popup();
  }

  // What popup() does (not part of the public API).
  static withPopup(error, popup) {
    error.#popup = popup;
    return error;
  }
}

// The text of message `key` with its values in place of {0}, {1}; a value `[key, ...values]` is a
// nested message. Values are put in once, never read as templates.
function text(key, values) {
  return (MESSAGES[key] ?? key).replace(/\{(\d)\}/g, (_, i) => {
    const value = values[i] ?? '';
    return Array.isArray(value) ? text(value[0], value.slice(1)) : String(value);
  });
}

// Called by the wasm (not part of the public API).
export function fromWasm(code, key, values, redirect) {
  const message = text(key, values);
  return redirect ? new InteractionRequiredError(code, message, redirect) : new AuthError(code, message);
}
