//! Signing in to careful through the council's own identity provider, with OpenID Connect.
//!
//! careful acts as an OpenID Connect "relying party" using the authorization code flow with
//! PKCE (RFC 7636, method S256). It works with Microsoft Entra ID and with any provider that
//! follows OpenID Connect Discovery 1.0. A sign-in has three steps:
//!
//! 1. [`OidcClient::discover`], once at start-up: reads the provider's discovery document and
//!    its published signing keys (the JWKS).
//! 2. [`OidcClient::begin`], for each sign-in: gives the URL to send the browser to, and a
//!    [`PendingSignIn`] which careful keeps server-side until the browser comes back.
//! 3. [`OidcClient::finish`], on the callback: checks the state, exchanges the code for an
//!    ID token at the provider's token endpoint, and verifies the ID token.
//!
//! The ID token checks follow OpenID Connect Core 1.0 ("Core") §3.1.3.7, implemented by
//! [`verify_id_token`], which is pure and does no input or output.
//!
//! Only RS256 signatures are accepted (the OpenID Connect default, and what Entra ID uses).
//! careful never takes a key from the token itself (the `jwk`, `jku`, `x5u` and `x5c` header
//! parameters are ignored): only keys published at the provider's `jwks_uri` are trusted.
#![forbid(unsafe_code)]

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

/// The claim that names the careful account when the settings do not say otherwise.
pub const DEFAULT_USERNAME_CLAIM: &str = "preferred_username";

/// What careful asks the provider for: an ID token, with the user's name and email address.
const SCOPE: &str = "openid profile email";

/// How far apart careful's clock and the provider's may be, in seconds.
const CLOCK_LEEWAY_SECONDS: i64 = 60;

/// How long careful waits for the provider to answer any one request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest answer careful reads from the provider (discovery documents and key sets are a
/// few kilobytes; this stops a misbehaving server filling careful's memory).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// base64url, accepting input with or without `=` padding. JWS (RFC 7515 §2) forbids padding,
/// but some key publishers add it; the decoded bytes are the same either way, and the
/// signature covers the token's text as sent, so this leniency cannot weaken a check.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How careful signs in with the council's identity provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The provider's issuer, exactly as its discovery document states it, for example
    /// `https://login.microsoftonline.com/{tenant}/v2.0`.
    pub issuer: String,
    /// careful's application (client) ID at the provider.
    pub client_id: String,
    /// careful's client secret at the provider; `None` for a public client.
    pub client_secret: Option<String>,
    /// careful's callback, registered at the provider as a redirect URI, for example
    /// `https://careful.example.gov.uk/sign-in/oidc/callback`.
    pub redirect_url: String,
    /// Which ID token claim names the careful account; usually [`DEFAULT_USERNAME_CLAIM`].
    pub username_claim: String,
}

impl fmt::Debug for OidcSettings {
    // Never print the client secret (settings end up in logs).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "(hidden)"))
            .field("redirect_url", &self.redirect_url)
            .field("username_claim", &self.username_claim)
            .finish()
    }
}

/// What careful must keep, server-side, between [`OidcClient::begin`] and
/// [`OidcClient::finish`]. Each value is 32 random bytes, base64url without padding.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PendingSignIn {
    /// Sent to the provider and returned on the callback: ties the callback to this sign-in.
    pub state: String,
    /// Sent to the provider and returned inside the ID token: stops a token being replayed.
    pub nonce: String,
    /// The PKCE code verifier (RFC 7636): only its SHA-256 hash goes to the browser.
    pub verifier: String,
}

/// Who signed in, as the provider vouches for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcIdentity {
    /// The provider's issuer.
    pub issuer: String,
    /// The provider's stable identifier for the user (`sub`): unique and never reassigned
    /// within the issuer, unlike usernames, which can change.
    pub subject: String,
    /// The value of the configured username claim: names the careful account.
    pub username: String,
    /// How the user authenticated (`amr`, RFC 8176: for example "pwd", "mfa"), when the provider says.
    pub amr: Vec<String>,
}

/// A JSON Web Key Set (RFC 7517 §5): the provider's published signing keys.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Jwks {
    /// The keys careful could read. Keys it cannot read (odd field types) are left out rather
    /// than making the whole set unusable: they could never verify careful's tokens anyway.
    #[serde(deserialize_with = "readable_keys")]
    pub keys: Vec<Jwk>,
}

/// One JSON Web Key (RFC 7517 §4; RSA members from RFC 7518 §6.3.1). Members careful does not
/// use are ignored.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Jwk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// "sig" for a signing key; careful ignores keys published for other uses ("enc").
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// The RSA modulus, base64url, big-endian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// The RSA public exponent, base64url, big-endian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

fn readable_keys<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Jwk>, D::Error> {
    let values = Vec::<Value>::deserialize(deserializer)?;
    Ok(values.into_iter().filter_map(|value| serde_json::from_value(value).ok()).collect())
}

impl Jwk {
    /// Whether this key can verify an RS256 signature: an RSA key with a modulus and exponent,
    /// published for signing (or for no stated use), and for RS256 (or no stated algorithm).
    fn is_rs256_signing_key(&self) -> bool {
        self.kty.as_deref() == Some("RSA")
            && self.n.is_some()
            && self.e.is_some()
            && self.use_.as_deref().is_none_or(|u| u == "sig")
            && self.alg.as_deref().is_none_or(|a| a == "RS256")
    }
}

/// Why an ID token was refused. Each message says what to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error(
        "the ID token is not a signed token in compact form: it has {parts} dot-separated part(s) where 3 are \
         expected (a token in 5 parts is encrypted, which careful does not support: switch off ID token \
         encryption for careful's application at the provider)"
    )]
    NotCompact { parts: usize },
    #[error(
        "the ID token's {part} is not valid base64url, so the token was damaged on its way: if this keeps \
         happening, check that nothing between careful and the provider (such as a proxy) alters its answers"
    )]
    Base64 { part: &'static str },
    #[error(
        "the ID token's {part} is not a JSON object ({detail}), so the token was damaged on its way or the \
         provider is not following the standard"
    )]
    Json { part: &'static str, detail: String },
    #[error(
        "the ID token's header lists critical extensions ({names}) which careful does not understand, so it \
         must refuse the token (RFC 7515 §4.1.11): configure the provider to sign careful's ID tokens with \
         plain RS256"
    )]
    CriticalHeader { names: String },
    #[error(
        "the ID token is signed with algorithm {alg}, but careful accepts only RS256: configure the provider \
         to sign careful's ID tokens with RS256 (the OpenID Connect default)"
    )]
    Algorithm { alg: String },
    #[error(
        "the ID token's header is malformed ({detail}): the provider is not following the standard; contact \
         its support"
    )]
    Header { detail: String },
    #[error(
        "the ID token was signed with key {kid:?}, which is not among the provider's published RSA signing \
         keys: check --oidc-issuer names the right tenant"
    )]
    UnknownKey { kid: String },
    #[error(
        "the ID token does not say which key signed it, and the provider publishes no RSA signing key: check \
         --oidc-issuer names the right provider"
    )]
    NoSigningKey,
    #[error(
        "the ID token does not say which key signed it (it has no kid), and the provider publishes {count} \
         RSA signing keys, so careful cannot tell which one to check it with: configure the provider to \
         include the key ID in ID tokens"
    )]
    AmbiguousKey { count: usize },
    #[error(
        "the provider's published signing key {kid:?} is damaged (its {component} is not valid base64url): \
         contact the provider's support"
    )]
    BadKey { kid: String, component: &'static str },
    #[error(
        "the ID token's signature does not match the provider's published keys: check --oidc-issuer names \
         the right tenant"
    )]
    BadSignature,
    #[error(
        "the ID token was issued by {found:?}, but careful expects tokens from {expected:?}: check \
         --oidc-issuer is exactly the provider's issuer"
    )]
    Issuer { expected: String, found: String },
    #[error(
        "the ID token is meant for {}, not for careful's client ID {client_id:?}: check --oidc-client-id is \
         the application (client) ID registered for careful at the provider",
        list(.found)
    )]
    Audience { client_id: String, found: Vec<String> },
    #[error(
        "the ID token was obtained by {} (its azp claim) rather than by careful's client ID {client_id:?}: \
         check --oidc-client-id is the application (client) ID registered for careful at the provider",
        .found.as_deref().map_or_else(|| "an unnamed party".to_owned(), |azp| format!("{azp:?}"))
    )]
    AuthorizedParty { client_id: String, found: Option<String> },
    #[error(
        "the ID token expired at {} but this server's clock says it is {}: sign in again; if this happens \
         every time, check this server's clock is right (careful allows 60 seconds' difference)",
        time(.exp), .now.format("%Y-%m-%d %H:%M:%S UTC")
    )]
    Expired { exp: i64, now: DateTime<Utc> },
    #[error(
        "the ID token says it was issued at {}, which is in the future by this server's clock ({}): check \
         this server's clock is right (careful allows 60 seconds' difference)",
        time(.iat), .now.format("%Y-%m-%d %H:%M:%S UTC")
    )]
    IssuedInFuture { iat: i64, now: DateTime<Utc> },
    #[error(
        "the ID token's nonce does not match the one careful sent when this sign-in began, so the token may \
         have been replayed from another sign-in: start again from careful's sign-in page"
    )]
    Nonce,
    #[error(
        "the ID token has no {claim} claim (or it is empty), which OpenID Connect requires: check \
         --oidc-issuer names an OpenID Connect provider"
    )]
    MissingClaim { claim: &'static str },
    #[error("the ID token's {claim} claim is not {expected}: the provider is not following the standard")]
    ClaimType { claim: &'static str, expected: &'static str },
    #[error(
        "the ID token has no {claim:?} claim naming the user (as text): configure the provider to include \
         it in careful's ID tokens, or set --oidc-username-claim to a claim the provider does include"
    )]
    MissingUsername { claim: String },
}

