//! A small OpenID Connect provider that the tests run themselves, on 127.0.0.1 over plain HTTP,
//! so careful's sign-in can be tested end to end without a real identity provider.
//!
//! It knows one client ([`CLIENT_ID`], [`CLIENT_SECRET`]) with one registered redirect URL
//! ([`REDIRECT_URL`] unless a test sets another), and signs everyone in at once as the user the
//! test chose with [`TestProvider::set_user`]: `/authorize` answers straight away with a redirect
//! back to careful carrying a one-time code, as if the user had signed in at the provider.
//!
//! It is deliberately strict where careful could go wrong (PKCE, one-time codes, the redirect
//! URL, client authentication) and deliberately simple everywhere else. Test use only.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// The one client the provider knows.
pub const CLIENT_ID: &str = "careful-test-client";
/// That client's secret.
pub const CLIENT_SECRET: &str = "careful-test-client-secret";
/// The redirect URL registered for the client, unless a test sets another with
/// [`TestProvider::set_redirect_url`].
pub const REDIRECT_URL: &str = "https://careful.example.test/sign-in/oidc/callback";
/// Who signs in until a test says otherwise.
pub const DEFAULT_USERNAME: &str = "a.social.worker@council.example.test";

/// The key IDs of the provider's two keys, published one at a time.
pub const KEY_IDS: [&str; 2] = ["careful-test-key-1", "careful-test-key-2"];

// Test-only RSA keys, generated for careful's tests with
// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` (PKCS#8 DER, base64) and used
// nowhere else. They protect nothing: never use them outside tests.
/// The provider's signing key (published unless the keys have been rotated).
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
/// A second, different key: signs "bad signature" tokens, and becomes the published key once the
/// keys are rotated.
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

/// How long the provider's ID tokens last.
const TOKEN_LIFETIME_SECONDS: i64 = 300;

/// A running test provider. Stops when dropped.
pub struct TestProvider {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

struct Shared {
    issuer: String,
    keys: [RsaKeyPair; 2],
    rng: SystemRandom,
    state: Mutex<ProviderState>,
}

struct ProviderState {
    redirect_url: String,
    user: User,
    wrong_key: bool,
    rotated: bool,
    /// Codes issued by `/authorize`, by code.
    grants: HashMap<String, Grant>,
    token_requests: usize,
    jwks_requests: usize,
}

#[derive(Clone)]
struct User {
    username: String,
    amr: Vec<String>,
}

struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    user: User,
    used: bool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, ProviderState> {
        // A test that panicked while holding the lock has already failed; carry on regardless.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The index of the key published (and, normally, used to sign).
    fn current_key(&self) -> usize {
        usize::from(self.state().rotated)
    }

    fn random(&self) -> String {
        let mut bytes = [0u8; 32];
        self.rng.fill(&mut bytes).expect("the operating system gives random bytes");
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

impl TestProvider {
    /// Starts a provider on a free port of 127.0.0.1.
    pub async fn start() -> TestProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("the test provider can listen");
        let address = listener.local_addr().expect("the test provider's address");
        let shared = Arc::new(Shared {
            issuer: format!("http://{address}"),
            keys: [key_pair(TEST_KEY_PKCS8), key_pair(OTHER_TEST_KEY_PKCS8)],
            rng: SystemRandom::new(),
            state: Mutex::new(ProviderState {
                redirect_url: REDIRECT_URL.to_owned(),
                user: User { username: DEFAULT_USERNAME.to_owned(), amr: vec!["pwd".to_owned()] },
                wrong_key: false,
                rotated: false,
                grants: HashMap::new(),
                token_requests: 0,
                jwks_requests: 0,
            }),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("the test provider serves");
        });
        TestProvider { shared, shutdown: Some(shutdown), server: Some(server) }
    }

    /// The provider's issuer, `http://127.0.0.1:{port}`.
    pub fn issuer(&self) -> String {
        self.shared.issuer.clone()
    }

    /// Who the next sign-in is, and how they authenticated (the ID token's `amr`).
    pub fn set_user(&self, username: &str, amr: &[&str]) {
        self.shared.state().user =
            User { username: username.to_owned(), amr: amr.iter().map(|m| (*m).to_owned()).collect() };
    }

    /// When `true`, ID tokens are signed with the other key while their header names the
    /// published key: a bad signature.
    pub fn sign_with_wrong_key(&self, wrong: bool) {
        self.shared.state().wrong_key = wrong;
    }

    /// Swaps the published key for the other one, as providers do from time to time: tokens
    /// are then signed with a key whose kid careful has not yet seen.
    pub fn rotate_keys(&self) {
        let mut state = self.shared.state();
        state.rotated = !state.rotated;
    }

    /// Registers a different redirect URL for the client (careful's callback on its test port).
    pub fn set_redirect_url(&self, url: &str) {
        self.shared.state().redirect_url = url.to_owned();
    }

    /// How many requests have reached the token endpoint.
    pub fn token_requests(&self) -> usize {
        self.shared.state().token_requests
    }

    /// How many times the signing keys have been fetched.
    pub fn jwks_requests(&self) -> usize {
        self.shared.state().jwks_requests
    }

    /// Stops the provider and waits (briefly) until it has stopped listening.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

fn key_pair(pkcs8_base64: &str) -> RsaKeyPair {
    let der = STANDARD.decode(pkcs8_base64).expect("the test key is base64");
    RsaKeyPair::from_pkcs8(&der).expect("the test key is a PKCS#8 RSA key")
}

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).
async fn discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let issuer = &shared.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email"],
        "grant_types_supported": ["authorization_code"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "preferred_username", "amr"],
    }))
}

