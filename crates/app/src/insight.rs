//! The council's indicators, computed from every child's record.

use std::collections::BTreeMap;

use careful_domain::WorkingDayCalendar;
use careful_insight::{Indicator, Indicators, Period};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::{AppError, UserHandle};

impl UserHandle {
    /// Every indicator for `period`, from every child's record, folded, and their duties worked
    /// out today with the council's practice standards; with the duties overdue today, by rule.
    /// Rates need the number of children aged 0 to 17 in the area (`population`); without it
    /// their denominators are 0 and they have no figure. Aggregates only: no child is named, and
    /// the figures are for anyone who may see the council's figures. Audited.
    pub async fn indicators(
        &self,
        period: Period,
        population: Option<u64>,
    ) -> Result<(Vec<Indicator>, BTreeMap<&'static str, u64>), AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        if period.from > period.to {
            return Err(AppError::invalid("from", "the period starts after it ends"));
        }
        let records = self.all_records().await?;
        let policy = crate::duties::standards(self.app().store()).await?;
        let today = self.app().today();
        let calendar = WorkingDayCalendar::england_and_wales();
        let mut counts = Indicators::default();
        for record in &records {
            counts.add(period, record);
            counts.add_duties(period, &careful_duties::duties_of(record, calendar, &policy, today.max(period.to)));
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
        Ok((counts.indicators(population.unwrap_or(0)), counts.overdue_by_rule().clone()))
    }
}
