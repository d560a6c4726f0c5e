//! Development aid: the duties found on a synthetic council, by rule and status, against the
//! failures the generator injected. `cargo run --release -p careful-duties --example audit_synth -- POPULATION SEED`

use std::collections::BTreeMap;

use careful_domain::WorkingDayCalendar;
use careful_duties::{DutyStatus, Policy, duties};
use careful_synth::{Council, Options};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let population: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let end = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let options = Options { population, seed, years: 1, end, ..careful_synth::demo_options(end) };
    let window = options.window_start();
    let council = Council::new(options);
    let policy = Policy::default();
    let calendar = WorkingDayCalendar::england_and_wales();
    // rule -> [overdue open, overdue missed, met late, met on time, injected]
    let mut table: BTreeMap<&'static str, [u64; 5]> = BTreeMap::new();
    let mut examples: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    council.generate_with(
        |child| {
            let entries = child.entries();
            let found = duties(&entries, calendar, &policy, end).expect("folds");
            (child, found)
        },
        |(child, found)| {
            if std::env::var("CHILD").is_ok_and(|c| c == child.la_child_id.as_str()) {
                for e in &child.events {
                    println!("{} {}", e.effective_date, e.event.summary());
                }
            }
            for f in &child.injected {
                if f.due >= window {
                    table.entry(f.rule).or_default()[4] += 1;
                }
            }
            let from = if std::env::var("ALL").is_ok() { chrono::NaiveDate::MIN } else { window };
            for d in found.iter().filter(|d| d.due >= from && d.due <= end) {
                let row = table.entry(d.rule.id).or_default();
                let slot = match &d.status {
                    DutyStatus::Overdue { .. } if d.can_still_be_done() => 0,
                    DutyStatus::Overdue { .. } => 1,
                    DutyStatus::MetLate { .. } => 2,
                    DutyStatus::MetOnTime => 3,
                    _ => continue,
                };
                row[slot] += 1;
                if slot <= 2 && !child.injected.iter().any(|f| f.rule == d.rule.id && f.due == d.due) {
                    let ex = examples.entry(d.rule.id).or_default();
                    if ex.len() < 3 {
                        ex.push(format!("{} {}", child.la_child_id, d.explain()));
                    }
                }
            }
        },
    );
    println!("{:<28} {:>8} {:>8} {:>8} {:>10} {:>9}", "rule", "overdue", "missed", "late", "on time", "injected");
    for (rule, r) in &table {
        println!("{rule:<28} {:>8} {:>8} {:>8} {:>10} {:>9}", r[0], r[1], r[2], r[3], r[4]);
    }
    println!();
    for (rule, ex) in &examples {
        for e in ex {
            println!("{rule}: {e}");
        }
    }
}