fn list(values: &[String]) -> String {
    if values.is_empty() {
        return "nobody".to_owned();
    }
    values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
}

fn time(seconds: &i64) -> String {
    match DateTime::from_timestamp(*seconds, 0) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => format!("{seconds} seconds after 1970"),
    }
}

/// Why signing in with the identity provider failed. Each message says what to check.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the OpenID Connect setting {setting} cannot be used: {detail}")]
    InvalidSetting { setting: &'static str, detail: String },
    #[error("the {what} {url:?} is not a usable URL: {detail}")]
    InvalidUrl { what: &'static str, url: String, detail: String },
    #[error(
        "the {what} {url:?} does not use https: careful talks to the identity provider only over HTTPS \
         (plain http is allowed only to 127.0.0.1, localhost or [::1], for testing)"
    )]
    InsecureUrl { what: &'static str, url: String },
    #[error(
        "careful could not set up its HTTPS client for the identity provider ({detail}): check this server's \
         trusted certificate authorities are installed (on Debian or Ubuntu, the ca-certificates package)"
    )]
    ClientSetup { detail: String },
    #[error(
        "careful could not fetch the provider's {what} from {url}: {detail}: check this server can make HTTPS \
         connections to the provider (DNS, firewall, and the HTTPS_PROXY setting if the council uses a proxy)"
    )]
    Unreachable { what: &'static str, url: String, detail: String },
    #[error(
        "the provider answered the request for its {what} at {url} with a redirect to {location:?}, which \
         careful does not follow: check --oidc-issuer is the provider's issuer exactly"
    )]
    Redirected { what: &'static str, url: String, location: String },
    #[error(
        "the provider answered the request for its {what} at {url} with HTTP status {status}{}: check \
         --oidc-issuer is the provider's issuer exactly",
        if .body.is_empty() { String::new() } else { format!(" ({})", .body) }
    )]
    HttpStatus { what: &'static str, url: String, status: u16, body: String },
    #[error("the provider's {what} at {url} is larger than careful accepts (1 MiB): check --oidc-issuer")]
    TooLarge { what: &'static str, url: String },
    #[error(
        "the provider's {what} at {url} is not the JSON careful expects ({detail}): check --oidc-issuer names \
         an OpenID Connect provider"
    )]
    BadJson { what: &'static str, url: String, detail: String },
    #[error(
        "the provider's discovery document at {url} does not give its {field}: check --oidc-issuer names an \
         OpenID Connect provider"
    )]
    MissingMetadata { field: &'static str, url: String },
    #[error(
        "the provider's discovery document names its issuer as {published:?}, but --oidc-issuer is \
         {configured:?}: set --oidc-issuer to exactly {published:?} (for Microsoft Entra ID use \
         https://login.microsoftonline.com/<your tenant ID>/v2.0, not /common or /organizations)"
    )]
    IssuerMismatch { configured: String, published: String },
    #[error(
        "this server could not produce random numbers for the sign-in: check the operating system's random \
         number source (/dev/urandom) is available to careful"
    )]
    Random,
    #[error(
        "the sign-in that came back from the identity provider is not the one careful started (its state \
         does not match), so it was refused: the browser may have followed an old or forged link; start again \
         from careful's sign-in page"
    )]
    StateMismatch,
    #[error(
        "the identity provider sent the browser back without a sign-in code: start again from careful's \
         sign-in page"
    )]
    MissingCode,
    #[error(
        "the identity provider refused to exchange the sign-in code for an ID token: {error}{}: {hint}",
        .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    TokenEndpoint { error: String, description: Option<String>, hint: &'static str },
    #[error(
        "the provider's token endpoint answered without an ID token: check careful's application at the \
         provider is set up for OpenID Connect sign-in and may be granted the openid scope"
    )]
    NoIdToken,
    #[error("the identity provider's ID token cannot be accepted: {0}")]
    Token(#[from] TokenError),
}

/// What to do about an OAuth 2.0 token endpoint error (RFC 6749 §5.2).
fn token_error_hint(error: &str) -> &'static str {
    match error {
        "invalid_client" | "unauthorized_client" => {
            "check --oidc-client-id and --oidc-client-secret match careful's application at the provider \
             (client secrets expire: Entra ID secrets have an end date)"
        }
        "invalid_grant" => {
            "the sign-in code was already used, has expired, or was issued for another redirect URL: start again \
             from careful's sign-in page; if this happens every time, check --oidc-redirect-url is exactly the \
             redirect URI registered for careful at the provider"
        }
        "invalid_scope" => "allow careful's application at the provider the scopes openid, profile and email",
        _ => "see the provider's documentation for this error, or its sign-in logs",
    }
}

/// How careful proves its identity at the token endpoint (OpenID Connect Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientAuth {
    /// The client ID and secret in the form body.
    Post,
    /// The client ID and secret in an HTTP Basic Authorization header (RFC 6749 §2.3.1).
    Basic,
    /// A public client: the client ID in the form body, no secret (PKCE protects the code).
    Public,
}

/// client_secret_post when the provider lists it; otherwise client_secret_basic, which is what
/// OpenID Connect Discovery 1.0 §3 says a provider supports when it lists nothing, and which
/// RFC 6749 §2.3.1 requires every provider to support for clients with a secret.
fn choose_client_auth(has_secret: bool, listed: Option<&[String]>) -> ClientAuth {
    if !has_secret {
        return ClientAuth::Public;
    }
    match listed {
        Some(methods) if methods.iter().any(|m| m == "client_secret_post") => ClientAuth::Post,
        _ => ClientAuth::Basic,
    }
}

/// The parts of the discovery document careful uses (OpenID Connect Discovery 1.0 §3).
#[derive(Deserialize)]
struct Discovery {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    jwks_uri: Option<String>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// The parts of a successful token response careful uses (Core §3.1.3.3).
#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

/// An OAuth 2.0 error response (RFC 6749 §5.2).
#[derive(Deserialize)]
struct TokenErrorResponse {
    error: String,
    error_description: Option<String>,
}

/// careful's connection to the council's identity provider: its discovered endpoints, one HTTP
/// client, and a cache of its signing keys. Build it once with [`OidcClient::discover`] and share
/// it (for example in an `Arc`).
pub struct OidcClient {
    settings: OidcSettings,
    authorization_endpoint: reqwest::Url,
    token_endpoint: reqwest::Url,
    jwks_uri: reqwest::Url,
    client_auth: ClientAuth,
    http: reqwest::Client,
    jwks: RwLock<Jwks>,
    rng: SystemRandom,
}

impl fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClient")
            .field("settings", &self.settings)
            .field("authorization_endpoint", &self.authorization_endpoint.as_str())
            .field("token_endpoint", &self.token_endpoint.as_str())
            .field("jwks_uri", &self.jwks_uri.as_str())
            .field("client_auth", &self.client_auth)
            .finish_non_exhaustive()
    }
}

