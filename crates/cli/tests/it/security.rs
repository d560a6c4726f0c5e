//! Sign-in and sessions through the real server: form tokens (CSRF), session fixation,
//! expired and revoked sessions, lockout, the second factor, personal access tokens' scopes and
//! OIDC.
//!
//! Each test plays a browser (or a script with a token, or an attacker) against `careful serve`,
//! and where an attacker could reach the database, changes it directly as they would. The
//! authenticator codes are computed by the tests' own TOTP, not careful's.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use careful_app::record::Proposed;
use careful_app::{AccountId, AuditLine, RESTRICTION_CATEGORIES, UserHandle};
use careful_domain::codes::*;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::*;
use careful_store::Store;

use crate::on_both_engines;
use crate::support::accounts::{Accounts, base32_decode, signed_in, totp};
use crate::support::oidc::{self, TestProvider};
use crate::support::process::{Careful, get_as, http, http_no_redirects, run_as, text};
use crate::support::web::{Page, Session, text_of};
use crate::support::{Engine, TempDir, TestDb};

const SESSION_COOKIE: &str = "careful_session";
const FORM_EXPIRED: &str = "This form has expired";

// ------------------------------------------------------------------------------------- helpers

/// The SHA-256 of a token: how careful keys sessions and personal access tokens in the database.
fn sha256(token: &str) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref().to_vec()
}

/// Runs `sql` with `$1` a time and `$2` a hash, as someone with access to the database would.
async fn tamper(store: &Store, sql: &'static str, at: DateTime<Utc>, hash: Vec<u8>) {
    let changed = match store {
        Store::Sqlite(pool, _) => sqlx::query(sql).bind(at).bind(hash).execute(pool).await.unwrap().rows_affected(),
        Store::Postgres(pool) => sqlx::query(sql).bind(at).bind(hash).execute(pool).await.unwrap().rows_affected(),
    };
    assert_eq!(changed, 1, "{sql} changed {changed} rows");
}

/// A time from a one-row query with `$1` a hash.
async fn time_of(store: &Store, sql: &'static str, hash: Vec<u8>) -> Option<DateTime<Utc>> {
    match store {
        Store::Sqlite(pool, _) => sqlx::query_scalar(sql).bind(hash).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).bind(hash).fetch_one(pool).await.unwrap(),
    }
}

/// How many personal access tokens are called `name`.
async fn tokens_named(store: &Store, name: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM api_tokens WHERE name = $1";
    match store {
        Store::Sqlite(pool, _) => sqlx::query_scalar(sql).bind(name).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).bind(name).fetch_one(pool).await.unwrap(),
    }
}

/// The ID of the personal access token `token`.
async fn token_id(store: &Store, token: &str) -> uuid::Uuid {
    let sql = "SELECT id FROM api_tokens WHERE token_hash = $1";
    match store {
        Store::Sqlite(pool, _) => sqlx::query_scalar(sql).bind(sha256(token)).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).bind(sha256(token)).fetch_one(pool).await.unwrap(),
    }
}

