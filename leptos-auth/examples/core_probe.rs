// A size probe, not an example to copy: `quickstart_without_auth.rs` plus the protocol core, driven from
// JS, so that `tests/leptos-size.sh` can measure what the core alone costs an app. It makes the calls of
// the quick start's flows (configuration, discovery, the history request, the authorize URL and its
// transaction, the callback, the token flow with its keys and signature step, the session and its
// events, the sign-out), with every input from a JS import and every output to one, so that nothing is
// optimised away; the steps' I/O is left to JS, as a driver written in JS would do it. The difference
// between the quick start and this probe is what the browser layer and leptos-auth cost; between this
// probe and the app without auth, the floor of any design that keeps the protocol core in Rust.

use std::rc::Rc;

use auth_wasm::protocol::flow::{Flow, Grant, HttpResponse, Input, MetadataFlow, Step, TokenFlow};
use auth_wasm::protocol::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
  export function input(kind) { return globalThis.probeInput?.(kind) ?? ''; }
  export function output(kind, text) { globalThis.probeOutput?.(kind, text); }
  export function number(kind) { return Date.now() + kind; }")]
extern "C" {
    fn input(kind: u32) -> String;
    fn output(kind: u32, text: &str);
    fn number(kind: u32) -> f64;
}

/// The app without auth, the same file that is measured on its own.
#[path = "quickstart_without_auth.rs"]
mod app;

fn main() {
    // The app first: mounting it starts Leptos's executor, which `spawn_local` needs (before it, the
    // probe panicked as it started; tests/e2e/leptos-probes.test.mjs loads it).
    app::main();
    leptos::task::spawn_local(async {
        if let Err(error) = protocol_core().await {
            output(0, error.code());
            output(1, &error.to_string());
        }
    });
}

fn random() -> [[u8; 32]; 3] {
    let mut random = [[0u8; 32]; 3];
    for (i, byte) in random.as_flattened_mut().iter_mut().enumerate() {
        *byte = number(i as u32) as u8;
    }
    random
}

/// Runs `flow` to its end, each step's answer from JS but the signature's, which only WebCrypto gives.
async fn drive(flow: &mut dyn Flow) -> Result<(), AuthError> {
    let mut answer = Input::Start;
    loop {
        answer = match flow.next(answer, number(0) as i64)? {
            Step::Get { url, .. } => {
                output(2, &url);
                Input::Response(HttpResponse::new(number(1) as u16, input(2)))
            }
            Step::Keep(_) => Input::Kept,
            Step::PostForm { url, body, .. } => {
                output(3, &url);
                output(4, &body);
                Input::Response(HttpResponse::new(number(1) as u16, input(3)))
            }
            Step::VerifySignature(check) => {
                output(5, &check.key.to_json_string());
                Input::Signature(auth_wasm::browser::check_signature(&check).await?)
            }
            _ => return Ok(()),
        };
    }
}

fn session(text: &str) -> Option<Session> {
    JsonObject::parse(text).ok().and_then(|object| Session::from_json(&object).ok())
}

async fn protocol_core() -> Result<(), AuthError> {
    let now = number(0) as i64;
    let options = JsonObject::parse(&input(0)).map_err(|e| ProtocolError::InvalidConfig(e.into()))?;
    let config = ClientConfig::from_json_object(&options)?;
    let origin = input(1);
    let previous = session(&input(4));
    match input(5).as_str() {
        "login" => {
            let request = InteractiveAuthenticationRequest::from_history_state(&input(6))?
                .unwrap_or_else(|| InteractiveAuthenticationRequest::login("/"));
            let mut flow = MetadataFlow::new(&config);
            drive(&mut flow).await?;
            let metadata = flow.into_metadata().ok_or(ProtocolError::MissingParameter("metadata"))?;
            let return_url = safe_return_url(&request.return_url, &origin);
            let scopes = config.scopes.union(&request.scopes).for_sign_in();
            let redirect_uri = resolve_app_url(&origin, &config.redirect_uri);
            let transaction = LoginTransaction::begin(&redirect_uri, scopes, &return_url, now, random())
                .with_max_age(request.max_age);
            let url = authorize_url(&metadata, &config.client_id, &transaction, &request.authorize_parameters()?)?;
            output(6, &transaction.to_json_string());
            output(7, &url);
        }
        "callback" => {
            let url = input(6);
            let post_logout = resolve_app_url(&origin, &config.post_logout_redirect_uri);
            if classify_callback(&url, &resolve_app_url(&origin, &config.redirect_uri), &post_logout)
                != CallbackKind::SignIn
            {
                return Ok(());
            }
            let response = parse_authorization_response(&url)?;
            let stored = JsonObject::parse(&input(7)).map_err(|_| ProtocolError::StateMismatch)?;
            let transaction = LoginTransaction::from_json(&stored).map_err(|_| ProtocolError::StateMismatch)?;
            let mut flow = TokenFlow::new(&config, Grant::Code { response, transaction });
            drive(&mut flow).await?;
            let set = flow.into_token_set().ok_or(ProtocolError::MissingParameter("id_token"))?;
            let next = after_sign_in(previous.as_ref(), set)?;
            output(8, &next.to_json_string());
            for change in session_events(previous.as_ref(), Some(&next), None, true) {
                if let AuthEvent::SignedIn(account) = change {
                    output(9, &account.display_name);
                }
            }
        }
        "logout" => {
            let metadata =
                Rc::new(ProviderMetadata::from_json(&input(2), &config.metadata_overrides, &config.authority)?);
            if let (Some(session), Some(_)) = (&previous, &metadata.revocation_endpoint) {
                if let Some(refresh_token) = session.refresh_token() {
                    output(10, &revocation_request_body(&config.client_id, refresh_token));
                }
            }
            let transaction = LogoutTransaction::begin("/", now, random()[0]);
            let id_token_hint = previous.as_ref().map(|s| &s.id_token);
            let post_logout = resolve_app_url(&origin, &config.post_logout_redirect_uri);
            if let Some(url) = end_session_url(&metadata, &config.client_id, id_token_hint, &post_logout, &transaction)
            {
                output(11, &url);
            }
            if let Some(state) = sign_out_state(&input(6)) {
                output(12, state.as_str());
            }
        }
        _ => {
            if let Some(session) = &previous {
                let scopes = Scopes::parse(&input(6))?;
                if let Some(token) = session.access_token(&scopes, now) {
                    output(13, token.access_token.secret());
                }
                output(14, &storage_keys::session_key(&config.client_id, &config.authority));
            }
        }
    }
    Ok(())
}
