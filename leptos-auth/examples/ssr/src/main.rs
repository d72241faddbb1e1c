//! The server: renders the app with axum and serves the browser's build from `<site root>/pkg`.
//!
//!   AUTH_AUTHORITY=https://login.example.com AUTH_CLIENT_ID=my-app [AUTH_SCOPES="api:read"] \
//!   [LEPTOS_SITE_ADDR=127.0.0.1:3000] [LEPTOS_SITE_ROOT=target/ssr-example/site] target/debug/ssr-example
//!
//! (`LEPTOS_SITE_ROOT` holds `pkg/`, the browser's build, and `silent-callback.html`: tests/ssr-example.sh.)
//!
//! Prints `listening on http://<address>` once it accepts connections.

use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use ssr_example::{client_config, App, AUTHORITY_META, CLIENT_ID_META, SCOPES_META};

/// What the server is given: the provider and the client (from the environment).
#[derive(Clone)]
struct Settings {
    authority: String,
    client_id: String,
    scopes: String,
}

impl Settings {
    fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).map_err(|_| ["set ", name].concat());
        Ok(Self {
            authority: var("AUTH_AUTHORITY")?,
            client_id: var("AUTH_CLIENT_ID")?,
            scopes: std::env::var("AUTH_SCOPES").unwrap_or_default(),
        })
    }
}

/// The whole page: the configuration in `<meta>` for the browser's `hydrate`, then the app.
fn shell(options: LeptosOptions, settings: Settings) -> impl IntoView {
    let config = client_config(settings.authority.clone(), settings.client_id.clone(), &settings.scopes);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name=AUTHORITY_META content=settings.authority />
                <meta name=CLIENT_ID_META content=settings.client_id />
                <meta name=SCOPES_META content=settings.scopes />
                <title>"leptos-auth, server-rendered"</title>
                // No favicon (a request for one would be a 404 in the console).
                <link rel="icon" href="data:," />
                <HydrationScripts options />
            </head>
            <body>
                <App config />
            </body>
        </html>
    }
}

/// Where the server listens and what it serves the browser's build from (`LEPTOS_SITE_ADDR`,
/// `LEPTOS_SITE_ROOT`, as Leptos's tools name them), with the file names tests/ssr-example.sh gives it.
fn leptos_options() -> Result<LeptosOptions, String> {
    let site_addr = match std::env::var("LEPTOS_SITE_ADDR") {
        Ok(text) => text.parse().map_err(|_| ["LEPTOS_SITE_ADDR is no address: ", &text].concat())?,
        Err(_) => std::net::SocketAddr::from(([127, 0, 0, 1], 3000)),
    };
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/ssr-example/site".to_owned());
    Ok(LeptosOptions::builder().output_name("ssr_example").site_root(site_root).site_addr(site_addr).build())
}

#[tokio::main]
async fn main() {
    let (settings, options) = match Settings::from_env().and_then(|settings| Ok((settings, leptos_options()?))) {
        Ok(both) => both,
        Err(message) => {
            eprintln!("ssr-example: {message}");
            std::process::exit(2);
        }
    };
    let address = options.site_addr;
    let routes = generate_route_list({
        let settings = settings.clone();
        move || view! { <App config=client_config(settings.authority.clone(), settings.client_id.clone(), "") /> }
    });
    let app = Router::new()
        .leptos_routes(&options, routes, {
            let (options, settings) = (options.clone(), settings.clone());
            move || shell(options.clone(), settings.clone())
        })
        .fallback(leptos_axum::file_and_error_handler({
            let settings = settings.clone();
            move |options| shell(options, settings.clone())
        }))
        .with_state(options);
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("ssr-example: cannot listen on {address}: {error}");
            std::process::exit(2);
        }
    };
    println!("listening on http://{}", listener.local_addr().map_or(address, |a| a));
    if let Err(error) = axum::serve(listener, app.into_make_service()).await {
        eprintln!("ssr-example: {error}");
    }
}