/// The Set-Cookie headers of a response.
fn set_cookies(page: &Page) -> Vec<String> {
    page.headers.get_all(reqwest::header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

/// The session cookie a response starts, if it starts one.
fn new_session_cookie(page: &Page) -> Option<String> {
    set_cookies(page).iter().find_map(|c| {
        let value = c.strip_prefix(&format!("{SESSION_COOKIE}="))?.split(';').next()?;
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// Whether a response tells the browser to forget its session cookie.
fn clears_session_cookie(page: &Page) -> bool {
    set_cookies(page).iter().any(|c| c.starts_with(&format!("{SESSION_COOKIE}=;")) && c.contains("Max-Age=0"))
}

/// Asserts the page is careful sending a signed-out browser to sign in first.
fn assert_sent_to_sign_in(page: &Page, from: &str) {
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some(format!("/sign-in?next={from}").as_str()));
}

/// A browser that signs in with a password (no second factor), and the session cookie it got.
async fn browser_signed_in(careful: &Careful, username: &str, password: &str) -> (Session, String) {
    let browser = Session::new(&careful.base_url);
    let page = browser.sign_in(username, password).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/"));
    let cookie = new_session_cookie(&page).expect("a session cookie");
    assert_eq!(browser.cookie(SESSION_COOKIE).as_deref(), Some(cookie.as_str()));
    (browser, cookie)
}

/// A browser holding only `cookie` as its session cookie.
fn browser_with(careful: &Careful, cookie: &str) -> Session {
    let browser = Session::new(&careful.base_url);
    browser.set_cookie(SESSION_COOKIE, cookie);
    browser
}

/// Waits, if need be, until at least five seconds of the current 30-second TOTP step remain, so
/// a code computed now is judged in the step it was computed for.
async fn clear_of_a_step_boundary() {
    let into_step = Utc::now().timestamp().rem_euclid(30);
    if into_step >= 25 {
        tokio::time::sleep(Duration::from_secs((31 - into_step) as u64)).await;
    }
}

/// A six-digit code that is right for no step within two of now.
fn wrong_code(secret: &[u8]) -> String {
    let now = Utc::now();
    let right: Vec<String> = (-2..=2).map(|offset| totp(secret, now, offset)).collect();
    (0..10).map(|n| format!("{n}{n}{n}{n}{n}{n}")).find(|c| !right.contains(c)).expect("a wrong code")
}

/// The `sign_in.failed` audit entries of one actor, newest first.
async fn failed_sign_ins(admin: &UserHandle, actor: &str) -> Vec<AuditLine> {
    let log = admin.audit_log(None, None, None, 200).await.unwrap();
    log.into_iter().filter(|e| e.actor == actor && e.action == "sign_in.failed").collect()
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

// ------------------------------------------------------------------------------ 1. form tokens

on_both_engines!(form_tokens_guard_every_form_sent_with_a_cookie);

/// Every POST made with a cookie must carry the form token: careful's own for a session, the
/// double-submit `careful_form` value for the signed-out sign-in form. Without it, or with
/// another one, the answer is 403 and nothing happens. A script with a bearer token sends no
/// cookie, so no browser can be tricked into sending its requests: it needs no form token.
async fn form_tokens_guard_every_form_sent_with_a_cookie(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let password = accounts.add("test.analyst", "performance_analyst", None, "").await;
    let other_password = accounts.add("test.other", "performance_analyst", None, "").await;
    let scripter_password = accounts.add("test.scripter", "performance_analyst", None, "").await;
    let scripter = signed_in(&accounts.app, "test.scripter", &scripter_password).await;
    let script_token = scripter.create_token("script", &["read".into()], "7").await.unwrap();
    let spare_token = scripter.create_token("spare", &["read".into()], "7").await.unwrap();
    accounts.app.close().await;
    let store = db.store().await;
    let careful = Careful::serve(&url);

    let (browser, _) = browser_signed_in(&careful, "test.analyst", &password).await;
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    let csrf = account.csrf();
    let fields = |name: &'static str| vec![("name", name), ("scopes", "read"), ("days", "7")];

    // No form token: refused before anything runs.
    let page = browser.post_raw("/account/tokens", &fields("no form token")).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains(FORM_EXPIRED) && page.body.contains("Nothing was saved or changed."), "{}", page.body);
    assert!(!page.body.contains("careful_pat_"), "{}", page.body);
    // A made-up token, and the token of another person's session: refused alike.
    let mut wrong = fields("a made-up form token");
    wrong.push(("csrf_token", "bm90IHRoZSBmb3JtIHRva2VuIG9mIHRoaXMgc2Vzc2lvbg"));
    let page = browser.post_raw("/account/tokens", &wrong).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains(FORM_EXPIRED), "{}", page.body);
    let (other, _) = browser_signed_in(&careful, "test.other", &other_password).await;
    let others_csrf = other.get("/account").await.csrf();
    assert_ne!(others_csrf, csrf);
    let mut borrowed = fields("another session's form token");
    borrowed.push(("csrf_token", &others_csrf));
    let page = browser.post_raw("/account/tokens", &borrowed).await;
    assert_eq!(page.status, 403, "{}", page.body);
    for name in ["no form token", "a made-up form token", "another session's form token"] {
        assert_eq!(tokens_named(&store, name).await, 0, "a token {name:?} was made");
    }
    // The page's own token: the token is made and shown once.
    let page = browser.post("/account/tokens", &account, &fields("with the form token")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let made = text_of(&page.body, "shown-once").to_string();
    assert!(made.starts_with("careful_pat_"), "{made}");
    assert_eq!(tokens_named(&store, "with the form token").await, 1);
    assert_eq!(get_as(&made, &careful.url("/account")).await.status(), 200);

    // Signing out is a form too: without the token the browser stays signed in.
    let page = browser.post_raw("/sign-out", &[]).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains(FORM_EXPIRED), "{}", page.body);
    assert!(!clears_session_cookie(&page));
    assert_eq!(browser.get("/account").await.status, 200);

    // The signed-out sign-in form carries the careful_form cookie's value (double submit).
    let stranger = Session::new(&careful.base_url);
    let form = stranger.get("/sign-in").await;
    let form_token = form.csrf();
    assert_eq!(stranger.cookie("careful_form").as_deref(), Some(form_token.as_str()));
    let credentials = [("username", "test.analyst"), ("password", password.as_str())];
    // The field left out.
    let page = stranger.post_raw("/sign-in", &credentials).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains(FORM_EXPIRED), "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    // The field sent, but a different cookie (a page on another site cannot read or set it).
    stranger.set_cookie("careful_form", "c29tZSBvdGhlciBkb3VibGUtc3VibWl0IHZhbHVlIGhlcmU");
    let with_field = [("csrf_token", form_token.as_str()), credentials[0], credentials[1]];
    let page = stranger.post_raw("/sign-in", &with_field).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    // The field sent, and no cookie at all.
    stranger.clear_cookies();
    let page = stranger.post_raw("/sign-in", &with_field).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    // Cookie and field agreeing: signed in.
    stranger.set_cookie("careful_form", &form_token);
    let page = stranger.post_raw("/sign-in", &with_field).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(new_session_cookie(&page).is_some());

    // A script with a bearer token revokes its spare token with no form token and no cookie.
    let spare_id = token_id(&store, &spare_token).await;
    assert_eq!(get_as(&spare_token, &careful.url("/account")).await.status(), 200);
    let revoked = http_no_redirects()
        .post(careful.url(&format!("/account/tokens/{spare_id}/revoke")))
        .bearer_auth(&script_token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 303);
    assert_eq!(revoked.headers()["location"], "/account");
    assert_eq!(get_as(&spare_token, &careful.url("/account")).await.status(), 401);
    assert_eq!(get_as(&script_token, &careful.url("/account")).await.status(), 200);
}

// --------------------------------------------------------------------------- 2. session fixation

on_both_engines!(a_session_cookie_planted_before_sign_in_never_becomes_a_session);

/// An attacker who can put a cookie in someone's browser (a shared computer, a sibling
/// subdomain) and then wait for them to sign in gains nothing: every step of signing in issues
/// a new session token and ends the one before.
async fn a_session_cookie_planted_before_sign_in_never_becomes_a_session(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let password = accounts.add("test.analyst", "performance_analyst", None, "").await;
    accounts.app.close().await;
    let store = db.store().await;
    let careful = Careful::serve(&url);

    // A value of the attacker's choosing, shaped like careful's tokens.
    let planted = "QXR0YWNrZXItY2hvc2VuLXNlc3Npb24tdmFsdWUtMDAx";
    let victim = browser_with(&careful, planted);
    let form = victim.get("/sign-in").await;
    assert_eq!(form.status, 200);
    // careful does not know the value, so it tells the browser to forget it; the attacker
    // plants it again.
    assert!(clears_session_cookie(&form), "{:?}", set_cookies(&form));
    victim.set_cookie(SESSION_COOKIE, planted);
    let page = victim.post("/sign-in", &form, &[("username", "test.analyst"), ("password", &password)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let issued = new_session_cookie(&page).expect("a new session cookie");
    assert_ne!(issued, planted);
    assert_eq!(victim.cookie(SESSION_COOKIE).as_deref(), Some(issued.as_str()));
    assert_eq!(victim.get("/account").await.status, 200);
    // The planted value opens nothing, and is not a session in the database at all.
    assert_sent_to_sign_in(&browser_with(&careful, planted).get("/account").await, "/account");
    assert_eq!(time_of(&store, "SELECT MAX(created_at) FROM sessions WHERE id_hash = $1", sha256(planted)).await, None);

    // Signing in again while signed in: a new cookie, and the old one is ended.
    let account = victim.get("/account").await;
    let page = victim.post("/sign-in", &account, &[("username", "test.analyst"), ("password", &password)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let again = new_session_cookie(&page).expect("a new session cookie");
    assert_ne!(again, issued);
    assert_sent_to_sign_in(&browser_with(&careful, &issued).get("/account").await, "/account");
    assert!(time_of(&store, "SELECT revoked_at FROM sessions WHERE id_hash = $1", sha256(&issued)).await.is_some());
    assert_eq!(victim.get("/account").await.status, 200);
}

// ------------------------------------------------------------------- 3. expired and revoked sessions

on_both_engines!(sessions_end_when_idle_too_long_out_of_time_revoked_or_forged);

/// A session ends after 30 minutes without a request, at its absolute expiry, at sign-out and
/// when its owner signs out everywhere; a cookie careful did not issue is no session at all.
/// Each time the browser is sent to sign in and told to forget the cookie.
async fn sessions_end_when_idle_too_long_out_of_time_revoked_or_forged(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let password = accounts.add("test.analyst", "performance_analyst", None, "").await;
    accounts.app.close().await;
    let store = db.store().await;
    let careful = Careful::serve(&url);
    let ended = |page: &Page, browser: &Session| {
        assert_sent_to_sign_in(page, "/account");
        assert!(clears_session_cookie(page), "{:?}", set_cookies(page));
        assert_eq!(browser.cookie(SESSION_COOKIE), None);
    };

    // 29 minutes idle: still signed in, and the request counts as activity.
    let (browser, cookie) = browser_signed_in(&careful, "test.analyst", &password).await;
    let set_last_seen = "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2";
    tamper(&store, set_last_seen, Utc::now() - chrono::Duration::minutes(29), sha256(&cookie)).await;
    assert_eq!(browser.get("/account").await.status, 200);
    let seen = time_of(&store, "SELECT last_seen_at FROM sessions WHERE id_hash = $1", sha256(&cookie)).await;
    assert!(seen.unwrap() > Utc::now() - chrono::Duration::minutes(1), "last seen {seen:?}");
    // 31 minutes idle: ended.
    tamper(&store, set_last_seen, Utc::now() - chrono::Duration::minutes(31), sha256(&cookie)).await;
    ended(&browser.get("/account").await, &browser);
    assert_sent_to_sign_in(&browser_with(&careful, &cookie).get("/account").await, "/account");

    // Past its absolute expiry, however recently used: ended.
    let (browser, cookie) = browser_signed_in(&careful, "test.analyst", &password).await;
    let set_expiry = "UPDATE sessions SET expires_at = $1 WHERE id_hash = $2";
    tamper(&store, set_expiry, Utc::now() - chrono::Duration::seconds(1), sha256(&cookie)).await;
    ended(&browser.get("/account").await, &browser);

    // Signing out everywhere, from one browser, ends the other's session too.
    let (here, _) = browser_signed_in(&careful, "test.analyst", &password).await;
    let (there, _) = browser_signed_in(&careful, "test.analyst", &password).await;
    let account = here.get("/account").await;
    let page = here.post("/account/sign-out-everywhere", &account, &[]).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/sign-in?signed-out=1")));
    assert!(clears_session_cookie(&page));
    ended(&there.get("/account").await, &there);
    assert_eq!(here.get("/account").await.status, 303);

    // A signed-out cookie, replayed (copied before sign-out), opens nothing.
    let (browser, cookie) = browser_signed_in(&careful, "test.analyst", &password).await;
    let account = browser.get("/account").await;
    let page = browser.post("/sign-out", &account, &[]).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/sign-in?signed-out=1")));
    assert!(time_of(&store, "SELECT revoked_at FROM sessions WHERE id_hash = $1", sha256(&cookie)).await.is_some());
    let replay = browser_with(&careful, &cookie);
    ended(&replay.get("/account").await, &replay);

    // Forged cookies: a live one with a character changed, and a random value. Neither is a
    // session; the real one still works.
    let (browser, cookie) = browser_signed_in(&careful, "test.analyst", &password).await;
    let last = cookie.chars().last().unwrap();
    let changed = format!("{}{}", &cookie[..cookie.len() - 1], if last == 'A' { 'B' } else { 'A' });
    for forged in [changed.as_str(), "cmFuZG9tLXZhbHVlLW5vYm9keS1pc3N1ZWQtYXQtYWxs", "x"] {
        let attacker = browser_with(&careful, forged);
        ended(&attacker.get("/account").await, &attacker);
    }
    assert_eq!(browser.get("/account").await.status, 200);
}

// ------------------------------------------------------------------------------------ 4. lockout

on_both_engines!(five_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it);

/// Five wrong passwords in a row lock the account for 15 minutes: then even the right password
/// is refused (and not checked). An administrator can unlock it. Every failure is audited.
async fn five_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let username = "test.analyst";
    let password = accounts.add(username, "performance_analyst", None, "").await;
    let store = db.store().await;
    let careful = Careful::serve(&url);

    let browser = Session::new(&careful.base_url);
    for attempt in 1..=5 {
        let page = browser.sign_in(username, &format!("wrong password number {attempt}")).await;
        assert_eq!(page.status, 401, "{}", page.body);
        assert_eq!(new_session_cookie(&page), None);
        let locked = page.body.contains("This account is locked after too many failed sign-ins");
        assert_eq!(locked, attempt == 5, "attempt {attempt}:\n{}", page.body);
        assert_eq!(page.body.contains("Enter a correct username and password"), attempt < 5, "attempt {attempt}");
    }
    let row = store.account_by_username(username).await.unwrap().unwrap();
    assert_eq!(row.failed_attempts, 5);
    let until = row.locked_until.expect("locked");
    let lock = until - Utc::now();
    assert!(lock > chrono::Duration::minutes(14) && lock <= chrono::Duration::minutes(15), "locked for {lock}");
    // The right password, while locked.
    let page = browser.sign_in(username, &password).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(page.body.contains("This account is locked after too many failed sign-ins"), "{}", page.body);
    assert!(page.body.contains("ask an administrator to unlock it"), "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    assert_eq!(browser.get("/account").await.status, 303);

    accounts.admin().unlock(AccountId::from_uuid(row.id)).await.unwrap();
    let page = browser.sign_in(username, &password).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);
    assert_eq!(browser.get("/account").await.status, 200);
    let row = store.account_by_username(username).await.unwrap().unwrap();
    assert_eq!((row.failed_attempts, row.locked_until), (0, None));

    // Six failures audited, newest first: the locked attempt (password not checked), the fifth
    // wrong password (which locked the account), then four wrong passwords.
    let failures = failed_sign_ins(accounts.admin(), username).await;
    let details: Vec<&str> = failures.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(failures.len(), 6, "{details:#?}");
    assert_eq!(details[0], "the account is locked; the password was not checked");
    assert!(details[1].starts_with("wrong password; the account is locked until "), "{details:#?}");
    assert!(details[2..].iter().all(|d| *d == "wrong password"), "{details:#?}");
    assert!(failures.iter().all(|e| e.outcome == "failed" && e.subject == Some(format!("account {}", row.id))));
    accounts.app.close().await;
}

// ---------------------------------------------------------------------------- 5. the second factor

/// Sends a code to `path` (`/sign-in/two-factor` or its set-up) from `page`, as a browser does:
/// with the form token the page's form carries.
async fn send_code(browser: &Session, path: &str, page: &Page, code: &str) -> Page {
    browser.post(path, page, &[("code", code)]).await
}

on_both_engines!(
    a_managers_password_step_cookie_is_not_the_signed_in_one,
    managers_sign_in_with_a_code_from_their_app_and_no_code_works_twice,
);

/// Session fixation at the second factor: the cookie a manager holds between the password and
/// the code is not the signed-in one, and is dead once the code is in.
async fn a_managers_password_step_cookie_is_not_the_signed_in_one(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let manager_password = accounts.add("test.manager", "team_manager", None, "").await;
    let careful = Careful::serve(&url);

    // A manager: the cookie of the password step (waiting for the authenticator app to be set
    // up) is not the signed-in one, and is dead once the code is in.
    let manager = Session::new(&careful.base_url);
    let page = manager.sign_in("test.manager", &manager_password).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/sign-in/two-factor/set-up?next=/"));
    let waiting = new_session_cookie(&page).expect("a cookie for the password step");
    // Waiting for the code is not being signed in.
    assert_sent_to_sign_in(&browser_with(&careful, &waiting).get("/account").await, "/account");
    let setup = manager.get("/sign-in/two-factor/set-up?next=/").await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    let secret = base32_decode(text_of(&setup.body, "secret"));
    clear_of_a_step_boundary().await;
    let code = totp(&secret, Utc::now(), -1);
    let page = send_code(&manager, "/sign-in/two-factor/set-up", &setup, &code).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let signed_in_cookie = new_session_cookie(&page).expect("a signed-in session cookie");
    assert_ne!(signed_in_cookie, waiting);
    assert_eq!(manager.get("/account").await.status, 200);
    let stale = browser_with(&careful, &waiting);
    assert_sent_to_sign_in(&stale.get("/account").await, "/account");
    let page = stale.get("/sign-in/two-factor/set-up").await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/sign-in")));

    // And at the code step of a later sign-in, in another browser.
    let second = Session::new(&careful.base_url);
    let page = second.sign_in("test.manager", &manager_password).await;
    assert_eq!(page.location.as_deref(), Some("/sign-in/two-factor?next=/"));
    let waiting = new_session_cookie(&page).expect("a cookie for the password step");
    let code_page = second.get("/sign-in/two-factor?next=/").await;
    assert_eq!(code_page.status, 200, "{}", code_page.body);
    let code = totp(&secret, Utc::now(), 0);
    let page = send_code(&second, "/sign-in/two-factor", &code_page, &code).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let signed_in_cookie = new_session_cookie(&page).expect("a signed-in session cookie");
    assert_ne!(signed_in_cookie, waiting);
    let stale = browser_with(&careful, &waiting);
    assert_sent_to_sign_in(&stale.get("/account").await, "/account");
    let page = stale.get("/sign-in/two-factor").await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/sign-in")));
    // Even with a right code (the next step's, never used) the old cookie goes nowhere: it is
    // not a session any more, so its form token is not accepted either.
    let next = totp(&secret, Utc::now(), 1);
    stale.set_cookie(SESSION_COOKIE, &waiting);
    let page = send_code(&stale, "/sign-in/two-factor", &code_page, &next).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    accounts.app.close().await;
}

/// A team manager's first sign-in sets up an authenticator app (careful shows the secret); each
/// later sign-in asks for a code. A wrong code is refused, and so is a right one used before.
async fn managers_sign_in_with_a_code_from_their_app_and_no_code_works_twice(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let password = accounts.add("test.manager", "team_manager", None, "").await;
    let careful = Careful::serve(&url);
    let browser = Session::new(&careful.base_url);
    let sign_out = async |browser: &Session| {
        let account = browser.get("/account").await;
        assert_eq!(browser.post("/sign-out", &account, &[]).await.status, 303);
    };

    // First sign-in: set up the app.
    let page = browser.sign_in("test.manager", &password).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/sign-in/two-factor/set-up?next=/")));
    let setup = browser.get("/sign-in/two-factor/set-up?next=/").await;
    assert_eq!(setup.status, 200);
    assert!(setup.body.contains("Set up your authenticator app"), "{}", setup.body);
    let shown = text_of(&setup.body, "secret").to_string();
    let secret = base32_decode(&shown);
    assert_eq!(secret.len(), 20, "a 160-bit secret: {shown}");
    assert!(text_of(&setup.body, "otpauth").contains(&format!("secret={}", shown.replace(' ', ""))));
    // Reloading shows the same secret.
    assert_eq!(text_of(&browser.get("/sign-in/two-factor/set-up").await.body, "secret"), shown);
    // Not signed in yet.
    assert_eq!(browser.get("/account").await.status, 303);
    // The code for the step just gone (still accepted, for a slow typist), so that the
    // current step's code is left for the next sign-in.
    clear_of_a_step_boundary().await;
    let code = totp(&secret, Utc::now(), -1);
    let page = send_code(&browser, "/sign-in/two-factor/set-up", &setup, &code).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("An authenticator app is set up"), "{}", account.body);
    sign_out(&browser).await;

    // Later sign-ins ask for a code.
    let page = browser.sign_in("test.manager", &password).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/sign-in/two-factor?next=/")));
    let code_page = browser.get("/sign-in/two-factor?next=/").await;
    assert_eq!(code_page.status, 200);
    let page = send_code(&browser, "/sign-in/two-factor", &code_page, &wrong_code(&secret)).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(page.body.contains("The code is not right"), "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    assert_eq!(browser.get("/account").await.status, 303);
    let code = totp(&secret, Utc::now(), 0);
    let page = send_code(&browser, "/sign-in/two-factor", &code_page, &code).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);
    assert_eq!(browser.get("/account").await.status, 200);
    sign_out(&browser).await;

    // The same code again, within its step (or the next): refused as used.
    assert_eq!(browser.sign_in("test.manager", &password).await.status, 303);
    let code_page = browser.get("/sign-in/two-factor?next=/").await;
    let page = send_code(&browser, "/sign-in/two-factor", &code_page, &code).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(page.body.contains("That code has already been used"), "{}", page.body);
    assert_eq!(browser.get("/account").await.status, 303);
    // The next step's code, never used, is accepted.
    let next = totp(&secret, Utc::now(), 1);
    let page = send_code(&browser, "/sign-in/two-factor", &code_page, &next).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);

    // The wrong code and the replayed one were audited as failures.
    let failures = failed_sign_ins(accounts.admin(), "test.manager").await;
    let details: Vec<&str> = failures.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(details, ["a code already used", "wrong code"]);
    accounts.app.close().await;
}

/// Someone at the code step who goes back to the sign-in page (a mistyped username, another
/// account) can sign in again from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn going_back_to_sign_in_at_the_code_step_signs_in_afresh() {
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let manager_password = accounts.add("test.manager", "team_manager", None, "").await;
    let password = accounts.add("test.analyst", "performance_analyst", None, "").await;
    accounts.app.close().await;
    let careful = Careful::serve(&url);
    let browser = Session::new(&careful.base_url);
    let page = browser.sign_in("test.manager", &manager_password).await;
    assert_eq!(page.location.as_deref(), Some("/sign-in/two-factor/set-up?next=/"));
    let page = browser.sign_in("test.analyst", &password).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);
    assert_eq!(browser.get("/account").await.status, 200);
}

// --------------------------------------------------------------------------------- 6. token scopes

on_both_engines!(personal_access_tokens_do_only_what_their_scopes_allow);

/// A personal access token carries scopes, and an action outside them is refused whatever the
/// account's role; a revoked, expired or malformed token is no token.
async fn personal_access_tokens_do_only_what_their_scopes_allow(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let admin = accounts.admin();
    let team = admin.add_team("Children looked after 1", "looked_after").await.unwrap();
    let started = Some(d("2020-01-06"));
    let sw = admin.add_worker("Test Worker", WorkerRole::SocialWorker, team, false, None, started).await.unwrap();
    let tm = admin.add_worker("Test Manager", WorkerRole::TeamManager, team, false, None, started).await.unwrap();
    let worker_password = accounts.add("test.worker", "social_worker", Some(sw), "").await;
    let worker = signed_in(&accounts.app, "test.worker", &worker_password).await;
    let details = PersonalDetails {
        given_name: "Testchild".into(),
        family_name: "Scopes".into(),
        date_of_birth: Some(d("2016-04-09")),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    };
    let (child, _) = worker
        .register_child(vec![
            Proposed::new(
                ChildEvent::ChildRegistered { la_child_id: "EM0900002".parse().unwrap(), details },
                d("2025-03-03"),
            ),
            Proposed::new(ChildEvent::WorkerAllocated { worker: sw, team, reason: None }, d("2025-03-03")),
        ])
        .await
        .unwrap();
    let read = vec!["read".to_string()];
    let reader = worker.create_token("reading", &read, "30").await.unwrap();
    let to_revoke = worker.create_token("to revoke", &read, "30").await.unwrap();
    let to_expire = worker.create_token("to expire", &read, "30").await.unwrap();
    let manager_password = accounts.add("test.manager", "team_manager", Some(tm), "").await;
    let manager = signed_in(&accounts.app, "test.manager", &manager_password).await;
    let manager_reader = manager.create_token("reading", &read, "30").await.unwrap();
    let manager_recorder = manager.create_token("recording", &["read".into(), "record".into()], "30").await.unwrap();
    let analyst = accounts.token("test.analyst", "performance_analyst", None, "", &["read"]).await;
    let store = db.store().await;
    worker.revoke_token(token_id(&store, &to_revoke).await).await.unwrap();
    accounts.app.close().await;
    let careful = Careful::serve(&url);
    let record = careful.url(&format!("/children/{child}"));

    // Read: the allocated worker's read-only token opens the record.
    let page = get_as(&reader, &record).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<h1 class=\"govuk-heading-l\">Testchild Scopes</h1>"));

    // The team manager may restrict the record, but not with a read-only token.
    let restrict = |token: &str| {
        http_no_redirects()
            .post(format!("{record}/restrict"))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("category={}&reason=a+test+of+token+scopes&named=", RESTRICTION_CATEGORIES[0].0))
            .send()
    };
    let refused = restrict(&manager_reader).await.unwrap();
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.unwrap();
    assert!(html.contains("this personal access token does not have the \u{201c}record\u{201d} scope"), "{html}");
    // Nothing was restricted: the worker still reads the record without breaking glass.
    assert_eq!(get_as(&reader, &record).await.status(), 200);
    // With the record scope, the same manager restricts it (so the refusal was the scope's), and
    // the worker, not named, is now offered break glass.
    let restricted = restrict(&manager_recorder).await.unwrap();
    assert_eq!(restricted.status(), 303);
    assert_eq!(restricted.headers()["location"], format!("/children/{child}"));
    assert_eq!(get_as(&reader, &record).await.status(), 403);

    // The command line: an analyst's token without the returns scope cannot export a return.
    let out_dir = TempDir::new();
    let out = out_dir.path().join("ssda903");
    let done = run_as(
        &analyst,
        &["export", "ssda903", "--database", &url, "--year", "2025-26", "--out", &out.to_string_lossy()],
    );
    assert_eq!(done.status.code(), Some(1), "{}", text(&done.stdout));
    let stderr = text(&done.stderr);
    assert!(stderr.contains("does not have the \u{201c}returns\u{201d} scope"), "{stderr}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(), "files were written");

    // Revoked, expired and malformed tokens are refused with 401.
    let refused_as_invalid = async |token: &str| {
        let response = get_as(token, &record).await;
        assert_eq!(response.status(), 401, "{token}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(
            response.text().await.unwrap(),
            "the personal access token is not valid (it may have expired or been revoked)\n"
        );
    };
    refused_as_invalid(&to_revoke).await;
    assert_eq!(get_as(&to_expire, &careful.url("/account")).await.status(), 200);
    tamper(
        &store,
        "UPDATE api_tokens SET expires_at = $1 WHERE token_hash = $2",
        Utc::now() - chrono::Duration::seconds(1),
        sha256(&to_expire),
    )
    .await;
    refused_as_invalid(&to_expire).await;
    let last = reader.chars().last().unwrap();
    let changed = format!("{}{}", &reader[..reader.len() - 1], if last == 'A' { 'B' } else { 'A' });
    for malformed in [changed.as_str(), "careful_pat_", "not-a-careful-token", &reader[12..]] {
        refused_as_invalid(malformed).await;
    }
    // The reader itself is untouched by all this.
    assert_eq!(get_as(&reader, &careful.url("/account")).await.status(), 200);
}

