//! DfE's CIN rules with codes 8500 to 8799: codes, dates within the census, episodes.

use crate::cin::read::CinTable::{ChildIdentifiers, CinDetails, Section47};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags, is_code};

cin_rule!(R8500, "8500", r8500);
cin_rule!(R8510, "8510", r8510);
cin_rule!(R8520, "8520", r8520);
cin_rule!(R8640, "8640", r8640);
cin_rule!(R8650, "8650", r8650);
cin_rule!(R8675Q, "8675Q", r8675q);

pub(crate) static RULES: &[&CinRule] = &[&R8500, &R8510, &R8520, &R8640, &R8650, &R8675Q];

/// 8500: "LA Child ID missing".
fn r8500(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if !ctx.has(ChildIdentifiers, row, "LAchildID") {
            f.flag(ChildIdentifiers, row, &["LAchildID"]);
        }
    }
}

/// 8510: "More than one child record with the same LA Child ID": every record sharing an ID.
fn r8510(ctx: &Ctx<'_>, f: &mut Flags) {
    for (id, rows) in ctx.by_child(ChildIdentifiers) {
        if !id.is_empty() && rows.len() > 1 {
            for row in rows {
                f.flag(ChildIdentifiers, row, &["LAchildID"]);
            }
        }
    }
}

/// 8520: "Date of Birth is after data collection period (must be on or before the end of the
/// census period)".
fn r8520(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(end) = ctx.reference_date() else { return };
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx.date(ChildIdentifiers, row, "PersonBirthDate").is_some_and(|born| born > end) {
            f.flag(ChildIdentifiers, row, &["PersonBirthDate"]);
        }
    }
}

/// 8675Q: "S47 Enquiry started more than 15 working days before the end of the census year.
/// However, there is no date of Initial Child Protection Conference": an enquiry with no
/// conference date, not concluded as needing none (ICPCnotRequired true), that began more than
/// 15 working days before the reference date (the start day not counted).
fn r8675q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(end) = ctx.reference_date() else { return };
    for row in 0..ctx.t(Section47).len() {
        let Some(start) = ctx.date(Section47, row, "S47ActualStartDate") else { continue };
        let not_required = ctx.value(Section47, row, "ICPCnotRequired").is_some_and(|v| is_code(v, &["true", "1"]));
        let long_ago = ctx.calendar.working_days_between(start, end).is_ok_and(|n| n > 15);
        if long_ago && !not_required && !ctx.has(Section47, row, "DateOfInitialCPC") {
            f.flag(Section47, row, &["DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"]);
        }
    }
}

/// Flags rows of CINdetails whose `column` is given but is not one of `codes`.
fn invalid_code(ctx: &Ctx<'_>, f: &mut Flags, column: &'static str, codes: &[&str]) {
    let t = ctx.t(CinDetails);
    for row in 0..t.len() {
        if t.value(row, column).is_some_and(|v| !is_code(v, codes)) {
            f.flag(CinDetails, row, &[column]);
        }
    }
}

/// 8640: "CIN Reason for closure code invalid": RC1 to RC9 where given.
fn r8640(ctx: &Ctx<'_>, f: &mut Flags) {
    invalid_code(ctx, f, "ReasonForClosure", &["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"]);
}

/// 8650: "Primary Need Code invalid": N0 to N9 where given.
fn r8650(ctx: &Ctx<'_>, f: &mut Flags) {
    invalid_code(ctx, f, "PrimaryNeedCode", &["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"]);
}
