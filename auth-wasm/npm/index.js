// auth-wasm: OpenID Connect sign-in for browser apps. Importing this module loads the WebAssembly.
import init from './auth_wasm.js';

await init({ module_or_path: new URL('./auth_wasm_bg.wasm', import.meta.url) });

export { AuthClient } from './auth_wasm.js';
export { AuthError, InteractionRequiredError } from './errors.js';