// ------------------------------------------------------------------------------------------ 7. OIDC

/// A port nothing is listening on (now).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Starts signing in through the provider in `browser`: careful sends the browser to the
/// provider, which signs the user in at once and sends it back. Returns the callback's path.
async fn to_provider_and_back(careful: &Careful, provider: &TestProvider, browser: &Session) -> String {
    let page = browser.get("/sign-in/oidc").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let authorize = page.location.clone().unwrap();
    assert!(authorize.starts_with(&format!("{}/authorize?", provider.issuer())), "{authorize}");
    assert!(authorize.contains(&format!("client_id={}", oidc::CLIENT_ID)), "{authorize}");
    let binding = set_cookies(&page).into_iter().find(|c| c.starts_with("careful_oidc=")).expect("careful_oidc");
    assert!(binding.contains("HttpOnly") && binding.contains("SameSite=Lax"), "{binding}");
    let answer = http_no_redirects().get(&authorize).send().await.unwrap();
    assert_eq!(answer.status(), 303, "{}", answer.text().await.unwrap());
    let back = answer.headers()["location"].to_str().unwrap().to_string();
    let path = back.strip_prefix(&careful.base_url).unwrap_or_else(|| panic!("not back to careful: {back}"));
    assert!(path.starts_with("/sign-in/oidc/callback?code="), "{path}");
    path.to_string()
}

