//! Accounts, the organisation and the audit log: administrators' use cases, and each person's
//! own account (password, personal access tokens, sessions).
//!
//! Every change to who may do what is audited: accounts made, roles changed (the role history
//! keeps every earlier role, with who changed it and why), locks lifted, second factors reset,
//! accounts disabled, sessions ended; so are changes to the organisation (a worker leaving, a
//! team renamed, the practice standards).

use chrono::NaiveDate;
use uuid::Uuid;

use careful_domain::organisation::Service;
use careful_domain::{TeamId, WorkerId};
use careful_store::{AccountRow, AuditFilter, NewAccount};

use crate::access::{Action, Resource, Role, Scope};
use crate::audit::{self, Event, Outcome, Verification};
use crate::views::*;
use crate::{AccountId, App, AppError, FieldError, UserHandle, password};

/// A new account, as an administrator fills it in.
#[derive(Debug, Clone, Default)]
pub struct AccountForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// For a service manager: the service they oversee.
    pub service: String,
    /// The worker the account belongs to (practitioners), as a worker ID.
    pub worker: String,
    /// The first password; when empty, careful makes one and shows it once.
    pub password: String,
}

/// The longest a personal access token may last.
pub const LONGEST_TOKEN_DAYS: i64 = 365;

fn username_problem(username: &str) -> Option<String> {
    if username.is_empty() {
        return Some("Enter a username".into());
    }
    if username.len() > 64 {
        return Some("The username must be 64 characters or fewer".into());
    }
    if !username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b'@'))
    {
        return Some("Use only lower-case letters, digits and . - _ @ in a username".into());
    }
    None
}

/// An account's details for showing.
pub(crate) async fn account_view(app: &App, a: &AccountRow) -> Result<AccountView, AppError> {
    let store = app.store();
    let worker = match a.worker {
        Some(w) => store.worker(w).await?,
        None => None,
    };
    let team = match &worker {
        Some(w) => store.teams().await?.into_iter().find(|t| t.id == w.team).map(|t| t.name),
        None => None,
    };
    Ok(AccountView {
        id: AccountId::from_uuid(a.id),
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: Role::parse(&a.role.role).unwrap_or(Role::Scrutiny),
        service: a.role.service.as_deref().and_then(Service::parse).map(|s| service_words(s).to_string()),
        worker: worker.map(|w| (w.id, w.name)),
        team,
        locked_until: a.locked_until.filter(|u| *u > app.now()),
        failed_attempts: a.failed_attempts,
        disabled: a.disabled_at.is_some(),
        second_factor: a.totp_secret.is_some() && a.totp_last_step.is_some(),
        has_password: a.password_hash.is_some(),
        synthetic: a.synthetic,
        created_at: a.created_at,
    })
}

/// A service in words.
pub fn service_words(s: Service) -> &'static str {
    match s {
        Service::FrontDoor => "Front door",
        Service::Assessment => "Assessment",
        Service::ChildInNeedAndProtection => "Child in need and child protection",
        Service::LookedAfter => "Children looked after",
        Service::LeavingCare => "Leaving care",
        Service::Disabilities => "Children with disabilities",
        Service::IndependentReviewing => "Independent reviewing",
        Service::FosteringAndAdoption => "Fostering and adoption",
    }
}

