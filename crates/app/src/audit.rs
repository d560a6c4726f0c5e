//! The audit log: who did what, when, from where and why, for every read and write of a child's
//! record, every export, sign-in and failure, every break-glass and every change to who may see
//! what.
//!
//! Each entry is written in the same transaction as what it records, so an action that took
//! effect always has its entry and an entry never records something that did not happen. The
//! log is hash-chained: an entry's hash covers its number, every field and the hash of the
//! entry before it ([`entry_hash`]), so changing, removing or reordering any entry breaks the
//! chain from there on, which [`verify`] finds. The database also refuses UPDATE and DELETE on
//! the log. The chain cannot show entries removed from its end if the head row is rewound with
//! them; [`verify`] prints the head's number and hash so they can be noted elsewhere (a
//! printout, a ticket) and compared later.

use chrono::{DateTime, Utc};

use careful_domain::ChildId;
use careful_store::{AuditRow, Store, Transaction};

use crate::auth::Client;
use crate::secret::{hex, sha256};
use crate::{AccountId, AppError};

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done (or shown).
    Allowed,
    /// Refused by the access rules.
    Denied,
    /// Tried and failed (a wrong password, a bad code).
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// Who acted, as the log names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Actor {
    pub account: Option<AccountId>,
    pub name: String,
}

/// What happened, for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub action: &'static str,
    pub outcome: Outcome,
    pub child: Option<ChildId>,
    pub subject: Option<String>,
    pub reason: Option<String>,
    pub detail: String,
}

impl Event {
    pub(crate) fn new(action: &'static str, outcome: Outcome, detail: impl Into<String>) -> Event {
        Event { action, outcome, child: None, subject: None, reason: None, detail: detail.into() }
    }

    pub(crate) fn child(mut self, child: ChildId) -> Event {
        self.child = Some(child);
        self
    }

    pub(crate) fn subject(mut self, subject: impl Into<String>) -> Event {
        self.subject = Some(subject.into());
        self
    }

    pub(crate) fn reason(mut self, reason: Option<String>) -> Event {
        self.reason = reason;
        self
    }
}

/// Writes an entry in `tx`. The entry is numbered and chained when written, so entries are in
/// commit order.
pub(crate) async fn write(
    tx: &mut Transaction,
    at: DateTime<Utc>,
    actor: &Actor,
    client: &Client,
    event: Event,
) -> Result<i64, AppError> {
    let (seq, prev_hash) = tx.claim_audit_seq().await?;
    let mut row = AuditRow {
        seq,
        // The precision both databases keep, so the hash can be recomputed from what is read.
        at: careful_domain::RecordedAt::new(at).get(),
        account: actor.account.map(|a| *a.as_uuid()),
        actor: clip(&actor.name, 200),
        action: event.action.to_string(),
        outcome: event.outcome.as_str().to_string(),
        child: event.child,
        subject: event.subject.map(|s| clip(&s, 500)),
        ip: client.ip.as_deref().map(|s| clip(s, 100)),
        user_agent: client.user_agent.as_deref().map(|s| clip(s, 300)),
        reason: event.reason.map(|s| clip(&s, 4000)),
        detail: clip(&event.detail, 4000),
        prev_hash,
        hash: Vec::new(),
    };
    row.hash = entry_hash(&row).to_vec();
    tx.insert_audit(&row).await?;
    Ok(seq)
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// An entry's hash: SHA-256 over a version tag, the previous entry's hash, the entry's number
/// and each field, every field length-prefixed (and absent ones marked) so that no two
/// different entries can give the same bytes.
pub fn entry_hash(row: &AuditRow) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(256);
    bytes.extend_from_slice(b"careful audit v1\0");
    bytes.extend_from_slice(&row.prev_hash);
    bytes.extend_from_slice(&row.seq.to_be_bytes());
    bytes.extend_from_slice(&row.at.timestamp_micros().to_be_bytes());
    let mut field = |value: Option<&[u8]>| match value {
        None => bytes.push(0),
        Some(v) => {
            bytes.push(1);
            bytes.extend_from_slice(&(v.len() as u64).to_be_bytes());
            bytes.extend_from_slice(v);
        }
    };
    field(row.account.as_ref().map(|a| a.as_bytes().as_slice()));
    field(Some(row.actor.as_bytes()));
    field(Some(row.action.as_bytes()));
    field(Some(row.outcome.as_bytes()));
    field(row.child.as_ref().map(|c| c.as_uuid().as_bytes().as_slice()));
    field(row.subject.as_deref().map(str::as_bytes));
    field(row.ip.as_deref().map(str::as_bytes));
    field(row.user_agent.as_deref().map(str::as_bytes));
    field(row.reason.as_deref().map(str::as_bytes));
    field(Some(row.detail.as_bytes()));
    sha256(&bytes)
}

/// One break in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainProblem {
    /// The entry where the chain breaks.
    pub seq: i64,
    pub what: String,
}

/// What verifying the audit log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries read.
    pub entries: u64,
    /// The head: the last entry's number and hash, as the head row records them.
    pub head_seq: i64,
    pub head_hash: String,
    /// Every break found (at most [`MAX_PROBLEMS`]).
    pub problems: Vec<ChainProblem>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The most problems listed (one tampered entry breaks one or two links; a damaged log many).
