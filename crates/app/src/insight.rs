//! The council's indicators, computed from every child's record.

use careful_insight::{Indicator, Indicators, Period};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::{AppError, UserHandle};

impl UserHandle {
    /// Every indicator for `period`, from every child's record, folded. Rates need the number
    /// of children aged 0 to 17 in the area (`population`); without it their denominators are 0
    /// and they have no figure. Aggregates only: no child is named, and the figures are for
    /// anyone who may see the council's figures. Audited.
    pub async fn indicators(&self, period: Period, population: Option<u64>) -> Result<Vec<Indicator>, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        if period.from > period.to {
            return Err(AppError::invalid("from", "the period starts after it ends"));
        }
        let records = self.all_records().await?;
        let mut counts = Indicators::default();
        for record in &records {
            counts.add(period, record);
        }
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!(
                    "Computed the council's indicators from {} to {} over {} records",
                    period.from,
                    period.to,
                    records.len()
                ),
            )
            .subject("indicators"),
        )
        .await?;
        Ok(counts.indicators(population.unwrap_or(0)))
    }
}