impl App {
    /// Makes the first administrator of a database that has no accounts but synthetic ones,
    /// and a personal access token (admin scope, one day) for setting up the rest from the
    /// command line. Refused once anyone else has an account: from then on administrators make
    /// accounts.
    pub async fn bootstrap_administrator(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        client: &crate::Client,
    ) -> Result<String, AppError> {
        let username = username.trim().to_lowercase();
        if self.store().accounts().await?.iter().any(|a| !a.synthetic) {
            return Err(AppError::Denied {
                what: "make the first administrator",
                reason: "this database already has accounts; an administrator can make more (careful admin add-user)"
                    .into(),
            });
        }
        let mut problems = Vec::new();
        if let Some(p) = username_problem(&username) {
            problems.push(FieldError::new("username", p));
        }
        if display_name.trim().is_empty() {
            problems.push(FieldError::new("display_name", "Enter the administrator's name"));
        }
        if let Some(p) = password::problem(password, &username) {
            problems.push(FieldError::new("password", p));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let hash = password::hash_blocking(password.to_string()).await?;
        let id = AccountId::new();
        let now = self.now();
        let (token_row, token) =
            self.new_token_row(id, "set-up (bootstrap)", &[Scope::Admin], chrono::Duration::days(1));
        let mut tx = self.store().begin().await?;
        tx.insert_account(&NewAccount {
            id: *id.as_uuid(),
            username: username.clone(),
            display_name: display_name.trim().to_string(),
            worker: None,
            password_hash: Some(hash),
            created_at: now,
            synthetic: false,
            role: Role::Administrator.as_str().into(),
            service: None,
            created_by: None,
            reason: Some("the first administrator (careful admin bootstrap)".into()),
        })
        .await?;
        tx.insert_token(&token_row).await?;
        audit::write(
            &mut tx,
            now,
            &audit::Actor { account: Some(id), name: username.clone() },
            client,
            Event::new(
                "accounts.bootstrap",
                Outcome::Allowed,
                "Made the first administrator, with a one-day set-up token",
            )
            .subject(format!("account {id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }
}

impl UserHandle {
    async fn admin(&self) -> Result<(), AppError> {
        self.decide(Action::ManageAccounts, Resource::Council, None).await.map(|_| ())
    }

    async fn account_row(&self, id: AccountId) -> Result<AccountRow, AppError> {
        self.app()
            .store()
            .account(*id.as_uuid())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("there is no account with ID {id}")))
    }

    /// Every account.
    pub async fn accounts(&self) -> Result<Vec<AccountView>, AppError> {
        self.admin().await?;
        let rows = self.app().store().accounts().await?;
        let mut out = Vec::with_capacity(rows.len());
        for a in &rows {
            out.push(account_view(self.app(), a).await?);
        }
        Ok(out)
    }

    /// The account with this username, if any (administrators).
    pub async fn account_by_username(&self, username: &str) -> Result<AccountView, AppError> {
        self.admin().await?;
        let row = self
            .app()
            .store()
            .account_by_username(&username.trim().to_lowercase())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("there is no account called {username}")))?;
        account_view(self.app(), &row).await
    }

    /// One account with its role history, live sessions and tokens.
    pub async fn account(
        &self,
        id: AccountId,
    ) -> Result<(AccountView, Vec<RoleHistoryLine>, Vec<SessionView>, Vec<TokenView>), AppError> {
        self.admin().await?;
        let row = self.account_row(id).await?;
        self.account_details(&row).await
    }

    async fn account_details(
        &self,
        row: &AccountRow,
    ) -> Result<(AccountView, Vec<RoleHistoryLine>, Vec<SessionView>, Vec<TokenView>), AppError> {
        let store = self.app().store();
        let names = self.app().account_names().await?;
        let history = store
            .role_history(row.id)
            .await?
            .into_iter()
            .map(|r| RoleHistoryLine {
                role: Role::parse(&r.role).map_or(r.role.clone(), |role| role.describe().to_string()),
                service: r.service.as_deref().and_then(Service::parse).map(|s| service_words(s).to_string()),
                from: r.valid_from,
                changed_by: r.changed_by.and_then(|c| names.get(&c).cloned()),
                reason: r.reason,
            })
            .collect();
        let now = self.app().now();
        let idle = chrono::Duration::from_std(self.app().settings().security.session_idle).unwrap_or_default();
        let sessions = store
            .sessions_of(row.id)
            .await?
            .into_iter()
            .filter(|s| s.stage == "signed_in" && s.expires_at > now && now - s.last_seen_at < idle)
            .map(|s| SessionView {
                started: s.created_at,
                last_seen: s.last_seen_at,
                expires: s.expires_at,
                method: s.method,
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect();
        let tokens = store
            .tokens_of(row.id)
            .await?
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                scopes: t.scopes.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                created: t.created_at,
                expires: t.expires_at,
                revoked: t.revoked_at,
                last_used: t.last_used_at,
            })
            .collect();
        Ok((account_view(self.app(), row).await?, history, sessions, tokens))
    }

    /// Makes an account. Returns its ID and, when no password was given, the one careful made
    /// (shown once: the person changes it).
    pub async fn create_account(&self, form: &AccountForm) -> Result<(AccountId, Option<String>), AppError> {
        self.admin().await?;
        let store = self.app().store();
        let username = form.username.trim().to_lowercase();
        let mut problems = Vec::new();
        if let Some(p) = username_problem(&username) {
            problems.push(FieldError::new("username", p));
        } else if store.account_by_username(&username).await?.is_some() {
            problems.push(FieldError::new("username", format!("There is already an account called {username}")));
        }
        if form.display_name.trim().is_empty() {
            problems.push(FieldError::new("display_name", "Enter the person's name"));
        }
        let (role, service) = match self.parse_role(&form.role, &form.service) {
            Ok(r) => r,
            Err(mut p) => {
                problems.append(&mut p);
                (Role::Scrutiny, None)
            }
        };
        let worker = match self.parse_worker(&form.worker).await {
            Ok(w) => w,
            Err(p) => {
                problems.push(p);
                None
            }
        };
        if worker.is_some() && store.accounts().await?.iter().any(|a| a.worker == worker) {
            problems.push(FieldError::new("worker", "That worker already has an account"));
        }
        let (password, made) = if form.password.is_empty() {
            let made = crate::secret::new_token();
            (made.clone(), Some(made))
        } else {
            (form.password.clone(), None)
        };
        if made.is_none()
            && let Some(p) = password::problem(&password, &username)
        {
            problems.push(FieldError::new("password", p));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let hash = password::hash_blocking(password).await?;
        let id = AccountId::new();
        let mut tx = store.begin().await?;
        tx.insert_account(&NewAccount {
            id: *id.as_uuid(),
            username: username.clone(),
            display_name: form.display_name.trim().to_string(),
            worker,
            password_hash: Some(hash),
            created_at: self.app().now(),
            synthetic: false,
            role: role.as_str().into(),
            service: service.map(|s| s.as_str().to_string()),
            created_by: Some(*self.principal().account().as_uuid()),
            reason: Some("account made".into()),
        })
        .await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageAccounts.code(),
                Outcome::Allowed,
                format!("Made the account {username} ({})", role.describe()),
            )
            .subject(format!("account {id}")),
        )
        .await?;
        tx.commit().await?;
        Ok((id, made))
    }