pub const MAX_PROBLEMS: usize = 50;

/// Reads the whole log in order and checks every link: numbers run 1, 2, 3... with no gap,
/// each entry holds the hash of the one before, each hash is right for its entry, and the head
/// row names the last entry.
pub async fn verify(store: &Store) -> Result<Verification, AppError> {
    let mut problems = Vec::new();
    let mut expected_seq = 1;
    let mut prev_hash = vec![0u8; 32];
    let mut entries = 0u64;
    let mut after = 0;
    loop {
        let batch = store.audit_range(after, 5_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for row in &batch {
            entries += 1;
            if row.seq != expected_seq {
                problems.push(ChainProblem {
                    seq: row.seq,
                    what: if row.seq > expected_seq {
                        format!(
                            "entries {expected_seq} to {} are missing: the log jumps from {} to {}",
                            row.seq - 1,
                            expected_seq - 1,
                            row.seq
                        )
                    } else {
                        format!("entry {} is out of order: expected entry {expected_seq} here", row.seq)
                    },
                });
            }
            if row.prev_hash != prev_hash {
                problems.push(ChainProblem {
                    seq: row.seq,
                    what: format!(
                        "entry {} does not follow the entry before it (it holds {}, the entry before hashes to {}): an entry was removed, inserted or reordered",
                        row.seq,
                        short(&row.prev_hash),
                        short(&prev_hash)
                    ),
                });
            }
            let computed = entry_hash(row);
            if computed.as_slice() != row.hash.as_slice() {
                problems.push(ChainProblem {
                    seq: row.seq,
                    what: format!(
                        "entry {} has been changed since it was written (its contents hash to {}, not the {} it was written with)",
                        row.seq,
                        short(&computed),
                        short(&row.hash)
                    ),
                });
            }
            prev_hash = row.hash.clone();
            expected_seq = row.seq + 1;
        }
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    let head = store.audit_head().await?;
    if problems.len() < MAX_PROBLEMS {
        let last_seq = expected_seq - 1;
        if head.seq != last_seq || head.hash != prev_hash {
            problems.push(ChainProblem {
                seq: head.seq,
                what: format!(
                    "the log ends at entry {last_seq} (hash {}) but its head records entry {} (hash {}): entries at the end were removed, or the head was changed",
                    short(&prev_hash),
                    head.seq,
                    short(&head.hash)
                ),
            });
        }
    }
    problems.truncate(MAX_PROBLEMS);
    Ok(Verification { entries, head_seq: head.seq, head_hash: hex(&head.hash), problems })
}

fn short(hash: &[u8]) -> String {
    let h = hex(hash);
    h.get(..16).map(|s| format!("{s}…")).unwrap_or(h)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn row() -> AuditRow {
        AuditRow {
            seq: 7,
            at: Utc.with_ymd_and_hms(2026, 12, 5, 9, 30, 0).unwrap(),
            account: Some(Uuid::from_u128(1)),
            actor: "j.smith".into(),
            action: "child.view".into(),
            outcome: "allowed".into(),
            child: Some(ChildId::from_uuid(Uuid::from_u128(2))),
            subject: None,
            ip: Some("192.0.2.1".into()),
            user_agent: Some("Firefox".into()),
            reason: None,
            detail: "Opened the record".into(),
            prev_hash: vec![9; 32],
            hash: Vec::new(),
        }
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let base = entry_hash(&row());
        let changes: Vec<(&str, AuditRow)> = vec![
            ("seq", AuditRow { seq: 8, ..row() }),
            ("at", AuditRow { at: row().at + chrono::Duration::microseconds(1), ..row() }),
            ("account", AuditRow { account: None, ..row() }),
            ("actor", AuditRow { actor: "j.smit".into(), ..row() }),
            ("action", AuditRow { action: "child.record".into(), ..row() }),
            ("outcome", AuditRow { outcome: "denied".into(), ..row() }),
            ("child", AuditRow { child: None, ..row() }),
            ("subject", AuditRow { subject: Some(String::new()), ..row() }),
            ("ip", AuditRow { ip: Some("192.0.2.2".into()), ..row() }),
            ("user_agent", AuditRow { user_agent: None, ..row() }),
            ("reason", AuditRow { reason: Some("x".into()), ..row() }),
            ("detail", AuditRow { detail: "Opened the record.".into(), ..row() }),
            ("prev_hash", AuditRow { prev_hash: vec![8; 32], ..row() }),
        ];
        for (field, changed) in changes {
            assert_ne!(entry_hash(&changed), base, "{field} is not covered by the hash");
        }
        // The stored hash itself is not an input.
        assert_eq!(entry_hash(&AuditRow { hash: vec![1; 32], ..row() }), base);
    }

    #[test]
    fn fields_cannot_run_into_each_other() {
        // Moving text from one field to the next changes the hash (the lengths are hashed).
        let a = AuditRow { actor: "ab".into(), action: "c".into(), ..row() };
        let b = AuditRow { actor: "a".into(), action: "bc".into(), ..row() };
        assert_ne!(entry_hash(&a), entry_hash(&b));
        // An absent field and an empty one differ.
        let none = AuditRow { reason: None, ..row() };
        let empty = AuditRow { reason: Some(String::new()), ..row() };
        assert_ne!(entry_hash(&none), entry_hash(&empty));
    }
}
