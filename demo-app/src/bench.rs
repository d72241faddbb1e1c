//! A hidden page (`/bench`, not in the navigation) that times cached-token calls of the Rust API for
//! `tests/bench/session-bench.mjs`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_auth::{use_auth, AuthError, AuthState, Scopes, TokenResult};
use leptos_router::hooks::use_query_map;
use wasm_bindgen::{JsCast, JsValue};

/// How many calls each loop makes, unless the query string says `calls=N`.
const CALLS: usize = 1000;
/// How many loops timed as a whole.
const RUNS: usize = 5;

/// `performance.now()` in milliseconds (5 µs resolution in a cross-origin-isolated page).
struct Clock {
    performance: JsValue,
    now: js_sys::Function,
}

impl Clock {
    fn new() -> Option<Self> {
        let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok()?;
        let now = js_sys::Reflect::get(&performance, &"now".into()).ok()?.dyn_into().ok()?;
        Some(Self { performance, now })
    }

    fn now(&self) -> f64 {
        self.now.call0(&self.performance).ok().and_then(|t| t.as_f64()).unwrap_or(f64::NAN)
    }
}

/// Times `AuthClient::get_token` for a cached token, called from Rust, once the user is signed in:
/// after `calls` calls of warm-up, [`RUNS`] loops of `calls` calls each timed as a whole (the mean:
/// the median of the loops' means, free of the clock's quantisation and of a busy moment), then
/// `calls` calls timed one by one (the median). The scopes come from the query string
/// (`?scopes=api:read&calls=1000`), else the configured ones. Shows the figures as JSON in
/// `<pre data-testid="bench">`.
#[component]
pub fn Bench() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let (scopes_text, calls) = query.with_untracked(|q| {
        let scopes = q.get("scopes").unwrap_or_else(|| auth.client().config().scopes.to_scope_string());
        (scopes, q.get("calls").and_then(|n| n.parse().ok()).unwrap_or(CALLS))
    });
    let result = RwSignal::new(String::new());
    let started = StoredValue::new(false);

    Effect::new(move |_| {
        match auth.state() {
            AuthState::Authenticated(_) if !started.get_value() => started.set_value(true),
            AuthState::Anonymous => {
                return result.set(serde_json::json!({ "error": "nobody is signed in" }).to_string())
            }
            _ => return,
        }
        let scopes = match Scopes::parse(&scopes_text) {
            Ok(scopes) => scopes,
            Err(error) => return result.set(serde_json::json!({ "error": error.to_string() }).to_string()),
        };
        let client = auth.client();
        spawn_local(async move {
            let Some(clock) = Clock::new() else {
                return result.set(serde_json::json!({ "error": "no performance.now()" }).to_string());
            };
            let mut ok = 0usize;
            let mut errors = Vec::new();
            let mut tally = |outcome: Result<TokenResult, AuthError>| match outcome {
                Ok(TokenResult::Success(_)) => ok += 1,
                Ok(_) => errors.push("requires interaction".to_owned()),
                Err(error) => errors.push(error.to_string()),
            };
            // Warm-up: the engine optimises the code it runs often.
            for _ in 0..calls {
                tally(client.get_token(&scopes).await);
            }
            // The machine may be busy with other work: the mean is the median of several runs' means.
            let mut means_us = Vec::with_capacity(RUNS);
            for _ in 0..RUNS {
                let start = clock.now();
                for _ in 0..calls {
                    tally(client.get_token(&scopes).await);
                }
                means_us.push((clock.now() - start) * 1000.0 / calls as f64);
            }
            // Each call timed on its own.
            let mut each_ms = Vec::with_capacity(calls);
            for _ in 0..calls {
                let t0 = clock.now();
                let outcome = client.get_token(&scopes).await;
                each_ms.push(clock.now() - t0);
                tally(outcome);
            }
            each_ms.sort_by(f64::total_cmp);
            let runs_us = means_us.clone();
            means_us.sort_by(f64::total_cmp);
            let median_ms = each_ms.get(calls / 2).copied().unwrap_or(f64::NAN);
            let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            errors.truncate(5);
            result.set(
                serde_json::json!({
                    "scopes": scopes.to_scope_string(),
                    "calls": calls,
                    "runs": RUNS,
                    "calls_made": (RUNS + 2) * calls,
                    "ok": ok,
                    "errors": errors,
                    "run_means_us": runs_us,
                    "mean_us": means_us[RUNS / 2],
                    "median_us": median_ms * 1000.0,
                    "cross_origin_isolated": isolated,
                })
                .to_string(),
            );
        });
    });

    view! {
        <h1>"Cached-token benchmark"</h1>
        <pre data-testid="bench">{move || result.get()}</pre>
    }
}
