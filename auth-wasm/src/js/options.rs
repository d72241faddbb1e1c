//! The options and requests of the JS API, read from their JSON form by the names [`super::declaration`]
//! gives them: a name it does not declare is refused, and so is a missing required field; each reader
//! turns the declared camelCase fields into the library's types (the core reads only its own
//! snake_case forms).

use super::declaration::{self, Field, Kind};
use crate::protocol::{
    json, CacheLocation, ClientConfig, InteractiveAuthenticationRequest, JsonError, JsonObject, PopupOptions, Prompt,
    ProtocolError, Scopes,
};

/// What the readers know of a declared field: its name, kind and whether it is required.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptedField {
    /// The field's name.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether it must be given.
    pub required: bool,
}

/// What the readers know of a declared interface: its name, and its fields without their docs (the
/// docs are the `.d.ts`'s; a copy made at compile time keeps them out of the `.wasm`).
pub struct Accepted {
    /// The interface's name, for errors.
    pub name: &'static str,
    /// Its fields.
    pub fields: &'static [AcceptedField],
}

/// The names, kinds and requirements of `fields`, at compile time (`N` is their number).
const fn accepted_fields<const N: usize>(fields: &[Field]) -> [AcceptedField; N] {
    let mut accepted = [AcceptedField { name: "", kind: Kind::Text, required: false }; N];
    let mut i = 0;
    while i < N {
        accepted[i] = AcceptedField { name: fields[i].name, kind: fields[i].kind, required: fields[i].required };
        i += 1;
    }
    accepted
}

/// The [`Accepted`] of a declared interface (a constant of [`declaration`]).
macro_rules! accepted {
    ($interface:path) => {{
        const FIELDS: [AcceptedField; $interface.fields.len()] = accepted_fields($interface.fields);
        Accepted { name: $interface.name, fields: &FIELDS }
    }};
}

/// `AuthClientOptions`.
pub const CLIENT_OPTIONS: Accepted = accepted!(declaration::CLIENT_OPTIONS);
/// `LoginRequest`.
pub const LOGIN_REQUEST: Accepted = accepted!(declaration::LOGIN_REQUEST);
/// `LogoutRequest`.
pub const LOGOUT_REQUEST: Accepted = accepted!(declaration::LOGOUT_REQUEST);
/// `TokenRequest`.
pub const TOKEN_REQUEST: Accepted = accepted!(declaration::TOKEN_REQUEST);

/// The field of `interface` called `name`, if it declares one.
pub fn declared<'a>(interface: &'a Accepted, name: &str) -> Option<&'a AcceptedField> {
    interface.fields.iter().find(|field| field.name == name)
}

/// `object` if it has only fields `interface` declares, and every one it requires; otherwise an
/// `invalid_request` naming the field, so that a misspelt option is an error rather than ignored.
pub fn checked(object: JsonObject, interface: &Accepted) -> Result<JsonObject, ProtocolError> {
    let invalid = |why: &str| ProtocolError::InvalidRequest([interface.name, ": ", why].concat());
    if let Some((unknown, _)) = object.iter().find(|(name, _)| declared(interface, name).is_none()) {
        return Err(invalid(&["unknown option `", unknown, "`"].concat()));
    }
    if let Some(missing) = interface.fields.iter().find(|field| field.required && !object.contains(field.name)) {
        return Err(invalid(&JsonError::field(missing.name, "is missing").text()));
    }
    Ok(object)
}

fn field_error(what: &str) -> impl Fn(JsonError) -> ProtocolError + '_ {
    move |e| ProtocolError::InvalidRequest([what, ": ", &e.text()].concat())
}