/// `GET /jwks`: the published key's modulus and exponent (RFC 7517, RFC 7518 §6.3.1).
async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.state().jwks_requests += 1;
    let current = shared.current_key();
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(shared.keys[current].public());
    Json(json!({"keys": [{
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": KEY_IDS[current],
        "n": URL_SAFE_NO_PAD.encode(&public.n),
        "e": URL_SAFE_NO_PAD.encode(&public.e),
    }]}))
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("the test provider refused the sign-in request: {message}\n")).into_response()
}

/// `GET /authorize` (OpenID Connect Core 1.0 §3.1.2.1): checks the request, then signs the
/// current user in at once and sends the browser back with a one-time code.
async fn authorize(State(shared): State<Arc<Shared>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let param = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let mut state = shared.state();
    if param("client_id") != CLIENT_ID {
        return bad_request(&format!("unknown client_id {:?}", param("client_id")));
    }
    if param("redirect_uri") != state.redirect_url {
        return bad_request(&format!("redirect_uri {:?} is not registered for the client", param("redirect_uri")));
    }
    if param("response_type") != "code" {
        return bad_request(&format!("response_type is {:?}, not code", param("response_type")));
    }
    if !param("scope").split(' ').any(|s| s == "openid") {
        return bad_request("the scope does not include openid");
    }
    if param("code_challenge_method") != "S256" || param("code_challenge").is_empty() {
        return bad_request("PKCE with code_challenge_method S256 is required");
    }
    let Ok(mut location) = reqwest::Url::parse(param("redirect_uri")) else {
        return bad_request("redirect_uri is not a URL");
    };
    let code = shared.random();
    let grant = Grant {
        redirect_uri: param("redirect_uri").to_owned(),
        challenge: param("code_challenge").to_owned(),
        nonce: query.get("nonce").cloned(),
        user: state.user.clone(),
        used: false,
    };
    state.grants.insert(code.clone(), grant);
    location.query_pairs_mut().append_pair("code", &code);
    if let Some(client_state) = query.get("state") {
        location.query_pairs_mut().append_pair("state", client_state);
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_string())]).into_response()
}

/// An OAuth 2.0 error answer from the token endpoint (RFC 6749 §5.2).
fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(json!({"error": error, "error_description": description})))
        .into_response()
}

/// The client ID and secret from an HTTP Basic Authorization header, if there is one. (The
/// test client's ID and secret need no form-urlencoding, so none is undone here.)
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// `POST /token` (OpenID Connect Core 1.0 §3.1.3.1, RFC 7636 §4.6): exchanges a one-time code
/// for an ID token.
async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let mut state = shared.state();
    state.token_requests += 1;
    if param("grant_type") != "authorization_code" {
        return token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only authorization_code is supported");
    }
    let (client_id, secret) = basic_credentials(&headers)
        .unwrap_or_else(|| (param("client_id").to_owned(), param("client_secret").to_owned()));
    if client_id != CLIENT_ID || secret != CLIENT_SECRET {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret");
    }
    let Some(grant) = state.grants.get_mut(param("code")) else {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown code");
    };
    if grant.used {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "the code has already been used");
    }
    // A code is spent once presented, whatever happens next (RFC 6749 §4.1.2).
    grant.used = true;
    if param("redirect_uri") != grant.redirect_uri {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "redirect_uri differs from the authorization request",
        );
    }
    let hash = ring::digest::digest(&ring::digest::SHA256, param("code_verifier").as_bytes());
    if URL_SAFE_NO_PAD.encode(hash) != grant.challenge {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "the PKCE code_verifier does not match the challenge",
        );
    }
    let user = grant.user.clone();
    let nonce = grant.nonce.clone();
    let wrong_key = state.wrong_key;
    drop(state);

    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": shared.issuer,
        "sub": subject_for(&user.username),
        "aud": CLIENT_ID,
        "exp": now + TOKEN_LIFETIME_SECONDS,
        "iat": now,
        "preferred_username": user.username,
        "amr": user.amr,
    });
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    let current = shared.current_key();
    let signer = if wrong_key { 1 - current } else { current };
    let id_token = sign(&shared, &json!({"alg": "RS256", "typ": "JWT", "kid": KEY_IDS[current]}), &claims, signer);
    let body = json!({
        "access_token": shared.random(),
        "token_type": "Bearer",
        "id_token": id_token,
        "expires_in": TOKEN_LIFETIME_SECONDS,
    });
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// The user's subject identifier: stable for a username, and not the username itself.
fn subject_for(username: &str) -> String {
    let hash = ring::digest::digest(&ring::digest::SHA256, format!("careful test subject:{username}").as_bytes());
    URL_SAFE_NO_PAD.encode(&hash.as_ref()[..16])
}

/// A compact JWS, RS256 (RFC 7515 §7.1).
fn sign(shared: &Shared, header: &Value, claims: &Value, key: usize) -> String {
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"));
    let input = format!("{}.{}", encode(header), encode(claims));
    let key = &shared.keys[key];
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &shared.rng, input.as_bytes(), &mut signature).expect("the test key signs");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}
