//! `AuthClient` for JavaScript.

use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::errors::{auth_error, interaction_required};
use super::options::{
    client_config, login_request, logout_request, popup_options, CLIENT_OPTIONS, LOGIN_REQUEST, LOGOUT_REQUEST,
};
use super::types::*;
use crate::browser::{navigation, AuthClient, AuthError, Subscription, TokenResult};
use crate::protocol::{PopupOptions, ProtocolError};

/// `future` as a JS promise of the type `T` the `.d.ts` declares, rejected with the JS error of an
/// `AuthError`.
fn promise<T: JsCast>(future: impl Future<Output = Result<JsValue, AuthError>> + 'static) -> T {
    wasm_bindgen_futures::future_to_promise(async move { future.await.map_err(|e| auth_error(&e)) }).unchecked_into()
}

/// Signs users in with an OpenID Connect provider (authorization code with PKCE) and gets access tokens.
#[wasm_bindgen(js_name = AuthClient)]
pub struct JsAuthClient {
    client: AuthClient,
    /// The options' `popup…` fields.
    popup: PopupOptions,
}

#[wasm_bindgen(js_class = AuthClient)]
impl JsAuthClient {
    /// Throws an `AuthError` (code `invalid_config`) for invalid options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: AuthClientOptions) -> Result<JsAuthClient, JsValue> {
        let invalid = |e: ProtocolError| match e {
            ProtocolError::InvalidRequest(why) => auth_error(&ProtocolError::InvalidConfig(why).into()),
            other => auth_error(&other.into()),
        };
        let options = from_js(options.into(), &CLIENT_OPTIONS).map_err(invalid)?.unwrap_or_default();
        let config = client_config(&options).map_err(|e| auth_error(&e.into()))?;
        let popup = popup_options(&options).map_err(|e| auth_error(&e.into()))?;
        let client = AuthClient::new(config).map_err(|e| auth_error(&e))?;
        Ok(Self { client, popup })
    }

    /// Completes a sign-in or sign-out if this page is its callback (call it at start-up); the
    /// callback's parameters leave the address bar either way, and the router hears of the new address
    /// (`navigate`, or a `popstate` event). Once per page load: later calls share the first call's promise.
    #[wasm_bindgen(js_name = handleRedirect)]
    pub fn handle_redirect(&self) -> RedirectResultPromise {
        let client = self.client.clone();
        promise(async move {
            let outcome = client.handle_redirect().await?;
            Ok(redirect_result(outcome))
        })
    }

    /// Sends the browser to the provider to sign in.
    pub fn login(&self, request: Option<LoginRequestArg>) -> VoidPromise {
        let client = self.client.clone();
        let request = request.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        promise(async move {
            let request = login_request(from_js(request, &LOGIN_REQUEST)?.as_ref(), navigation::current_path())?;
            client.sign_in(&request).await.map(|()| JsValue::UNDEFINED)
        })
    }

    /// Signs in in a popup window; the page stays as it is. Call it in a click handler, before anything is
    /// awaited: the window opens at once, or the browser blocks it (`popup_blocked`). Resolves to the
    /// account; rejects with `popup_closed`, `popup_timeout` or the provider's error.
    #[wasm_bindgen(js_name = loginPopup)]
    pub fn login_popup(&self, request: Option<LoginRequestArg>) -> AccountPromise {
        let request = request.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let request = match from_js(request, &LOGIN_REQUEST)
            .and_then(|js| login_request(js.as_ref(), navigation::current_path()))
        {
            Ok(request) => request,
            Err(error) => return js_sys::Promise::reject(&auth_error(&error.into())).unchecked_into(),
        };
        // The window opens here, in the caller's event handler; the promise follows the rest.
        let run = self.client.sign_in_popup(&request, &self.popup);
        promise(async move { run.await.map(|account| to_js(account_to_json(&account))) })
    }

    /// An access token for `scopes`, silently (cache, refresh token, hidden iframe). Rejects with an
    /// `InteractionRequiredError` whose `redirect()` sends the browser to the provider for one (Rust's
    /// `InteractionRequired::redirect`); `index.js` gives it `popup()` (`loginPopup`, then this again:
    /// Rust's `InteractionRequired::popup`).
    #[wasm_bindgen(js_name = getToken)]
    pub fn get_token(&self, request: TokenRequestArg) -> StringPromise {
        let (scopes, force) = match token_request(&request) {
            Ok(request) => request,
            Err(error) => return js_sys::Promise::reject(&auth_error(&error.into())).unchecked_into(),
        };
        // A cached token answers at once: no future, no storage, no JSON.
        if !force {
            if let Some(token) = self.client.cached_token(&scopes) {
                return js_sys::Promise::resolve(&JsValue::from_str(token.access_token.secret())).unchecked_into();
            }
        }
        let client = self.client.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let result = if force { client.renew_token(&scopes).await } else { client.get_token(&scopes).await };
            match result {
                Ok(TokenResult::Success(token)) => Ok(token.access_token.secret().into()),
                Ok(TokenResult::RequiresInteraction(required)) => {
                    let reason = required.reason.clone();
                    // Shared by the calls of redirect(), not copied for each.
                    let required = Rc::new(required);
                    let redirect = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
                        let required = required.clone();
                        promise(async move { required.redirect().await.map(|()| JsValue::UNDEFINED) })
                    });
                    Err(interaction_required(reason.as_deref(), redirect.into_js_value().unchecked_ref()))
                }
                Err(error) => Err(auth_error(&error)),
            }
        })
        .unchecked_into()
    }

    /// Signs out: revokes the refresh token, forgets the tokens, and ends the provider's session (at its
    /// logout page; without one, the return URL replaces this page's, and the router hears of it).
    pub fn logout(&self, request: Option<LogoutRequestArg>) -> VoidPromise {
        let client = self.client.clone();
        let request = request.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        promise(async move {
            let request = logout_request(from_js(request, &LOGOUT_REQUEST)?.as_ref())?;
            client.sign_out(&request).await.map(|_| JsValue::UNDEFINED)
        })
    }

    /// `"DPoP"` when the signed-in session's tokens are bound to this browser's key (send them as
    /// `Authorization: DPoP <token>` with a `getDpopProof` proof), `"Bearer"` when they are not;
    /// `undefined` when nobody is signed in.
    #[cfg(feature = "dpop")]
    #[wasm_bindgen(getter, js_name = tokenType)]
    pub fn token_type(&self) -> Option<String> {
        Some(if self.client.tokens_bound()? { "DPoP" } else { "Bearer" }.into())
    }

    /// A DPoP proof (the `DPoP` header) for `method url` with the access token `accessToken` (from
    /// `getToken`), signed with this browser's key, carrying the API's last nonce. `nonce`: the
    /// `DPoP-Nonce` of the API's answer that asked for one (a 401 with `use_dpop_nonce`): remembered
    /// for this and the next proofs. Rejects with `dpop_key_gone` when the key is gone.
    #[cfg(feature = "dpop")]
    #[wasm_bindgen(js_name = getDpopProof)]
    pub fn get_dpop_proof(
        &self,
        url: String,
        method: String,
        access_token: String,
        nonce: Option<String>,
    ) -> StringPromise {
        let client = self.client.clone();
        promise(async move {
            // The app sends the request and any retry itself: a proof of it, not a ResourceRequest.
            let token = crate::protocol::AccessToken::new(access_token);
            let proof = {
                let mut nonces = client.dpop_nonces().borrow_mut();
                nonces.take(&url, nonce.as_deref());
                let mut proof =
                    crate::protocol::dpop::ProofRequest::new(&method, &url, nonces.for_url(&url), Some(&token));
                // Signed by the key the session's tokens are bound to, or refused as a gone key.
                proof.jkt = client.sync().current().and_then(|session| session.dpop_jkt().map(str::to_owned));
                proof
            };
            Ok(client.sign_dpop_proof(&proof).await?.into())
        })
    }

    /// The signed-in account, or `null`.
    #[wasm_bindgen(getter)]
    pub fn account(&self) -> AccountOrNull {
        match self.client.account() {
            Some(account) => to_js(account_to_json(&account)),
            None => JsValue::NULL,
        }
        .unchecked_into()
    }

    /// Calls `listener` with every event; returns the number `unsubscribe` takes. (`index.js`'s `on`
    /// wraps the two: a function that stops the listener, made in JS, costs the wasm no closure glue.)
    #[wasm_bindgen(skip_typescript)]
    pub fn subscribe(&self, listener: js_sys::Function) -> f64 {
        let subscription = self.client.subscribe(move |event| {
            // A listener's exception is the app's, not ours to handle.
            let _ = listener.call1(&JsValue::NULL, &event_to_js(event));
        });
        subscription.id() as f64
    }

    /// Stops the listener `subscribe` numbered.
    #[wasm_bindgen(skip_typescript)]
    pub fn unsubscribe(&self, id: f64) {
        self.client.unsubscribe(Subscription::from_id(id as u64));
    }
}
