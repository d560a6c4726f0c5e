//! DfE's social worker episode rules (SW*, from 2023-24) and NoE (a child whose care began
//! before the year has no episodes in last year's return).

use chrono::NaiveDate;

use crate::ssda903::Table::{Episodes, SwEpisodes};
use crate::ssda903::validate::context::{Child, Ctx, RESPITE, TableView};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{PreviousTable as P, Table as T};
use crate::ssda903::validate::rules::common::flag_rows;

rule!(SW02STG1, "SW02STG1", 2023, [T(SwEpisodes)], sw02);
rule!(SW06STG2, "SW06STG2", 2023, [T(SwEpisodes)], sw06);
rule!(SW07STG2, "SW07STG2", 2024, [T(SwEpisodes)], sw07);
rule!(SW08STG2, "SW08STG2", 2023, [T(SwEpisodes)], sw08);
rule!(SW09STG2, "SW09STG2", 2023, [T(SwEpisodes)], sw09);
rule!(SW10STG2, "SW10STG2", 2024, [T(SwEpisodes)], sw10);
rule!(SW11BSTG2, "SW11bSTG2", 2023, [T(SwEpisodes), T(Episodes)], sw11b);
rule!(SW12STG2, "SW12STG2", 2024, [T(SwEpisodes), T(Episodes)], sw12);
rule!(SW13STG1, "SW13STG1", 2024, [T(SwEpisodes)], sw13);
rule!(SW04STG1, "SW04STG1", 2025, [T(SwEpisodes)], sw04);
rule!(SW05STG1, "SW05STG1", 2025, [T(SwEpisodes)], sw05);
rule!(SW10ASTG2, "SW10aSTG2", 2025, [T(SwEpisodes)], sw10);
rule!(SW10BSTG2, "SW10bSTG2", 2025, [T(SwEpisodes)], sw10b);
rule!(SW18STG2, "SW18STG2", 2025, [T(SwEpisodes)], sw18);
rule!(SW19STG2, "SW19STG2", 2025, [T(SwEpisodes)], sw19);
rule!(SW17STG2, "SW17STG2", 2025, [T(SwEpisodes), T(Episodes)], sw17);
rule!(NOE, "NoE", 2022, [T(Episodes), P(Episodes)], noe);

/// Social worker episodes are reported from 1 April 2023; a reason for a change of social worker
/// is required from then.
fn sw_reporting_start() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2023, 4, 1)
}

/// Reasons for a change of social worker.
const SW_REASON: &[&str] =
    &["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"];

/// SW02STG1: a social worker's ID must begin SW (or XX, for one not known).
fn sw02(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let id = sw.col("SW_ID");
    flag_rows(f, sw, |r| {
        sw.value(r, id).is_some_and(|v| {
            let head = v.get(..2).unwrap_or(v);
            !head.eq_ignore_ascii_case("SW") && !head.eq_ignore_ascii_case("XX")
        })
    });
    Some(())
}

/// SW06STG2: a social worker episode cannot start after the end of the collection year.
fn sw06(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let start = sw.dates("SW_DECOM");
    flag_rows(f, sw, |r| start.get(r).is_some_and(|d| d > ctx.end()));
    Some(())
}

/// SW07STG2 (2024-25): a social worker episode's end date must be within the collection year.
fn sw07(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let end = sw.dates("SW_DEC");
    // The 2024-25 text: the reporting period starts a year before the collection does.
    let from = ctx.start().checked_sub_months(chrono::Months::new(12)).unwrap_or(ctx.start());
    flag_rows(f, sw, |r| end.get(r).is_some_and(|d| d < from || d > ctx.end()));
    Some(())
}

/// The child's social worker episodes with a readable start date, in start order.
fn sw_episodes(sw: &TableView<'_>, child: Child) -> Vec<(NaiveDate, usize)> {
    let start = sw.dates("SW_DECOM");
    let mut out: Vec<(NaiveDate, usize)> =
        sw.rows_of(child).iter().filter_map(|&r| Some((start.get(r as usize)?, r as usize))).collect();
    out.sort_unstable();
    out
}

