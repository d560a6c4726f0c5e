//! Facts about children that several rules share, computed once per validation.

use super::super::Table;
use super::context::{Child, Ctx, RESPITE};

/// The children looked after continuously for at least 12 months at 31 March: DfE's OC2
/// cohort, which the OC2 table reports on.
///
/// careful reads it from this year's episodes as DfE defines it: a child is looked after
/// continuously unless, during the year, an episode ends with a reason other than X1 (an episode
/// ended and another began, so care continued) or begins a new period of care (reason for new
/// episode S), short breaks (legal status V3 or V4) left out. So the child is in the cohort
/// when:
///
/// - an episode (not a short break) had begun by the first day of the year and had not ended
///   before it;
/// - no episode ended during the year (before its last day) with a reason other than X1, even
///   one whose start date cannot be read: its end and reason still say care ended;
/// - no episode began during the year with reason S.
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
        for child in ctx.this.children() {
            let episodes: Vec<usize> =
                eps.rows_of(child).iter().map(|&r| r as usize).filter(|&r| !eps.is_in(r, ls, RESPITE)).collect();
            let looked_after_at_start = episodes
                .iter()
                .any(|&r| decom.get(r).is_some_and(|d| d <= start) && dec.get(r).is_none_or(|d| d >= start));
            let ended_in_year =
                episodes.iter().any(|&r| dec.get(r).is_some_and(|d| d >= start && d < end) && !eps.is(r, rec, "X1"));
            let began_anew =
                episodes.iter().any(|&r| decom.get(r).is_some_and(|d| d > start && d <= end) && eps.is(r, rne, "S"));
            if !looked_after_at_start || ended_in_year || began_anew {
                continue;
            }
            // The last episode by start date, among those with one.
            let last = ctx
                .this
                .episodes_of(child)
                .iter()
                .map(|&r| r as usize)
                .rfind(|&r| !eps.is_in(r, ls, RESPITE) && decom.get(r).is_some_and(|d| d <= end));
            let c = child as usize;
            if last_episode.len() <= c {
                last_episode.resize(c + 1, None);
            }
            last_episode[c] = last.and_then(|l| u32::try_from(l).ok());
        }
        Cohort { last_episode }
    }
}