impl OidcClient {
    /// Reads the provider's discovery document from `{issuer}/.well-known/openid-configuration`
    /// and its signing keys from the document's `jwks_uri`. The document's `issuer` must equal
    /// `settings.issuer` exactly (OpenID Connect Discovery 1.0 §4.3).
    pub async fn discover(settings: OidcSettings) -> Result<OidcClient, OidcError> {
        if settings.client_id.trim().is_empty() {
            return Err(OidcError::InvalidSetting {
                setting: "--oidc-client-id",
                detail: "it is empty: give careful's application (client) ID at the provider".to_owned(),
            });
        }
        if settings.username_claim.trim().is_empty() {
            return Err(OidcError::InvalidSetting {
                setting: "--oidc-username-claim",
                detail: format!("it is empty: name a claim, usually {DEFAULT_USERNAME_CLAIM}"),
            });
        }
        if settings.client_secret.as_deref().is_some_and(str::is_empty) {
            return Err(OidcError::InvalidSetting {
                setting: "--oidc-client-secret",
                detail: "it is empty: give careful's client secret, or leave the setting out for a public client"
                    .to_owned(),
            });
        }
        parse_url("redirect URL (--oidc-redirect-url)", &settings.redirect_url)?;
        let issuer = provider_url("issuer (--oidc-issuer)", &settings.issuer)?;
        if issuer.query().is_some() || issuer.fragment().is_some() {
            // Core §2: an issuer is a URL with "no query or fragment components".
            return Err(OidcError::InvalidUrl {
                what: "issuer (--oidc-issuer)",
                url: settings.issuer.clone(),
                detail: "an issuer has no query (?) or fragment (#) part".to_owned(),
            });
        }

        // OpenID Connect Discovery 1.0 §4: "any terminating / MUST be removed before appending
        // /.well-known/openid-configuration".
        let discovery_url = format!("{}/.well-known/openid-configuration", settings.issuer.trim_end_matches('/'));
        let discovery_url = provider_url("discovery document URL", &discovery_url)?;

        let http = http_client()?;
        let what = "discovery document";
        let body = get(&http, what, &discovery_url).await?;
        let document: Discovery = serde_json::from_slice(&body).map_err(|e| OidcError::BadJson {
            what,
            url: discovery_url.to_string(),
            detail: e.to_string(),
        })?;
        let missing = |field| OidcError::MissingMetadata { field, url: discovery_url.to_string() };

        let published = document.issuer.ok_or_else(|| missing("issuer"))?;
        if published != settings.issuer {
            return Err(OidcError::IssuerMismatch { configured: settings.issuer, published });
        }
        let authorization_endpoint =
            document.authorization_endpoint.ok_or_else(|| missing("authorization_endpoint"))?;
        let authorization_endpoint = provider_url("provider's authorization endpoint", &authorization_endpoint)?;
        let token_endpoint = document.token_endpoint.ok_or_else(|| missing("token_endpoint"))?;
        let token_endpoint = provider_url("provider's token endpoint", &token_endpoint)?;
        let jwks_uri = document.jwks_uri.ok_or_else(|| missing("jwks_uri"))?;
        let jwks_uri = provider_url("provider's signing key set (jwks_uri)", &jwks_uri)?;

        let client_auth = choose_client_auth(
            settings.client_secret.is_some(),
            document.token_endpoint_auth_methods_supported.as_deref(),
        );
        let jwks = fetch_jwks(&http, &jwks_uri).await?;
        Ok(OidcClient {
            settings,
            authorization_endpoint,
            token_endpoint,
            jwks_uri,
            client_auth,
            http,
            jwks: RwLock::new(jwks),
            rng: SystemRandom::new(),
        })
    }

    /// The settings this client was discovered with.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// Starts a sign-in: the URL to send the browser to, and what careful must keep server-side
    /// until the callback. state, nonce and the PKCE verifier are 32 random bytes each.
    pub fn begin(&self) -> Result<(String, PendingSignIn), OidcError> {
        let pending = PendingSignIn {
            state: random_value(&self.rng)?,
            nonce: random_value(&self.rng)?,
            verifier: random_value(&self.rng)?,
        };
        let mut url = self.authorization_endpoint.clone();
        // Core §3.1.2.1, with PKCE from RFC 7636 §4.3. Appending keeps any query the provider's
        // endpoint already has (some providers name a policy there).
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", &self.settings.redirect_url)
            .append_pair("scope", SCOPE)
            .append_pair("state", &pending.state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &pkce_challenge(&pending.verifier))
            .append_pair("code_challenge_method", "S256");
        Ok((url.into(), pending))
    }

    /// Finishes a sign-in when the browser comes back to careful's callback with `state` and
    /// `code`: checks the state matches (before any request to the provider), exchanges the code
    /// at the token endpoint, and verifies the ID token with [`verify_id_token`]. If the token
    /// names a key careful has not seen, careful fetches the provider's keys once more (providers
    /// rotate their keys) before refusing it.
    pub async fn finish(
        &self,
        pending: &PendingSignIn,
        returned_state: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<OidcIdentity, OidcError> {
        if pending.state.is_empty() || !constant_time_equal(&pending.state, returned_state, &self.rng)? {
            return Err(OidcError::StateMismatch);
        }
        if code.is_empty() {
            return Err(OidcError::MissingCode);
        }
        let id_token = self.exchange_code(pending, code).await?;
        let verify = |jwks: &Jwks| {
            verify_id_token(
                &id_token,
                jwks,
                &self.settings.issuer,
                &self.settings.client_id,
                &pending.nonce,
                &self.settings.username_claim,
                now,
            )
        };
        let first = verify(&*self.jwks.read().await);
        match first {
            Err(TokenError::UnknownKey { .. } | TokenError::NoSigningKey) => {
                let fresh = fetch_jwks(&self.http, &self.jwks_uri).await?;
                let second = verify(&fresh);
                *self.jwks.write().await = fresh;
                Ok(second?)
            }
            other => Ok(other?),
        }
    }

    /// Exchanges the authorization code for tokens (Core §3.1.3.1) and returns the ID token.
    async fn exchange_code(&self, pending: &PendingSignIn, code: &str) -> Result<String, OidcError> {
        let what = "token endpoint";
        let url = self.token_endpoint.to_string();
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.settings.redirect_url),
            ("code_verifier", &pending.verifier),
        ];
        let mut request =
            self.http.post(self.token_endpoint.clone()).header(reqwest::header::ACCEPT, "application/json");
        let secret = self.settings.client_secret.as_deref().unwrap_or_default();
        match self.client_auth {
            ClientAuth::Post => {
                form.push(("client_id", &self.settings.client_id));
                form.push(("client_secret", secret));
            }
            ClientAuth::Basic => {
                // RFC 6749 §2.3.1: each part is form-urlencoded before the Basic encoding.
                let credentials = format!("{}:{}", form_urlencode(&self.settings.client_id), form_urlencode(secret));
                let value = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials));
                request = request.header(reqwest::header::AUTHORIZATION, value);
            }
            ClientAuth::Public => form.push(("client_id", &self.settings.client_id)),
        }
        let response = request.form(&form).send().await.map_err(|e| OidcError::Unreachable {
            what,
            url: url.clone(),
            detail: describe(&e.without_url()),
        })?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
        let body = read_body(response, what, &url).await?;
        if status.is_redirection() {
            return Err(OidcError::Redirected { what, url, location: location.unwrap_or_default() });
        }
        if !status.is_success() {
            // RFC 6749 §5.2: errors come back as JSON with "error" and perhaps "error_description".
            return Err(match serde_json::from_slice::<TokenErrorResponse>(&body) {
                Ok(e) => OidcError::TokenEndpoint {
                    hint: token_error_hint(&e.error),
                    error: e.error,
                    description: e.error_description,
                },
                Err(_) => OidcError::HttpStatus { what, url, status: status.as_u16(), body: excerpt(&body) },
            });
        }
        let tokens: TokenResponse = serde_json::from_slice(&body).map_err(|e| OidcError::BadJson {
            what,
            url: url.clone(),
            detail: e.to_string(),
        })?;
        tokens.id_token.filter(|t| !t.is_empty()).ok_or(OidcError::NoIdToken)
    }
}