    fn parse_role(&self, role: &str, service: &str) -> Result<(Role, Option<Service>), Vec<FieldError>> {
        let Some(role) = Role::parse(role) else {
            return Err(vec![FieldError::new("role", "Select the person's role")]);
        };
        let service = match (role, service.trim()) {
            (Role::ServiceManager, "") => {
                return Err(vec![FieldError::new("service", "Select the service a service manager oversees")]);
            }
            (Role::ServiceManager, s) => match Service::parse(s) {
                Some(s) => Some(s),
                None => return Err(vec![FieldError::new("service", "Select the service a service manager oversees")]),
            },
            _ => None,
        };
        Ok((role, service))
    }

    async fn parse_worker(&self, worker: &str) -> Result<Option<WorkerId>, FieldError> {
        if worker.trim().is_empty() {
            return Ok(None);
        }
        let id: WorkerId = worker
            .parse()
            .map_err(|_| FieldError::new("worker", "Enter a worker ID careful holds, or leave it blank"))?;
        match self.app().store().worker(id).await {
            Ok(Some(_)) => Ok(Some(id)),
            _ => Err(FieldError::new("worker", format!("There is no worker with ID {id}"))),
        }
    }

    /// Gives an account a new role (the history keeps the old one), with a reason.
    pub async fn set_role(&self, id: AccountId, role: &str, service: &str, reason: &str) -> Result<(), AppError> {
        self.admin().await?;
        let row = self.account_row(id).await?;
        let (role, service) = self.parse_role(role, service).map_err(AppError::Invalid)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "Say why the role is changing"));
        }
        if id == self.principal().account() && role != Role::Administrator {
            return Err(AppError::invalid(
                "role",
                "You cannot take away your own administrator role: ask another administrator",
            ));
        }
        let mut tx = self.app().store().begin().await?;
        tx.add_role(
            row.id,
            role.as_str(),
            service.map(|s| s.as_str()),
            self.app().now(),
            Some(*self.principal().account().as_uuid()),
            Some(reason),
        )
        .await?;
        // A new role takes effect at once: end the account's sessions so it signs in afresh.
        tx.revoke_sessions_of(row.id, self.app().now()).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageAccounts.code(),
                Outcome::Allowed,
                format!("Changed {}'s role from {} to {}", row.username, row.role.role, role.as_str()),
            )
            .subject(format!("account {id}"))
            .reason(Some(reason.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links an account to a worker (or unlinks it, with an empty worker).
    pub async fn link_worker(&self, id: AccountId, worker: &str) -> Result<(), AppError> {
        self.admin().await?;
        let row = self.account_row(id).await?;
        let worker = self.parse_worker(worker).await.map_err(|e| AppError::Invalid(vec![e]))?;
        let mut tx = self.app().store().begin().await?;
        tx.set_account_worker(row.id, worker).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageAccounts.code(),
                Outcome::Allowed,
                match worker {
                    Some(w) => format!("Linked {} to worker {w}", row.username),
                    None => format!("Unlinked {} from their worker", row.username),
                },
            )
            .subject(format!("account {id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a lock after failed sign-ins.
    pub async fn unlock(&self, id: AccountId) -> Result<(), AppError> {
        self.account_change(id, "Unlocked the account", |tx, row| {
            Box::pin(async move { tx.clear_failed_sign_ins(row).await })
        })
        .await
    }

    /// Disables an account: it can no longer sign in, and its sessions and tokens end.
    pub async fn disable(&self, id: AccountId, reason: &str) -> Result<(), AppError> {
        if id == self.principal().account() {
            return Err(AppError::invalid("reason", "You cannot disable your own account"));
        }
        if reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "Say why the account is disabled"));
        }
        let now = self.app().now();
        self.account_change(id, &format!("Disabled the account: {}", reason.trim()), move |tx, row| {
            Box::pin(async move {
                tx.set_account_disabled(row, Some(now)).await?;
                tx.revoke_sessions_of(row, now).await?;
                tx.revoke_tokens_of(row, now).await?;
                Ok(())
            })
        })
        .await
    }

    /// Enables a disabled account.
    pub async fn enable(&self, id: AccountId) -> Result<(), AppError> {
        self.account_change(id, "Enabled the account", |tx, row| {
            Box::pin(async move { tx.set_account_disabled(row, None).await })
        })
        .await
    }

    /// Forgets an account's authenticator app: the person sets up a new one at their next
    /// sign-in. Their sessions end.
    pub async fn reset_second_factor(&self, id: AccountId) -> Result<(), AppError> {
        let now = self.app().now();
        self.account_change(id, "Reset the second factor", move |tx, row| {
            Box::pin(async move {
                tx.set_totp_secret(row, None).await?;
                tx.revoke_sessions_of(row, now).await?;
                Ok(())
            })
        })
        .await
    }

    /// Ends every session of an account.
    pub async fn end_sessions(&self, id: AccountId) -> Result<(), AppError> {
        let now = self.app().now();
        self.account_change(id, "Ended every session", move |tx, row| {
            Box::pin(async move { tx.revoke_sessions_of(row, now).await.map(|_| ()) })
        })
        .await
    }

    /// Sets a new password for an account (for someone who has forgotten theirs). Returns the
    /// password careful made when none was given.
    pub async fn reset_password(&self, id: AccountId, new_password: &str) -> Result<Option<String>, AppError> {
        self.admin().await?;
        let row = self.account_row(id).await?;
        let (password, made) = if new_password.is_empty() {
            let made = crate::secret::new_token();
            (made.clone(), Some(made))
        } else {
            if let Some(p) = password::problem(new_password, &row.username) {
                return Err(AppError::invalid("password", p));
            }
            (new_password.to_string(), None)
        };
        let hash = password::hash_blocking(password).await?;
        let now = self.app().now();
        let mut tx = self.app().store().begin().await?;
        tx.set_password_hash(row.id, Some(&hash)).await?;
        tx.revoke_sessions_of(row.id, now).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageAccounts.code(),
                Outcome::Allowed,
                format!("Set a new password for {}", row.username),
            )
            .subject(format!("account {id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(made)
    }

    async fn account_change<F>(&self, id: AccountId, what: &str, change: F) -> Result<(), AppError>
    where
        F: for<'t> FnOnce(
            &'t mut careful_store::Transaction,
            Uuid,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(), careful_store::StoreError>> + Send + 't>,
        >,
    {
        self.admin().await?;
        let row = self.account_row(id).await?;
        let mut tx = self.app().store().begin().await?;
        change(&mut tx, row.id).await?;
        self.audit_in(
            &mut tx,
            Event::new(Action::ManageAccounts.code(), Outcome::Allowed, format!("{what} ({})", row.username))
                .subject(format!("account {id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ------------------------------------------------------------------------------- own account

    /// The principal's own account, sessions and tokens.
    pub async fn my_account(
        &self,
    ) -> Result<(AccountView, Vec<RoleHistoryLine>, Vec<SessionView>, Vec<TokenView>), AppError> {
        let row = self.account_row(self.principal().account()).await?;
        self.account_details(&row).await
    }

    /// Changes the principal's own password, given the current one. Every session ends, this one
    /// too: the person signs in again with the new password.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), AppError> {
        let row = self.account_row(self.principal().account()).await?;
        let right = match &row.password_hash {
            Some(h) => password::verify_blocking(current.to_string(), h.clone()).await,
            None => false,
        };
        if !right {
            self.audit(Event::new("account.password", Outcome::Failed, "the current password given was wrong")).await?;
            return Err(AppError::invalid("current_password", "The current password is not right"));
        }
        if let Some(p) = password::problem(new, &row.username) {
            return Err(AppError::invalid("new_password", p));
        }
        let hash = password::hash_blocking(new.to_string()).await?;
        let now = self.app().now();
        let mut tx = self.app().store().begin().await?;
        tx.set_password_hash(row.id, Some(&hash)).await?;
        tx.revoke_sessions_of(row.id, now).await?;
        self.audit_in(
            &mut tx,
            Event::new("account.password", Outcome::Allowed, "Changed their password; their sessions ended"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes a personal access token with `scopes`, lasting `days`. Returns the token (shown
    /// once).
    pub async fn create_token(&self, name: &str, scopes: &[String], days: &str) -> Result<String, AppError> {
        let mut problems = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(FieldError::new("name", "Give the token a name (what it is for), up to 100 characters"));
        }
        let parsed: Vec<Scope> = scopes.iter().flat_map(|s| s.split(',')).filter_map(Scope::parse).collect();
        if parsed.is_empty() {
            problems.push(FieldError::new("scopes", "Select what the token may be used for"));
        }
        let days: i64 = match days.trim().parse() {
            Ok(d) if (1..=LONGEST_TOKEN_DAYS).contains(&d) => d,
            _ => {
                problems.push(FieldError::new(
                    "days",
                    format!("Enter how many days the token lasts, from 1 to {LONGEST_TOKEN_DAYS}"),
                ));
                0
            }
        };
        if matches!(self.principal().via(), crate::Via::Token(_)) {
            problems.push(FieldError::new("name", "A token cannot make tokens: sign in with a password"));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let (row, token) =
            self.app().new_token_row(self.principal().account(), name, &parsed, chrono::Duration::days(days));
        let mut tx = self.app().store().begin().await?;
        tx.insert_token(&row).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                "account.token",
                Outcome::Allowed,
                format!("Made the personal access token {name:?} ({}) for {days} day(s)", row.scopes),
            )
            .subject(format!("token {}", row.id)),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes one of the principal's own tokens.
    pub async fn revoke_token(&self, id: Uuid) -> Result<(), AppError> {
        let mut tx = self.app().store().begin().await?;
        if !tx.revoke_token(*self.principal().account().as_uuid(), id, self.app().now()).await? {
            return Err(AppError::NotFound("you have no live token with that ID".into()));
        }
        self.audit_in(
            &mut tx,
            Event::new("account.token_revoked", Outcome::Allowed, "Revoked a personal access token")
                .subject(format!("token {id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every one of the principal's sessions, everywhere (this one too).
    pub async fn sign_out_everywhere(&self) -> Result<u64, AppError> {
        let mut tx = self.app().store().begin().await?;
        let n = tx.revoke_sessions_of(*self.principal().account().as_uuid(), self.app().now()).await?;
        self.audit_in(
            &mut tx,
            Event::new("sign_out.everywhere", Outcome::Allowed, format!("Signed out everywhere ({n} sessions)")),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    // ------------------------------------------------------------------------------- the audit log

    /// Audit entries, newest first.
    pub async fn audit_log(
        &self,
        child: Option<careful_domain::ChildId>,
        account: Option<AccountId>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditLine>, AppError> {
        self.decide(Action::ViewAudit, Resource::Council, None).await?;
        let rows = self
            .app()
            .store()
            .audit_entries(&AuditFilter {
                child,
                account: account.map(|a| *a.as_uuid()),
                actions: Vec::new(),
                before,
                limit: limit.clamp(1, 1000),
            })
            .await?;
        self.audit(Event::new(
            Action::ViewAudit.code(),
            Outcome::Allowed,
            format!("Read {} audit entries", rows.len()),
        ))
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditLine {
                seq: r.seq,
                at: r.at,
                actor: r.actor,
                action: r.action,
                outcome: r.outcome,
                child: r.child,
                subject: r.subject,
                ip: r.ip,
                user_agent: r.user_agent,
                reason: r.reason,
                detail: r.detail,
            })
            .collect())
    }

    /// Checks the whole audit chain (and records that it was checked, with the result).
    pub async fn verify_audit(&self) -> Result<Verification, AppError> {
        self.decide(Action::ViewAudit, Resource::Council, None).await?;
        let result = audit::verify(self.app().store()).await?;
        let detail = if result.is_intact() {
            format!(
                "Verified the audit chain: {} entries intact, head {} {}",
                result.entries, result.head_seq, result.head_hash
            )
        } else {
            format!(
                "Verified the audit chain: {} problem(s) found in {} entries",
                result.problems.len(),
                result.entries
            )
        };
        let outcome = if result.is_intact() { Outcome::Allowed } else { Outcome::Failed };
        self.audit(Event::new("audit.verify", outcome, detail)).await?;
        Ok(result)
    }

    // ------------------------------------------------------------------------------- the organisation

    async fn organisation(&self) -> Result<(), AppError> {
        self.decide(Action::ManageOrganisation, Resource::Council, None).await.map(|_| ())
    }

    /// Adds a team.
    pub async fn add_team(&self, name: &str, service: &str) -> Result<TeamId, AppError> {
        self.organisation().await?;
        let name = name.trim();
        let mut problems = Vec::new();
        if name.is_empty() {
            problems.push(FieldError::new("name", "Enter the team's name"));
        }
        let service = Service::parse(service.trim());
        if service.is_none() {
            problems.push(FieldError::new("service", "Select the team's service"));
        }
        let (Some(service), true) = (service, problems.is_empty()) else { return Err(AppError::Invalid(problems)) };
        let team = careful_domain::organisation::Team { id: TeamId::new(), name: name.to_string(), service };
        let mut tx = self.app().store().begin().await?;
        tx.insert_team(&team).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageOrganisation.code(),
                Outcome::Allowed,
                format!("Added the team {name:?} ({})", service_words(service)),
            )
            .subject(format!("team {}", team.id)),
        )
        .await?;
        tx.commit().await?;
        Ok(team.id)
    }

    /// Adds a worker to a team.
    pub async fn add_worker(
        &self,
        name: &str,
        role: careful_domain::organisation::WorkerRole,
        team: TeamId,
        agency: bool,
        registration: Option<&str>,
        started: Option<NaiveDate>,
    ) -> Result<WorkerId, AppError> {
        self.organisation().await?;
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "Enter the worker's name"));
        }
        let worker = careful_domain::organisation::Worker {
            id: WorkerId::new(),
            name: name.to_string(),
            role,
            team,
            employment: if agency {
                careful_domain::organisation::Employment::Agency
            } else {
                careful_domain::organisation::Employment::Permanent
            },
            started,
            left: None,
            registration: registration.map(str::trim).filter(|r| !r.is_empty()).map(str::to_string),
        };
        let mut tx = self.app().store().begin().await?;
        tx.insert_worker(&worker).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageOrganisation.code(),
                Outcome::Allowed,
                format!("Added the worker {name} ({}) to team {team}", role.describe()),
            )
            .subject(format!("worker {}", worker.id)),
        )
        .await?;
        tx.commit().await?;
        Ok(worker.id)
    }

    /// The council's teams and workers.
    pub async fn organisation_list(
        &self,
    ) -> Result<(Vec<careful_domain::organisation::Team>, Vec<careful_domain::organisation::Worker>), AppError> {
        self.organisation().await?;
        Ok((self.app().store().teams().await?, self.app().store().workers().await?))
    }

    /// Records that a worker left on a day (their allocations stay in the record; worklists
    /// show their children as theirs until reallocated).
    pub async fn worker_left(&self, worker: WorkerId, on: NaiveDate, reason: &str) -> Result<(), AppError> {
        self.organisation().await?;
        let mut tx = self.app().store().begin().await?;
        let Some(w) = tx.worker(worker).await? else {
            return Err(AppError::NotFound(format!("there is no worker with ID {worker}")));
        };
        tx.set_worker_left(worker, Some(on)).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageOrganisation.code(),
                Outcome::Allowed,
                format!("Recorded that {} left on {on}", w.name),
            )
            .subject(format!("worker {worker}"))
            .reason(Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Renames a team.
    pub async fn rename_team(&self, team: TeamId, name: &str) -> Result<(), AppError> {
        self.organisation().await?;
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "Enter the team's new name"));
        }
        let old = self.app().store().teams().await?.into_iter().find(|t| t.id == team);
        let Some(old) = old else { return Err(AppError::NotFound(format!("there is no team with ID {team}"))) };
        let mut tx = self.app().store().begin().await?;
        tx.rename_team(team, name).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageOrganisation.code(),
                Outcome::Allowed,
                format!("Renamed the team {:?} to {name:?}", old.name),
            )
            .subject(format!("team {team}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The council's practice standards, as JSON.
    pub async fn standards(&self) -> Result<String, AppError> {
        let policy = crate::duties::standards(self.app().store()).await?;
        serde_json::to_string_pretty(&policy)
            .map_err(|e| AppError::Settings { key: "practice_standards", detail: e.to_string() })
    }

    /// Sets the council's practice standards (JSON, as [`UserHandle::standards`] gives them)
    /// and recomputes every child's duties with them.
    pub async fn set_standards(&self, json: &str, reason: &str) -> Result<u64, AppError> {
        self.organisation().await?;
        let policy = crate::duties::parse_standards(Some(json.to_string()))?;
        let normalised = serde_json::to_string(&policy)
            .map_err(|e| AppError::Settings { key: "practice_standards", detail: e.to_string() })?;
        let mut tx = self.app().store().begin().await?;
        tx.put_setting(crate::duties::STANDARDS_SETTING, &normalised).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageOrganisation.code(),
                Outcome::Allowed,
                format!("Set the practice standards to {normalised}"),
            )
            .subject("practice standards")
            .reason(Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        )
        .await?;
        tx.commit().await?;
        self.app().rebuild_projections().await
    }
}
