// A small React app on auth-wasm/react, under <StrictMode> (which runs every effect twice): sign in, a
// token for the API, sign out. Its router is the few lines of usePath(), which follows `popstate` as
// routers do; a page that stays on /authentication/… after a callback is the bug routers had.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createAuthClient } from 'auth-wasm';
import { AuthProvider, useAuth } from 'auth-wasm/react';

/** The address's path, as a router keeps it: its own navigations, and `popstate` for the others. */
function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const follow = () => setPath(location.pathname);
    addEventListener('popstate', follow);
    window.goTo = (url) => { history.replaceState(history.state, '', url); follow(); };
    return () => removeEventListener('popstate', follow);
  }, []);
  return path;
}

function Home({ scopes }) {
  const { account, state, error, getToken, login, logout } = useAuth();
  const [token, setToken] = useState('');
  if (state === 'loading') return <p>Loading</p>;
  return (
    <main>
      {error && <p role="alert">Error: {error.code}</p>}
      <p>{account ? `Signed in as ${account.name}` : 'Signed out'}</p>
      {account ? (
        <>
          <button onClick={() => getToken({ scopes }).then((t) => setToken(`A token of ${t.length} characters`), (e) => setToken(e.code))}>Get token</button>
          <button onClick={() => logout()}>Sign out</button>
        </>
      ) : <button onClick={() => login()}>Sign in</button>}
      {token && <p>{token}</p>}
    </main>
  );
}

function App({ scopes }) {
  const path = usePath();
  if (path.startsWith('/authentication/')) return <p>On {path}</p>;
  if (path !== '/') return <p>Not found: {path}</p>;
  return <Home scopes={scopes} />;
}

const config = await (await fetch('/auth-config.json')).json();
const options = { authority: config.authority, clientId: config.client_id, scopes: config.scopes };
// The test's choice: the app's own navigate function instead of popstate (as with React Router's), and the
// client made by the provider from options rather than by the app.
const mode = new URL(location.href).searchParams.get('mode') ?? sessionStorage.getItem('mode') ?? 'client';
sessionStorage.setItem('mode', mode);
window.navigations = [];
window.popstates = 0;
addEventListener('popstate', () => { window.popstates += 1; });
if (mode === 'navigate') options.navigate = (url) => { window.navigations.push(url); window.goTo(url); };
const provider = mode === 'client' ? { client: await createAuthClient(options) } : { options };
createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AuthProvider {...provider}>
      <App scopes={config.scopes} />
    </AuthProvider>
  </StrictMode>,
);
