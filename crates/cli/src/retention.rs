//! `careful retention`: children's records due for review under the council's retention
//! periods.

use chrono::NaiveDate;
use clap::Args;

use careful_domain::calendar::long_date;

use crate::admin::Common;
use crate::failure::Failure;
use crate::output::say;

#[derive(Args)]
pub struct RetentionArgs {
    #[command(flatten)]
    common: Common,
    /// List records due for review on or before this day [default: 90 days from today].
    #[arg(long, value_name = "DATE")]
    by: Option<NaiveDate>,
}

pub async fn run(args: RetentionArgs, today: NaiveDate) -> Result<(), Failure> {
    let (_app, handle) = crate::admin::handle(&args.common).await?;
    let by = args.by.unwrap_or(today + chrono::Days::new(90));
    let due = handle.retention_report(by).await?;
    if due.is_empty() {
        say!("No record is due for review by {}.", long_date(by));
        return Ok(());
    }
    say!("{:<12} {:<18} {:<12} {}", "Child", "Record", "Review from", "Why");
    for d in &due {
        say!(
            "{:<12} {:<18} {:<12} {}",
            d.la_child_id,
            d.retention.kind.describe(),
            d.retention.review_from,
            d.retention.basis
        );
    }
    say!("");
    say!(
        "{} records due for review by {}. careful never deletes a record: the council's records manager decides.",
        due.len(),
        long_date(by)
    );
    Ok(())
}
