//! The forecast on hand-built cases, each answer worked out by hand.

use super::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn spell(start: &str, end: Option<&str>, place: &str) -> CareSpell {
    CareSpell { start: d(start), end: end.map(d), place: place.into() }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// One state, nothing coming in.
fn one_state(exit: f64) -> Model {
    Model { moves: vec![vec![(LEFT_CARE, exit)]], entries: vec![0.0] }
}

#[test]
fn a_single_exit_rate_of_ten_percent_takes_100_to_90_then_81() {
    let days = one_state(0.1).expected(&[100.0], 3);
    // 100 × 0.9 = 90; 90 × 0.9 = 81; 81 × 0.9 = 72.9.
    assert!(close(days[0][0], 90.0));
    assert!(close(days[1][0], 81.0));
    assert!(close(days[2][0], 72.9));
}

#[test]
fn entrants_are_added_after_the_days_leavers() {
    let model = Model { moves: vec![vec![(LEFT_CARE, 0.1)]], entries: vec![5.0] };
    let days = model.expected(&[100.0], 2);
    // Day 1: 100 − 10 + 5 = 95. Day 2: 95 − 9.5 + 5 = 90.5.
    assert!(close(days[0][0], 95.0));
    assert!(close(days[1][0], 90.5));
}

#[test]
fn probabilities_summing_above_one_drain_the_state_in_proportion() {
    // 130 children; 0.6 move to state 1, 0.7 leave: 1.3 in all, so all 130 go, 0.6/1.3 of
    // them (60) to state 1 and 0.7/1.3 (70) out of care.
    let model = Model { moves: vec![vec![(1, 0.6), (LEFT_CARE, 0.7)], vec![]], entries: vec![0.0, 0.0] };
    let day = model.step(&[130.0, 0.0]);
    assert!(close(day[0], 0.0));
    assert!(close(day[1], 60.0));
}

#[test]
fn two_way_moves_between_states() {
    // 100 in A, 50 in B; A→B 0.1, B→A 0.2. Day 1: A = 100 − 10 + 10 = 100, B = 50 − 10 + 10 = 50.
    // From 120 and 30: A = 120 − 12 + 6 = 114, B = 30 − 6 + 12 = 36.
    let model = Model { moves: vec![vec![(1, 0.1)], vec![(0, 0.2)]], entries: vec![0.0, 0.0] };
    let day = model.step(&[100.0, 50.0]);
    assert!(close(day[0], 100.0) && close(day[1], 50.0));
    let day = model.step(&[120.0, 30.0]);
    assert!(close(day[0], 114.0) && close(day[1], 36.0));
}

#[test]
fn default_state_space_maps_dfe_codes() {
    let space = StateSpace::dfe_default();
    assert_eq!(space.len(), 25);
    assert_eq!(space.categories()[space.category_of_code("U6")].name, "fostering");
    assert_eq!(space.categories()[space.category_of_code("u2")].name, "kinship");
    assert_eq!(space.categories()[space.category_of_code("K2")].name, "residential");
    assert_eq!(space.categories()[space.category_of_code("K3")].name, "supported");
    assert_eq!(space.categories()[space.category_of_code("P1")].name, "other");
    assert_eq!(space.categories()[space.category_of_code("nonsense")].name, "other");
    assert_eq!(space.band_of_age(0), 0);
    assert_eq!(space.band_of_age(4), 1);
    assert_eq!(space.band_of_age(5), 2);
    assert_eq!(space.band_of_age(15), 3);
    assert_eq!(space.band_of_age(17), 4);
    assert_eq!(space.state_name(space.state(3, 2)), "10-15 residential");
}

#[test]
fn band_starts_build_named_bands_and_bad_ones_are_refused() {
    let space = StateSpace::with_band_starts(&[0, 5, 16]).unwrap();
    let names: Vec<&str> = space.bands().iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["0-4", "5-15", "16-17"]);
    assert!(StateSpace::with_band_starts(&[1, 5]).is_err());
    assert!(StateSpace::with_band_starts(&[0, 5, 5]).is_err());
    assert!(StateSpace::with_band_starts(&[0, 18]).is_err());
}

