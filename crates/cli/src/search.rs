//! `careful search`: children, and people in children's lives, by name, date of birth, UPN, NHS
//! number or postcode.

use clap::Args;

use careful_app::AppError;
use careful_app::search::SearchCriteria;

use crate::admin::Common;
use crate::failure::Failure;
use crate::output::say;

#[derive(Args)]
pub struct SearchArgs {
    #[command(flatten)]
    common: Common,
    /// A family name, a given name, or both ("Amy Smith"). careful finds names that are the same,
    /// that begin with it, and that sound the same (American Soundex: Smyth finds Smith).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// A date of birth, as YYYY-MM-DD or DD/MM/YYYY. With a name, it raises those born that day;
    /// without one, it finds everyone born that day.
    #[arg(long, value_name = "DATE")]
    date_of_birth: Option<String>,
    /// A unique pupil number (13 characters, checked).
    #[arg(long, value_name = "UPN")]
    upn: Option<String>,
    /// An NHS number (10 digits, checked; spaces allowed).
    #[arg(long, value_name = "NUMBER")]
    nhs_number: Option<String>,
    /// The full postcode of a child's home or placement.
    #[arg(long, value_name = "POSTCODE")]
    postcode: Option<String>,
}

/// The option each of the search's fields comes from, for naming it in a message.
fn option(field: &str) -> &'static str {
    match field {
        "date_of_birth" => "--date-of-birth",
        "upn" => "--upn",
        "nhs_number" => "--nhs-number",
        "postcode" => "--postcode",
        _ => "--name",
    }
}

/// A date as typed on the command line, as the day, month and year the search takes.
fn date_parts(text: &str) -> Result<(String, String, String), Failure> {
    let text = text.trim();
    let parts: Vec<&str> = if text.contains('/') { text.split('/').collect() } else { text.split('-').collect() };
    match parts.as_slice() {
        [year, month, day] if !text.contains('/') => Ok((day.to_string(), month.to_string(), year.to_string())),
        [day, month, year] => Ok((day.to_string(), month.to_string(), year.to_string())),
        _ => Err(Failure::new(format!(
            "--date-of-birth: give the date as YYYY-MM-DD or DD/MM/YYYY, such as 2015-06-01, not {text:?}"
        ))),
    }
}

pub async fn run(args: SearchArgs) -> Result<(), Failure> {
    let (day, month, year) = match &args.date_of_birth {
        Some(text) => date_parts(text)?,
        None => Default::default(),
    };
    let criteria = SearchCriteria {
        name: args.name.clone().unwrap_or_default(),
        day,
        month,
        year,
        upn: args.upn.clone().unwrap_or_default(),
        nhs_number: args.nhs_number.clone().unwrap_or_default(),
        postcode: args.postcode.clone().unwrap_or_default(),
    };
    if criteria.is_empty() {
        return Err(Failure::new("say what to search for: --name, --date-of-birth, --upn, --nhs-number or --postcode"));
    }
    let (app, handle) = crate::admin::handle(&args.common).await?;
    let results = match handle.search(&criteria).await {
        Ok(results) => results,
        Err(AppError::Invalid(problems)) => {
            let lines: Vec<String> = problems.iter().map(|p| format!("{}: {}", option(p.field), p.message)).collect();
            return Err(Failure::new(lines.join("\n       ")));
        }
        Err(error) => return Err(error.into()),
    };
    app.close().await;
    if results.hits.is_empty() {
        say!("No child or person in careful matches {}.", results.searched);
        return Ok(());
    }
    say!("{:<36} {:<11} {:<20} {:<22} How it matched", "Name", "Born", "Child's record", "Status");
    for h in &results.hits {
        let name = match &h.related {
            Some(r) => format!("{} ({} of {})", h.name, r.relationship, r.child_name),
            None => h.name.clone(),
        };
        say!(
            "{:<36} {:<11} {:<20} {:<22} {}",
            name,
            h.date_of_birth.map(|d| d.to_string()).unwrap_or_else(|| "not known".into()),
            h.la_child_id,
            h.status,
            h.matched.join(", ")
        );
    }
    say!("");
    if results.more {
        say!(
            "The {} closest matches for {}. More people match: add --date-of-birth, --postcode or more of the name to narrow the search.",
            results.hits.len(),
            results.searched
        );
    } else {
        say!(
            "{} {} for {}, closest first.",
            results.hits.len(),
            if results.hits.len() == 1 { "match" } else { "matches" },
            results.searched
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_both_ways_round() {
        let parts = |t: &str| date_parts(t).map_err(|e| e.to_string());
        assert_eq!(parts("2015-06-01").unwrap(), ("01".into(), "06".into(), "2015".into()));
        assert_eq!(parts("1/6/2015").unwrap(), ("1".into(), "6".into(), "2015".into()));
        assert!(parts("1 June 2015").unwrap_err().contains("--date-of-birth"));
        assert!(parts("2015-06").is_err());
    }
}
