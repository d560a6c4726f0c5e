//! Facts about children that several rules share, computed once per validation.

use super::super::Table;
use super::context::{Child, Ctx, RESPITE};

/// The children looked after continuously for at least 12 months at 31 March: DfE's OC2
/// cohort, which the OC2 table reports on.
///
/// careful reads it from this year's episodes, leaving out short breaks (legal status V3 or
/// V4) and episodes with no readable start date or starting after the collection period:
///
/// - the child's last episode (by start date) must still be open at the end of the period: no
///   date ceased, or ceased on or after the last day, or ceased with reason X1 (the episode
///   ended and another began, so care continued);
/// - the period of care it belongs to is found by walking back through earlier episodes while
///   each one ended with X1 and the next did not start a new period of care (reason for new
///   episode S);
/// - that period must have started on or before the first day of the collection period.
#[derive(Debug)]
pub(crate) struct Cohort {
    /// For each child, the row of their last episode if they are in the cohort.
    last_episode: Vec<Option<u32>>,
}

impl Cohort {
    pub(crate) fn get<'c>(ctx: &'c Ctx<'_>) -> &'c Cohort {
        ctx.cohort.get_or_init(|| Cohort::compute(ctx))
    }

    /// Whether the child was looked after continuously for 12 months at 31 March.
    pub(crate) fn contains(&self, child: Child) -> bool {
        self.last_episode(child).is_some()
    }

    /// The row of the child's last episode, if they are in the cohort.
    pub(crate) fn last_episode(&self, child: Child) -> Option<usize> {
        self.last_episode.get(child as usize).copied().flatten().map(|r| r as usize)
    }

    fn compute(ctx: &Ctx<'_>) -> Cohort {
        let Some(eps) = ctx.this.table(Table::Episodes) else { return Cohort { last_episode: Vec::new() } };
        let (ls, rne, rec) = (eps.col("LS"), eps.col("RNE"), eps.col("REC"));
        let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
        let (start, end) = (ctx.start(), ctx.end());
        let mut last_episode = Vec::new();
        let mut chain: Vec<usize> = Vec::new();
        for child in ctx.this.children() {
            chain.clear();
            chain.extend(
                ctx.this
                    .episodes_of(child)
                    .iter()
                    .map(|&r| r as usize)
                    .filter(|&r| !eps.is_in(r, ls, RESPITE) && decom.get(r).is_some_and(|d| d <= end)),
            );
            let Some(&last) = chain.last() else { continue };
            let open_at_end = dec.get(last).is_none_or(|d| d >= end) || eps.is(last, rec, "X1");
            if !open_at_end {
                continue;
            }
            let mut first = chain.len() - 1;
            while first > 0 && !eps.is(chain[first], rne, "S") && eps.is(chain[first - 1], rec, "X1") {
                first -= 1;
            }
            if decom.get(chain[first]).is_some_and(|d| d <= start) {
                let c = child as usize;
                if last_episode.len() <= c {
                    last_episode.resize(c + 1, None);
                }
                last_episode[c] = u32::try_from(last).ok();
            }
        }
        Cohort { last_episode }
    }
}