/// The configuration of an `AuthClientOptions` object (see [`checked`]), checked as
/// [`ClientConfig::validate`] does; a field of another kind is an `invalid_config` naming it.
pub fn client_config(options: &JsonObject) -> Result<ClientConfig, ProtocolError> {
    let read = || -> Result<ClientConfig, JsonError> {
        let mut config = ClientConfig::new(options.string("authority")?, options.string("clientId")?);
        for (name, value) in [
            ("redirectUri", &mut config.redirect_uri),
            ("postLogoutRedirectUri", &mut config.post_logout_redirect_uri),
            ("silentRedirectUri", &mut config.silent_redirect_uri),
            ("loginPath", &mut config.login_path),
            ("logoutPath", &mut config.logout_path),
        ] {
            if let Some(text) = options.opt_string(name)? {
                *value = text;
            }
        }
        config.scopes = Scopes::read_json(options, "scopes")?;
        if let Some(location) = options.opt_choice("cacheLocation", CacheLocation::parse, CacheLocation::EXPECTED)? {
            config.cache_location = location;
        }
        config.client_info = options.opt_bool("clientInfo")?;
        #[cfg(feature = "dpop")]
        if let Some(mode) =
            options.opt_choice("dpop", crate::protocol::DpopMode::parse, crate::protocol::DpopMode::EXPECTED)?
        {
            config.dpop = mode;
        }
        Ok(config)
    };
    let config = read().map_err(|e| ProtocolError::InvalidConfig(e.into()))?;
    config.validate()?;
    config.read_metadata(options, ["metadata", "metadataOverrides"])
}

/// The popup options of an `AuthClientOptions` object (see [`checked`]): its `popup…` fields.
pub fn popup_options(options: &JsonObject) -> Result<PopupOptions, ProtocolError> {
    let read = || -> Result<PopupOptions, JsonError> {
        let mut popup = PopupOptions::default();
        if let Some(uri) = options.opt_string("popupRedirectUri")? {
            popup.redirect_uri = uri;
        }
        let count = |name| -> Result<Option<u32>, JsonError> {
            Ok(options.opt_unsigned(name)?.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
        };
        popup.window.width = count("popupWidth")?.unwrap_or(popup.window.width);
        popup.window.height = count("popupHeight")?.unwrap_or(popup.window.height);
        popup.window.left = count("popupLeft")?;
        popup.window.top = count("popupTop")?;
        popup.timeout_secs = count("popupTimeoutSeconds")?.unwrap_or(popup.timeout_secs);
        Ok(popup)
    };
    read().map_err(|e| ProtocolError::InvalidConfig(e.into()))
}

/// The sign-in request of a `LoginRequest` object (see [`checked`]), or of none: it returns to
/// `default_return_url` unless it says otherwise.
pub fn login_request(
    js: Option<&JsonObject>,
    default_return_url: String,
) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let Some(js) = js else { return Ok(InteractiveAuthenticationRequest::login(default_return_url)) };
    let read = || -> Result<InteractiveAuthenticationRequest, JsonError> {
        let mut request =
            InteractiveAuthenticationRequest::login(js.opt_string("returnUrl")?.unwrap_or(default_return_url));
        request.scopes = Scopes::read_json(js, "scopes")?;
        request.login_hint = js.opt_string("loginHint")?;
        request.domain_hint = js.opt_string("domainHint")?;
        request.prompt = js.opt_choice("prompt", Prompt::parse, Prompt::EXPECTED)?;
        request.max_age = js.opt_unsigned("maxAge")?;
        request.claims = js.opt_object("claims")?.cloned();
        if let Some(extra) = js.opt_object("extraParameters")? {
            for (name, value) in extra.iter() {
                request.extra.set(name, json::value_text(value));
            }
        }
        Ok(request)
    };
    read().map_err(field_error("LoginRequest"))
}

/// The sign-out request of a `LogoutRequest` object (see [`checked`]), or of none: it lands on `/`
/// unless it says otherwise.
pub fn logout_request(js: Option<&JsonObject>) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let return_url = js.map(|js| js.opt_string("returnUrl")).transpose().map_err(field_error("LogoutRequest"))?;
    Ok(InteractiveAuthenticationRequest::logout(return_url.flatten().unwrap_or_else(|| "/".to_owned())))
}
