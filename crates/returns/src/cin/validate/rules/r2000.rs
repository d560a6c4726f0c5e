//! DfE's CIN rules with codes 2000 to 4999: plans and the child's characteristics.

use crate::cin::read::CinTable::ChildIdentifiers;
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags, is_code};

cin_rule!(R4180, "4180", r4180);

pub(crate) static RULES: &[&CinRule] = &[&R4180];

/// 4180 (2024-25): "Sex must be provided and equal M, F, or U".
fn r4180(ctx: &Ctx<'_>, f: &mut Flags) {
    let t = ctx.t(ChildIdentifiers);
    for row in 0..t.len() {
        if !t.value(row, "Sex").is_some_and(|s| is_code(s, &["M", "F", "U"])) {
            f.flag(ChildIdentifiers, row, &["Sex"]);
        }
    }
}