#[test]
fn a_child_ages_into_the_next_band_on_their_birthday() {
    let space = StateSpace::dfe_default();
    let child = ChildCare { date_of_birth: d("2010-06-15"), spells: vec![spell("2020-01-01", None, "U6")] };
    let spine = Spine::build(&[child], &space, d("2021-12-31"));
    let fostering = space.category_named("fostering").unwrap();
    let (five, ten) = (space.state(2, fostering), space.state(3, fostering));
    assert_eq!(
        spine.rows,
        vec![
            SpineRow {
                child: 0,
                state: five,
                from: d("2020-01-01"),
                to: d("2020-06-15"),
                entered: true,
                next: Next::State(ten)
            },
            SpineRow {
                child: 0,
                state: ten,
                from: d("2020-06-15"),
                to: d("2022-01-01"),
                entered: false,
                next: Next::Open
            },
        ]
    );
    // The day before the birthday they are 5 to 9; on it, 10 to 15.
    assert_eq!(spine.stock_at(d("2020-06-14"))[five], 1);
    assert_eq!(spine.stock_at(d("2020-06-15"))[ten], 1);
}

#[test]
fn moves_within_a_category_are_one_row_and_a_gap_is_leaving_and_coming_back() {
    let space = StateSpace::dfe_default();
    let child = ChildCare {
        date_of_birth: d("2005-01-01"),
        spells: vec![
            spell("2020-02-01", Some("2020-03-01"), "U4"),
            spell("2020-03-01", Some("2020-04-01"), "U6"),
            spell("2020-04-01", Some("2020-05-01"), "K2"),
            spell("2020-06-01", None, "K2"),
        ],
    };
    let spine = Spine::build(&[child], &space, d("2020-12-31"));
    let f = space.state(3, space.category_named("fostering").unwrap());
    let r = space.state(3, space.category_named("residential").unwrap());
    let rows: Vec<_> = spine.rows.iter().map(|r| (r.state, r.from, r.to, r.entered, r.next)).collect();
    assert_eq!(
        rows,
        vec![
            (f, d("2020-02-01"), d("2020-04-01"), true, Next::State(r)),
            (r, d("2020-04-01"), d("2020-05-01"), false, Next::Left),
            (r, d("2020-06-01"), d("2021-01-01"), true, Next::Open),
        ]
    );
}

#[test]
fn a_return_open_at_one_years_end_and_ended_in_the_next_keeps_the_ended_episode() {
    let space = StateSpace::dfe_default();
    let child = ChildCare {
        date_of_birth: d("2005-01-01"),
        spells: vec![spell("2020-02-01", None, "U4"), spell("2020-02-01", Some("2020-08-01"), "U4")],
    };
    let spine = Spine::build(&[child], &space, d("2020-12-31"));
    assert_eq!(spine.rows.len(), 1);
    assert_eq!((spine.rows[0].to, spine.rows[0].next), (d("2020-08-01"), Next::Left));
}

#[test]
fn an_episode_running_past_the_next_ones_start_is_cut_to_it() {
    let space = StateSpace::dfe_default();
    let child = ChildCare {
        date_of_birth: d("2005-01-01"),
        spells: vec![spell("2020-02-01", Some("2020-09-01"), "U4"), spell("2020-05-01", Some("2020-08-01"), "K2")],
    };
    let spine = Spine::build(&[child], &space, d("2020-12-31"));
    let rows: Vec<_> = spine.rows.iter().map(|r| (r.from, r.to)).collect();
    assert_eq!(rows, vec![(d("2020-02-01"), d("2020-05-01")), (d("2020-05-01"), d("2020-08-01"))]);
}

/// Two children in one state: A all along, B from 3 to 8 January.
fn two_children() -> (StateSpace, Spine, usize) {
    let space = StateSpace::dfe_default();
    let children = vec![
        ChildCare { date_of_birth: d("2012-01-01"), spells: vec![spell("2020-06-01", None, "U6")] },
        ChildCare { date_of_birth: d("2012-02-01"), spells: vec![spell("2021-01-03", Some("2021-01-08"), "U6")] },
    ];
    let spine = Spine::build(&children, &space, d("2021-03-31"));
    let state = space.state(2, space.category_named("fostering").unwrap());
    (space, spine, state)
}

