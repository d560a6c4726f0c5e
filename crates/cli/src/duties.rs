//! `careful duties`: worklists of statutory duties, and the arithmetic behind one child's.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use careful_app::duties::{Whose, WorklistEntry};
use careful_app::{App, Settings, SystemClock, UserHandle};
use careful_domain::calendar::long_date;
use careful_domain::{TeamId, WorkerId, WorkingDayCalendar};
use careful_duties::{Duty, DutyStatus};

use crate::failure::Failure;
use crate::output::{csv, say};

#[derive(Args)]
#[command(group = clap::ArgGroup::new("whose").args(["worker", "team", "iro", "child"]))]
pub struct DutiesArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        required_unless_present = "catalogue"
    )]
    database: Option<String>,
    /// The day to assess duties on [default: today]. For a day in the past, duties are worked
    /// out afresh from the records as they stood then.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Only this worker's duties (their worker ID). A care leaver's duties are their personal
    /// adviser's.
    #[arg(long, value_name = "ID")]
    worker: Option<WorkerId>,
    /// Only the duties of children allocated to this team (its team ID).
    #[arg(long, value_name = "ID")]
    team: Option<TeamId>,
    /// Only the duties of children this independent reviewing officer reviews (their worker ID).
    #[arg(long, value_name = "ID")]
    iro: Option<WorkerId>,
    /// Explain every duty owed to one child (the council's child ID, or careful's), with the
    /// events and dates that decided each, so the arithmetic can be checked by hand.
    #[arg(long, value_name = "ID")]
    child: Option<String>,
    /// Only duties with these statuses, comma-separated: upcoming, due, overdue, met_on_time,
    /// met_late, not_applicable [default: those that can still be done: upcoming, due and
    /// overdue]. Overdue then also lists duties missed that can no longer be done.
    #[arg(long, value_name = "STATUS,...", value_delimiter = ',')]
    status: Vec<StatusArg>,
    /// How to print the duties.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Print the rule catalogue with how careful implements each rule (docs/duties.md), and exit.
    #[arg(long, conflicts_with_all = ["database", "whose", "status"])]
    catalogue: bool,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
enum StatusArg {
    Upcoming,
    Due,
    Overdue,
    MetOnTime,
    MetLate,
    NotApplicable,
}

impl StatusArg {
    fn code(self) -> &'static str {
        match self {
            StatusArg::Upcoming => "upcoming",
            StatusArg::Due => "due",
            StatusArg::Overdue => "overdue",
            StatusArg::MetOnTime => "met_on_time",
            StatusArg::MetLate => "met_late",
            StatusArg::NotApplicable => "not_applicable",
        }
    }
}

