//! [`UserHandle`]: the use cases open to one signed-in principal.
//!
//! Every method decides access with [`authorise`] first and writes its audit entry in the same
//! transaction as its reads and writes. A denial is audited too.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use careful_domain::organisation::Service;
use careful_domain::record::{ChildRecord, Entry, fold};
use careful_domain::{ChildId, Sequence, WorkerId};
use careful_store::{AlertRow, CaseloadQuery, ChildAccessRow, GrantRow, RestrictionRow, Transaction};

use crate::access::{Action, Basis, ChildFacts, Decision, Principal, Resource, RestrictionFacts, Role, authorise};
use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::Client;
use crate::duties::WorklistEntry;
use crate::views::*;
use crate::{AccountId, App, AppError, Overview};

/// The use cases open to one principal, acting from one client.
#[derive(Clone)]
pub struct UserHandle {
    app: App,
    principal: Principal,
    client: Client,
}

/// A child's record, opened.
pub(crate) struct Opened {
    pub facts: ChildAccessRow,
    pub basis: Basis,
    pub entries: Vec<Entry>,
    pub record: ChildRecord,
    pub sequence: Sequence,
}

/// How long break-glass access lasts.
pub const BREAK_GLASS_MINUTES: i64 = 60;
/// The longest a manager may grant access for.
pub const LONGEST_GRANT_DAYS: i64 = 90;

/// The kinds of restriction, as the page offers them.
pub const RESTRICTION_CATEGORIES: [(&str, &str); 4] = [
    ("adoption", "Adoption"),
    ("staff_relative", "A member of staff's relative"),
    ("high_profile", "High profile"),
    ("other", "Other"),
];

pub(crate) fn facts(row: &ChildAccessRow, now: DateTime<Utc>) -> ChildFacts {
    let live = |kind: &str| {
        row.grants
            .iter()
            .filter(|g| g.kind == kind && g.revoked_at.is_none() && g.valid_from <= now && g.valid_until > now)
            .map(|g| g.valid_until)
            .max()
    };
    ChildFacts {
        child: row.child,
        worker: row.worker,
        team: row.team,
        team_service: row.team_service.as_deref().and_then(Service::parse),
        iro: row.iro,
        adviser: row.adviser,
        front_door: row.front_door,
        complaint: row.complaint,
        restriction: row
            .restriction
            .as_ref()
            .map(|r| RestrictionFacts { restricted_by: AccountId::from_uuid(r.restricted_by), named: row.named }),
        granted_until: live("grant"),
        break_glass_until: live("break_glass"),
    }
}

