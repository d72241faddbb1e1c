//! Calling the protected demo API with the user's access token.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_auth::{use_auth, Auth, AuthError};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Order {
    pub id: String,
    pub item: String,
    pub total: f64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct OrdersResponse {
    pub user: String,
    pub orders: Vec<Order>,
}

/// What a call of the API gave.
#[derive(Clone, Debug)]
pub enum ApiOutcome {
    Orders(OrdersResponse),
    /// The call needs the user; the browser is on its way to sign in.
    Redirecting,
    Failed(String),
}

/// The demo API's base URL, from context.
pub fn api_base() -> StoredValue<String> {
    StoredValue::new(use_context::<String>().unwrap_or_default())
}

/// The URL of an API on another origin (not on the allow-list), from context; empty when there is none.
#[derive(Clone, Default)]
pub struct OtherApiUrl(pub String);

/// GETs `path` of the demo API with a token for the configured scopes.
pub async fn call_api(auth: Auth, base: String, path: &str) -> ApiOutcome {
    let url = format!("{base}{path}");
    call_url(auth, base, &url).await
}

/// GETs `url` with the helper whose allow-list is the demo API (`base`) alone: a URL on another origin
/// gets no token.
async fn call_url(auth: Auth, base: String, url: &str) -> ApiOutcome {
    if base.is_empty() {
        return ApiOutcome::Failed("no API is configured: set api_base_url in auth-config.json".into());
    }
    let scopes = auth.client().config().scopes.clone();
    let fetch = auth.authorized_fetch(scopes, &[base.as_str()]);
    let response = match fetch.get(url).await {
        Ok(response) => response,
        Err(AuthError::Redirecting) => return ApiOutcome::Redirecting,
        Err(error) => return ApiOutcome::Failed(error.to_string()),
    };
    if !response.ok() {
        let body = response.text().await.unwrap_or_default();
        return ApiOutcome::Failed(format!("the API answered HTTP {}: {body}", response.status()));
    }
    match response.json::<OrdersResponse>().await {
        Ok(orders) => ApiOutcome::Orders(orders),
        Err(error) => ApiOutcome::Failed(format!("unexpected answer: {error}")),
    }
}

#[component]
pub fn OrdersList(response: OrdersResponse) -> impl IntoView {
    view! {
        <p data-testid="api-user">"Orders of " <strong>{response.user}</strong></p>
        <ul class="orders" data-testid="orders">
            {response
                .orders
                .into_iter()
                .map(|o| view! { <li>{o.id} " — " {o.item} " — " {format!("{:.2}", o.total)}</li> })
                .collect_view()}
        </ul>
    }
}

pub fn outcome_view(outcome: Option<ApiOutcome>) -> AnyView {
    match outcome {
        None => ().into_any(),
        Some(ApiOutcome::Orders(response)) => view! { <OrdersList response /> }.into_any(),
        Some(ApiOutcome::Redirecting) => view! { <p>"Taking you to sign in…"</p> }.into_any(),
        Some(ApiOutcome::Failed(message)) => {
            view! { <p class="error" role="alert" data-testid="api-error">{message}</p> }.into_any()
        }
    }
}

#[component]
pub fn CallApi() -> impl IntoView {
    let (auth, base) = (use_auth(), api_base());
    let other = StoredValue::new(use_context::<OtherApiUrl>().unwrap_or_default().0);
    let outcome = RwSignal::new_local(None::<ApiOutcome>);
    let call = move |path: &'static str| {
        outcome.set(None);
        spawn_local(async move { outcome.set(Some(call_api(auth, base.get_value(), path).await)) });
    };
    let call_other = move |_| {
        outcome.set(None);
        let url = format!("{}/orders", other.get_value());
        spawn_local(async move { outcome.set(Some(call_url(auth, base.get_value(), &url).await)) });
    };
    view! {
        <h1>"Call an API"</h1>
        <p>
            "The demo API accepts only access tokens that the provider issued for it, signed with the provider's keys. "
            "The helper adds the token only for the API's origin, renews it silently, and sends you to sign in when it must."
        </p>
        <div class="card">
            <button on:click=move |_| call("/orders")>"Call the orders API"</button>
            <button on:click=move |_| call("/step-up")>"Call the step-up API (claims challenge)"</button>
            <button on:click=move |_| call("/step-up-changing")>"Call an API whose claims challenge changes"</button>
            <button on:click=move |_| call("/moved-step-up")>"Call an API that redirects to another origin"</button>
            <button on:click=move |_| call("/bounced-step-up")>"Call an API that bounces through another origin"</button>
            <button on:click=call_other>"Call an API on another origin (not on the allow-list)"</button>
        </div>
        {move || outcome_view(outcome.get())}
    }
}
