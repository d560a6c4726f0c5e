//! The search index: every child, and everyone recorded in a child's life, findable by name
//! (exact, partial and sounding alike), date of birth, UPN, NHS number and postcode.
//!
//! Like the children projection it is replaced for a child in the same transaction as each
//! append to their record ([`Transaction::replace_search_entries`]). What a name's compared form
//! and Soundex code are is decided by `careful-domain`; how a search is ranked by `careful-app`.
//! The store only finds candidates ([`Store::find_people`]): each way of finding someone is one
//! query on one index, capped, and all of them go to the database as one statement.

use chrono::NaiveDate;
use sqlx::QueryBuilder;
use uuid::Uuid;

use careful_domain::{ChildId, PersonId};

use crate::{Store, StoreError, Transaction, on_pool, on_tx};

/// Rows per INSERT: 15 parameters each.
const ENTRIES_PER_INSERT: usize = 500;

/// One person in the search index: the child (the first entry of a child's) or someone
/// recorded in their life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchEntry {
    /// Someone recorded in the child's life; `None` for the child.
    pub person: Option<PersonId>,
    /// How they are related to the child (for someone recorded in the child's life).
    pub relationship: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// The names as compared (see `careful_domain::names::normalise`).
    pub given_norm: String,
    pub family_norm: String,
    /// The names' Soundex codes.
    pub given_key: Option<String>,
    pub family_key: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    /// The postcode of the child's current address.
    pub postcode: Option<String>,
    /// The postcode of the child's current placement.
    pub placement_postcode: Option<String>,
}

/// A name as searched for, already in compared form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameTerms {
    /// One word: a given name or a family name.
    Either { norm: String, key: Option<String> },
    /// A given name and a family name.
    Both { given_norm: String, given_key: Option<String>, family_norm: String, family_key: Option<String> },
}

/// What to look for. Someone is a candidate if they have the UPN or NHS number, or their name
/// matches in any of the three ways; with no name or identifier, if they were born on the day
/// and live (or are placed) at the postcode. With a name, the date of birth and postcode find
/// everyone whose name matches and who also has them, however many others share the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleQuery {
    /// Who is searching: records restricted without naming them are left out.
    pub account: Uuid,
    pub name: Option<NameTerms>,
    pub date_of_birth: Option<NaiveDate>,
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    pub postcode: Option<String>,
    /// The most candidates each way of finding people returns.
    pub per_way: u32,
}

/// A candidate, with the child whose record they are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPerson {
    pub child: ChildId,
    /// 0 for the child, 1, 2... for the people recorded in their life.
    pub n: i32,
    pub entry: SearchEntry,
    pub la_child_id: String,
    pub child_given_name: String,
    pub child_family_name: String,
    /// The child's status in words.
    pub status: String,
}

/// The candidates, and whether some way of finding them had more than it returned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Found {
    pub people: Vec<FoundPerson>,
    pub more: bool,
}

/// Binds one entry's values, in [`ENTRY_INSERT`]'s column order.
macro_rules! push_entry {
    ($row:expr, $child:expr, $n:expr, $e:expr) => {{
        let e: &SearchEntry = $e;
        $row.push_bind($child)
            .push_bind(i32::try_from($n).unwrap_or(i32::MAX))
            .push_bind(e.person.map(|p| *p.as_uuid()))
            .push_bind(e.relationship.clone())
            .push_bind(e.given_name.clone())
            .push_bind(e.family_name.clone())
            .push_bind(e.given_norm.clone())
            .push_bind(e.family_norm.clone())
            .push_bind(e.given_key.clone())
            .push_bind(e.family_key.clone())
            .push_bind(e.date_of_birth)
            .push_bind(e.upn.clone())
            .push_bind(e.nhs_number.clone())
            .push_bind(e.postcode.clone())
            .push_bind(e.placement_postcode.clone());
    }};
}

const ENTRY_INSERT: &str = "INSERT INTO search_people (child_id, n, person_id, relationship, given_name, family_name, \
     given_norm, family_norm, given_key, family_key, date_of_birth, upn, nhs_number, postcode, placement_postcode) ";