impl UserHandle {
    pub(crate) fn new(app: App, principal: Principal, client: Client) -> UserHandle {
        UserHandle { app, principal, client }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub(crate) fn app(&self) -> &App {
        &self.app
    }

    pub(crate) fn actor(&self) -> Actor {
        Actor { account: Some(self.principal.account), name: self.principal.username.clone() }
    }

    /// Writes an audit entry in a transaction of its own.
    pub(crate) async fn audit(&self, event: Event) -> Result<(), AppError> {
        let mut tx = self.app.store().begin().await?;
        self.audit_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn audit_in(&self, tx: &mut Transaction, event: Event) -> Result<(), AppError> {
        audit::write(tx, self.app.now(), &self.actor(), &self.client, event).await?;
        Ok(())
    }

    /// Decides a council-wide action (or one about a child whose facts are known), auditing a
    /// denial. Returns the basis of an allowed child action.
    pub(crate) async fn decide(
        &self,
        action: Action,
        resource: Resource<'_>,
        child: Option<ChildId>,
    ) -> Result<Option<Basis>, AppError> {
        match authorise(&self.principal, action, resource) {
            Decision::Allow(basis) => Ok(basis),
            Decision::Deny(reason) => {
                let mut event = Event::new(action.code(), Outcome::Denied, reason.clone());
                event.child = child;
                self.audit(event).await?;
                Err(AppError::Denied { what: action.describe(), reason })
            }
            Decision::BreakGlass => {
                let mut event = Event::new(
                    action.code(),
                    Outcome::Denied,
                    "the record is restricted and they are not named on it; offered break glass",
                );
                event.child = child;
                self.audit(event).await?;
                Err(AppError::BreakGlassNeeded { child: child.unwrap_or_default() })
            }
        }
    }

    /// Reads a child's access facts in `tx` and decides `action`, auditing a refusal in the same
    /// transaction (which is then committed). Returns the facts and the basis.
    pub(crate) async fn authorise_child(
        &self,
        tx: &mut Option<Transaction>,
        child: ChildId,
        action: Action,
    ) -> Result<(ChildAccessRow, Basis), AppError> {
        let t = tx.as_mut().expect("a transaction");
        let Some(row) = t.child_access(child, *self.principal.account.as_uuid()).await? else {
            return Err(AppError::NotFound(format!("there is no child with ID {child}")));
        };
        let f = facts(&row, self.app.now());
        let refusal = match authorise(&self.principal, action, Resource::Child(&f)) {
            Decision::Allow(basis) => return Ok((row, basis.unwrap_or(Basis::Grant))),
            Decision::Deny(reason) => (
                Event::new(action.code(), Outcome::Denied, reason.clone()),
                AppError::Denied { what: action.describe(), reason },
            ),
            Decision::BreakGlass => (
                Event::new(
                    action.code(),
                    Outcome::Denied,
                    "the record is restricted and they are not named on it; offered break glass",
                ),
                AppError::BreakGlassNeeded { child },
            ),
        };
        let mut t = tx.take().expect("a transaction");
        self.audit_in(&mut t, refusal.0.child(child)).await?;
        t.commit().await?;
        Err(refusal.1)
    }

    /// Opens a child's record for `action`: authorises, reads the whole record and writes one
    /// audit entry saying so (`what`, with the basis), all in one transaction.
    pub(crate) async fn open_child(&self, child: ChildId, action: Action, what: &str) -> Result<Opened, AppError> {
        let mut tx = Some(self.app.store().begin().await?);
        let (row, basis) = self.authorise_child(&mut tx, child, action).await?;
        let mut t = tx.take().expect("a transaction");
        let events = t.read_stream(child).await?;
        let sequence = events.last().map_or(Sequence::EMPTY, |e| e.sequence);
        let entries = crate::record::entries(&events)?;
        let record = fold(&entries)?;
        let mut event =
            Event::new(action.code(), Outcome::Allowed, format!("{what} ({})", basis.describe())).child(child);
        if basis == Basis::BreakGlass {
            event.reason = latest_break_glass_reason(&row);
        }
        self.audit_in(&mut t, event).await?;
        t.commit().await?;
        Ok(Opened { facts: row, basis, entries, record, sequence })
    }

    /// Whether the principal may do `action` on a record they have opened (for showing links
    /// and forms; the action itself still decides).
    pub(crate) fn may_on(&self, opened: &Opened, action: Action) -> bool {
        let f = facts(&opened.facts, self.app.now());
        authorise(&self.principal, action, Resource::Child(&f)).is_allowed()
    }

    /// Records a form refused for a missing or wrong form token (a possible forgery): nothing
    /// was done.
    pub async fn refused_form(&self, path: &str) -> Result<(), AppError> {
        self.audit(
            Event::new(
                "form.refused",
                Outcome::Denied,
                format!("A form sent to {path} without the session's form token was refused; nothing was done"),
            )
            .subject(path.to_string()),
        )
        .await
    }

    /// Decides a council-wide action for a page, auditing a refusal.
    pub async fn require(&self, action: Action) -> Result<(), AppError> {
        self.decide(action, Resource::Council, None).await.map(|_| ())
    }

    /// The figures on the home page: aggregates only.
    pub async fn figures(&self) -> Result<Overview, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        self.app.overview().await
    }

    /// Whether the principal may do a council-wide action (for showing links; nothing is
    /// audited, and the action itself still decides).
    pub fn may(&self, action: Action) -> bool {
        authorise(&self.principal, action, Resource::Council).is_allowed()
    }

    /// The children the principal has a relationship to (or a grant, or is named on), with their
    /// open duties. A restricted record they are not named on is listed without the child's name.
    pub async fn caseload(&self) -> Result<Vec<CaseloadEntry>, AppError> {
        self.decide(Action::ViewCaseload, Resource::Council, None).await?;
        let p = &self.principal;
        let query = CaseloadQuery {
            account: *p.account.as_uuid(),
            worker: p.worker,
            team: p.team,
            service: if p.role == Role::ServiceManager { p.service.map(|s| s.as_str().to_string()) } else { None },
            front_door: p.role == Role::FrontDoor,
            complaints: p.role == Role::ComplaintsOfficer,
        };
        let now = self.app.now();
        let rows = self.app.store().caseload(&query, self.app.today()).await?;
        let names = self.app.names_of(rows.iter().filter_map(|r| r.access.worker).collect()).await?;
        let mut out = Vec::new();
        for row in rows {
            let f = facts(&row.access, now);
            let decision = authorise(p, Action::ViewChild, Resource::Child(&f));
            let (basis, visible) = match decision {
                Decision::Allow(basis) => (basis, true),
                Decision::BreakGlass => (None, false),
                Decision::Deny(_) => continue,
            };
            let a = &row.access;
            out.push(CaseloadEntry {
                child: a.child,
                la_child_id: a.la_child_id.clone(),
                name: visible.then(|| format!("{} {}", a.given_name, a.family_name)),
                date_of_birth: if visible { a.date_of_birth } else { None },
                status: if visible { a.status.clone() } else { "Restricted".into() },
                basis,
                restricted: a.restriction.is_some(),
                worker: a.worker.map(|w| names.worker(w)),
                team: a.team.map(|t| names.team(t)),
                next_due: if visible { row.next_due } else { None },
                overdue: if visible { row.overdue } else { 0 },
            });
        }
        self.audit(Event::new(
            "caseload.view",
            Outcome::Allowed,
            format!("Looked at their caseload ({} children)", out.len()),
        ))
        .await?;
        Ok(out)
    }

    /// A child's summary page: everything the page shows, from one audited read.
    pub async fn child_summary(&self, child: ChildId) -> Result<ChildSummary, AppError> {
        let opened = self.open_child(child, Action::ViewChild, "Opened the record").await?;
        self.summarise(opened).await
    }

    async fn summarise(&self, opened: Opened) -> Result<ChildSummary, AppError> {
        let store = self.app.store();
        let row = &opened.facts;
        let names = self.app.names_of([row.worker, row.iro, row.adviser].into_iter().flatten().collect()).await?;
        let today = self.app.today();
        let child = opened.facts.child;
        let record = opened.record;
        let status = record.status(today);
        let mut badges = Vec::new();
        if status.open_case && !status.child_protection_plan && !status.looked_after {
            badges.push("Child in need");
        }
        if status.child_protection_plan {
            badges.push("Child protection");
        }
        if status.looked_after {
            badges.push("Looked after");
        }
        if status.care_leaver.is_some() && !status.looked_after {
            badges.push("Care leaver");
        }
        if record.uasc.iter().any(|s| s.covers(today)) {
            badges.push("UASC");
        }
        if record.missing_episodes.last().is_some_and(|m| m.ended.is_none()) {
            badges.push("Missing now");
        }
        if opened.facts.restriction.is_some() {
            badges.push("Restricted");
        }
        // Every duty kept for the child: those still open, and those met in the last 90 days.
        let recently = today - chrono::Days::new(RECENTLY_MET_DAYS);
        let (duties, recent): (Vec<WorklistEntry>, Vec<WorklistEntry>) = store
            .worklist(&careful_store::WorklistQuery {
                scope: careful_store::Scope::Child(child),
                open_only: false,
                due_by: None,
                due_from: None,
            })
            .await?
            .into_iter()
            .filter(|item| item.duty.open || item.duty.met_on.is_some_and(|m| m >= recently))
            .map(|item| WorklistEntry::from_item(item, today))
            .partition(|e| e.duty.open);
        let mut recent = recent;
        recent.sort_by_key(|e| std::cmp::Reverse(e.duty.met_on));
        let flags = self.app.data_quality(child).await?;
        let access_log = self.app.access_log(child, 50).await?;
        let now = self.app.now();
        let grants: Vec<_> = store
            .grants_to(child)
            .await?
            .into_iter()
            .filter(|g| g.revoked_at.is_none() && g.valid_until > now)
            .collect();
        let mut named: Vec<Uuid> = grants.iter().flat_map(|g| [g.account, g.granted_by]).collect();
        if let Some(r) = &opened.facts.restriction {
            named.push(r.restricted_by);
            named.extend(r.members.iter().copied());
        }
        let accounts = self.app.account_names_of(named).await?;
        let grants = grants
            .into_iter()
            .map(|g| GrantView {
                id: g.id,
                to: accounts.get(&g.account).cloned().unwrap_or_else(|| g.account.to_string()),
                kind: if g.kind == "break_glass" { "Break glass" } else { "Granted" },
                by: accounts.get(&g.granted_by).cloned().unwrap_or_else(|| g.granted_by.to_string()),
                reason: g.reason,
                until: g.valid_until,
            })
            .collect();
        let f = facts(&opened.facts, now);
        let may = |action: Action| authorise(&self.principal, action, Resource::Child(&f)).is_allowed();
        let row = opened.facts;
        let mut siblings = Vec::new();
        for sibling in record.siblings.clone() {
            siblings.push(self.sibling(child, sibling, today).await?);
        }
        let overdue = duties_overdue(&duties, today);
        Ok(ChildSummary {
            recent,
            plans: crate::summary::plans(&record, today),
            placement: crate::summary::placement(&record),
            address: record.addresses.last().map(|(_, a)| format!("{}, {}, {}", a.street, a.town, a.postcode)),
            people: crate::summary::people(&record),
            siblings,
            wishes: record
                .visits
                .iter()
                .filter_map(|v| v.wishes_and_feelings.as_ref().map(|w| (v.date, w.clone())))
                .max_by_key(|(d, _)| *d),
            alerts: crate::summary::alerts(&record, overdue),
            child,
            la_child_id: row.la_child_id.clone(),
            given_name: record.details.given_name.clone(),
            family_name: record.details.family_name.clone(),
            date_of_birth: record.date_of_birth(),
            status: status.headline().to_string(),
            badges,
            worker: row.worker.map(|w| names.worker(w)),
            team: row.team.map(|t| names.team(t)),
            iro: row.iro.map(|w| names.worker(w)),
            adviser: row.adviser.map(|w| names.worker(w)),
            duties,
            flags,
            restriction: row.restriction.as_ref().map(|r| RestrictionView {
                category: restriction_category(&r.category),
                reason: r.reason.clone(),
                restricted_by: accounts.get(&r.restricted_by).cloned().unwrap_or_default(),
                restricted_at: r.restricted_at,
                named: r.members.iter().map(|m| accounts.get(m).cloned().unwrap_or_else(|| m.to_string())).collect(),
            }),
            basis: opened.basis,
            access_log,
            grants,
            may_record: may(Action::RecordForChild),
            may_restrict: may(Action::RestrictChild),
            may_grant: may(Action::GrantAccess),
            sequence: opened.sequence,
            record,
        })
    }

    /// A sibling as a child's page shows them: named, with where they live, only if the
    /// principal may open the sibling's record (and that look is audited).
    async fn sibling(&self, of: ChildId, sibling: ChildId, today: chrono::NaiveDate) -> Result<SiblingView, AppError> {
        let la = self.app.store().child_row(sibling).await?.map(|r| r.la_child_id).unwrap_or_default();
        let what = format!("Seen as a sibling on the record of child {of}");
        match self.open_child(sibling, Action::ViewChild, &what).await {
            Ok(opened) => Ok(SiblingView {
                child: sibling,
                la_child_id: la,
                name: Some(format!("{} {}", opened.record.details.given_name, opened.record.details.family_name)),
                lives: Some(crate::summary::lives(&opened.record, today)),
            }),
            Err(AppError::Denied { .. } | AppError::BreakGlassNeeded { .. } | AppError::NotFound(_)) => {
                Ok(SiblingView { child: sibling, la_child_id: la, name: None, lives: None })
            }
            Err(e) => Err(e),
        }
    }

    /// Opens a restricted record through break glass: with a reason, for an hour, alerting the
    /// manager who restricted it. Only offered to someone who would otherwise have access.
    pub async fn break_glass(&self, child: ChildId, reason: &str) -> Result<(), AppError> {
        let reason = reason.trim();
        let mut tx = self.app.store().begin().await?;
        let Some(row) = tx.child_access(child, *self.principal.account.as_uuid()).await? else {
            return Err(AppError::NotFound(format!("there is no child with ID {child}")));
        };
        let f = facts(&row, self.app.now());
        match authorise(&self.principal, Action::ViewChild, Resource::Child(&f)) {
            Decision::BreakGlass => {}
            Decision::Allow(_) => return Ok(()),
            Decision::Deny(why) => {
                self.audit_in(&mut tx, Event::new("child.break_glass", Outcome::Denied, why.clone()).child(child))
                    .await?;
                tx.commit().await?;
                return Err(AppError::Denied { what: "open this restricted record", reason: why });
            }
        }
        if reason.chars().count() < 10 {
            return Err(AppError::invalid("reason", "Say why you need to open this record (at least 10 characters)"));
        }
        let now = self.app.now();
        let until = now + chrono::Duration::minutes(BREAK_GLASS_MINUTES);
        tx.insert_grant(&GrantRow {
            id: Uuid::now_v7(),
            child,
            account: *self.principal.account.as_uuid(),
            kind: "break_glass".into(),
            granted_by: *self.principal.account.as_uuid(),
            reason: reason.to_string(),
            valid_from: now,
            valid_until: until,
            revoked_at: None,
        })
        .await?;
        if let Some(restriction) = &row.restriction {
            tx.insert_alert(&AlertRow {
                id: Uuid::now_v7(),
                account: restriction.restricted_by,
                created_at: now,
                child: Some(child),
                from_account: Some(*self.principal.account.as_uuid()),
                what: format!(
                    "{} ({}) opened the restricted record of child {} through break glass",
                    self.principal.display_name,
                    self.principal.role.describe(),
                    row.la_child_id
                ),
                reason: Some(reason.to_string()),
                read_at: None,
            })
            .await?;
        }
        self.audit_in(
            &mut tx,
            Event::new(
                "child.break_glass",
                Outcome::Allowed,
                format!("Broke the glass on a restricted record, for {BREAK_GLASS_MINUTES} minutes; the manager who restricted it was alerted"),
            )
            .child(child)
            .reason(Some(reason.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Restricts a child's record: only the named accounts (and the manager restricting it) may
    /// open it from now on.
    pub async fn restrict(
        &self,
        child: ChildId,
        category: &str,
        reason: &str,
        named: &[String],
    ) -> Result<(), AppError> {
        let mut tx = Some(self.app.store().begin().await?);
        self.authorise_child(&mut tx, child, Action::RestrictChild).await?;
        let mut t = tx.take().expect("a transaction");
        let mut problems = Vec::new();
        if !RESTRICTION_CATEGORIES.iter().any(|(code, _)| *code == category) {
            problems.push(crate::FieldError::new("category", "Select why the record is restricted"));
        }
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            problems
                .push(crate::FieldError::new("reason", "Say why the record is restricted (at least 10 characters)"));
        }
        let mut members = vec![*self.principal.account.as_uuid()];
        for name in named.iter().flat_map(|n| n.split([',', '\n', ' '])).map(str::trim).filter(|n| !n.is_empty()) {
            match t.account_by_username(&name.to_lowercase()).await? {
                Some(a) if a.disabled_at.is_none() => {
                    if !members.contains(&a.id) {
                        members.push(a.id)
                    }
                }
                _ => problems.push(crate::FieldError::new("named", format!("There is no account called {name}"))),
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let now = self.app.now();
        t.restrict(
            child,
            &RestrictionRow {
                category: category.to_string(),
                reason: reason.to_string(),
                restricted_by: *self.principal.account.as_uuid(),
                restricted_at: now,
                members: members.clone(),
            },
        )
        .await?;
        let accounts = self.app.account_names().await?;
        let named: Vec<String> = members.iter().map(|m| accounts.get(m).cloned().unwrap_or_default()).collect();
        self.audit_in(
            &mut t,
            Event::new(
                "child.restrict",
                Outcome::Allowed,
                format!("Restricted the record ({}); named: {}", restriction_category(category), named.join(", ")),
            )
            .child(child)
            .reason(Some(reason.to_string())),
        )
        .await?;
        t.commit().await?;
        Ok(())
    }

    /// Lifts the restriction on a child's record.
    pub async fn unrestrict(&self, child: ChildId, reason: &str) -> Result<(), AppError> {
        let mut tx = Some(self.app.store().begin().await?);
        self.authorise_child(&mut tx, child, Action::RestrictChild).await?;
        let mut t = tx.take().expect("a transaction");
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(AppError::invalid("reason", "Say why the restriction is lifted (at least 10 characters)"));
        }
        if !t.unrestrict(child).await? {
            return Err(AppError::invalid("reason", "This record is not restricted"));
        }
        self.audit_in(
            &mut t,
            Event::new("child.unrestrict", Outcome::Allowed, "Lifted the restriction on the record")
                .child(child)
                .reason(Some(reason.to_string())),
        )
        .await?;
        t.commit().await?;
        Ok(())
    }

    /// Grants an account access to a child's record until a day (at most
    /// [`LONGEST_GRANT_DAYS`] ahead), with a reason.
    pub async fn grant_access(&self, child: ChildId, username: &str, days: &str, reason: &str) -> Result<(), AppError> {
        let mut tx = Some(self.app.store().begin().await?);
        self.authorise_child(&mut tx, child, Action::GrantAccess).await?;
        let mut t = tx.take().expect("a transaction");
        let mut problems = Vec::new();
        let account = match username.trim() {
            "" => {
                problems
                    .push(crate::FieldError::new("username", "Enter the username of the person to grant access to"));
                None
            }
            name => match t.account_by_username(&name.to_lowercase()).await? {
                Some(a) if a.disabled_at.is_none() => Some(a),
                _ => {
                    problems.push(crate::FieldError::new("username", format!("There is no account called {name}")));
                    None
                }
            },
        };
        let days: i64 = match days.trim().parse() {
            Ok(d) if (1..=LONGEST_GRANT_DAYS).contains(&d) => d,
            _ => {
                problems.push(crate::FieldError::new(
                    "days",
                    format!("Enter how many days access lasts, from 1 to {LONGEST_GRANT_DAYS}"),
                ));
                0
            }
        };
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            problems.push(crate::FieldError::new("reason", "Say why access is granted (at least 10 characters)"));
        }
        if let Some(a) = &account
            && Role::parse(&a.role.role) == Some(Role::Scrutiny)
        {
            problems.push(crate::FieldError::new(
                "username",
                "Scrutiny members see aggregate figures only, never a child's record",
            ));
        }
        let Some(account) = account.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let now = self.app.now();
        let until = now + chrono::Duration::days(days);
        t.insert_grant(&GrantRow {
            id: Uuid::now_v7(),
            child,
            account: account.id,
            kind: "grant".into(),
            granted_by: *self.principal.account.as_uuid(),
            reason: reason.to_string(),
            valid_from: now,
            valid_until: until,
            revoked_at: None,
        })
        .await?;
        self.audit_in(
            &mut t,
            Event::new(
                "child.grant",
                Outcome::Allowed,
                format!("Granted {} access to the record for {days} day(s)", account.username),
            )
            .child(child)
            .subject(format!("account {}", account.id))
            .reason(Some(reason.to_string())),
        )
        .await?;
        t.commit().await?;
        Ok(())
    }

    /// Revokes a grant of access to a child's record.
    pub async fn revoke_grant(&self, child: ChildId, grant: Uuid) -> Result<(), AppError> {
        let mut tx = Some(self.app.store().begin().await?);
        self.authorise_child(&mut tx, child, Action::GrantAccess).await?;
        let mut t = tx.take().expect("a transaction");
        let Some(revoked) = t.revoke_grant(child, grant, self.app.now()).await? else {
            return Err(AppError::NotFound("that grant is not live".into()));
        };
        self.audit_in(
            &mut t,
            Event::new("child.grant_revoked", Outcome::Allowed, "Revoked a grant of access to the record")
                .child(child)
                .subject(format!("account {}", revoked.account)),
        )
        .await?;
        t.commit().await?;
        Ok(())
    }

    /// Workers' and teams' names (staff, not children: anyone signed in may see them).
    pub async fn staff_names(
        &self,
    ) -> Result<(HashMap<WorkerId, String>, HashMap<careful_domain::TeamId, String>), AppError> {
        let names = self.app.names().await?;
        Ok((names.workers, names.teams))
    }

    /// The principal's alerts, newest first; marks them read.
    pub async fn alerts(&self) -> Result<Vec<AlertView>, AppError> {
        let store = self.app.store();
        let rows = store.alerts_for(*self.principal.account.as_uuid(), 200).await?;
        let accounts = self.app.account_names().await?;
        let mut la_ids = HashMap::new();
        for child in rows.iter().filter_map(|r| r.child) {
            if let Some(row) = store.child_row(child).await? {
                la_ids.insert(child, row.la_child_id);
            }
        }
        let out = rows
            .into_iter()
            .map(|r| AlertView {
                at: r.created_at,
                child: r.child,
                la_child_id: r.child.and_then(|c| la_ids.get(&c).cloned()),
                what: r.what,
                from: r.from_account.and_then(|a| accounts.get(&a).cloned()),
                reason: r.reason,
                read: r.read_at.is_some(),
            })
            .collect();
        let mut tx = store.begin().await?;
        tx.mark_alerts_read(*self.principal.account.as_uuid(), self.app.now()).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// How many alerts the principal has not read.
    pub async fn unread_alerts(&self) -> Result<i64, AppError> {
        Ok(self.app.store().unread_alerts(*self.principal.account.as_uuid()).await?)
    }
}

/// How far back a child's page lists the duties met.
pub const RECENTLY_MET_DAYS: u64 = 90;

fn duties_overdue(duties: &[WorklistEntry], today: chrono::NaiveDate) -> usize {
    duties.iter().filter(|d| d.duty.due < today).count()
}

fn latest_break_glass_reason(row: &ChildAccessRow) -> Option<String> {
    row.grants.iter().filter(|g| g.kind == "break_glass").max_by_key(|g| g.valid_from).map(|g| g.reason.clone())
}

/// A restriction category in words.
pub(crate) fn restriction_category(code: &str) -> String {
    RESTRICTION_CATEGORIES.iter().find(|(c, _)| *c == code).map_or(code.to_string(), |(_, words)| (*words).to_string())
}

/// Workers' and teams' names, for showing.
pub(crate) struct Names {
    workers: HashMap<WorkerId, String>,
    teams: HashMap<careful_domain::TeamId, String>,
}

impl Names {
    pub(crate) fn worker(&self, id: WorkerId) -> String {
        self.workers.get(&id).cloned().unwrap_or_else(|| id.to_string())
    }

    pub(crate) fn team(&self, id: careful_domain::TeamId) -> String {
        self.teams.get(&id).cloned().unwrap_or_else(|| id.to_string())
    }
}

impl App {
    pub(crate) async fn names(&self) -> Result<Names, AppError> {
        let store = self.store();
        Ok(Names {
            workers: store.workers().await?.into_iter().map(|w| (w.id, w.name)).collect(),
            teams: store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect(),
        })
    }

    /// The names of just these workers, and of every team (a council has few teams): for pages
    /// that name a few people, without reading every worker.
    pub(crate) async fn names_of(&self, mut ids: Vec<WorkerId>) -> Result<Names, AppError> {
        let store = self.store();
        ids.sort();
        ids.dedup();
        Ok(Names {
            workers: store.workers_by_id(&ids).await?.into_iter().map(|w| (w.id, w.name)).collect(),
            teams: store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect(),
        })
    }

    /// The display names with usernames of just these accounts, by account ID.
    pub(crate) async fn account_names_of(&self, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>, AppError> {
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(&id) {
                continue;
            }
            if let Some(a) = self.store().account(id).await? {
                out.insert(id, format!("{} ({})", a.display_name, a.username));
            }
        }
        Ok(out)
    }

    /// Accounts' display names with usernames, by account ID.
    pub(crate) async fn account_names(&self) -> Result<HashMap<Uuid, String>, AppError> {
        Ok(self
            .store()
            .accounts()
            .await?
            .into_iter()
            .map(|a| (a.id, format!("{} ({})", a.display_name, a.username)))
            .collect())
    }

    /// A child's data-quality flags: DfE's findings on the rows their record was imported
    /// from, and values careful could not keep.
    pub(crate) async fn data_quality(&self, child: ChildId) -> Result<Vec<DataQualityFlag>, AppError> {
        Ok(self
            .store()
            .data_quality(child)
            .await?
            .into_iter()
            .map(|f| DataQualityFlag {
                source: f.source,
                rule: f.rule,
                message: f.message,
                file: f.file,
                line: f.line,
                fields: f.fields,
            })
            .collect())
    }

    /// Who has done what with a child's record, newest first.
    pub(crate) async fn access_log(&self, child: ChildId, limit: u32) -> Result<Vec<AccessLogLine>, AppError> {
        let rows = self
            .store()
            .audit_entries(&careful_store::AuditFilter { child: Some(child), limit, ..Default::default() })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| AccessLogLine {
                at: r.at,
                who: r.actor,
                what: r.detail,
                outcome: r.outcome,
                reason: r.reason,
                from: r.ip,
            })
            .collect())
    }
}