#[test]
fn rates_are_events_over_exposure_from_the_day_before() {
    let (_, spine, s) = two_children();
    let window = Window { from: d("2021-01-01"), to: d("2021-01-10") };
    let fit = fit(&spine, window).unwrap();
    // At risk on 1 to 10 January: day-ends 31 December to 9 January. A: 10. B: 3 to 7
    // January, 5. Exposure 15; one leaving (8 January); one entry (3 January) in 10 days.
    assert_eq!(fit.exposure[s], 15);
    assert_eq!(fit.events[s], BTreeMap::from([(LEFT_CARE, 1)]));
    assert_eq!(fit.entries[s], 1);
    let model = fit.model();
    assert_eq!(model.moves[s], vec![(LEFT_CARE, 1.0 / 15.0)]);
    assert!(close(model.entries[s], 0.1));
}

#[test]
fn a_transition_on_the_first_day_counts_against_the_day_befores_stock() {
    let (_, spine, s) = two_children();
    // Window 8 to 9 January: at risk day-ends 7 and 8 January. A: 2; B: 7 January only, 1.
    let fit = fit(&spine, Window { from: d("2021-01-08"), to: d("2021-01-09") }).unwrap();
    assert_eq!(fit.exposure[s], 3);
    assert_eq!(fit.events[s][&LEFT_CARE], 1);
    assert_eq!(fit.entries[s], 0);
}

#[test]
fn states_with_no_exposure_are_listed_and_their_children_stay() {
    let (space, spine, s) = two_children();
    let fit = fit(&spine, Window { from: d("2021-01-01"), to: d("2021-01-10") }).unwrap();
    let unestimated = fit.unestimated();
    assert!(!unestimated.contains(&s));
    assert_eq!(unestimated.len(), space.len() - 1);
    // A state with no exposure has no moves: its children stay.
    let model = Model { moves: vec![vec![]], entries: vec![0.0] };
    assert_eq!(model.expected(&[7.0], 3)[2], vec![7.0]);
}

#[test]
fn windows_outside_the_data_or_reversed_are_refused() {
    let (_, spine, _) = two_children();
    assert!(matches!(
        fit(&spine, Window { from: d("2021-01-10"), to: d("2021-01-01") }),
        Err(ForecastError::Window(_))
    ));
    assert!(matches!(
        fit(&spine, Window { from: d("2021-01-01"), to: d("2021-04-01") }),
        Err(ForecastError::Window(_))
    ));
}

fn space_and_states() -> (StateSpace, usize, usize, usize) {
    let space = StateSpace::dfe_default();
    let f = space.state(3, space.category_named(FOSTERING).unwrap());
    let k = space.state(3, space.category_named(KINSHIP).unwrap());
    let r = space.state(3, space.category_named(RESIDENTIAL).unwrap());
    (space, f, k, r)
}

#[test]
fn the_entry_rate_change_multiplies_entries() {
    let (space, f, _, _) = space_and_states();
    let mut model = Model { moves: vec![vec![]; space.len()], entries: vec![0.0; space.len()] };
    model.entries[f] = 2.0;
    let up = model.adjusted(&Scenario { entry_rate_change: 10.0, ..Scenario::default() }, &space);
    assert!(close(up.entries[f], 2.2));
    let down = model.adjusted(&Scenario { entry_rate_change: -25.0, ..Scenario::default() }, &space);
    assert!(close(down.entries[f], 1.5));
}

#[test]
fn a_ten_percent_step_down_moves_ten_of_100_residential_children_to_fostering_in_a_year() {
    let (space, f, _, r) = space_and_states();
    let model = Model { moves: vec![vec![]; space.len()], entries: vec![0.0; space.len()] };
    let stepped = model.adjusted(&Scenario { step_down: 10.0, ..Scenario::default() }, &space);
    let mut stock = vec![0.0; space.len()];
    stock[r] = 100.0;
    // Each day 1 − 0.9^(1/365) of them move, so 100 × 0.9 = 90 are left after 365 days.
    let year = stepped.expected(&stock, 365);
    assert!((year[364][r] - 90.0).abs() < 1e-6);
    assert!((year[364][f] - 10.0).abs() < 1e-6);
}

