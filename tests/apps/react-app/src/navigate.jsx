// The app of main.jsx (the README's) with the other way a router hears of the return URL after a
// callback: the `navigate` option, here React Router's own `router.navigate`, with no `popstate` event;
// and a client the app makes itself (`<AuthProvider client>`). react.test.mjs serves this page on an
// origin of its own and reads `window.navigations`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { createAuthClient } from 'auth-wasm';
import { AuthProvider, useAuth } from 'auth-wasm/react';

function Home() {
  const { account, state, login, logout } = useAuth();
  if (state === 'loading') return <p>Loading</p>;
  return account
    ? <><p>Signed in as {account.name}</p><button onClick={() => logout()}>Sign out</button></>
    : <><p>Signed out</p><button onClick={() => login()}>Sign in</button></>;
}

const router = createBrowserRouter([
  { path: '/', element: <Home /> },
  { path: '/authentication/:action', element: <p>Signing in…</p> },
  { path: '*', element: <p>Not found</p> },
]);

window.navigations = [];
const navigate = (url) => {
  window.navigations.push(url);
  router.navigate(url, { replace: true });
};
const client = await createAuthClient({ authority: 'http://127.0.0.1:8600', clientId: 'demo-spa', navigate });

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AuthProvider client={client}>
      <RouterProvider router={router} />
    </AuthProvider>
  </StrictMode>,
);