/// SW08STG2: every social worker episode but the child's latest must have ended.
fn sw08(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let end = sw.col("SW_DEC");
    for child in ctx.this.children() {
        let episodes = sw_episodes(sw, child);
        if let Some((_, earlier)) = episodes.split_last() {
            for &(_, r) in earlier {
                if !sw.has(r, end) {
                    f.flag(SwEpisodes, r);
                }
            }
        }
    }
    Some(())
}

/// SW09STG2: a social worker episode cannot end on the day it began.
fn sw09(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let (start, end) = (sw.dates("SW_DECOM"), sw.dates("SW_DEC"));
    flag_rows(f, sw, |r| start.get(r).is_some_and(|s| end.get(r) == Some(s)));
    Some(())
}

/// SW10STG2 (2024-25) and SW10aSTG2 (2025-26): "A new social worker episode has started before
/// the end date of the previous social worker episode" / "... is not within +/- 7 days of a
/// previous episode": unless the episode's reason is first contact (FCONTA, which SW10bSTG2
/// checks), SW_DECOM must be on or after the previous episode's SW_DEC, give or take 7 days. An
/// overlap of 7 days or fewer is a handover, not a finding.
fn sw10(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let reason = sw.col("SW_REASON");
    after_previous(ctx, sw, |start, ended, r| {
        let handover = ended - chrono::Duration::days(7) <= start;
        if !handover && !sw.is(r, reason, "FCONTA") {
            f.flag(SwEpisodes, r);
        }
    });
    Some(())
}

/// Calls `check` with each social worker episode's start, the latest end of the child's
/// episodes that started before it (in start order), and its row, for every episode that has
/// such an earlier end.
fn after_previous(ctx: &Ctx<'_>, sw: &TableView<'_>, mut check: impl FnMut(NaiveDate, NaiveDate, usize)) {
    let end = sw.dates("SW_DEC");
    for child in ctx.this.children() {
        let mut ended: Option<NaiveDate> = None;
        for (start, r) in sw_episodes(sw, child) {
            if let Some(e) = ended {
                check(start, e, r);
            }
            if let Some(e) = end.get(r) {
                ended = Some(ended.map_or(e, |x| x.max(e)));
            }
        }
    }
}

/// SW10bSTG2 (2025-26): "A new social worker episode has started with a reason of first contact
/// before the previous episode has ended": an episode whose reason is first contact (FCONTA)
/// must start after the previous episode's SW_DEC, with no tolerance.
fn sw10b(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let reason = sw.col("SW_REASON");
    after_previous(ctx, sw, |start, ended, r| {
        if sw.is(r, reason, "FCONTA") && start <= ended {
            f.flag(SwEpisodes, r);
        }
    });
    Some(())
}

/// SW18STG2 (2025-26): "The end date of the social worker episode is before the start date":
/// where given, SW_DEC must be after SW_DECOM (DfE's condition is SW_DEC > SW_DECOM).
fn sw18(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let (start, end) = (sw.dates("SW_DECOM"), sw.dates("SW_DEC"));
    flag_rows(f, sw, |r| matches!((start.get(r), end.get(r)), (Some(s), Some(e)) if e <= s));
    Some(())
}

/// SW19STG2 (2025-26): "There are 2 social worker episodes for the child starting on the same
/// date": each of the child's episodes must start on a day of its own; every episode sharing its
/// start date with another is flagged.
fn sw19(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    for child in ctx.this.children() {
        let episodes = sw_episodes(sw, child);
        for (i, &(start, r)) in episodes.iter().enumerate() {
            let shared = episodes.get(i.wrapping_sub(1)).is_some_and(|&(s, _)| s == start)
                || episodes.get(i + 1).is_some_and(|&(s, _)| s == start);
            if shared {
                f.flag(SwEpisodes, r);
            }
        }
    }
    Some(())
}

/// Flags rows whose `column` is given but is not a whole date, day, month and year (2025-26:
/// "not a valid date"; the ZZ for unknown parts allowed before is no longer).
fn not_a_whole_date(ctx: &Ctx<'_>, f: &mut Flags, column: &str) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let dates = sw.dates(column);
    flag_rows(f, sw, |r| matches!(dates.cell(r), crate::ssda903::validate::context::DateCell::Invalid));
    Some(())
}