#[test]
fn the_kinship_share_splits_foster_entries() {
    let (space, f, k, _) = space_and_states();
    let mut model = Model { moves: vec![vec![]; space.len()], entries: vec![0.0; space.len()] };
    model.entries[f] = 0.6;
    model.entries[k] = 0.4;
    let m = model.adjusted(&Scenario { kinship: Some(30.0), ..Scenario::default() }, &space);
    // 1.0 a day into foster care: 30% (0.3) to kinship, 0.7 to fostering.
    assert!(close(m.entries[k], 0.3));
    assert!(close(m.entries[f], 0.7));
}

#[test]
fn scenarios_out_of_range_are_refused() {
    let space = StateSpace::dfe_default();
    assert!(Scenario { entry_rate_change: -101.0, ..Scenario::default() }.check(&space).is_err());
    assert!(Scenario { step_down: 120.0, ..Scenario::default() }.check(&space).is_err());
    assert!(Scenario { kinship: Some(-1.0), ..Scenario::default() }.check(&space).is_err());
    assert!(Scenario { step_down: 5.0, kinship: Some(20.0), ..Scenario::default() }.check(&space).is_ok());
}

/// Seven children aged 10 to 15 in fostering from long before, nobody leaving or coming.
fn seven_in_fostering(days: u32, every: u32) -> Forecast {
    let space = StateSpace::dfe_default();
    let children: Vec<ChildCare> = (0..7)
        .map(|_| ChildCare { date_of_birth: d("2010-01-01"), spells: vec![spell("2020-01-01", None, "U6")] })
        .collect();
    let spine = Spine::build(&children, &space, d("2021-12-31"));
    let fitted = fit(&spine, Window { from: d("2021-01-01"), to: d("2021-12-31") }).unwrap();
    let options = ForecastOptions { start: d("2022-01-01"), days, draws: 50, seed: 1, every };
    forecast(&spine, &fitted, &space, &Scenario::default(), &Costs::defaults(&space), &options).unwrap()
}

#[test]
fn costs_are_stock_times_the_weekly_cost_over_seven_each_day() {
    // Seven children at £600 a week: £600 a day, £4,200 a week, £8,400 in 14 days.
    let f = seven_in_fostering(14, 7);
    assert_eq!(f.points.len(), 2);
    for p in &f.points {
        assert!(close(p.cost.expected, 4200.0));
        assert!(close(p.cost.low, 4200.0) && close(p.cost.high, 4200.0));
        assert!(close(p.total.expected, 7.0) && close(p.total.low, 7.0) && close(p.total.high, 7.0));
    }
    assert!(close(f.total_cost.expected, 8400.0));
    assert_eq!(f.points[0].date, d("2022-01-07"));
    assert_eq!(f.points[1].date, d("2022-01-14"));
}

#[test]
fn the_last_day_is_reported_even_mid_week() {
    let f = seven_in_fostering(10, 7);
    let dates: Vec<_> = f.points.iter().map(|p| p.date).collect();
    assert_eq!(dates, vec![d("2022-01-07"), d("2022-01-10")]);
    // Three days at £600.
    assert!(close(f.points[1].cost.expected, 1800.0));
}

#[test]
fn default_costs_cite_their_source_and_a_csv_overrides_them() {
    let space = StateSpace::dfe_default();
    let defaults = Costs::defaults(&space);
    let (f, k, r) = (
        space.category_named(FOSTERING).unwrap(),
        space.category_named(KINSHIP).unwrap(),
        space.category_named(RESIDENTIAL).unwrap(),
    );
    assert_eq!((defaults.weekly[f], defaults.weekly[k], defaults.weekly[r]), (Some(600.0), Some(234.0), Some(3000.0)));
    assert_eq!(defaults.sources[r], DFE_PQ_2016);
    assert_eq!(defaults.weekly[space.category_named("supported").unwrap()], None);
    let costs =
        Costs::from_csv(&space, "category,weekly_cost\nresidential,5200\nSupported,£1400.50\n", "c.csv").unwrap();
    assert_eq!(costs.weekly[r], Some(5200.0));
    assert_eq!(costs.weekly[space.category_named("supported").unwrap()], Some(1400.5));
    assert_eq!(costs.weekly[f], Some(600.0));
    assert_eq!(costs.sources[r], "c.csv, line 2");
}