/// Verifies a compact JWS ID token against the provider's keys, following OpenID Connect Core
/// 1.0 §3.1.3.7 (numbers in the comments are its steps), and returns who it names. Pure: no
/// input or output, and it never panics, whatever `token` holds.
pub fn verify_id_token(
    token: &str,
    jwks: &Jwks,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    username_claim: &str,
    now: DateTime<Utc>,
) -> Result<OidcIdentity, TokenError> {
    // Step 1: careful registers no encryption key, so an encrypted ID token (a five-part JWE)
    // cannot be read; only a three-part compact JWS (RFC 7515 §7.1) is accepted.
    let parts: Vec<&str> = token.split('.').collect();
    let [header_part, payload_part, signature_part] = parts[..] else {
        return Err(TokenError::NotCompact { parts: parts.len() });
    };
    let header = decode_json_object(header_part, "header")?;

    // RFC 7515 §4.1.11: extensions marked critical must be understood; careful understands none.
    if let Some(crit) = header.get("crit") {
        return Err(TokenError::CriticalHeader { names: crit.to_string() });
    }
    // Steps 6 to 8: careful requires RS256, the default for ID tokens. Accepting whatever the
    // token's header asks for would let an attacker choose "none" (no signature at all) or
    // HS256 with the provider's public key as the HMAC secret (algorithm confusion).
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "RS256" => {}
        Some(Value::String(alg)) => return Err(TokenError::Algorithm { alg: format!("{alg:?}") }),
        Some(other) => return Err(TokenError::Algorithm { alg: other.to_string() }),
        None => return Err(TokenError::Algorithm { alg: "(none stated)".to_owned() }),
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(other) => return Err(TokenError::Header { detail: format!("its kid is {other}, not text") }),
    };
    let key = select_key(jwks, kid)?;
    let key_name = key.kid.clone().unwrap_or_else(|| "(unnamed)".to_owned());
    let n = decode_key_component(key.n.as_deref(), &key_name, "modulus (n)")?;
    let e = decode_key_component(key.e.as_deref(), &key_name, "exponent (e)")?;
    let signature = BASE64URL.decode(signature_part).map_err(|_| TokenError::Base64 { part: "signature" })?;

    // The JWS signing input is the header and payload exactly as sent (RFC 7515 §5.2).
    let signing_input = format!("{header_part}.{payload_part}");
    RsaPublicKeyComponents { n: &n[..], e: &e[..] }
        .verify(&RSA_PKCS1_2048_8192_SHA256, signing_input.as_bytes(), &signature)
        .map_err(|_| TokenError::BadSignature)?;

    // Only now, with the signature good, are the claims worth reading.
    let claims = decode_json_object(payload_part, "payload")?;

    // Step 2: the issuer must match exactly.
    let found_issuer = required_text(&claims, "iss")?;
    if found_issuer != issuer {
        return Err(TokenError::Issuer { expected: issuer.to_owned(), found: found_issuer.to_owned() });
    }

    // Step 3: the audience must contain careful's client ID; aud is one string or an array.
    let audiences: Vec<String> = match claims.get("aud") {
        None => return Err(TokenError::MissingClaim { claim: "aud" }),
        Some(Value::String(aud)) => vec![aud.clone()],
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(TokenError::ClaimType { claim: "aud", expected: "text or an array of text" })?,
        Some(_) => return Err(TokenError::ClaimType { claim: "aud", expected: "text or an array of text" }),
    };
    if !audiences.iter().any(|a| a == client_id) {
        return Err(TokenError::Audience { client_id: client_id.to_owned(), found: audiences });
    }

    // Steps 4 and 5: with several audiences the authorised party (azp) must be careful; and if
    // azp is present at all it must be careful's client ID.
    let azp = match claims.get("azp") {
        None => None,
        Some(Value::String(azp)) => Some(azp.as_str()),
        Some(_) => return Err(TokenError::ClaimType { claim: "azp", expected: "text" }),
    };
    if (audiences.len() > 1 || azp.is_some()) && azp != Some(client_id) {
        return Err(TokenError::AuthorizedParty { client_id: client_id.to_owned(), found: azp.map(str::to_owned) });
    }

    // Step 9: not expired, allowing for clock difference. exp is whole seconds and is refused
    // once exp <= now - 60 s.
    let now_seconds = now.timestamp();
    let exp = required_time(&claims, "exp")?;
    if exp <= now_seconds.saturating_sub(CLOCK_LEEWAY_SECONDS) {
        return Err(TokenError::Expired { exp, now });
    }
    // Step 10: iat is required (Core §2); careful refuses a token issued in the future.
    let iat = required_time(&claims, "iat")?;
    if iat > now_seconds.saturating_add(CLOCK_LEEWAY_SECONDS) {
        return Err(TokenError::IssuedInFuture { iat, now });
    }

    // Step 11: the nonce careful sent must come back, so a token from another sign-in cannot be
    // replayed into this one.
    if required_text(&claims, "nonce")? != nonce {
        return Err(TokenError::Nonce);
    }

    // Core §2: sub is required, and identifies the user within the issuer.
    let subject = required_text(&claims, "sub")?.to_owned();

    let username = match claims.get(username_claim) {
        Some(Value::String(name)) if !name.trim().is_empty() => name.clone(),
        _ => return Err(TokenError::MissingUsername { claim: username_claim.to_owned() }),
    };

    // amr (Core §2) is optional: an array of text values naming authentication methods.
    let amr = match claims.get("amr") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(TokenError::ClaimType { claim: "amr", expected: "an array of text" })?,
        Some(_) => return Err(TokenError::ClaimType { claim: "amr", expected: "an array of text" }),
    };

    Ok(OidcIdentity { issuer: found_issuer.to_owned(), subject, username, amr })
}

/// Picks the key that signed the token: the RS256 signing key with the token's kid; or, when
/// the token names no key, the only such key.
fn select_key<'a>(jwks: &'a Jwks, kid: Option<&str>) -> Result<&'a Jwk, TokenError> {
    let mut candidates = jwks.keys.iter().filter(|k| k.is_rs256_signing_key());
    match kid {
        Some(kid) => candidates
            .find(|k| k.kid.as_deref() == Some(kid))
            .ok_or_else(|| TokenError::UnknownKey { kid: kid.to_owned() }),
        None => {
            let candidates: Vec<&Jwk> = candidates.collect();
            match candidates[..] {
                [only] => Ok(only),
                [] => Err(TokenError::NoSigningKey),
                _ => Err(TokenError::AmbiguousKey { count: candidates.len() }),
            }
        }
    }
}

/// Decodes an RSA key component, dropping leading zero bytes: RFC 7518 §6.3.1 forbids them,
/// some publishers add one anyway, and ring refuses them.
fn decode_key_component(value: Option<&str>, kid: &str, component: &'static str) -> Result<Vec<u8>, TokenError> {
    let bad = || TokenError::BadKey { kid: kid.to_owned(), component };
    let bytes = BASE64URL.decode(value.ok_or_else(bad)?).map_err(|_| bad())?;
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    Ok(bytes[first..].to_vec())
}

fn decode_json_object(part: &str, name: &'static str) -> Result<Map<String, Value>, TokenError> {
    let bytes = BASE64URL.decode(part).map_err(|_| TokenError::Base64 { part: name })?;
    serde_json::from_slice(&bytes).map_err(|e| TokenError::Json { part: name, detail: e.to_string() })
}

fn required_text<'a>(claims: &'a Map<String, Value>, claim: &'static str) -> Result<&'a str, TokenError> {
    match claims.get(claim) {
        None => Err(TokenError::MissingClaim { claim }),
        Some(Value::String(text)) if text.is_empty() => Err(TokenError::MissingClaim { claim }),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(TokenError::ClaimType { claim, expected: "text" }),
    }
}

/// A NumericDate (RFC 7519 §2): seconds since 1970, perhaps with a fraction, which is dropped.
fn required_time(claims: &Map<String, Value>, claim: &'static str) -> Result<i64, TokenError> {
    let wrong_type = TokenError::ClaimType { claim, expected: "a number of seconds since 1970" };
    match claims.get(claim) {
        None => Err(TokenError::MissingClaim { claim }),
        Some(Value::Number(number)) => match (number.as_i64(), number.as_f64()) {
            (Some(whole), _) => Ok(whole),
            // `as` saturates: a huge value cannot wrap around into the past.
            (None, Some(fraction)) => Ok(fraction.floor() as i64),
            (None, None) => Err(wrong_type),
        },
        Some(_) => Err(wrong_type),
    }
}

/// The PKCE code challenge for a verifier: BASE64URL(SHA-256(verifier)) (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()))
}

/// 32 random bytes from the operating system, base64url without padding.
fn random_value(rng: &SystemRandom) -> Result<String, OidcError> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| OidcError::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Compares a secret with a value from the browser in time that does not depend on where they
/// differ: both are checked with an HMAC under a fresh random key, whose verification ring does in
/// constant time.
fn constant_time_equal(secret: &str, candidate: &str, rng: &SystemRandom) -> Result<bool, OidcError> {
    let key = ring::hmac::Key::generate(ring::hmac::HMAC_SHA256, rng).map_err(|_| OidcError::Random)?;
    let tag = ring::hmac::sign(&key, secret.as_bytes());
    Ok(ring::hmac::verify(&key, candidate.as_bytes(), tag.as_ref()).is_ok())
}

/// application/x-www-form-urlencoded encoding of one value (as the URL standard defines it).
fn form_urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Parses a URL careful will connect to: https, or plain http to this machine only.
fn provider_url(what: &'static str, url: &str) -> Result<reqwest::Url, OidcError> {
    let parsed = parse_url(what, url)?;
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(OidcError::InsecureUrl { what, url: url.to_owned() }),
    }
}

