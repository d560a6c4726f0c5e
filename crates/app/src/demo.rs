//! The demonstration's accounts: a synthetic account for each role, chosen from the synthetic
//! council so that each has something real to see (a social worker with a caseload, their team
//! manager, an IRO with children to review...). They have no passwords: `careful demo` (and only
//! `careful demo`) offers one-click sign-in to them.
//!
//! The synthetic council itself is written as its synthetic administrator, `synthetic.admin`,
//! made by [`crate::synthetic::generate`] in an empty database.

use careful_domain::WorkerId;
use careful_domain::organisation::{Service, WorkerRole};
use careful_store::NewAccount;

use crate::access::{Role, Via};
use crate::audit::{Event, Outcome};
use crate::auth::Client;
use crate::synthetic::SYNTHETIC_COUNCIL_SETTING;
use crate::{AccountId, App, AppError, UserHandle};

/// The synthetic council's administrator.
pub const SYNTHETIC_ADMINISTRATOR: &str = "synthetic.admin";

/// A demonstration account, as the demo's sign-in page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// What the account shows ("17 children allocated in Looked After Team 2").
    pub description: String,
}

impl App {
    /// Makes the synthetic administrator in an empty database (no records, teams or accounts)
    /// and returns a handle acting as it.
    pub(crate) async fn synthetic_administrator_for_empty_database(
        &self,
        options: &careful_synth::Options,
    ) -> Result<UserHandle, AppError> {
        let store = self.store();
        let counts = store.counts().await?;
        let accounts = store.account_count().await?;
        if counts.children > 0 || counts.teams > 0 || accounts > 0 {
            return Err(AppError::Synthetic(format!(
                "the database already holds {} children's records, {} teams and {} accounts; a synthetic council is written only into an empty database",
                counts.children, counts.teams, accounts
            )));
        }
        let id = AccountId::new();
        let mut tx = store.begin().await?;
        tx.insert_account(&NewAccount {
            id: *id.as_uuid(),
            username: SYNTHETIC_ADMINISTRATOR.into(),
            display_name: "Synthetic council administrator".into(),
            worker: None,
            password_hash: None,
            created_at: self.now(),
            synthetic: true,
            role: Role::Administrator.as_str().into(),
            service: None,
            created_by: None,
            reason: Some(format!("made by careful to write a synthetic council (seed {})", options.seed)),
        })
        .await?;
        tx.commit().await?;
        self.synthetic_handle(id).await
    }

    async fn synthetic_handle(&self, id: AccountId) -> Result<UserHandle, AppError> {
        let row = self
            .store()
            .account(*id.as_uuid())
            .await?
            .ok_or_else(|| AppError::Synthetic("the synthetic administrator's account is missing".into()))?;
        let principal = self.principal_for(&row, Via::Synthetic).await?;
        Ok(self
            .user(principal, Client { ip: None, user_agent: Some("careful (synthetic council administrator)".into()) }))
    }

    /// Whether this database holds a complete synthetic council.
    pub async fn holds_synthetic_council(&self) -> Result<bool, AppError> {
        let marker = self.store().setting(SYNTHETIC_COUNCIL_SETTING).await?;
        Ok(marker.as_deref().is_some_and(|m| m.ends_with("; complete")))
    }

    /// The synthetic council's marker, if any: `careful demo` uses it to decide whether to reuse
    /// a database.
    pub async fn synthetic_marker(&self) -> Result<Option<String>, AppError> {
        Ok(self.store().setting(SYNTHETIC_COUNCIL_SETTING).await?)
    }

    /// Makes the demonstration accounts, if they are not there yet, and returns them. Only in a
    /// database holding a complete synthetic council, as its synthetic administrator.
    pub async fn prepare_demo_accounts(&self) -> Result<Vec<DemoAccount>, AppError> {
        if !self.holds_synthetic_council().await? {
            return Err(AppError::Synthetic(
                "demonstration accounts are made only in a synthetic council's database".into(),
            ));
        }
        let store = self.store();
        let Some(admin) = store.account_by_username(SYNTHETIC_ADMINISTRATOR).await? else {
            return Err(AppError::Synthetic("this synthetic council has no synthetic administrator".into()));
        };
        if !admin.synthetic {
            return Err(AppError::Synthetic("the synthetic administrator's account is not synthetic".into()));
        }
        let handle = self.synthetic_handle(AccountId::from_uuid(admin.id)).await?;
        let wanted = self.choose_demo_accounts().await?;
        let mut tx = store.begin().await?;
        let mut made = 0;
        for (account, worker, service) in &wanted {
            if tx.account_by_username(&account.username).await?.is_some() {
                continue;
            }
            let id = AccountId::new();
            tx.insert_account(&NewAccount {
                id: *id.as_uuid(),
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                worker: *worker,
                password_hash: None,
                created_at: self.now(),
                synthetic: true,
                role: account.role.as_str().into(),
                service: service.map(|s| s.as_str().to_string()),
                created_by: Some(admin.id),
                reason: Some("a synthetic demonstration account".into()),
            })
            .await?;
            made += 1;
        }
        if made > 0 {
            handle
                .audit_in(
                    &mut tx,
                    Event::new(
                        "accounts.manage",
                        Outcome::Allowed,
                        format!("Made {made} synthetic demonstration accounts, one for each role"),
                    ),
                )
                .await?;
        }
        tx.commit().await?;
        self.demo_accounts().await
    }

