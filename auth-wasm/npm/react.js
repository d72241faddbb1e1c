// auth-wasm/react: <AuthProvider> and useAuth() for React apps. React is the app's (a peer dependency).
import { createContext, createElement, useContext, useEffect, useMemo, useState } from 'react';
import { AuthError, createAuthClient } from './index.js';

const AuthContext = createContext(null);

/** What the hook says before the client exists, and once it knows the page's callback. */
const view = (client, error) => {
  const account = client?.account ?? null;
  return { client, account, state: client ? (account ? 'signedIn' : 'signedOut') : 'loading', error };
};

/**
 * Makes `client` (or one from `options`, loading the module once), completes this page's callback (once
 * per page load, however often React runs the effect), and follows the account in this tab and others.
 */
export function AuthProvider({ options, client: given, children }) {
  // Made once, for the provider's lifetime: options given later are not read again.
  const [made] = useState(() => (given ? null : createAuthClient(options)));
  const [seen, setSeen] = useState(() => view(null, null));
  useEffect(() => {
    let live = true;
    let stop;
    const show = (client, error) => live && setSeen((last) => view(client, error === undefined ? last.error : error));
    const start = (client) => {
      if (!live) return;
      stop = client.on(() => show(client));
      // Under StrictMode both runs of this effect ask: index.js completes the page's callback once.
      client.handleRedirect().then(() => show(client, null), (error) => show(client, error));
    };
    if (given) start(given);
    else made.then(start, (error) => show(null, error));
    return () => {
      live = false;
      stop?.();
    };
  }, [given, made]);
  const auth = useMemo(() => {
    const { client } = seen;
    // Called on the client at once when it exists: loginPopup must open its window in the click.
    const call = (name) => (request) => client ? client[name](request)
      : Promise.reject(new AuthError('not_initialized', 'The auth client is still loading: wait for `state` to leave "loading"'));
    return {
      ...seen,
      getToken: call('getToken'),
      login: call('login'),
      loginPopup: call('loginPopup'),
      logout: call('logout'),
    };
  }, [seen]);
  return createElement(AuthContext.Provider, { value: auth }, children);
}

/** The account, the state, the last callback's error and the calls, of the nearest `<AuthProvider>`. */
export function useAuth() {
  const auth = useContext(AuthContext);
  if (!auth) throw new AuthError('invalid_config', 'useAuth() is called outside an <AuthProvider>');
  return auth;
}