on_both_engines!(signing_in_through_the_councils_identity_provider);

/// Sign-in through the council's OpenID Connect provider (a test provider of the tests' own):
/// an identity careful has an account for signs in; a token with a bad signature, an identity
/// with no account, and an answer delivered to a browser that did not start the sign-in are
/// refused, audited, and start no session.
async fn signing_in_through_the_councils_identity_provider(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let provider = TestProvider::start().await;
    let accounts = Accounts::new(&url).await;
    accounts.add(&oidc::DEFAULT_USERNAME.to_lowercase(), "social_worker", None, "").await;
    let port = free_port().to_string();
    let base = format!("http://127.0.0.1:{port}");
    let callback = format!("{base}/sign-in/oidc/callback");
    #[rustfmt::skip]
    let careful = Careful::start(&[
        "serve", "--database", &url, "--port", &port, "--base-url", &base,
        "--oidc-issuer", &provider.issuer(), "--oidc-client-id", oidc::CLIENT_ID,
        "--oidc-client-secret", oidc::CLIENT_SECRET,
    ]);
    assert_eq!(careful.base_url, base);
    assert!(Session::new(&base).get("/sign-in").await.body.contains("href=\"/sign-in/oidc\""));

    // careful names its own callback to the provider, which refuses any it has not registered
    // (it starts out knowing only its default).
    assert_ne!(oidc::REDIRECT_URL, callback);
    let page = Session::new(&base).get("/sign-in/oidc").await;
    let refused = http().get(page.location.unwrap()).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains(&format!("redirect_uri {callback:?} is not registered")));
    provider.set_redirect_url(&callback);

    // An identity with an account: signed in, and the sign-in's cookie is spent.
    let browser = Session::new(&base);
    let back = to_provider_and_back(&careful, &provider, &browser).await;
    let page = browser.get(&back).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);
    assert!(new_session_cookie(&page).is_some());
    assert_eq!(browser.cookie("careful_oidc"), None);
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains(oidc::DEFAULT_USERNAME) && account.body.contains("Social worker"));
    assert!(account.body.contains("(oidc)"), "{}", account.body);
    // The same answer again gets nowhere.
    let replay = Session::new(&base);
    let page = replay.get(&back).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);

    // The answer delivered to a browser without the careful_oidc cookie of the one that asked
    // (an attacker's sign-in pushed into a victim's browser): refused before the code is
    // redeemed; the browser that asked can still finish.
    let asker = Session::new(&base);
    let back = to_provider_and_back(&careful, &provider, &asker).await;
    let redeemed = provider.token_requests();
    let elsewhere = Session::new(&base);
    let page = elsewhere.get(&back).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(
        page.body.contains("This sign-in has expired or was started in another browser: sign in again"),
        "{}",
        page.body
    );
    assert_eq!(new_session_cookie(&page), None);
    assert_eq!(provider.token_requests(), redeemed, "careful redeemed the code anyway");
    let page = asker.get(&back).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);

    // An identity careful has no account for.
    provider.set_user("Someone.Else@council.example.test", &["pwd"]);
    let browser = Session::new(&base);
    let back = to_provider_and_back(&careful, &provider, &browser).await;
    let page = browser.get(&back).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(
        page.body.contains(
            "There is no careful account for someone.else@council.example.test; ask an administrator to make one"
        ),
        "{}",
        page.body
    );
    assert_eq!(new_session_cookie(&page), None);
    let failures = failed_sign_ins(accounts.admin(), "someone.else@council.example.test").await;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].detail, "OIDC identity with no careful account");

    // An ID token whose signature does not verify.
    provider.set_user(oidc::DEFAULT_USERNAME, &["pwd"]);
    provider.sign_with_wrong_key(true);
    let browser = Session::new(&base);
    let back = to_provider_and_back(&careful, &provider, &browser).await;
    let page = browser.get(&back).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(page.body.contains("<h1 class=\"govuk-heading-l\">Sign in to careful</h1>"), "{}", page.body);
    assert!(page.body.contains("signature does not match the provider"), "{}", page.body);
    assert_eq!(new_session_cookie(&page), None);
    assert_sent_to_sign_in(&browser.get("/account").await, "/account");
    let failures = failed_sign_ins(accounts.admin(), "(OIDC)").await;
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(failures[0].detail.starts_with("OIDC sign-in refused: "), "{}", failures[0].detail);
    assert!(failures[0].detail.contains("signature does not match"), "{}", failures[0].detail);

    // The provider rotates its keys: careful fetches the new ones and signs in as before.
    provider.sign_with_wrong_key(false);
    provider.rotate_keys();
    let published = http().get(format!("{}/jwks", provider.issuer())).send().await.unwrap().text().await.unwrap();
    let published: serde_json::Value = serde_json::from_str(&published).unwrap();
    assert_eq!(published["keys"][0]["kid"], oidc::KEY_IDS[1]);
    let fetched = provider.jwks_requests();
    let browser = Session::new(&base);
    let back = to_provider_and_back(&careful, &provider, &browser).await;
    let page = browser.get(&back).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "{}", page.body);
    assert!(provider.jwks_requests() > fetched);
    accounts.app.close().await;
    provider.stop().await;
}