/// SW04STG1 (2025-26): "Date social worker episode began is not a valid date".
fn sw04(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_whole_date(ctx, f, "SW_DECOM")
}

/// SW05STG1 (2025-26): the end date, when given, must be a valid date.
fn sw05(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_whole_date(ctx, f, "SW_DEC")
}

/// Whether the child is looked after at the end of the collection year other than on a short
/// break: the episode open then, if any.
fn looked_after_at_end(ctx: &Ctx<'_>, child: Child) -> Option<usize> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    ctx.this.open_episode_at(child, ctx.end()).filter(|&e| !eps.is_in(e, ls, RESPITE))
}

/// SW11bSTG2: "Social worker episode has ended before 31 March and no subsequent social worker
/// episode has been provided", for a child looked after at 31 March (other than on a short
/// break). The latest episode is the latest to start within the year (one starting after it
/// does not make an episode the latest); it is a finding only when no episode starts on or
/// after the day it ended, within the year.
fn sw11b(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let end = sw.dates("SW_DEC");
    for child in ctx.this.children() {
        if looked_after_at_end(ctx, child).is_none() {
            continue;
        }
        let episodes = sw_episodes(sw, child);
        let in_year: Vec<_> = episodes.iter().filter(|(s, _)| *s <= ctx.end()).collect();
        if let Some(&&(_, latest)) = in_year.last()
            && let Some(ended) = end.get(latest).filter(|e| *e < ctx.end())
            && !in_year.iter().any(|&&(s, r)| r != latest && s >= ended)
        {
            f.flag(SwEpisodes, latest);
        }
    }
    Some(())
}

/// SW12STG2 (2024-25): "If a child is looked after on 31 March then all social worker episodes
/// for the full previous year should be reported, even those whilst they were not looked
/// after" (other than on a short break): the earliest must start on or before the first day of
/// the year, or of the child's life for a child born during it (no social worker before birth).
/// The start of care does not move it: the wording asks for episodes before care too. The
/// episode open at 31 March is flagged.
fn sw12(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    for child in ctx.this.children() {
        let Some(open) = looked_after_at_end(ctx, child) else { continue };
        let from = ctx.this.dob(child).map_or(ctx.start(), |dob| dob.max(ctx.start()));
        let covered = sw_episodes(sw, child).first().is_some_and(|&(s, _)| s <= from);
        if !covered {
            f.flag(Episodes, open);
        }
    }
    Some(())
}

/// SW13STG1 (2024-25): the reason for a change of social worker must be one of DfE's codes, and
/// given for an episode starting on or after 1 April 2023.
fn sw13(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let reason = sw.col("SW_REASON");
    let start = sw.dates("SW_DECOM");
    let from = sw_reporting_start()?;
    flag_rows(f, sw, |r| match sw.value(r, reason) {
        Some(v) => !SW_REASON.iter().any(|c| v.eq_ignore_ascii_case(c)),
        None => start.get(r).is_some_and(|d| d >= from),
    });
    Some(())
}

/// SW17STG2 (2025-26): a child looked after at 31 March (other than on a short break) must have
/// a social worker episode open then (started by 31 March, not ended before it); their latest
/// social worker episode is flagged.
fn sw17(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let sw = ctx.this.table(SwEpisodes)?;
    let end = sw.dates("SW_DEC");
    for child in ctx.this.children() {
        if looked_after_at_end(ctx, child).is_none() {
            continue;
        }
        let episodes = sw_episodes(sw, child);
        let open = episodes.iter().any(|&(s, r)| s <= ctx.end() && end.get(r).is_none_or(|e| e >= ctx.end()));
        if let Some(&(_, latest)) = episodes.last()
            && !open
        {
            f.flag(SwEpisodes, latest);
        }
    }
    Some(())
}

/// NoE: a child with an episode that began before this collection year must have episodes in
/// last year's return; those episodes are flagged.
fn noe(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let last = ctx.last.as_ref()?.table(Episodes)?;
    let decom = eps.dates("DECOM");
    flag_rows(f, eps, |r| {
        decom.get(r).is_some_and(|d| d < ctx.start()) && eps.child(r).is_some_and(|c| !last.has_child(c))
    });
    Some(())
}
