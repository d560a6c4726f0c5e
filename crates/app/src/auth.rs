//! Signing in: passwords, the second factor (TOTP), sessions, personal access tokens, OIDC and
//! the demonstration's one-click accounts. Each way in ends in a [`Principal`], the only thing
//! [`App::user`] accepts.
//!
//! - **Sessions** are random 256-bit tokens held in an HttpOnly cookie; the database keeps only
//!   their SHA-256. A session ends after [`Security::session_idle`] without a request or
//!   [`Security::session_absolute`] after sign-in, whichever comes first, and at sign-out. Every
//!   step of signing in (password, then second factor) issues a new token and ends the one
//!   before, so a token planted in someone's browser before they sign in is never signed in
//!   (session fixation).
//! - **Lockout**: after [`Security::lockout_after`] consecutive failures (wrong password or
//!   wrong code) the account is locked for [`Security::lockout_for`], doubling with each
//!   further failure up to a day. While locked, passwords are not even checked.
//! - **Second factor**: team managers, service managers and administrators must give a TOTP
//!   code after their password; the first time, they set up an authenticator app. A code is
//!   never accepted twice.
//! - **Tokens** (`careful_pat_...`) are for the command line and scripts; stored as SHA-256,
//!   with scopes and an expiry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use careful_domain::organisation::Service;
use careful_store::{AccountRow, SessionRow, TokenRow, Transaction};

use crate::access::{Principal, Role, Scope, Via};
use crate::audit::{self, Actor, Event, Outcome};
use crate::error::SignInFailure;
use crate::secret::{csrf_for, new_token, same, token_hash};
use crate::{AccountId, App, AppError, password, totp};

/// Where a request came from: the client's address and program, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    /// The command line on this computer.
    pub fn command_line() -> Client {
        let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty());
        Client {
            ip: None,
            user_agent: Some(match host {
                Some(h) => format!("careful command line on {h}"),
                None => "careful command line".to_string(),
            }),
        }
    }
}

/// How far a session has got through signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in.
    SignedIn,
    /// The password was right; a TOTP code is needed.
    SecondFactor,
    /// The password was right; the account must set up its authenticator app first.
    SetUpSecondFactor,
}

impl SessionStage {
    fn as_str(self) -> &'static str {
        match self {
            SessionStage::SignedIn => "signed_in",
            SessionStage::SecondFactor => "second_factor",
            SessionStage::SetUpSecondFactor => "set_up_second_factor",
        }
    }

    fn parse(text: &str) -> Option<SessionStage> {
        [SessionStage::SignedIn, SessionStage::SecondFactor, SessionStage::SetUpSecondFactor]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A session just started: the token goes in the cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token: String,
    pub stage: SessionStage,
    pub expires_at: DateTime<Utc>,
}

/// Alias kept for readability at call sites: what signing in returns.
pub type SignIn = NewSession;

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub principal: Principal,
    pub stage: SessionStage,
    /// The token every form posted in this session must carry.
    pub csrf_token: String,
    pub started: DateTime<Utc>,
    pub method: String,
}

/// Setting up an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSetup {
    /// The secret as authenticator apps take it (base32), in groups of four for typing.
    pub secret: String,
    /// The `otpauth://` address (for apps that read a link).
    pub uri: String,
}

/// A random value for the double-submit cookie signed-out forms carry.
pub fn new_form_token() -> String {
    new_token()
}