pub async fn run(args: DutiesArgs, today: NaiveDate) -> Result<(), Failure> {
    if args.catalogue {
        say!("{}", careful_duties::docs::markdown().trim_end_matches('\n'));
        return Ok(());
    }
    let url = args.database.as_deref().ok_or_else(|| Failure::new("give the database with --database URL"))?;
    let app = App::open(url, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let app = crate::signin::sign_in(&app, &args.signin).await?;
    let as_of = args.as_of.unwrap_or(today);
    if let Some(id) = &args.child {
        return explain(&app, id, as_of, args.format).await;
    }
    let whose = match (args.worker, args.team, args.iro) {
        (Some(w), _, _) => Whose::Worker(w),
        (_, Some(t), _) => Whose::Team(t),
        (_, _, Some(i)) => Whose::Iro(i),
        _ => Whose::Council,
    };
    let wanted: Vec<&str> = args.status.iter().map(|s| s.code()).collect();
    let entries = if as_of >= today {
        // The worklist projection: statuses worked out for `as_of`.
        let open_only = wanted.is_empty();
        let due_by = (!wanted.is_empty() && wanted.iter().all(|s| matches!(*s, "due" | "overdue"))).then_some(as_of);
        app.worklist(whose, open_only, due_by, as_of).await?
    } else {
        let all = app.worklist_as_of(whose, as_of).await?;
        if wanted.is_empty() { all.into_iter().filter(|e| e.duty.open).collect() } else { all }
    };
    let entries: Vec<WorklistEntry> =
        entries.into_iter().filter(|e| wanted.is_empty() || wanted.contains(&e.status.code())).collect();
    let names = Names::load(&app).await?;
    match args.format {
        Format::Json => say!("{}", json_array(&entries, &names)),
        Format::Csv => {
            say!(
                "child,child_name,rule,status,days,due,due_at,met_on,owed,trigger,trigger_date,worker,team,iro,citation"
            );
            for e in &entries {
                let d = &e.duty;
                let rule = careful_duties::catalogue::rule(&d.rule);
                say!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    csv(&e.la_child_id),
                    csv(&e.child_name),
                    csv(&d.rule),
                    e.status.code(),
                    days(&e.status).map(|n| n.to_string()).unwrap_or_default(),
                    d.due,
                    d.due_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default(),
                    d.met_on.map(|m| m.to_string()).unwrap_or_default(),
                    csv(&d.owed),
                    csv(&d.trigger_what),
                    d.trigger_date,
                    csv(&names.worker(d.worker)),
                    csv(&names.team(d.team)),
                    csv(&names.worker(d.iro)),
                    csv(rule.map_or("", |r| r.citation)),
                );
            }
        }
        Format::Table => {
            if entries.is_empty() {
                say!("No duties match, as of {}.", long_date(as_of));
                return Ok(());
            }
            say!("{:<10}  {:<22}  {:<10}  {:<22}  {:<26}  {}", "Due", "Status", "Child", "Rule", "Worker", "Owed");
            for e in &entries {
                let d = &e.duty;
                let status =
                    if e.status.is_open() && !d.open { format!("{} (missed)", e.status) } else { e.status.to_string() };
                say!(
                    "{:<10}  {:<22}  {:<10}  {:<22}  {:<26}  {}",
                    d.due,
                    status,
                    e.la_child_id,
                    d.rule,
                    names.worker(d.worker),
                    d.owed
                );
            }
            let overdue = entries.iter().filter(|e| matches!(e.status, DutyStatus::Overdue { .. })).count();
            say!("");
            say!("{} duties as of {}, {overdue} overdue.", entries.len(), long_date(as_of));
        }
    }
    Ok(())
}

fn days(status: &DutyStatus) -> Option<i64> {
    match status {
        DutyStatus::Overdue { days } | DutyStatus::MetLate { days } => Some(*days),
        _ => None,
    }
}

/// Workers' and teams' names, for printing.
struct Names {
    workers: HashMap<WorkerId, String>,
    teams: HashMap<TeamId, String>,
}

impl Names {
    async fn load(app: &UserHandle) -> Result<Names, Failure> {
        let (workers, teams) = app.staff_names().await?;
        Ok(Names { workers, teams })
    }

    fn worker(&self, id: Option<WorkerId>) -> String {
        id.map(|w| self.workers.get(&w).cloned().unwrap_or_else(|| w.to_string())).unwrap_or_default()
    }

    fn team(&self, id: Option<TeamId>) -> String {
        id.map(|t| self.teams.get(&t).cloned().unwrap_or_else(|| t.to_string())).unwrap_or_default()
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_opt(text: Option<String>) -> String {
    text.map_or("null".into(), |t| json_string(&t))
}

fn json_array(entries: &[WorklistEntry], names: &Names) -> String {
    let mut out = String::from("[");
    for (i, e) in entries.iter().enumerate() {
        let d = &e.duty;
        let rule = careful_duties::catalogue::rule(&d.rule);
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "\n  {{\"child\": {}, \"child_name\": {}, \"rule\": {}, \"citation\": {}, \"owed\": {}, \"due\": \"{}\", \"due_at\": {}, \"status\": \"{}\", \"days\": {}, \"met_on\": {}, \"trigger\": {}, \"trigger_date\": \"{}\", \"can_still_be_done\": {}, \"worker\": {}, \"team\": {}, \"iro\": {}, \"working\": {}}}",
            json_string(&e.la_child_id),
            json_string(&e.child_name),
            json_string(&d.rule),
            json_opt(rule.map(|r| r.citation.to_string())),
            json_string(&d.owed),
            d.due,
            json_opt(d.due_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())),
            e.status.code(),
            days(&e.status).map_or("null".into(), |n| n.to_string()),
            json_opt(d.met_on.map(|m| m.to_string())),
            json_string(&d.trigger_what),
            d.trigger_date,
            d.open,
            json_opt(d.worker.map(|_| names.worker(d.worker))),
            json_opt(d.team.map(|_| names.team(d.team))),
            json_opt(d.iro.map(|_| names.worker(d.iro))),
            json_string(&d.working),
        );
    }
    if !entries.is_empty() {
        out.push('\n');
    }
    out.push(']');
    out
}

