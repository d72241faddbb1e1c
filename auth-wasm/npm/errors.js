// Errors of auth-wasm: JS Errors with a stable `code` (see errors.d.ts for the list).
export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
  }
}

// getToken() rejects with this when no token can be had without the user; redirect() starts the
// sign-in that gets one (those scopes, returning to the current page).
export class InteractionRequiredError extends AuthError {
  #redirect;

  constructor(code, message, redirect) {
    super(code, message);
    this.name = 'InteractionRequiredError';
    this.#redirect = redirect;
  }

  redirect() {
    return this.#redirect();
  }
}