#[test]
fn a_bad_costs_file_names_the_line_and_field() {
    let space = StateSpace::dfe_default();
    let err = Costs::from_csv(&space, "category,weekly_cost\nfostering,600\nresidential,lots\n", "c.csv").unwrap_err();
    assert_eq!(
        err,
        ForecastError::Costs {
            file: "c.csv".into(),
            line: 3,
            field: "weekly_cost".into(),
            problem: "\"lots\" is not a number of pounds a week".into()
        }
    );
    let err = Costs::from_csv(&space, "category,weekly_cost\nhotel,600\n", "c.csv").unwrap_err();
    assert!(matches!(err, ForecastError::Costs { line: 2, ref field, .. } if field == "category"));
    let err = Costs::from_csv(&space, "category,cost\n", "c.csv").unwrap_err();
    assert!(matches!(err, ForecastError::Costs { line: 1, ref field, .. } if field == "header"));
    let err = Costs::from_csv(&space, "category,weekly_cost\nfostering,-3\n", "c.csv").unwrap_err();
    assert!(matches!(err, ForecastError::Costs { line: 2, .. }));
    assert!(Costs::from_csv(&space, "", "c.csv").is_err());
}

#[test]
fn the_interval_holds_the_chance_in_the_flows() {
    // 100 children, 1% a day leaving, estimated from 1,000 leavings in 100,000 child-days (so
    // the rate is known closely). After 30 days 100 × 0.99^30 = 73.97 are expected; the number
    // left is close to binomial(100, 0.7397), sd √(100 × 0.7397 × 0.2603) = 4.39, so the 95%
    // interval is about 74 ± 8.6: 65 to 83.
    let space = StateSpace::with_band_starts(&[0]).unwrap();
    let s = space.state(0, 0);
    let children: Vec<ChildCare> = (0..100)
        .map(|_| ChildCare { date_of_birth: d("2015-01-01"), spells: vec![spell("2020-01-01", None, "U6")] })
        .collect();
    let spine = Spine::build(&children, &space, d("2021-12-31"));
    let mut fitted = fit(&spine, Window { from: d("2021-01-01"), to: d("2021-12-31") }).unwrap();
    fitted.exposure[s] = 100_000;
    fitted.events[s] = BTreeMap::from([(LEFT_CARE, 1_000)]);
    let options = ForecastOptions { start: d("2022-01-01"), days: 30, draws: 2000, seed: 7, every: 30 };
    let f = forecast(&spine, &fitted, &space, &Scenario::default(), &Costs::defaults(&space), &options).unwrap();
    let total = f.points[0].total;
    assert!((total.expected - 100.0 * 0.99f64.powi(30)).abs() < 1e-9);
    assert!((63.0..=68.0).contains(&total.low), "low {}", total.low);
    assert!((80.0..=85.0).contains(&total.high), "high {}", total.high);
}

