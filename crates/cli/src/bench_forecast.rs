//! `careful bench forecast`: how long the demand forecast takes, on a synthetic council folded
//! in memory (no database).

use std::time::Instant;

use chrono::{Days, NaiveDate};
use clap::Args;

use careful_domain::record::fold;
use careful_insight::forecast::{
    ChildCare, Costs, DEFAULT_DRAWS, ForecastOptions, Scenario, Spine, StateSpace, Window, fit, forecast,
};

use crate::failure::Failure;
use crate::output::say;

#[derive(Args)]
pub struct ForecastBenchArgs {
    /// Children aged 0 to 17 in the synthetic council (80,000 is a typical council, with about
    /// 600 looked after).
    #[arg(long, default_value_t = 80_000)]
    population: u64,
    /// Days forecast.
    #[arg(long, default_value_t = 730)]
    days: u32,
    /// Simulated runs for the interval.
    #[arg(long, default_value_t = DEFAULT_DRAWS)]
    draws: u32,
    /// Times the forecast is run; the fastest, median and slowest are reported.
    #[arg(long, default_value_t = 20)]
    runs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(args: ForecastBenchArgs) -> Result<(), Failure> {
    if args.population < 1_000 || args.runs == 0 || args.days == 0 || args.draws == 0 {
        return Err(Failure::new("--population must be at least 1,000, and --runs, --days and --draws at least 1"));
    }
    let end = NaiveDate::from_ymd_opt(2026, 3, 31).expect("valid date");
    let council = careful_synth::Council::new(careful_synth::Options {
        population: args.population,
        years: 1,
        end,
        seed: args.seed,
        failures: careful_synth::FailureRates::default(),
    });
    let mut children = Vec::new();
    council.generate_with(
        |child| fold(&child.entries()).ok().and_then(|record| ChildCare::from_record(&record)),
        |care| children.extend(care),
    );
    let space = StateSpace::dfe_default();
    let begun = Instant::now();
    let spine = Spine::build(&children, &space, end);
    let spine_time = begun.elapsed();
    let window = Window { from: end - Days::new(364), to: end };
    let begun = Instant::now();
    let fitted = fit(&spine, window).map_err(|e| Failure::new(e.to_string()))?;
    let fit_time = begun.elapsed();
    let costs = Costs::defaults(&space);
    let options =
        ForecastOptions { start: end + Days::new(1), days: args.days, draws: args.draws, seed: args.seed, every: 7 };
    let mut times = Vec::with_capacity(args.runs);
    let mut in_care = 0;
    let cpu_before = cpu_seconds();
    for _ in 0..args.runs {
        let begun = Instant::now();
        let f = forecast(&spine, &fitted, &space, &Scenario::default(), &costs, &options)
            .map_err(|e| Failure::new(e.to_string()))?;
        times.push(begun.elapsed());
        in_care = f.initial.iter().sum::<u32>();
    }
    let cpu = cpu_seconds().zip(cpu_before).map(|(after, before)| (after - before) / args.runs as f64 * 1000.0);
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    say!(
        "Forecast on a synthetic council of {} children aged 0 to 17: {} children with placements, {} spine rows, {} in care at the start; {} states",
        args.population,
        children.len(),
        spine.rows.len(),
        in_care,
        space.len()
    );
    say!(
        "Spine built in {:.2} ms; rates fitted over {} days in {:.2} ms.",
        ms(spine_time),
        window.days(),
        ms(fit_time)
    );
    say!(
        "{}-day forecast with {} draws, weekly, over {} runs: fastest {:.1} ms, median {:.1} ms, slowest {:.1} ms (one core).",
        args.days,
        args.draws,
        args.runs,
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    if let Some(cpu) = cpu {
        say!(
            "CPU time per forecast (this process's user and system time over the runs, so other load on the machine does not count): {cpu:.1} ms."
        );
    }
    Ok(())
}

/// This process's user + system CPU time in seconds, from /proc/self/stat (Linux; clock ticks
/// of 1/100 s), or `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