/// The stages before sign-in is complete last at most this long.
const PENDING: Duration = Duration::from_secs(10 * 60);
/// The longest a lock lasts.
const LONGEST_LOCK: Duration = Duration::from_secs(24 * 60 * 60);
/// Personal access tokens start with this, so they are easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "careful_pat_";

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl App {
    /// Builds the principal for an account, with its worker's team.
    pub(crate) async fn principal_for(&self, account: &AccountRow, via: Via) -> Result<Principal, AppError> {
        let role = Role::parse(&account.role.role).ok_or_else(|| AppError::Settings {
            key: "account role",
            detail: format!("account {} has a role careful does not know: {:?}", account.username, account.role.role),
        })?;
        let service = account.role.service.as_deref().and_then(Service::parse);
        let team = match account.worker {
            Some(w) => self.store().worker(w).await?.map(|w| w.team),
            None => None,
        };
        Ok(Principal {
            account: AccountId::from_uuid(account.id),
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role,
            service,
            worker: account.worker,
            team,
            via,
        })
    }

    /// Refuses a disabled or locked account.
    fn usable(&self, account: &AccountRow) -> Result<(), SignInFailure> {
        if account.disabled_at.is_some() {
            return Err(SignInFailure::Disabled);
        }
        if let Some(until) = account.locked_until.filter(|u| *u > self.now()) {
            return Err(SignInFailure::Locked { until });
        }
        Ok(())
    }

    /// Counts a failure against an account, locking it once there have been too many.
    async fn count_failure(
        &self,
        tx: &mut Transaction,
        account: &AccountRow,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        let security = &self.settings().security;
        let failures = account.failed_attempts.max(0) as u32 + 1;
        let lock_until = (failures >= security.lockout_after).then(|| {
            let doublings = (failures - security.lockout_after).min(10);
            let lock = security.lockout_for.saturating_mul(1 << doublings).min(LONGEST_LOCK);
            self.now() + chrono(lock)
        });
        tx.record_failed_sign_in(account.id, lock_until).await?;
        Ok(lock_until)
    }

    async fn start_session(
        &self,
        tx: &mut Transaction,
        account: Uuid,
        stage: SessionStage,
        method: &str,
        client: &Client,
    ) -> Result<NewSession, AppError> {
        let token = new_token();
        let now = self.now();
        let lasts = match stage {
            SessionStage::SignedIn => self.settings().security.session_absolute,
            _ => PENDING,
        };
        let expires_at = now + chrono(lasts);
        tx.insert_session(&SessionRow {
            id_hash: token_hash(&token).to_vec(),
            account,
            stage: stage.as_str().to_string(),
            method: method.to_string(),
            created_at: now,
            last_seen_at: now,
            expires_at,
            revoked_at: None,
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        })
        .await?;
        Ok(NewSession { token, stage, expires_at })
    }

    /// What comes after a right password (or an OIDC sign-in without MFA): the second factor,
    /// setting it up, or nothing.
    fn next_stage(account: &AccountRow, role: Role, mfa_done: bool) -> SessionStage {
        if !role.needs_second_factor() || mfa_done {
            SessionStage::SignedIn
        } else if account.totp_secret.is_some() && account.totp_last_step.is_some() {
            SessionStage::SecondFactor
        } else {
            SessionStage::SetUpSecondFactor
        }
    }

    /// Signs in with a username and password. Returns the new session, which may still need the
    /// second factor. Wrong usernames and wrong passwords are refused alike, and take as long.
    pub async fn sign_in(&self, username: &str, password: &str, client: &Client) -> Result<NewSession, AppError> {
        let username = username.trim().to_lowercase();
        let account = self.store().account_by_username(&username).await?;
        let Some(account) = account else {
            password::verify_blocking(password.to_string(), password::dummy_hash().to_string()).await;
            self.audit_sign_in(
                None,
                &username,
                client,
                Outcome::Failed,
                "sign_in.failed",
                "no account has this username",
            )
            .await?;
            return Err(AppError::SignIn(SignInFailure::WrongCredentials));
        };
        if let Err(failure) = self.usable(&account) {
            let detail = match &failure {
                SignInFailure::Disabled => "the account is disabled",
                _ => "the account is locked; the password was not checked",
            };
            self.audit_sign_in(Some(&account), &username, client, Outcome::Failed, "sign_in.failed", detail).await?;
            return Err(AppError::SignIn(failure));
        }
        let right = match &account.password_hash {
            Some(hash) => password::verify_blocking(password.to_string(), hash.clone()).await,
            None => {
                password::verify_blocking(password.to_string(), password::dummy_hash().to_string()).await;
                false
            }
        };
        let mut tx = self.store().begin().await?;
        if !right {
            let locked = self.count_failure(&mut tx, &account).await?;
            let detail = match locked {
                Some(until) => format!("wrong password; the account is locked until {until}"),
                None => "wrong password".to_string(),
            };
            self.audit_in(
                &mut tx,
                Some(&account),
                &username,
                client,
                Event::new("sign_in.failed", Outcome::Failed, detail),
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::SignIn(match locked {
                Some(until) => SignInFailure::Locked { until },
                None => SignInFailure::WrongCredentials,
            }));
        }
        let role = self.principal_for(&account, Via::Session).await?.role;
        let stage = Self::next_stage(&account, role, false);
        if stage == SessionStage::SignedIn {
            tx.clear_failed_sign_ins(account.id).await?;
        }
        let session = self.start_session(&mut tx, account.id, stage, "password", client).await?;
        let detail = match stage {
            SessionStage::SignedIn => "signed in with a password",
            SessionStage::SecondFactor => "password right; asked for the second factor",
            SessionStage::SetUpSecondFactor => "password right; asked to set up the second factor",
        };
        let action = if stage == SessionStage::SignedIn { "sign_in.succeeded" } else { "sign_in.password" };
        self.audit_in(&mut tx, Some(&account), &username, client, Event::new(action, Outcome::Allowed, detail)).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The session a cookie's token names, if it is live: not revoked, within its idle and
    /// absolute timeouts, its account usable. Moves its last-seen time on.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>, AppError> {
        let hash = token_hash(token);
        let Some((session, account)) = self.store().session(&hash).await? else { return Ok(None) };
        let now = self.now();
        let idle = chrono(self.settings().security.session_idle);
        if session.revoked_at.is_some() || now >= session.expires_at || now - session.last_seen_at >= idle {
            return Ok(None);
        }
        if account.disabled_at.is_some() {
            return Ok(None);
        }
        let Some(stage) = SessionStage::parse(&session.stage) else { return Ok(None) };
        if now - session.last_seen_at >= chrono::Duration::seconds(60) {
            self.store().touch_session(&hash, now).await?;
        }
        let principal = self.principal_for(&account, Via::Session).await?;
        Ok(Some(SessionInfo {
            principal,
            stage,
            csrf_token: csrf_for(token),
            started: session.created_at,
            method: session.method,
        }))
    }

    /// The form token for a session token (the same as [`SessionInfo::csrf_token`]).
    pub fn csrf_token_for(&self, session_token: &str) -> String {
        csrf_for(session_token)
    }

    /// Whether a form token is the right one for a session token.
    pub fn csrf_matches(&self, session_token: &str, form_token: &str) -> bool {
        same(csrf_for(session_token).as_bytes(), form_token.as_bytes())
    }

    /// The account of a session part-way through signing in.
    async fn pending(&self, token: &str, stage: SessionStage) -> Result<AccountRow, AppError> {
        let hash = token_hash(token);
        let Some((session, account)) = self.store().session(&hash).await? else {
            return Err(AppError::SignIn(SignInFailure::SessionInvalid));
        };
        let now = self.now();
        if session.revoked_at.is_some() || now >= session.expires_at || session.stage != stage.as_str() {
            return Err(AppError::SignIn(SignInFailure::SessionInvalid));
        }
        self.usable(&account).map_err(AppError::SignIn)?;
        Ok(account)
    }

    /// Gives the TOTP code for a session waiting for the second factor. On success the waiting
    /// session ends and a new, signed-in one begins.
    pub async fn second_factor(&self, token: &str, code: &str, client: &Client) -> Result<NewSession, AppError> {
        let account = self.pending(token, SessionStage::SecondFactor).await?;
        let secret = account.totp_secret.clone().unwrap_or_default();
        self.finish_second_factor(token, &account, &secret, code, client, "sign_in.second_factor").await
    }

    /// The authenticator-app secret for an account setting up its second factor (the same one
    /// until it is confirmed, so reloading the page does not change it).
    pub async fn second_factor_setup(&self, token: &str) -> Result<TotpSetup, AppError> {
        let account = self.pending(token, SessionStage::SetUpSecondFactor).await?;
        let secret = match (&account.totp_secret, account.totp_last_step) {
            (Some(secret), None) => secret.clone(),
            _ => {
                let secret = crate::secret::random_bytes::<{ totp::SECRET_BYTES }>().to_vec();
                let mut tx = self.store().begin().await?;
                tx.set_totp_secret(account.id, Some(&secret)).await?;
                tx.commit().await?;
                secret
            }
        };
        let plain = totp::base32(&secret);
        let grouped: Vec<String> =
            plain.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        let issuer = if self.settings().council_name.is_empty() {
            "careful".to_string()
        } else {
            format!("careful ({})", self.settings().council_name)
        };
        Ok(TotpSetup { secret: grouped.join(" "), uri: totp::otpauth_uri(&issuer, &account.username, &secret) })
    }

    /// Confirms a newly set-up authenticator app with its first code, and signs in.
    pub async fn confirm_second_factor(
        &self,
        token: &str,
        code: &str,
        client: &Client,
    ) -> Result<NewSession, AppError> {
        let account = self.pending(token, SessionStage::SetUpSecondFactor).await?;
        let Some(secret) = account.totp_secret.clone() else {
            return Err(AppError::SignIn(SignInFailure::SessionInvalid));
        };
        self.finish_second_factor(token, &account, &secret, code, client, "sign_in.second_factor_set_up").await
    }

    async fn finish_second_factor(
        &self,
        token: &str,
        account: &AccountRow,
        secret: &[u8],
        code: &str,
        client: &Client,
        action: &'static str,
    ) -> Result<NewSession, AppError> {
        let now = self.now();
        let mut tx = self.store().begin().await?;
        let step = totp::matching_step(secret, code, now);
        let accepted = match step {
            Some(step) => tx.use_totp_step(account.id, step).await?,
            None => false,
        };
        if !accepted {
            let locked = self.count_failure(&mut tx, account).await?;
            let (detail, failure) = match (step, locked) {
                (_, Some(until)) => {
                    (format!("wrong code; the account is locked until {until}"), SignInFailure::Locked { until })
                }
                (Some(_), None) => ("a code already used".to_string(), SignInFailure::ReplayedCode),
                (None, None) => ("wrong code".to_string(), SignInFailure::WrongCode),
            };
            self.audit_in(
                &mut tx,
                Some(account),
                &account.username,
                client,
                Event::new("sign_in.failed", Outcome::Failed, detail),
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::SignIn(failure));
        }
        tx.revoke_session(&token_hash(token), now).await?;
        tx.clear_failed_sign_ins(account.id).await?;
        let session = self.start_session(&mut tx, account.id, SessionStage::SignedIn, "password+totp", client).await?;
        let detail = if action == "sign_in.second_factor_set_up" {
            "set up the second factor and signed in"
        } else {
            "signed in with a password and a code"
        };
        self.audit_in(&mut tx, Some(account), &account.username, client, Event::new(action, Outcome::Allowed, detail))
            .await?;
        self.audit_in(
            &mut tx,
            Some(account),
            &account.username,
            client,
            Event::new("sign_in.succeeded", Outcome::Allowed, "signed in"),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Ends a session (signing out). Ending one that has already ended does nothing.
    pub async fn sign_out(&self, token: &str, client: &Client) -> Result<(), AppError> {
        let hash = token_hash(token);
        let Some((_, account)) = self.store().session(&hash).await? else { return Ok(()) };
        let mut tx = self.store().begin().await?;
        if tx.revoke_session(&hash, self.now()).await? {
            self.audit_in(
                &mut tx,
                Some(&account),
                &account.username,
                client,
                Event::new("sign_out", Outcome::Allowed, "signed out"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One-click sign-in to a synthetic account: only in `careful demo`, only for the synthetic
    /// accounts it made, and never with the second factor (there is no real person to have an
    /// authenticator app).
    pub async fn demo_sign_in(&self, username: &str, client: &Client) -> Result<NewSession, AppError> {
        if !self.settings().demo {
            return Err(AppError::SignIn(SignInFailure::NotDemo));
        }
        let Some(account) = self.store().account_by_username(&username.trim().to_lowercase()).await? else {
            return Err(AppError::SignIn(SignInFailure::WrongCredentials));
        };
        if !account.synthetic {
            return Err(AppError::SignIn(SignInFailure::NotDemo));
        }
        self.usable(&account).map_err(AppError::SignIn)?;
        let mut tx = self.store().begin().await?;
        let session = self.start_session(&mut tx, account.id, SessionStage::SignedIn, "demo", client).await?;
        self.audit_in(
            &mut tx,
            Some(&account),
            &account.username,
            client,
            Event::new("sign_in.succeeded", Outcome::Allowed, "signed in to a synthetic demonstration account"),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The principal a personal access token stands for.
    pub async fn principal_from_token(&self, token: &str, client: &Client) -> Result<Principal, AppError> {
        let invalid = || AppError::SignIn(SignInFailure::TokenInvalid);
        let token = token.trim();
        if !token.starts_with(TOKEN_PREFIX) {
            return Err(invalid());
        }
        let Some((row, account)) = self.store().token(&token_hash(token)).await? else {
            let mut tx = self.store().begin().await?;
            audit::write(
                &mut tx,
                self.now(),
                &Actor { account: None, name: "(unknown token)".into() },
                client,
                Event::new("token.failed", Outcome::Failed, "a personal access token careful does not know"),
            )
            .await?;
            tx.commit().await?;
            return Err(invalid());
        };
        let now = self.now();
        if row.revoked_at.is_some() || now >= row.expires_at {
            self.audit_sign_in(
                Some(&account),
                &account.username,
                client,
                Outcome::Failed,
                "token.failed",
                "an expired or revoked personal access token",
            )
            .await?;
            return Err(invalid());
        }
        self.usable(&account).map_err(AppError::SignIn)?;
        if row.last_used_at.is_none_or(|t| now - t >= chrono::Duration::seconds(60)) {
            self.store().touch_token(row.id, now).await?;
        }
        let scopes: Vec<Scope> = row.scopes.split(',').filter_map(Scope::parse).collect();
        self.principal_for(&account, Via::Token(scopes)).await
    }

    /// The principal for the command line, from a username and password, and (for accounts
    /// that need one) a TOTP code, asked for with `code` only once the password is right.
    /// Failures count towards the lockout like the web's. The session this makes lasts only as
    /// long as the call.
    pub async fn principal_from_password(
        &self,
        username: &str,
        password: &str,
        code: impl FnOnce() -> Option<String>,
        client: &Client,
    ) -> Result<Principal, AppError> {
        let session = self.sign_in(username, password, client).await?;
        let session = match session.stage {
            SessionStage::SignedIn => session,
            SessionStage::SecondFactor => match code() {
                Some(code) => self.second_factor(&session.token, &code, client).await?,
                None => {
                    self.sign_out(&session.token, client).await?;
                    return Err(AppError::SignIn(SignInFailure::WrongCode));
                }
            },
            SessionStage::SetUpSecondFactor => {
                self.sign_out(&session.token, client).await?;
                return Err(AppError::Denied {
                    what: "sign in on the command line yet",
                    reason: "this account must set up its second factor first: sign in to careful in a browser once"
                        .into(),
                });
            }
        };
        let info = self.session(&session.token).await?.ok_or(AppError::SignIn(SignInFailure::SessionInvalid))?;
        let mut tx = self.store().begin().await?;
        tx.revoke_session(&token_hash(&session.token), self.now()).await?;
        tx.commit().await?;
        Ok(Principal { via: Via::Password, ..info.principal })
    }

    /// Writes a sign-in audit entry in a transaction of its own.
    async fn audit_sign_in(
        &self,
        account: Option<&AccountRow>,
        name: &str,
        client: &Client,
        outcome: Outcome,
        action: &'static str,
        detail: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        self.audit_in(&mut tx, account, name, client, Event::new(action, outcome, detail)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn audit_in(
        &self,
        tx: &mut Transaction,
        account: Option<&AccountRow>,
        name: &str,
        client: &Client,
        event: Event,
    ) -> Result<(), AppError> {
        let actor = Actor { account: account.map(|a| AccountId::from_uuid(a.id)), name: name.to_string() };
        let subject = account.map(|a| format!("account {}", a.id));
        let event = if event.subject.is_none() { Event { subject, ..event } } else { event };
        audit::write(tx, self.now(), &actor, client, event).await?;
        Ok(())
    }

    /// Starts signing in through the OIDC provider: returns the provider's address to send the
    /// browser to, and a value for a short-lived cookie that ties the answer to this browser.
    pub async fn oidc_begin(&self) -> Result<(String, String), AppError> {
        let client = self.oidc_client().await?;
        let (url, pending) = client.begin().map_err(|e| AppError::SignIn(SignInFailure::Oidc(e.to_string())))?;
        let binding = new_token();
        let now = self.now();
        let json = serde_json::to_string(&pending).map_err(|e| AppError::SignIn(SignInFailure::Oidc(e.to_string())))?;
        let mut tx = self.store().begin().await?;
        tx.insert_oidc_sign_in(&token_hash(&binding), &json, now, now + chrono(PENDING)).await?;
        tx.commit().await?;
        Ok((url, binding))
    }

    /// Finishes signing in through the OIDC provider, with what it sent back.
    pub async fn oidc_finish(
        &self,
        binding: &str,
        state: &str,
        code: &str,
        client: &Client,
    ) -> Result<NewSession, AppError> {
        let fail = |m: String| AppError::SignIn(SignInFailure::Oidc(m));
        let now = self.now();
        let mut tx = self.store().begin().await?;
        let pending = tx.take_oidc_sign_in(&token_hash(binding), now).await?;
        tx.commit().await?;
        let Some((json, expires)) = pending.filter(|(_, expires)| *expires > now) else {
            return Err(fail("this sign-in has expired or was started in another browser: sign in again".into()));
        };
        let _ = expires;
        let pending: crate::oidc::PendingSignIn = serde_json::from_str(&json).map_err(|e| fail(e.to_string()))?;
        let oidc = self.oidc_client().await?;
        let identity = match oidc.finish(&pending, state, code, now).await {
            Ok(identity) => identity,
            Err(e) => {
                self.audit_sign_in(
                    None,
                    "(OIDC)",
                    client,
                    Outcome::Failed,
                    "sign_in.failed",
                    &format!("OIDC sign-in refused: {e}"),
                )
                .await?;
                return Err(fail(e.to_string()));
            }
        };
        let username = identity.username.trim().to_lowercase();
        let Some(account) = self.store().account_by_username(&username).await? else {
            self.audit_sign_in(
                None,
                &username,
                client,
                Outcome::Failed,
                "sign_in.failed",
                "OIDC identity with no careful account",
            )
            .await?;
            return Err(AppError::SignIn(SignInFailure::NoAccount(username)));
        };
        if let Err(failure) = self.usable(&account) {
            self.audit_sign_in(
                Some(&account),
                &username,
                client,
                Outcome::Failed,
                "sign_in.failed",
                &failure.to_string(),
            )
            .await?;
            return Err(AppError::SignIn(failure));
        }
        let role = self.principal_for(&account, Via::Session).await?.role;
        // RFC 8176: "mfa" means the provider used more than one factor.
        let mfa = identity.amr.iter().any(|m| m == "mfa");
        let stage = Self::next_stage(&account, role, mfa);
        let mut tx = self.store().begin().await?;
        let session = self.start_session(&mut tx, account.id, stage, "oidc", client).await?;
        let detail = format!(
            "signed in through OIDC as {} (subject {} at {}){}",
            identity.username,
            identity.subject,
            identity.issuer,
            if stage == SessionStage::SignedIn { "" } else { "; asked for careful's second factor" }
        );
        let action = if stage == SessionStage::SignedIn { "sign_in.succeeded" } else { "sign_in.oidc" };
        self.audit_in(&mut tx, Some(&account), &username, client, Event::new(action, Outcome::Allowed, detail)).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Whether OIDC sign-in is configured.
    pub fn oidc_enabled(&self) -> bool {
        self.settings().oidc.is_some()
    }

    async fn oidc_client(&self) -> Result<std::sync::Arc<crate::oidc::OidcClient>, AppError> {
        let Some(settings) = self.settings().oidc.clone() else {
            return Err(AppError::SignIn(SignInFailure::Oidc(
                "sign-in through OIDC is not set up for this careful".into(),
            )));
        };
        let mut cached = self.inner.oidc.lock().await;
        if let Some(client) = cached.as_ref() {
            return Ok(client.clone());
        }
        let client = crate::oidc::OidcClient::discover(settings)
            .await
            .map_err(|e| AppError::SignIn(SignInFailure::Oidc(e.to_string())))?;
        let client = std::sync::Arc::new(client);
        *cached = Some(client.clone());
        Ok(client)
    }

    /// The token row for a new personal access token, and the token itself (shown once).
    pub(crate) fn new_token_row(
        &self,
        account: AccountId,
        name: &str,
        scopes: &[Scope],
        lasts: chrono::Duration,
    ) -> (TokenRow, String) {
        let token = format!("{TOKEN_PREFIX}{}", new_token());
        let now = self.now();
        let row = TokenRow {
            id: Uuid::now_v7(),
            account: *account.as_uuid(),
            name: name.to_string(),
            token_hash: token_hash(&token).to_vec(),
            scopes: scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","),
            created_at: now,
            expires_at: now + lasts,
            revoked_at: None,
            last_used_at: None,
        };
        (row, token)
    }
}
