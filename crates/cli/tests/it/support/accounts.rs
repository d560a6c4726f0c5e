//! Accounts for tests: the first administrator (made as `careful admin bootstrap` makes it),
//! accounts in each role made by that administrator, and personal access tokens for them, so
//! the real binary can be run as someone (`CAREFUL_TOKEN`).
//!
//! Managers and administrators must set up a second factor before anything else: the helpers
//! do it as a person would, reading the secret careful shows and typing the code an
//! authenticator app would show, computed here by a TOTP implementation of the tests' own
//! (RFC 6238, checked against the RFC's own vectors below) rather than careful's.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use careful_app::admin::AccountForm;
use careful_app::{App, Client, SessionStage, Settings, SystemClock, UserHandle};
use careful_domain::WorkerId;

/// The first administrator's password in every test database (their username is made unique
/// per database, so the authenticator secrets the tests keep never mix).
pub const ADMIN_PASSWORD: &str = "a long test passphrase for the administrator";

/// Each test database's first administrator, by database URL.
static ADMINS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, String>>> =
    std::sync::LazyLock::new(Default::default);

/// RFC 4648 base32 (spaces ignored), as authenticator apps read the secret.
pub fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let value = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase()).expect("a base32 character") as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}

/// The 6-digit TOTP code for `secret` at `at` (RFC 6238 with HMAC-SHA1, 30-second steps), plus
/// `offset` steps.
pub fn totp(secret: &[u8], at: DateTime<Utc>, offset: i64) -> String {
    let step = at.timestamp().div_euclid(30) + offset;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = ring::hmac::sign(&key, &step.to_be_bytes());
    let h = mac.as_ref();
    let o = (h[19] & 0xf) as usize;
    let value = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]) % 1_000_000;
    format!("{value:06}")
}

#[test]
fn the_tests_own_totp_matches_rfc_6238() {
    let secret = b"12345678901234567890";
    for (unix, eight) in [(59, "94287082"), (1_111_111_109, "07081804"), (2_000_000_000, "69279037")] {
        let at = DateTime::from_timestamp(unix, 0).unwrap();
        assert_eq!(totp(secret, at, 0), eight[2..]);
    }
    assert_eq!(base32_decode("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"), secret.to_vec());
}

/// The authenticator-app secrets the tests have set up, by username (as a phone would keep them).
static SECRETS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>> =
    std::sync::LazyLock::new(Default::default);

/// A way into one test database's careful, in this process.
pub struct Accounts {
    pub app: App,
    admin: UserHandle,
}

impl Accounts {
    /// Opens the database at `url` and makes its first administrator (with a second factor).
    pub async fn new(url: &str) -> Accounts {
        Accounts::with_clock(url, Arc::new(SystemClock)).await
    }

    /// As [`Accounts::new`], with careful's clock fixed.
    pub async fn with_clock(url: &str, clock: Arc<dyn careful_app::Clock>) -> Accounts {
        let app = App::open(url, Settings::command_line(), clock).await.expect("open the test database");
        let client = Client::default();
        let existing = ADMINS.lock().unwrap().get(url).cloned();
        let username = match existing {
            Some(username) => username,
            None => {
                let username = format!("test.admin.{}", super::unique().to_lowercase());
                app.bootstrap_administrator(&username, "Test Administrator", ADMIN_PASSWORD, &client)
                    .await
                    .expect("make the first administrator");
                ADMINS.lock().unwrap().insert(url.to_string(), username.clone());
                username
            }
        };
        let admin = signed_in(&app, &username, ADMIN_PASSWORD).await;
        Accounts { app, admin }
    }

    /// The administrator.
    pub fn admin(&self) -> &UserHandle {
        &self.admin
    }

    /// Makes an account and returns its first password.
    pub async fn add(&self, username: &str, role: &str, worker: Option<WorkerId>, service: &str) -> String {
        let form = AccountForm {
            username: username.into(),
            display_name: format!("Test {username}"),
            role: role.into(),
            service: service.into(),
            worker: worker.map(|w| w.to_string()).unwrap_or_default(),
            password: String::new(),
        };
        let (_, password) = self.admin.create_account(&form).await.unwrap_or_else(|e| panic!("make {username}: {e}"));
        password.expect("careful made a first password")
    }

    /// Makes an account and a personal access token for it with `scopes`; returns the token.
    pub async fn token(
        &self,
        username: &str,
        role: &str,
        worker: Option<WorkerId>,
        service: &str,
        scopes: &[&str],
    ) -> String {
        let password = self.add(username, role, worker, service).await;
        let handle = signed_in(&self.app, username, &password).await;
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        handle.create_token("tests", &scopes, "1").await.expect("make a token")
    }
}

/// Signs in for the first time, setting up the authenticator app (managers and
/// administrators). Returns the handle and the app's secret.
pub async fn set_up(app: &App, username: &str, password: &str) -> (UserHandle, Vec<u8>) {
    let handle = signed_in(app, username, password).await;
    let secret = SECRETS.lock().unwrap().get(username).cloned().expect("the account set up an app");
    (handle, secret)
}

/// Signs in as a person would: password, then (setting up first if need be) the code from an
/// authenticator app. Returns the signed-in handle.
pub async fn signed_in(app: &App, username: &str, password: &str) -> UserHandle {
    let client = Client::default();
    let mut session =
        app.sign_in(username, password, &client).await.unwrap_or_else(|e| panic!("sign in as {username}: {e}"));
    if session.stage == SessionStage::SetUpSecondFactor {
        let setup = app.second_factor_setup(&session.token).await.expect("the set-up page");
        let secret = base32_decode(&setup.secret);
        SECRETS.lock().unwrap().insert(username.to_string(), secret.clone());
        let code = totp(&secret, app.now(), 0);
        session = app.confirm_second_factor(&session.token, &code, &client).await.expect("confirm the app");
    } else if session.stage == SessionStage::SecondFactor {
        let secret = SECRETS.lock().unwrap().get(username).cloned().expect("this test set up the account's app");
        // A code is accepted once: the next step's code if this step's was used already.
        let pending = session.token.clone();
        session = match app.second_factor(&pending, &totp(&secret, app.now(), 0), &client).await {
            Ok(s) => s,
            Err(_) => app.second_factor(&pending, &totp(&secret, app.now(), 1), &client).await.expect("a code"),
        };
    }
    assert_eq!(session.stage, SessionStage::SignedIn);
    let info = app.session(&session.token).await.expect("read the session").expect("a live session");
    app.user(info.principal, client)
}