    /// The demonstration accounts, for the demo's sign-in page: every synthetic account, with
    /// what it shows. Empty outside `careful demo`.
    pub async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, AppError> {
        if !self.settings().demo {
            return Ok(Vec::new());
        }
        let store = self.store();
        let names = self.names().await?;
        let counts: std::collections::HashMap<WorkerId, (i64, i64, i64)> =
            store.relationship_counts().await?.into_iter().map(|(w, a, i, p)| (w, (a, i, p))).collect();
        let mut out = Vec::new();
        for a in store.accounts().await?.into_iter().filter(|a| a.synthetic) {
            let Some(role) = Role::parse(&a.role.role) else { continue };
            let (allocated, iro, adviser) = a.worker.and_then(|w| counts.get(&w).copied()).unwrap_or_default();
            let team = match a.worker {
                Some(w) => store.worker(w).await?.map(|w| names.team(w.team)),
                None => None,
            };
            let description = match role {
                Role::SocialWorker => format!("{allocated} children allocated, in {}", team.unwrap_or_default()),
                Role::TeamManager => format!("Manages {}", team.unwrap_or_default()),
                Role::ServiceManager => format!(
                    "Oversees every team in {}",
                    a.role.service.as_deref().and_then(Service::parse).map_or("a service", crate::admin::service_words)
                ),
                Role::Iro => format!("Independent reviewing officer for {iro} children"),
                Role::PersonalAdviser => format!("Personal adviser to {adviser} care leavers"),
                Role::FrontDoor => "Sees children at the front door: contacts and unallocated referrals".into(),
                Role::ComplaintsOfficer => "Sees the records of children whose care a complaint is about".into(),
                Role::PerformanceAnalyst => "Checks and produces the statutory returns; no case records".into(),
                Role::Scrutiny => "Aggregate figures only: never a child's name or ID".into(),
                Role::Administrator => "Manages accounts and reads the audit log; no case records".into(),
            };
            out.push(DemoAccount { username: a.username, display_name: a.display_name, role, description });
        }
        out.sort_by_key(|a| Role::ALL.iter().position(|r| *r == a.role));
        Ok(out)
    }

    /// One account per role, linked where the role has workers to the worker with the fullest
    /// list: the social worker with the most open children, their team's manager, the IRO and
    /// personal adviser with the most children.
    async fn choose_demo_accounts(&self) -> Result<Vec<(DemoAccount, Option<WorkerId>, Option<Service>)>, AppError> {
        let store = self.store();
        let workers = store.workers().await?;
        let teams = store.teams().await?;
        let counts: std::collections::HashMap<WorkerId, (i64, i64, i64)> =
            store.relationship_counts().await?.into_iter().map(|(w, a, i, p)| (w, (a, i, p))).collect();
        let today = self.today();
        let in_post = |role: WorkerRole| workers.iter().filter(move |w| w.role == role && w.in_post(today));
        let best = |role: WorkerRole, pick: fn(&(i64, i64, i64)) -> i64| {
            in_post(role).max_by_key(|w| (counts.get(&w.id).map_or(0, pick), std::cmp::Reverse(w.id)))
        };
        let social_worker = best(WorkerRole::SocialWorker, |c| c.0);
        let team = social_worker.map(|w| w.team);
        let manager = in_post(WorkerRole::TeamManager).find(|w| Some(w.team) == team);
        let iro = best(WorkerRole::IndependentReviewingOfficer, |c| c.1);
        let adviser = best(WorkerRole::PersonalAdviser, |c| c.2);
        let front_door = in_post(WorkerRole::FrontDoorWorker).next();
        let service = team.and_then(|t| teams.iter().find(|x| x.id == t)).map(|t| t.service);
        let account = |username: &str, name: &str, role: Role| DemoAccount {
            username: username.into(),
            display_name: name.into(),
            role,
            description: String::new(),
        };
        let mut out = Vec::new();
        for (username, role, worker) in [
            ("demo.social.worker", Role::SocialWorker, social_worker),
            ("demo.team.manager", Role::TeamManager, manager),
            ("demo.iro", Role::Iro, iro),
            ("demo.personal.adviser", Role::PersonalAdviser, adviser),
            ("demo.front.door", Role::FrontDoor, front_door),
        ] {
            if let Some(w) = worker {
                out.push((account(username, &w.name, role), Some(w.id), None));
            }
        }
        // Roles without a worker in the synthetic council: invented names.
        out.push((account("demo.service.manager", "Morgan Hale", Role::ServiceManager), None, service));
        out.push((account("demo.complaints", "Sam Okoye", Role::ComplaintsOfficer), None, None));
        out.push((account("demo.analyst", "Jo Patel", Role::PerformanceAnalyst), None, None));
        out.push((account("demo.scrutiny", "Councillor Alex Reed", Role::Scrutiny), None, None));
        Ok(out)
    }
}