impl Transaction {
    /// Replaces a child's entries in the search index (the child first, then the people in
    /// their life).
    pub async fn replace_search_entries(&mut self, child: ChildId, entries: &[SearchEntry]) -> Result<(), StoreError> {
        let id = *child.as_uuid();
        on_tx!(self, |conn| sqlx::query("DELETE FROM search_people WHERE child_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        for (chunk_index, chunk) in entries.chunks(ENTRIES_PER_INSERT).enumerate() {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(ENTRY_INSERT);
                insert.push_values(chunk.iter().enumerate(), |mut row, (i, e)| {
                    push_entry!(row, id, chunk_index * ENTRIES_PER_INSERT + i, e);
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Adds the search entries of many children who have none yet (new records written in
    /// bulk), in fixed-size statements across children.
    pub async fn insert_search_entries(&mut self, children: &[(ChildId, &[SearchEntry])]) -> Result<(), StoreError> {
        let rows: Vec<(Uuid, usize, &SearchEntry)> = children
            .iter()
            .flat_map(|(c, entries)| entries.iter().enumerate().map(move |(n, e)| (*c.as_uuid(), n, e)))
            .collect();
        for chunk in rows.chunks(ENTRIES_PER_INSERT) {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(ENTRY_INSERT);
                insert.push_values(chunk.iter(), |mut row, (child, n, e)| {
                    push_entry!(row, *child, *n, *e);
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(())
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Date(NaiveDate),
    Id(Uuid),
}

/// A statement being built: its text and the values of its placeholders, numbered in order.
#[derive(Default)]
struct Statement {
    values: Vec<Value>,
}

impl Statement {
    fn bind(&mut self, value: Value) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    fn text(&mut self, text: &str) -> String {
        self.bind(Value::Text(text.to_string()))
    }
}

/// The last Unicode scalar value: every string beginning with `p` sorts (by its bytes) from `p`
/// up to, but not including, `p` followed by this.
const LAST_CHARACTER: char = '\u{10FFFF}';

/// One way of finding candidates: a condition one index answers, and that index's order.
struct Way {
    condition: String,
    order: &'static str,
}

/// The placeholders of a name as searched for.
enum NameBinds {
    Either {
        norm: String,
        upto: String,
        key: Option<String>,
    },
    Both {
        given: String,
        given_upto: String,
        given_key: Option<String>,
        family: String,
        family_upto: String,
        family_key: Option<String>,
    },
}

impl NameBinds {
    fn new(statement: &mut Statement, terms: &NameTerms) -> NameBinds {
        let upto = |norm: &str| format!("{norm}{LAST_CHARACTER}");
        match terms {
            NameTerms::Either { norm, key } => NameBinds::Either {
                norm: statement.text(norm),
                upto: statement.text(&upto(norm)),
                key: key.as_deref().map(|k| statement.text(k)),
            },
            NameTerms::Both { given_norm, given_key, family_norm, family_key } => NameBinds::Both {
                given: statement.text(given_norm),
                given_upto: statement.text(&upto(given_norm)),
                given_key: given_key.as_deref().map(|k| statement.text(k)),
                family: statement.text(family_norm),
                family_upto: statement.text(&upto(family_norm)),
                family_key: family_key.as_deref().map(|k| statement.text(k)),
            },
        }
    }

    /// The ways of finding people by name alone, closest matches first.
    fn ways(&self) -> Vec<Way> {
        let mut ways = Vec::new();
        let mut way = |condition: String, order: &'static str| ways.push(Way { condition, order });
        const BY_FAMILY: &str = "s.family_norm, s.given_norm, s.given_key";
        const BY_FAMILY_KEY: &str = "s.family_key, s.given_key, s.given_norm";
        const BY_GIVEN: &str = "s.given_norm, s.family_norm";
        const BY_GIVEN_KEY: &str = "s.given_key, s.family_key";
        match self {
            NameBinds::Either { norm, upto, key } => {
                way(format!("s.family_norm = {norm}"), BY_FAMILY);
                way(format!("s.given_norm = {norm}"), BY_GIVEN);
                way(format!("s.family_norm >= {norm} AND s.family_norm < {upto}"), BY_FAMILY);
                way(format!("s.given_norm >= {norm} AND s.given_norm < {upto}"), BY_GIVEN);
                if let Some(key) = key {
                    way(format!("s.family_key = {key}"), BY_FAMILY_KEY);
                    way(format!("s.given_key = {key}"), BY_GIVEN_KEY);
                }
            }
            NameBinds::Both { given, given_upto, given_key, family, family_upto, family_key } => {
                let family_partial = format!("s.family_norm >= {family} AND s.family_norm < {family_upto}");
                let given_partial = format!("s.given_norm >= {given} AND s.given_norm < {given_upto}");
                way(format!("s.family_norm = {family} AND s.given_norm = {given}"), BY_FAMILY);
                way(format!("{family_partial} AND {given_partial}"), BY_FAMILY);
                if let Some(gk) = given_key {
                    way(format!("{family_partial} AND s.given_key = {gk}"), BY_FAMILY);
                }
                if let Some(fk) = family_key {
                    way(format!("s.family_key = {fk} AND {given_partial}"), BY_FAMILY_KEY);
                    if let Some(gk) = given_key {
                        way(format!("s.family_key = {fk} AND s.given_key = {gk}"), BY_FAMILY_KEY);
                    }
                }
            }
        }
        ways
    }

    /// Whether the name matches in any way, as a condition no name index can answer (`|| ''`
    /// hides the columns from the planner), for ways led by another index: the date of birth or
    /// a postcode.
    fn any_match(&self) -> String {
        let either = |norm: &str, upto: &str, key: &Option<String>, column: &str| {
            let mut parts = vec![format!("(s.{column}_norm || '' >= {norm} AND s.{column}_norm || '' < {upto})")];
            if let Some(key) = key {
                parts.push(format!("s.{column}_key || '' = {key}"));
            }
            format!("({})", parts.join(" OR "))
        };
        match self {
            NameBinds::Either { norm, upto, key } => {
                format!("({} OR {})", either(norm, upto, key, "family"), either(norm, upto, key, "given"))
            }
            NameBinds::Both { given, given_upto, given_key, family, family_upto, family_key } => format!(
                "({} AND {})",
                either(family, family_upto, family_key, "family"),
                either(given, given_upto, given_key, "given")
            ),
        }
    }
}

/// Builds the one statement that finds every candidate, with its values.
fn statement(query: &PeopleQuery) -> (String, Vec<Value>) {
    let mut s = Statement::default();
    let account = s.bind(Value::Id(query.account));
    let mut ways: Vec<Way> = Vec::new();
    let mut way = |condition: String, order: &'static str| ways.push(Way { condition, order });
    if let Some(upn) = &query.upn {
        way(format!("s.upn = {}", s.text(upn)), "s.upn");
    }
    if let Some(nhs) = &query.nhs_number {
        way(format!("s.nhs_number = {}", s.text(nhs)), "s.nhs_number");
    }
    let postcode = query.postcode.as_deref().map(|p| s.text(p));
    let born = query.date_of_birth.map(|d| s.bind(Value::Date(d)));
    match &query.name {
        Some(terms) => {
            let name = NameBinds::new(&mut s, terms);
            for w in name.ways() {
                way(w.condition, w.order);
            }
            let any = name.any_match();
            if let Some(born) = &born {
                way(format!("s.date_of_birth = {born} AND {any}"), "s.date_of_birth");
            }
            if let Some(p) = &postcode {
                way(format!("s.postcode = {p} AND {any}"), "s.postcode");
                way(format!("s.placement_postcode = {p} AND {any}"), "s.placement_postcode");
            }
        }
        None if query.upn.is_none() && query.nhs_number.is_none() => match (&born, &postcode) {
            (Some(born), Some(p)) => way(
                format!("s.date_of_birth = {born} AND (s.postcode = {p} OR s.placement_postcode = {p})"),
                "s.date_of_birth",
            ),
            (Some(born), None) => way(format!("s.date_of_birth = {born}"), "s.date_of_birth"),
            (None, Some(p)) => {
                way(format!("s.postcode = {p}"), "s.postcode");
                way(format!("s.placement_postcode = {p}"), "s.placement_postcode");
            }
            (None, None) => {}
        },
        None => {}
    }
    if ways.is_empty() {
        return (String::new(), s.values);
    }
    // Records restricted without naming the person searching are never candidates.
    let visible = format!(
        "NOT EXISTS (SELECT 1 FROM restrictions r WHERE r.child_id = s.child_id AND NOT EXISTS \
         (SELECT 1 FROM restriction_members m WHERE m.child_id = r.child_id AND m.account_id = {account}))"
    );
    let limit = u64::from(query.per_way) + 1;
    let union = ways
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                "SELECT * FROM (SELECT s.child_id, s.n, {i} AS way FROM search_people s WHERE {} AND {visible} \
                 ORDER BY {} LIMIT {limit}) AS w{i}",
                w.condition, w.order
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = format!(
        "SELECT f.way, s.child_id, s.n, s.person_id, s.relationship, s.given_name, s.family_name, s.given_norm, \
         s.family_norm, s.given_key, s.family_key, s.date_of_birth, s.upn, s.nhs_number, s.postcode, \
         s.placement_postcode, c.la_child_id, c.given_name AS child_given_name, c.family_name AS child_family_name, c.status \
         FROM ({union}) AS f JOIN search_people s ON s.child_id = f.child_id AND s.n = f.n \
         JOIN children c ON c.child_id = f.child_id"
    );
    (sql, s.values)
}

/// Binds a statement's values in order (a macro, so the same code serves both engines).
macro_rules! bind_values {
    ($q:expr, $values:expr) => {{
        let mut q = $q;
        for v in $values {
            q = match v {
                Value::Text(t) => q.bind(t.clone()),
                Value::Date(d) => q.bind(*d),
                Value::Id(u) => q.bind(*u),
            };
        }
        q
    }};
}

#[derive(sqlx::FromRow)]
struct Row {
    way: i32,
    child_id: Uuid,
    n: i32,
    person_id: Option<Uuid>,
    relationship: Option<String>,
    given_name: String,
    family_name: String,
    given_norm: String,
    family_norm: String,
    given_key: Option<String>,
    family_key: Option<String>,
    date_of_birth: Option<NaiveDate>,
    upn: Option<String>,
    nhs_number: Option<String>,
    postcode: Option<String>,
    placement_postcode: Option<String>,
    la_child_id: String,
    child_given_name: String,
    child_family_name: String,
    status: String,
}

impl Store {
    /// The candidates for a search, each once, in no particular order (the caller ranks them),
    /// and whether any way of finding them had more than `per_way`.
    pub async fn find_people(&self, query: &PeopleQuery) -> Result<Found, StoreError> {
        let (sql, values) = statement(query);
        if sql.is_empty() {
            return Ok(Found::default());
        }
        let rows: Vec<Row> = on_pool!(self, |pool| {
            bind_values!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql.clone())), &values).fetch_all(pool).await
        })?;
        let mut per_way: std::collections::HashMap<i32, u32> = std::collections::HashMap::new();
        let mut seen = std::collections::HashSet::new();
        let mut people = Vec::new();
        for r in rows {
            *per_way.entry(r.way).or_default() += 1;
            if !seen.insert((r.child_id, r.n)) {
                continue;
            }
            people.push(FoundPerson {
                child: ChildId::from_uuid(r.child_id),
                n: r.n,
                entry: SearchEntry {
                    person: r.person_id.map(PersonId::from_uuid),
                    relationship: r.relationship,
                    given_name: r.given_name,
                    family_name: r.family_name,
                    given_norm: r.given_norm,
                    family_norm: r.family_norm,
                    given_key: r.given_key,
                    family_key: r.family_key,
                    date_of_birth: r.date_of_birth,
                    upn: r.upn,
                    nhs_number: r.nhs_number,
                    postcode: r.postcode,
                    placement_postcode: r.placement_postcode,
                },
                la_child_id: r.la_child_id,
                child_given_name: r.child_given_name,
                child_family_name: r.child_family_name,
                status: r.status,
            });
        }
        let more = per_way.values().any(|n| *n > query.per_way);
        Ok(Found { people, more })
    }

    /// How the database would carry out a search: SQLite's query plan, or PostgreSQL's
    /// `EXPLAIN ANALYZE`, one line each (for `careful bench`).
    pub async fn explain_find_people(&self, query: &PeopleQuery) -> Result<Vec<String>, StoreError> {
        let (sql, values) = statement(query);
        if sql.is_empty() {
            return Ok(Vec::new());
        }
        Ok(match self {
            Store::Sqlite(pool, _) => {
                let rows: Vec<(i64, i64, i64, String)> =
                    bind_values!(sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}"))), &values)
                        .fetch_all(pool)
                        .await?;
                rows.into_iter().map(|r| r.3).collect()
            }
            Store::Postgres(pool) => {
                let rows: Vec<(String,)> = bind_values!(
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN (ANALYZE, COSTS OFF) {sql}"))),
                    &values
                )
                .fetch_all(pool)
                .await?;
                rows.into_iter().map(|r| r.0).collect()
            }
        })
    }

    /// How many people the search index holds.
    pub async fn search_entries(&self) -> Result<u64, StoreError> {
        let n: i64 =
            on_pool!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM search_people").fetch_one(pool).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The highest council child ID of the form `PREFIX` followed by `digits` digits, if any
    /// child has one (for giving a new record the next).
    pub async fn highest_numbered_child_id(&self, prefix: &str, digits: usize) -> Result<Option<u64>, StoreError> {
        let low = format!("{prefix}{}", "0".repeat(digits));
        let high = format!("{prefix}{}", "9".repeat(digits));
        let ids: Vec<String> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT la_child_id FROM children WHERE la_child_id >= $1 AND la_child_id <= $2 \
                 ORDER BY la_child_id DESC LIMIT 50",
            )
            .bind(low.as_str())
            .bind(high.as_str())
            .fetch_all(pool)
            .await
        })?;
        Ok(ids
            .iter()
            .filter_map(|id| id.strip_prefix(prefix))
            .filter(|rest| rest.len() == digits && rest.bytes().all(|b| b.is_ascii_digit()))
            .filter_map(|rest| rest.parse::<u64>().ok())
            .max())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: Option<NameTerms>) -> PeopleQuery {
        PeopleQuery {
            account: Uuid::nil(),
            name,
            date_of_birth: None,
            upn: None,
            nhs_number: None,
            postcode: None,
            per_way: 10,
        }
    }

    #[test]
    fn nothing_to_look_for_is_no_statement() {
        assert!(statement(&query(None)).0.is_empty());
    }

    #[test]
    fn each_value_is_bound_never_written_into_the_statement() {
        let (sql, values) = statement(&PeopleQuery {
            upn: Some("B823100123456".into()),
            postcode: Some("EM1 4QT".into()),
            date_of_birth: NaiveDate::from_ymd_opt(2015, 6, 1),
            ..query(Some(NameTerms::Both {
                given_norm: "o'hara".into(),
                given_key: Some("O600".into()),
                family_norm: "smith".into(),
                family_key: Some("S530".into()),
            }))
        });
        for text in ["o'hara", "smith", "B823100123456", "EM1 4QT", "2015"] {
            assert!(!sql.contains(text), "{text} in {sql}");
        }
        assert!(values.len() >= 9);
        // Exact, partial, partial and sounding alike (both ways), sounding alike, the UPN, the date of
        // birth and both postcodes.
        assert_eq!(sql.matches(" UNION ALL ").count(), 8);
    }
}