fn parse_url(what: &'static str, url: &str) -> Result<reqwest::Url, OidcError> {
    reqwest::Url::parse(url).map_err(|e| OidcError::InvalidUrl { what, url: url.to_owned(), detail: e.to_string() })
}

/// The one HTTP client: 10 second timeout, and no redirects followed (careful talks only to the
/// endpoints the provider published; a redirect is reported rather than followed).
fn http_client() -> Result<reqwest::Client, OidcError> {
    // reqwest is built without a default TLS provider: use ring's, as the rest of careful does.
    // An error here only means a provider is already installed, which is fine. rustls 0.23.48
    // deprecates its ring provider because ring has no post-quantum key exchange; careful uses
    // ring deliberately (one cryptography library, no C toolchain for aws-lc), and the only
    // traffic here is sign-in to the council's own provider.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("careful/", env!("CARGO_PKG_VERSION"), " (OpenID Connect sign-in)"))
        .build()
        .map_err(|e| OidcError::ClientSetup { detail: describe(&e) })
}

async fn fetch_jwks(http: &reqwest::Client, url: &reqwest::Url) -> Result<Jwks, OidcError> {
    let what = "signing key set (JWKS)";
    let body = get(http, what, url).await?;
    serde_json::from_slice(&body).map_err(|e| OidcError::BadJson { what, url: url.to_string(), detail: e.to_string() })
}

/// GETs a JSON document from the provider and returns its body, reporting any failure.
async fn get(http: &reqwest::Client, what: &'static str, url: &reqwest::Url) -> Result<Vec<u8>, OidcError> {
    let shown = url.to_string();
    let response = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| OidcError::Unreachable { what, url: shown.clone(), detail: describe(&e.without_url()) })?;
    let status = response.status();
    if status.is_redirection() {
        let location = response.headers().get(reqwest::header::LOCATION);
        let location = location.map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned()).unwrap_or_default();
        return Err(OidcError::Redirected { what, url: shown, location });
    }
    let body = read_body(response, what, &shown).await?;
    if !status.is_success() {
        return Err(OidcError::HttpStatus { what, url: shown, status: status.as_u16(), body: excerpt(&body) });
    }
    Ok(body)
}

/// Reads a response body, up to [`MAX_RESPONSE_BYTES`].
async fn read_body(mut response: reqwest::Response, what: &'static str, url: &str) -> Result<Vec<u8>, OidcError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| OidcError::Unreachable {
        what,
        url: url.to_owned(),
        detail: describe(&e.without_url()),
    })? {
        if body.len().saturating_add(chunk.len()) > MAX_RESPONSE_BYTES {
            return Err(OidcError::TooLarge { what, url: url.to_owned() });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The start of a response body, as one line of text, for an error message.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200).collect();
    line.trim().to_owned()
}

