//! `AuthClient` for JavaScript.

use std::future::Future;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::errors::{auth_error, interaction_required};
use super::types::*;
use crate::browser::{navigation, AuthClient, AuthError, TokenResult};
use crate::protocol::ClientConfig;

fn promise<T: JsCast>(future: impl Future<Output = Result<JsValue, AuthError>> + 'static) -> T {
    future_to_promise(async move { future.await.map_err(|e| auth_error(&e)) }).unchecked_into()
}

/// Signs users in with an OpenID Connect provider (authorization code with PKCE) and gets access tokens.
#[wasm_bindgen(js_name = AuthClient)]
pub struct JsAuthClient {
    client: AuthClient,
}

#[wasm_bindgen(js_class = AuthClient)]
impl JsAuthClient {
    /// Throws an `AuthError` (code `invalid_config`) for invalid options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: AuthClientOptions) -> Result<JsAuthClient, JsValue> {
        let config: ClientConfig = serde_wasm_bindgen::from_value(options.into())
            .map_err(|e| auth_error(&crate::protocol::ProtocolError::InvalidConfig(e.to_string()).into()))?;
        let client = AuthClient::new(config).map_err(|e| auth_error(&e))?;
        Ok(Self { client })
    }

    /// Completes a sign-in or sign-out if this page is its callback (call it once at start-up); the
    /// callback's parameters leave the address bar either way.
    #[wasm_bindgen(js_name = handleRedirect)]
    pub fn handle_redirect(&self) -> RedirectResultPromise {
        let client = self.client.clone();
        promise(async move {
            let outcome = client.handle_redirect().await?;
            Ok(redirect_result(outcome, client.account()?.as_ref()))
        })
    }

    /// Sends the browser to the provider to sign in.
    pub fn login(&self, request: Option<LoginRequestArg>) -> VoidPromise {
        let client = self.client.clone();
        let request = request.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        promise(async move {
            let request = login_request(request, navigation::current_path()?)?;
            client.sign_in(&request).await.map(|()| JsValue::UNDEFINED)
        })
    }

    /// An access token for `scopes`, silently (cache, refresh token, hidden iframe). Rejects with an
    /// `InteractionRequiredError` whose `redirect()` starts the sign-in that gets one.
    #[wasm_bindgen(js_name = getToken)]
    pub fn get_token(&self, request: TokenRequestArg) -> StringPromise {
        let client = self.client.clone();
        let request: JsValue = request.into();
        future_to_promise(async move {
            let scopes = token_scopes(request).map_err(|e| auth_error(&e.into()))?;
            match client.get_token(&scopes).await {
                Ok(TokenResult::Success(token)) => Ok(token.access_token.secret().into()),
                Ok(TokenResult::RequiresInteraction(required)) => {
                    let (request, client) = (required.request.clone(), client.clone());
                    let redirect = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
                        let (client, request) = (client.clone(), request.clone());
                        future_to_promise(async move {
                            client.sign_in(&request).await.map(|()| JsValue::UNDEFINED).map_err(|e| auth_error(&e))
                        })
                    });
                    Err(interaction_required(required.reason.as_ref(), redirect.into_js_value().unchecked_ref()))
                }
                Err(error) => Err(auth_error(&error)),
            }
        })
        .unchecked_into()
    }

    /// Signs out: revokes the refresh token, forgets the tokens, and ends the provider's session.
    pub fn logout(&self, request: Option<LogoutRequestArg>) -> VoidPromise {
        let client = self.client.clone();
        let request = request.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        promise(async move {
            let request = logout_request(request)?;
            client.sign_out(&request).await.map(|_| JsValue::UNDEFINED)
        })
    }

    /// The signed-in account, or `null`.
    #[wasm_bindgen(getter)]
    pub fn account(&self) -> AccountOrNull {
        match self.client.account() {
            Ok(Some(record)) => to_js(&JsAccount::from(&record)),
            _ => JsValue::NULL,
        }
        .unchecked_into()
    }

    /// Calls `listener` with every event; returns the function that stops it.
    pub fn on(&self, listener: AuthEventListener) -> Unsubscribe {
        let listener: js_sys::Function = JsValue::from(listener).unchecked_into();
        let watcher = self.client.clone();
        let subscription = self.client.subscribe(move |event| {
            let account = watcher.account().ok().flatten();
            // A listener's exception is the app's, not ours to handle.
            let _ = listener.call1(&JsValue::NULL, &event_to_js(event, account.as_ref()));
        });
        let client = self.client.clone();
        Closure::once_into_js(move || client.unsubscribe(subscription)).unchecked_into()
    }
}
