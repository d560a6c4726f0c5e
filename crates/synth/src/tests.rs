use super::*;
use careful_domain::record::fold;

fn options(population: u64) -> Options {
    Options {
        population,
        years: 1,
        end: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        seed: 7,
        failures: FailureRates::default(),
    }
}

#[test]
fn every_generated_record_folds() {
    let council = Council::new(options(8_000));
    let mut children = 0;
    council.generate(|child| {
        children += 1;
        if let Err(e) = fold(&child.entries()) {
            panic!(
                "child {} does not fold: {e}\n{}",
                child.la_child_id,
                child
                    .events
                    .iter()
                    .map(|e| format!("{} {}", e.effective_date, careful_domain::record::ChildEvent::kind(&e.event)))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    });
    assert!(children > 100, "{children}");
}

#[test]
fn the_same_options_give_the_same_council() {
    let collect = |seed| {
        let mut o = options(3_000);
        o.seed = seed;
        let mut out = Vec::new();
        Council::new(o).generate(|c| out.push(c));
        out
    };
    let a = collect(1);
    assert_eq!(a, collect(1));
    assert_ne!(a, collect(2));
}

#[test]
fn failures_are_injected_only_in_the_requested_years_and_only_when_asked() {
    let mut o = options(6_000);
    o.failures =
        FailureRates { late_visit: 0.3, drifting_assessment: 0.3, overdue_review: 0.3, unnotified_placement_end: 0.3 };
    let window = o.window_start();
    let mut injected = Vec::new();
    Council::new(o.clone()).generate(|c| injected.extend(c.injected));
    assert!(!injected.is_empty());
    for rule in ["asmt-45", "visit-year1", "rev-n", "pl-terminate"] {
        assert!(injected.iter().any(|f| f.rule == rule), "no {rule} injected");
    }
    assert!(injected.iter().all(|f| f.due >= window - chrono::Days::new(120)), "failures before the window");
    o.failures = FailureRates::none();
    let mut none = 0;
    Council::new(o).generate(|c| none += c.injected.len());
    assert_eq!(none, 0);
}

#[test]
fn identifiers_are_unique_and_in_order() {
    let mut ids = Vec::new();
    let mut events = Vec::new();
    Council::new(options(4_000)).generate(|c| {
        ids.push(c.id);
        events.extend(c.events.iter().map(|e| e.id));
    });
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "child IDs are generated in order");
    let count = events.len();
    events.sort();
    events.dedup();
    assert_eq!(events.len(), count, "every event ID is unique");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

        /// Whatever the seed, size and end date, every record the generator produces folds,
        /// and folding it again gives the same record.
        #[test]
        fn any_generated_council_folds_deterministically(seed in 0u64..1_000_000, population in 1_000u64..6_000, days_back in 0u64..2_000) {
            let end = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap() - chrono::Days::new(days_back);
            let o = Options { population, years: 1, end, seed, failures: FailureRates::default() };
            let mut checked = 0;
            Council::new(o).generate(|child| {
                let e = child.entries();
                let first = fold(&e).unwrap_or_else(|err| panic!("seed {seed}: {}: {err}", child.la_child_id));
                let second = fold(&e).unwrap();
                assert_eq!(first, second);
                assert!(child.events.iter().all(|ev| ev.effective_date <= end));
                checked += 1;
            });
            prop_assert!(checked > 0);
        }
    }
}