#[test]
fn the_interval_widens_when_the_rates_rest_on_few_events() {
    // The same expected rate, 1% a day, from 10 leavings in 1,000 child-days: the rate's own
    // uncertainty (Gamma(10) has sd √10/10 = 32% of its mean) widens the interval beyond the
    // flows' alone.
    let space = StateSpace::with_band_starts(&[0]).unwrap();
    let s = space.state(0, 0);
    let children: Vec<ChildCare> = (0..100)
        .map(|_| ChildCare { date_of_birth: d("2015-01-01"), spells: vec![spell("2020-01-01", None, "U6")] })
        .collect();
    let spine = Spine::build(&children, &space, d("2021-12-31"));
    let mut fitted = fit(&spine, Window { from: d("2021-01-01"), to: d("2021-12-31") }).unwrap();
    let options = ForecastOptions { start: d("2022-01-01"), days: 30, draws: 2000, seed: 7, every: 30 };
    let mut width = |exposure, events| {
        fitted.exposure[s] = exposure;
        fitted.events[s] = BTreeMap::from([(LEFT_CARE, events)]);
        let f = forecast(&spine, &fitted, &space, &Scenario::default(), &Costs::defaults(&space), &options).unwrap();
        f.points[0].total.high - f.points[0].total.low
    };
    let known = width(100_000, 1_000);
    let few = width(1_000, 10);
    assert!(few > known * 1.3, "{few} vs {known}");
}

#[test]
fn the_same_seed_gives_the_same_forecast() {
    let (space, spine, _) = two_children();
    let fitted = fit(&spine, Window { from: d("2020-07-01"), to: d("2021-03-31") }).unwrap();
    let options = ForecastOptions { start: d("2021-04-01"), days: 60, draws: 100, seed: 3, every: 7 };
    let run = || forecast(&spine, &fitted, &space, &Scenario::default(), &Costs::defaults(&space), &options).unwrap();
    assert_eq!(run(), run());
}

#[test]
fn gamma_draws_have_the_right_mean_and_variance() {
    // Gamma(shape k, scale 1) has mean k and variance k.
    for shape in [0.5, 1.0, 4.0, 50.0] {
        let mut rng = Rng::new(11);
        let n = 40_000;
        let draws: Vec<f64> = (0..n).map(|_| rng.gamma(shape)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - shape).abs() < 0.03 * shape.max(1.0), "shape {shape}: mean {mean}");
        assert!((var - shape).abs() < 0.08 * shape.max(1.0), "shape {shape}: var {var}");
    }
}

#[test]
fn poisson_draws_have_the_right_mean() {
    let mut rng = Rng::new(5);
    let n = 40_000;
    let mean = (0..n).map(|_| rng.poisson(2.5) as f64).sum::<f64>() / n as f64;
    assert!((mean - 2.5).abs() < 0.05, "{mean}");
}

#[test]
fn a_back_test_on_a_steady_population_covers_the_stock() {
    // 20 children in care for ever: the forecast is 20 with no spread, and every week is inside.
    let space = StateSpace::dfe_default();
    let children: Vec<ChildCare> = (0..20)
        .map(|_| ChildCare { date_of_birth: d("2008-01-01"), spells: vec![spell("2019-01-01", None, "U6")] })
        .collect();
    let spine = Spine::build(&children, &space, d("2022-03-31"));
    let bt = backtest(&spine, &space, &[(d("2021-04-01"), 365)], 365, 20, 1).unwrap();
    assert_eq!(bt.years.len(), 1);
    let y = &bt.years[0];
    assert_eq!(y.points, 53);
    assert_eq!(y.total_inside, 53);
    assert_eq!(y.actual_total, 20);
    assert!(close(bt.total_coverage(), 1.0));
    assert!(close(bt.total_mae(), 0.0));
    // A back-test needing data past the end is refused.
    assert!(backtest(&spine, &space, &[(d("2021-06-01"), 365)], 365, 20, 1).is_err());
}

#[test]
fn forecasts_longer_than_ten_years_or_with_no_draws_are_refused() {
    let (space, spine, _) = two_children();
    let fitted = fit(&spine, Window { from: d("2020-07-01"), to: d("2021-03-31") }).unwrap();
    let run = |days, draws| {
        let options = ForecastOptions { start: d("2021-04-01"), days, draws, seed: 1, every: 7 };
        forecast(&spine, &fitted, &space, &Scenario::default(), &Costs::defaults(&space), &options)
    };
    assert!(matches!(run(MAX_DAYS + 1, 10), Err(ForecastError::Options(_))));
    assert!(matches!(run(u32::MAX, 10), Err(ForecastError::Options(_))));
    assert!(matches!(run(30, 0), Err(ForecastError::Options(_))));
    assert!(run(30, 10).is_ok());
}