/// An error and its causes, as one line ("error sending request: connection refused").
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use serde_json::json;

    // Test-only RSA keys, generated for careful's tests with
    // `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` (PKCS#8 DER, base64) and
    // used nowhere else. They protect nothing: never use them outside tests.
    const TEST_KEY_PKCS8: &str = concat!(
        "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCsKydpB9RONVogZ0DugkYyKUB/+GMdUufZALX2YR9Wl3wX3FjC",
        "tKfdxqcgUJZA3t1YlCbaVLWTj3iFA6ix6fL2YI9UjFF/bznY6zC7HrTgbYm7y5P6ZCDgVa3eKS4y8IPi2+uAqV6wYmTokgDHS+I1",
        "9WnME4D9f7uYjbCmFNUrA8SanRlu3O93iD+nA3JC9w9qm/QqvuMG8v1kXJcT04purMVGqZyABDuJxKf0ZC9gmDLNxiIwBWzI+8Ns",
        "d9cfBoFDcWcJP1dau1nmpIjabYCme8AsmLEYC4eyePT2wJZ3rzWpVS0wDSbvUL9jJbjCCIITv4NzLkxi1tCjych99jTXAgMBAAEC",
        "ggEAM1VwnD/h3OnKdBPlR9ge/vDO0vkn8EPabhjoqEwAEIz9So4ABxnfXWBQT3HHwxLQM4uE5B9SvmsON7bGEzoan7xdsAtgd1se",
        "B9/kOT6oFqyCXzSNbCBzrv/M5gsoQ7bz0+3Xk5asbXIA/VkfE008ZvND9r2v/aWatRs2GubmQjsRDLsXFGENStqAf6qUU78tSNj3",
        "+QjqD0PGoKeEKCDlMiZxs/jYvQreChTg9imNLq8+bzlH4AC2Yris2YmC5jdD/MVMd6/Kf0Akfj+RPfzPWn0CuYEGEG6A9vp1znbB",
        "3cMRuBzOgvQeGXgFK73N4+BwPeTxnYOOYdOikBzW68MmPQKBgQDoM6MVgHyTDNFLVdTzVAgi1cl2ANmq9e0aXdu1VMKsiyu7fVQV",
        "8Iic6aK1v9Hk1yr8whNE32/JrpAH6ZZSsi0J0E5mZvTSDfeaccEhmlrV5pPuWs+TbuBUXR3SDpRjPdS6+VVTBl3lkBn1p5BaGJ00",
        "2bEPZNICHha1Ygi1Euo/wwKBgQC90GexXM89MR5r4ZK+pv03iCTKAVlqw9cz7Mp1oOTDubQYQEVUfWv52THvcMU10IN5hdYhj4pL",
        "CgfbKRT8Qcwlkxly3/Q/jLPEnP8G4pwXiv4ORhl7p4zFg7pbcfzcpCmM8PyP7d7MVUMiRbvaK0dJFR9Qb18CisnBvbXmd6EZXQKB",
        "gQDmtq/a5HBit8CZBu5w21S+MAddPVkJWhM9OHbeRBqt0BYi01Mh/X3v0uB9j9tgcj5fKAJ3Uz7CeLTZd8mJ30mKz7OmYbPtpj0X",
        "8uD/n1uT3uerVAWdqvQwPtkrZpsfxEbDhIu308KmHrj8cYKnUn+ZDJe2AOn9eqH7lS2rpOClewKBgQCAQl6O3mO6uYIQ66+43CWm",
        "bHxPc3H0TrkQASUdLsbl6onjCSrP2KAph7XSUaUwo+DzMJhsvQ15fyGn2a6wddV4XlmH4gStHGospNk+0ckfr2/UPVHi2Giq3kQC",
        "npd6kALzlbNTniw6bjKa6fvxg+T7YSZzt42/rgB+xa4wOQ3GkQKBgDh0XM98hWis69RghcQJJGlt9VYsLvDyMLfvCLeZcHjIr6y7",
        "j7Ky0ob5hbu/5WzveLq79j3zFZUDxIa+SZwZJymyS432b8pgonUzo4OdT5PrlJuCy6giSDxvRhGyAbJ0YjYkCvmagd6IXf+t29Qv",
        "msT/M6ciezCygrI0mpUZSsdT",
    );
    /// A second, different test-only key, for signatures that must not verify.
    const OTHER_TEST_KEY_PKCS8: &str = concat!(
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC/7XXkIvFW55Zj5nQe3bK3qMVC3XHREwbtYeb/XE1mRO3dAL7N",
        "/YVJ4WfZxUOQiXB/byHxUlAfZQu5lwvNFosLN3EHJge6AT+ykikx+DfYB0MgSHwCdD9wJiixhtqbi2SDYBcyvEpk9Zt3/ILA5TOJ",
        "zEZjI831AI6RjJ3mELqd7dBRyHx4eFlnvLn1Xf3uB1saWxzY+S18afBNfNFSgutQ9CKQGG3grcAr7CaHQj5cM+o9WofBcb+9STZL",
        "8BZNFzAUOHoGC5FNDM/Ln3IzqujjiaISQ4p/QLFjf4XB+8nUMVBihGGuqgvxwvsx4b2f86jZDvZus7nrCfZoBiBxEJIVAgMBAAEC",
        "ggEACdHDW1WyVUjp99h9jmq3TxAyb3ZW8WRw0UpWADCfwSC7rrfwCyfyXtJKdujRyR5PBCYSbX9RnBmWXPtuXiLOIFfIz53RfWG8",
        "+Yzi0KyrZsEQXSF4PsPlzv4UzOhiXNzn2pTa+vyJLdsnBh+ELQxM87rgywe07NkHckjodzHZ6mR+l775acbJF5Xwc94kgw6o/H5a",
        "vjwPuyyCe5D0jXzNTxjkCwePsmh9aGBxH2c1gSOzrF6VpizC/NeNUwJhQM4MQoPlzIiA36LzSYYjjonbs4EgeENlbMmJGyygcybD",
        "tqmIC5lyJ2vmKs5cUxNgFwkDopYk4yiA25xmQyl9fnm+7QKBgQD3SbenXkAQl5VQAV22g9eOcwcYUN1UHOvTX4yadRazmnUaaGNh",
        "1xFAfzlQUORHy0pSlRP9EW9vdt5xV7vPpLZF8+BMbd0HaUpLbBh6YOGNwBf7cwcdOL5J+55c+cZGwlYXk+Y8/lpJ0+xbOG7XFE4Z",
        "+wsANXkx8krWIpM7yH3sEwKBgQDGsHMVBqjB4AhCpdmd+tsf3OZJDG/9Kbli76kzPiFpHmSHIWaBFW5lzWM+D0Axok3uFF3nPdXK",
        "FTTuI8rkw3WtO5bWS0ZUIQFvVz+6T28EJg2PAA63oDkd07SZkTiTh1buNCAIX4eZ5yG+LO5r5ZQZZVLe/X5UC5XUpHJPBBj+NwKB",
        "gGsOCuf2MZ39QbLFJKDjKuqMecHZIDhN3PpBH0mu7wkKETBBiOTOirV1XoaavnkmVSKzT1f7uFZ1C4/d/3zBPffCwJPV7B5NQtCs",
        "F1zDnGIVi0xcW/QWoKq+t6xgpan0b/j9GmvFYakcifJj1/hc3gL5X6XTgIhS8HsLtNnozjrpAoGAdzKiR+nv0ifqLLm83VcCoJHw",
        "ocBRayrd6innczOB7cNrAdqa2TQXQAHA2RljJKO/ZuZXE4R4Pr0MPRXCAg31ChFmw3bzYUNPzhEkzUwcSPvfRHv/WFBKE8fPYBXM",
        "QE2AbHVfBkbxXfZYuvPPsXFQsQ+lcNvZLuioYaKqZRcLO28CgYEAlGDui1hK/caRm2NfigvHT3nKdpVMKB0sLc7pjnc/0iW7Mhwe",
        "04LpbQQATjiSiiClr+URCXqRka9PL/ObgNc3OrRt1MsIl/xaQ7J+6QAUENi4JXhqnt4L7BH6XXuVkohCiKOhA2mL0ZmQIpE4oVVe",
        "pjO4nnMEWs0F9dUXuN5dxCU=",
    );

    const ISSUER: &str = "https://login.example.test/tenant/v2.0";
    const CLIENT_ID: &str = "careful-client-id";
    const NONCE: &str = "the-nonce-careful-sent";
    const KID: &str = "test-key-1";

    fn key_pair(pkcs8_base64: &str) -> ring::signature::RsaKeyPair {
        let der = base64::engine::general_purpose::STANDARD.decode(pkcs8_base64).expect("test key is base64");
        ring::signature::RsaKeyPair::from_pkcs8(&der).expect("test key is PKCS#8 RSA")
    }

    fn jwk_for(key: &ring::signature::RsaKeyPair, kid: Option<&str>) -> Jwk {
        let public = RsaPublicKeyComponents::<Vec<u8>>::from(key.public());
        Jwk {
            kty: Some("RSA".to_owned()),
            kid: kid.map(str::to_owned),
            use_: Some("sig".to_owned()),
            alg: Some("RS256".to_owned()),
            n: Some(URL_SAFE_NO_PAD.encode(&public.n)),
            e: Some(URL_SAFE_NO_PAD.encode(&public.e)),
        }
    }

    fn jwks() -> Jwks {
        Jwks { keys: vec![jwk_for(&key_pair(TEST_KEY_PKCS8), Some(KID))] }
    }

    fn encode_json(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"))
    }

    fn sign_with(key: &ring::signature::RsaKeyPair, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", encode_json(header), encode_json(claims));
        let mut signature = vec![0; key.public().modulus_len()];
        key.sign(&ring::signature::RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut signature)
            .expect("signing works");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    fn sign(claims: &Value) -> String {
        sign_with(&key_pair(TEST_KEY_PKCS8), &json!({"alg": "RS256", "typ": "JWT", "kid": KID}), claims)
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).single().expect("valid time")
    }

    fn good_claims() -> Value {
        let now = now().timestamp();
        json!({
            "iss": ISSUER,
            "sub": "subject-123",
            "aud": CLIENT_ID,
            "exp": now + 300,
            "iat": now,
            "nonce": NONCE,
            "preferred_username": "a.worker@council.example.gov.uk",
            "amr": ["pwd", "mfa"],
        })
    }

    fn with(mut claims: Value, name: &str, value: Value) -> Value {
        claims[name] = value;
        claims
    }

    fn without(mut claims: Value, name: &str) -> Value {
        claims.as_object_mut().expect("object").remove(name);
        claims
    }

    fn verify(token: &str) -> Result<OidcIdentity, TokenError> {
        verify_id_token(token, &jwks(), ISSUER, CLIENT_ID, NONCE, DEFAULT_USERNAME_CLAIM, now())
    }

    #[test]
    fn a_good_token_is_accepted() {
        let identity = verify(&sign(&good_claims())).expect("good token");
        assert_eq!(
            identity,
            OidcIdentity {
                issuer: ISSUER.to_owned(),
                subject: "subject-123".to_owned(),
                username: "a.worker@council.example.gov.uk".to_owned(),
                amr: vec!["pwd".to_owned(), "mfa".to_owned()],
            }
        );
    }

    #[test]
    fn amr_is_optional_and_other_username_claims_can_be_used() {
        let claims = with(without(good_claims(), "amr"), "email", json!("worker@example.gov.uk"));
        let identity = verify_id_token(&sign(&claims), &jwks(), ISSUER, CLIENT_ID, NONCE, "email", now()).expect("ok");
        assert_eq!(identity.username, "worker@example.gov.uk");
        assert!(identity.amr.is_empty());
        let claims = with(good_claims(), "amr", json!("pwd"));
        assert!(matches!(verify(&sign(&claims)), Err(TokenError::ClaimType { claim: "amr", .. })));
    }

    #[test]
    fn a_token_without_kid_uses_the_only_rsa_signing_key() {
        let key = key_pair(TEST_KEY_PKCS8);
        let token = sign_with(&key, &json!({"alg": "RS256"}), &good_claims());
        let keys = Jwks { keys: vec![jwk_for(&key, None)] };
        verify_id_token(&token, &keys, ISSUER, CLIENT_ID, NONCE, DEFAULT_USERNAME_CLAIM, now()).expect("only key");
        // Keys published for encryption, or not RSA, do not count.
        let mut encryption = jwk_for(&key_pair(OTHER_TEST_KEY_PKCS8), Some("enc-key"));
        encryption.use_ = Some("enc".to_owned());
        let elliptic = Jwk { kty: Some("EC".to_owned()), kid: Some("ec".to_owned()), ..Jwk::default() };
        let keys = Jwks { keys: vec![encryption.clone(), elliptic, jwk_for(&key, None)] };
        verify_id_token(&token, &keys, ISSUER, CLIENT_ID, NONCE, DEFAULT_USERNAME_CLAIM, now()).expect("only key");
        // Two candidate keys and no kid: careful cannot choose.
        let keys = Jwks { keys: vec![jwk_for(&key, Some("a")), jwk_for(&key, Some("b"))] };
        let result = verify_id_token(&token, &keys, ISSUER, CLIENT_ID, NONCE, DEFAULT_USERNAME_CLAIM, now());
        assert_eq!(result, Err(TokenError::AmbiguousKey { count: 2 }));
        // A kid naming an encryption key is not found among the signing keys.
        let token = sign_with(&key, &json!({"alg": "RS256", "kid": "enc-key"}), &good_claims());
        let keys = Jwks { keys: vec![encryption, jwk_for(&key, Some(KID))] };
        let result = verify_id_token(&token, &keys, ISSUER, CLIENT_ID, NONCE, DEFAULT_USERNAME_CLAIM, now());
        assert_eq!(result, Err(TokenError::UnknownKey { kid: "enc-key".to_owned() }));
    }

    #[test]
    fn a_leading_zero_in_the_published_modulus_is_tolerated() {
        let mut keys = jwks();
        let n = URL_SAFE_NO_PAD.decode(keys.keys[0].n.as_deref().expect("n")).expect("base64");
        keys.keys[0].n = Some(URL_SAFE_NO_PAD.encode([&[0u8][..], &n].concat()));
        verify_id_token(&sign(&good_claims()), &keys, ISSUER, CLIENT_ID, NONCE, DEFAULT_USERNAME_CLAIM, now())
            .expect("leading zero dropped");
    }

    #[test]
    fn a_jwks_with_unreadable_keys_keeps_the_readable_ones() {
        let text = json!({"keys": [{"kty": "RSA", "kid": 7}, jwks().keys[0]]}).to_string();
        let parsed: Jwks = serde_json::from_str(&text).expect("JWKS");
        assert_eq!(parsed, jwks());
    }

    #[test]
    fn a_bad_signature_is_refused() {
        let other = key_pair(OTHER_TEST_KEY_PKCS8);
        let token = sign_with(&other, &json!({"alg": "RS256", "kid": KID}), &good_claims());
        assert_eq!(verify(&token), Err(TokenError::BadSignature));
        // A good signature over different claims: the payload was altered.
        let good = sign(&good_claims());
        let altered = sign(&with(good_claims(), "preferred_username", json!("someone.else@example.gov.uk")));
        let parts: Vec<&str> = good.split('.').collect();
        let altered_parts: Vec<&str> = altered.split('.').collect();
        let spliced = format!("{}.{}.{}", parts[0], altered_parts[1], parts[2]);
        assert_eq!(verify(&spliced), Err(TokenError::BadSignature));
        assert!(TokenError::BadSignature.to_string().contains("check --oidc-issuer names the right tenant"));
    }

    #[test]
    fn alg_none_is_refused() {
        let token = format!("{}.{}.", encode_json(&json!({"alg": "none", "kid": KID})), encode_json(&good_claims()));
        assert_eq!(verify(&token), Err(TokenError::Algorithm { alg: "\"none\"".to_owned() }));
        let token = format!("{}.{}.", encode_json(&json!({"kid": KID})), encode_json(&good_claims()));
        assert!(matches!(verify(&token), Err(TokenError::Algorithm { .. })));
    }

    #[test]
    fn alg_hs256_is_refused_even_keyed_with_the_public_key() {
        // The classic confusion attack: HMAC keyed with the provider's public modulus.
        let header = encode_json(&json!({"alg": "HS256", "kid": KID}));
        let input = format!("{header}.{}", encode_json(&good_claims()));
        let n = URL_SAFE_NO_PAD.decode(jwks().keys[0].n.as_deref().expect("n")).expect("base64");
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &n);
        let tag = ring::hmac::sign(&key, input.as_bytes());
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()));
        assert_eq!(verify(&token), Err(TokenError::Algorithm { alg: "\"HS256\"".to_owned() }));
        // And any other algorithm, including RSA ones careful does not use.
        for alg in ["RS512", "PS256", "ES256", "rs256"] {
            let token = sign_with(&key_pair(TEST_KEY_PKCS8), &json!({"alg": alg, "kid": KID}), &good_claims());
            assert!(matches!(verify(&token), Err(TokenError::Algorithm { .. })), "{alg}");
        }
    }

    #[test]
    fn critical_header_extensions_are_refused() {
        let header = json!({"alg": "RS256", "kid": KID, "crit": ["b64"], "b64": false});
        let token = sign_with(&key_pair(TEST_KEY_PKCS8), &header, &good_claims());
        assert!(matches!(verify(&token), Err(TokenError::CriticalHeader { .. })));
    }

    #[test]
    fn an_unknown_kid_is_refused() {
        let token = sign_with(&key_pair(TEST_KEY_PKCS8), &json!({"alg": "RS256", "kid": "rotated"}), &good_claims());
        assert_eq!(verify(&token), Err(TokenError::UnknownKey { kid: "rotated".to_owned() }));
        let empty = Jwks::default();
        let result =
            verify_id_token(&sign(&good_claims()), &empty, ISSUER, CLIENT_ID, NONCE, "preferred_username", now());
        assert_eq!(result, Err(TokenError::UnknownKey { kid: KID.to_owned() }));
    }

    #[test]
    fn a_wrong_issuer_is_refused() {
        for iss in ["https://login.example.test/other-tenant/v2.0", "https://login.example.test/tenant/v2.0/"] {
            let result = verify(&sign(&with(good_claims(), "iss", json!(iss))));
            assert_eq!(result, Err(TokenError::Issuer { expected: ISSUER.to_owned(), found: iss.to_owned() }));
        }
        assert_eq!(verify(&sign(&without(good_claims(), "iss"))), Err(TokenError::MissingClaim { claim: "iss" }));
    }

    #[test]
    fn a_wrong_audience_is_refused() {
        let result = verify(&sign(&with(good_claims(), "aud", json!("someone-else"))));
        assert_eq!(
            result,
            Err(TokenError::Audience { client_id: CLIENT_ID.to_owned(), found: vec!["someone-else".into()] })
        );
        let result = verify(&sign(&with(good_claims(), "aud", json!(["a", "b"]))));
        assert!(matches!(result, Err(TokenError::Audience { .. })));
        let result = verify(&sign(&with(good_claims(), "aud", json!([CLIENT_ID, 5]))));
        assert!(matches!(result, Err(TokenError::ClaimType { claim: "aud", .. })));
        assert_eq!(verify(&sign(&without(good_claims(), "aud"))), Err(TokenError::MissingClaim { claim: "aud" }));
        // An array holding only careful is fine.
        verify(&sign(&with(good_claims(), "aud", json!([CLIENT_ID])))).expect("aud array with careful alone");
    }

    #[test]
    fn several_audiences_need_careful_as_the_authorised_party() {
        let several = with(good_claims(), "aud", json!(["other-api", CLIENT_ID]));
        let result = verify(&sign(&with(several.clone(), "azp", json!("other-api"))));
        let expected = TokenError::AuthorizedParty { client_id: CLIENT_ID.to_owned(), found: Some("other-api".into()) };
        assert_eq!(result, Err(expected));
        let result = verify(&sign(&several));
        assert_eq!(result, Err(TokenError::AuthorizedParty { client_id: CLIENT_ID.to_owned(), found: None }));
        verify(&sign(&with(several, "azp", json!(CLIENT_ID)))).expect("azp is careful");
        // Core §3.1.3.7 step 5: an azp that is present must be careful even with one audience.
        let result = verify(&sign(&with(good_claims(), "azp", json!("other-api"))));
        assert!(matches!(result, Err(TokenError::AuthorizedParty { .. })));
    }

    #[test]
    fn an_expired_token_is_refused_with_sixty_seconds_leeway() {
        let now = now().timestamp();
        let result = verify(&sign(&with(good_claims(), "exp", json!(now - 60))));
        assert_eq!(result, Err(TokenError::Expired { exp: now - 60, now: super::tests::now() }));
        verify(&sign(&with(good_claims(), "exp", json!(now - 59)))).expect("59 s past expiry is within leeway");
        assert!(matches!(
            verify(&sign(&with(good_claims(), "exp", json!(now - 3600)))),
            Err(TokenError::Expired { .. })
        ));
        // A fractional exp is accepted and rounded down; text is not.
        verify(&sign(&with(good_claims(), "exp", json!(now as f64 + 0.5)))).expect("fractional exp");
        let result = verify(&sign(&with(good_claims(), "exp", json!("tomorrow"))));
        assert!(matches!(result, Err(TokenError::ClaimType { claim: "exp", .. })));
        assert_eq!(verify(&sign(&without(good_claims(), "exp"))), Err(TokenError::MissingClaim { claim: "exp" }));
        let message = TokenError::Expired { exp: now - 60, now: super::tests::now() }.to_string();
        assert!(message.contains("2026-03-02 09:29:00 UTC"), "{message}");
    }

    #[test]
    fn a_token_issued_in_the_future_is_refused() {
        let now = now().timestamp();
        let result = verify(&sign(&with(good_claims(), "iat", json!(now + 61))));
        assert!(matches!(result, Err(TokenError::IssuedInFuture { iat, .. }) if iat == now + 61));
        verify(&sign(&with(good_claims(), "iat", json!(now + 60)))).expect("60 s ahead is within leeway");
        assert_eq!(verify(&sign(&without(good_claims(), "iat"))), Err(TokenError::MissingClaim { claim: "iat" }));
    }

    #[test]
    fn a_wrong_nonce_is_refused() {
        assert_eq!(verify(&sign(&with(good_claims(), "nonce", json!("another")))), Err(TokenError::Nonce));
        assert_eq!(verify(&sign(&without(good_claims(), "nonce"))), Err(TokenError::MissingClaim { claim: "nonce" }));
    }

    #[test]
    fn a_missing_or_empty_subject_is_refused() {
        assert_eq!(verify(&sign(&without(good_claims(), "sub"))), Err(TokenError::MissingClaim { claim: "sub" }));
        assert_eq!(
            verify(&sign(&with(good_claims(), "sub", json!("")))),
            Err(TokenError::MissingClaim { claim: "sub" })
        );
        let result = verify(&sign(&with(good_claims(), "sub", json!(42))));
        assert!(matches!(result, Err(TokenError::ClaimType { claim: "sub", .. })));
    }

    #[test]
    fn a_missing_username_claim_is_refused() {
        let missing = TokenError::MissingUsername { claim: DEFAULT_USERNAME_CLAIM.to_owned() };
        assert_eq!(verify(&sign(&without(good_claims(), "preferred_username"))), Err(missing.clone()));
        assert_eq!(verify(&sign(&with(good_claims(), "preferred_username", json!(" ")))), Err(missing.clone()));
        assert_eq!(verify(&sign(&with(good_claims(), "preferred_username", json!(["a"])))), Err(missing));
    }

    #[test]
    fn malformed_tokens_are_refused_clearly() {
        assert_eq!(verify(""), Err(TokenError::NotCompact { parts: 1 }));
        assert_eq!(verify("a.b"), Err(TokenError::NotCompact { parts: 2 }));
        assert_eq!(verify("a.b.c.d.e"), Err(TokenError::NotCompact { parts: 5 }));
        assert_eq!(verify("!!.b.c"), Err(TokenError::Base64 { part: "header" }));
        let not_json = URL_SAFE_NO_PAD.encode("not json");
        assert!(matches!(verify(&format!("{not_json}.b.c")), Err(TokenError::Json { part: "header", .. })));
        let array = encode_json(&json!(["RS256"]));
        assert!(matches!(verify(&format!("{array}.b.c")), Err(TokenError::Json { part: "header", .. })));
        let header = encode_json(&json!({"alg": "RS256", "kid": KID}));
        assert_eq!(verify(&format!("{header}.b.!!")), Err(TokenError::Base64 { part: "signature" }));
        let header_bad_kid = encode_json(&json!({"alg": "RS256", "kid": [1]}));
        assert!(matches!(verify(&format!("{header_bad_kid}.b.c")), Err(TokenError::Header { .. })));
        // A correctly signed payload that is not JSON.
        let key = key_pair(TEST_KEY_PKCS8);
        let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode("[1,2"));
        let mut signature = vec![0; key.public().modulus_len()];
        key.sign(&ring::signature::RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut signature)
            .expect("sign");
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature));
        assert!(matches!(verify(&token), Err(TokenError::Json { part: "payload", .. })));
    }

    /// A small deterministic pseudo-random generator (xorshift), so failures can be reproduced.
    struct Xorshift(u64);
    impl Xorshift {
        fn next(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % u64::try_from(bound.max(1)).expect("fits")).expect("fits")
        }
    }

    #[test]
    fn mutated_tokens_never_panic_and_are_always_refused() {
        let good = sign(&good_claims());
        let alphabet: Vec<char> = "ABCxyz019-_.=+/ !\"{}\u{e9}\u{1F600}\0".chars().collect();
        let mut rng = Xorshift(0x5eed_cafe_f00d_0001);
        for round in 0..600 {
            let mut chars: Vec<char> = good.chars().collect();
            for _ in 0..=rng.next(4) {
                let at = rng.next(chars.len());
                match rng.next(6) {
                    0 if at < chars.len() => chars[at] = alphabet[rng.next(alphabet.len())],
                    1 if !chars.is_empty() => {
                        chars.remove(at);
                    }
                    2 => chars.insert(at, alphabet[rng.next(alphabet.len())]),
                    3 => chars.truncate(at),
                    4 => chars.insert(at, '.'),
                    _ => {
                        let other = rng.next(chars.len());
                        if other < chars.len() && at < chars.len() {
                            chars.swap(at, other);
                        }
                    }
                }
            }
            let mutated: String = chars.into_iter().collect();
            let result = verify(&mutated);
            if mutated != good {
                assert!(result.is_err(), "round {round}: a mutated token was accepted: {mutated}");
            }
        }
        // Well-formed but hostile headers and claims: odd types, huge numbers, deep nesting.
        let hostile_headers = [
            json!({"alg": 256, "kid": KID}),
            json!({"alg": null}),
            json!({"alg": "RS256", "kid": null}),
            json!({"alg": "RS256", "kid": {"x": 1}}),
            json!({"alg": ["RS256"]}),
            json!({}),
        ];
        for header in &hostile_headers {
            let token = sign_with(&key_pair(TEST_KEY_PKCS8), header, &good_claims());
            assert!(verify(&token).is_err(), "{header}");
        }
        let hostile_claims = [
            with(good_claims(), "exp", json!(1e300)),
            with(good_claims(), "exp", json!(-1e300)),
            with(good_claims(), "iat", json!(u64::MAX)),
            with(good_claims(), "exp", json!(i64::MIN)),
            with(good_claims(), "aud", json!([[[[CLIENT_ID]]]])),
            with(good_claims(), "amr", json!([1, 2])),
            json!(null),
            json!([]),
            json!("text"),
        ];
        for claims in &hostile_claims {
            let result = verify(&sign(claims));
            // exp 1e300 is merely far in the future: that one token is good.
            assert!(result.is_err() || claims["exp"] == json!(1e300), "{claims}");
        }
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let token = format!("{}.{}.c", URL_SAFE_NO_PAD.encode(&deep), URL_SAFE_NO_PAD.encode(&deep));
        assert!(verify(&token).is_err());
    }

    #[test]
    fn a_damaged_published_key_is_reported() {
        let mut keys = jwks();
        keys.keys[0].n = Some("!!".to_owned());
        let result =
            verify_id_token(&sign(&good_claims()), &keys, ISSUER, CLIENT_ID, NONCE, "preferred_username", now());
        assert_eq!(result, Err(TokenError::BadKey { kid: KID.to_owned(), component: "modulus (n)" }));
    }

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn client_authentication_follows_what_the_provider_lists() {
        let listed = |methods: &[&str]| methods.iter().map(|m| (*m).to_owned()).collect::<Vec<_>>();
        assert_eq!(choose_client_auth(false, Some(&listed(&["client_secret_post"]))), ClientAuth::Public);
        assert_eq!(
            choose_client_auth(true, Some(&listed(&["client_secret_basic", "client_secret_post"]))),
            ClientAuth::Post
        );
        assert_eq!(choose_client_auth(true, Some(&listed(&["client_secret_basic"]))), ClientAuth::Basic);
        assert_eq!(choose_client_auth(true, Some(&listed(&["private_key_jwt"]))), ClientAuth::Basic);
        // Discovery 1.0 §3: listing nothing means client_secret_basic.
        assert_eq!(choose_client_auth(true, None), ClientAuth::Basic);
        assert_eq!(form_urlencode("a b~c:d/é"), "a+b%7Ec%3Ad%2F%C3%A9");
    }

    #[test]
    fn only_https_or_this_machine_is_accepted() {
        for ok in [
            "https://login.microsoftonline.com/t/v2.0",
            "http://127.0.0.1:8080",
            "http://localhost/x",
            "http://[::1]:1",
        ] {
            provider_url("issuer", ok).expect(ok);
        }
        for insecure in
            ["http://login.example.gov.uk", "http://127.0.0.2", "ftp://127.0.0.1", "http://localhost.evil.example"]
        {
            assert!(matches!(provider_url("issuer", insecure), Err(OidcError::InsecureUrl { .. })), "{insecure}");
        }
        assert!(matches!(provider_url("issuer", "not a url"), Err(OidcError::InvalidUrl { .. })));
    }

    #[tokio::test]
    async fn discovery_refuses_bad_settings_before_any_request() {
        let settings = OidcSettings {
            issuer: "http://login.example.gov.uk/tenant".to_owned(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: Some("secret".to_owned()),
            redirect_url: "https://careful.example.gov.uk/sign-in/oidc/callback".to_owned(),
            username_claim: DEFAULT_USERNAME_CLAIM.to_owned(),
        };
        assert!(matches!(OidcClient::discover(settings.clone()).await, Err(OidcError::InsecureUrl { .. })));
        let query = OidcSettings { issuer: "https://login.example.gov.uk/?tenant=1".to_owned(), ..settings.clone() };
        assert!(matches!(OidcClient::discover(query).await, Err(OidcError::InvalidUrl { .. })));
        let no_client = OidcSettings { client_id: String::new(), ..settings.clone() };
        assert!(matches!(OidcClient::discover(no_client).await, Err(OidcError::InvalidSetting { .. })));
        assert!(!format!("{settings:?}").contains("\"secret\""), "the secret is never printed");
    }
}