/// One child's duties, each with the events and dates that decided it.
async fn explain(app: &UserHandle, id: &str, as_of: NaiveDate, format: Format) -> Result<(), Failure> {
    let child = crate::sar::resolve(app, id).await?;
    let (record, duties, flags) = app.child_duties(child, as_of).await?;
    let titles: HashMap<_, _> = record.timeline.iter().map(|e| (e.id, e.event.title())).collect();
    let event = |id: Option<careful_domain::EventId>| {
        id.map(|e| format!("{} (event {e})", titles.get(&e).copied().unwrap_or("event")))
    };
    match format {
        Format::Csv => {
            say!("child,rule,status,due,met_on,owed,trigger,trigger_date,trigger_event,met_by_event,working");
            for d in &duties {
                say!(
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    csv(record.la_child_id.as_str()),
                    d.rule.id,
                    d.status.code(),
                    d.due,
                    d.met_on.map(|m| m.to_string()).unwrap_or_default(),
                    csv(&d.owed),
                    csv(&d.trigger.what),
                    d.trigger.date,
                    d.trigger.event.map(|e| e.to_string()).unwrap_or_default(),
                    d.met_by.map(|e| e.to_string()).unwrap_or_default(),
                    csv(&d.working_text(WorkingDayCalendar::england_and_wales()))
                );
            }
        }
        Format::Json => {
            let items: Vec<String> = duties
                .iter()
                .map(|d| {
                    format!(
                        "\n  {{\"child\": {}, \"rule\": {}, \"citation\": {}, \"owed\": {}, \"due\": \"{}\", \"due_at\": {}, \"status\": \"{}\", \"days\": {}, \"met_on\": {}, \"trigger\": {}, \"trigger_date\": \"{}\", \"trigger_event\": {}, \"met_by_event\": {}, \"working\": {}}}",
                        json_string(record.la_child_id.as_str()),
                        json_string(d.rule.id),
                        json_string(d.rule.citation),
                        json_string(&d.owed),
                        d.due,
                        json_opt(d.due_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())),
                        d.status.code(),
                        days(&d.status).map_or("null".into(), |n| n.to_string()),
                        json_opt(d.met_on.map(|m| m.to_string())),
                        json_string(&d.trigger.what),
                        d.trigger.date,
                        json_opt(d.trigger.event.map(|e| e.to_string())),
                        json_opt(d.met_by.map(|e| e.to_string())),
                        json_string(&d.working_text(WorkingDayCalendar::england_and_wales())),
                    )
                })
                .collect();
            say!("[{}{}]", items.join(","), if items.is_empty() { "" } else { "\n" });
        }
        Format::Table => {
            say!(
                "{} {} ({}), as of {}: {} duties.",
                record.details.given_name,
                record.details.family_name,
                record.la_child_id,
                long_date(as_of),
                duties.len()
            );
            for d in &duties {
                explain_one(d, &event);
            }
            if !flags.is_empty() {
                say!("");
                say!("Data quality: {} flags from the files this record was imported from.", flags.len());
                for f in &flags {
                    let place = match (&f.file, f.line) {
                        (Some(file), Some(line)) => format!("{file} line {line}"),
                        (Some(file), None) => file.clone(),
                        _ => String::new(),
                    };
                    say!("  {} {:<9} {place} [{}]: {}", f.source, f.rule, f.fields, f.message);
                }
            }
        }
    }
    Ok(())
}

fn explain_one(d: &Duty, event: &impl Fn(Option<careful_domain::EventId>) -> Option<String>) {
    say!("");
    say!("{}  {}", d.rule.id, d.owed);
    say!("  law:      {} ({})", d.rule.citation, d.rule.status_text);
    say!(
        "  started:  {} on {}{}",
        d.trigger.what,
        long_date(d.trigger.date),
        event(d.trigger.event).map(|e| format!(" — {e}")).unwrap_or_default()
    );
    say!(
        "  due:      {}{}",
        long_date(d.due),
        d.due_at.map(|t| format!(" at {}", t.format("%H:%M"))).unwrap_or_default()
    );
    say!("  working:  {}", d.working_text(WorkingDayCalendar::england_and_wales()));
    if let Some(met) = d.met_on {
        say!("  done:     {}{}", long_date(met), event(d.met_by).map(|e| format!(" — {e}")).unwrap_or_default());
    }
    if let Some(ended) = d.ended {
        say!("  stopped:  {}", long_date(ended));
    }
    say!("  status:   {}", d.status);
}
