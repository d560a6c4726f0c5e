//! A subject access bundle as one readable HTML file (`careful sar` writes it beside the JSON):
//! self-contained, with no scripts and no links to anything outside it, so it can be sent as it
//! is.

use askama::Template;

use careful_app::sar::SubjectAccessBundle;
use careful_domain::calendar::long_date;

#[derive(Template)]
#[template(path = "subject-access.html")]
struct Bundle<'a> {
    b: &'a SubjectAccessBundle,
}

impl Bundle<'_> {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        careful_domain::calendar::time_in_england(*t).format("%-d %B %Y at %H:%M").to_string()
    }

    fn day(&self, d: &chrono::NaiveDate) -> String {
        long_date(*d)
    }

    fn json(&self, payload: &serde_json::Map<String, serde_json::Value>) -> String {
        serde_json::to_string(payload).unwrap_or_default()
    }

    fn born(&self) -> String {
        self.b.date_of_birth.map(long_date).unwrap_or_else(|| "Not known".into())
    }
}

/// The bundle as an HTML document.
pub fn render(bundle: &SubjectAccessBundle) -> Result<String, askama::Error> {
    Bundle { b: bundle }.render()
}
