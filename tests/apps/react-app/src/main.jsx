import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AuthProvider, useAuth } from 'auth-wasm/react';

// What `bash tests/run-provider.sh <your origin>` prints; your provider's issuer, client id and API.
const authority = 'http://127.0.0.1:8600';
const clientId = 'demo-spa';
const scopes = ['api:read'];   // the API's scope: asked for at sign-in, so the first token needs no trip
const api = 'http://127.0.0.1:8601/orders';

function Home() {
  const { account, state, error, getToken, login, logout } = useAuth();
  const [answer, setAnswer] = useState('');
  if (state === 'loading') return <p>Loading</p>;
  const callApi = async () => {
    try {
      const token = await getToken({ scopes });   // the cached token while fresh, else a renewed one
      const response = await fetch(api, { headers: { Authorization: `Bearer ${token}` } });
      setAnswer(response.ok ? `${(await response.json()).orders.length} orders` : `HTTP ${response.status}`);
    } catch (e) {
      setAnswer(e.code);   // an AuthError; InteractionRequiredError has redirect() and popup()
    }
  };
  return (
    <main>
      {error && <p role="alert">{error.message}</p>}
      {account ? (
        <>
          <p>Signed in as {account.name}</p>
          <button onClick={callApi}>Call the API</button>
          <button onClick={() => logout()}>Sign out</button>
          {answer && <p>{answer}</p>}
        </>
      ) : (
        <>
          <p>Signed out</p>
          <button onClick={() => login()}>Sign in</button>
        </>
      )}
    </main>
  );
}

// The provider comes back to /authentication/login-callback (and logout-callback); <AuthProvider>
// completes the callback and the router hears of the return URL by a `popstate` event.
const router = createBrowserRouter([
  { path: '/', element: <Home /> },
  { path: '/authentication/:action', element: <p>Signing in…</p> },
  { path: '*', element: <p>Not found</p> },
]);

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AuthProvider options={{ authority, clientId, scopes }}>
      <RouterProvider router={router} />
    </AuthProvider>
  </StrictMode>,
);
