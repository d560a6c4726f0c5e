//! Prints the figures a synthetic council produces against the national targets (development
//! aid for tuning `model.rs`; `careful generate` reports the same).
use careful_domain::CollectionYear;
use careful_domain::record::fold;
use careful_insight::YearFigures;
use careful_synth::{Council, FailureRates, Options};
use chrono::NaiveDate;

fn main() {
    let population: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(400_000);
    let seed: u64 = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let options = Options {
        population,
        years: 1,
        end: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        seed,
        failures: FailureRates::default(),
    };
    let year = CollectionYear::containing(options.end).unwrap();
    let council = Council::new(options);
    let mut figures = YearFigures::default();
    let mut kept = 0u64;
    let mut events = 0u64;
    let started = std::time::Instant::now();
    let simulated = council.generate_with(
        |child| {
            let entries = child.entries();
            let n = entries.len();
            let record = fold(&entries).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}\n{}",
                    child.la_child_id,
                    child
                        .events
                        .iter()
                        .map(|e| format!("{} {:?}", e.effective_date, e.event))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
            (record, n)
        },
        |(record, n)| {
            kept += 1;
            events += n as u64;
            figures.add(year, &record);
        },
    );
    println!("simulated {simulated}, kept {kept}, events {events}, {:.1}s", started.elapsed().as_secs_f64());
    let produced = figures.figures(population);
    for target in careful_synth::model::targets() {
        let got = produced.iter().find(|f| f.name == target.name).map(|f| f.value).unwrap_or(f64::NAN);
        let off = (got - target.value) / target.value * 100.0;
        println!(
            "{:<62} target {:>7.1} got {:>7.1} {:>+6.1}% {}",
            target.name,
            target.value,
            got,
            off,
            if off.abs() > 10.0 { "<<<" } else { "" }
        );
    }
}
