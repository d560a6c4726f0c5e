//! The rules, one file per range of codes. Each rule is a `static` [`Rule`] beside its check
//! function; [`super::registry`] lists which rules each collection year runs.
//!
//! - [`int`]: the reference validator's own integrity checks (INT01 to INT36) and EPI, which
//!   DfE's catalogue carries.
//! - [`r100`] to [`r700`]: codes 100 to 799, by hundreds (3001 is with the 300s);
//!   [`r1000`]: 1000 to 1016, but 1008.
//! - [`ofsted`]: the rules that need Ofsted's provider list (1008, 219, 221, 224, 227 to 229).
//! - [`sw`]: the social worker episode rules (SW*) and NoE.
//! - [`common`]: shapes of rule several files share (a code list, a date, the OC2 cohort).
//!
//! [`Rule`]: super::rule::Rule

/// Declares a rule: `rule!(NAME, "code", defined_in, [needs...], check);`.
macro_rules! rule {
    ($name:ident, $code:literal, $year:literal, [$($need:expr),* $(,)?], $check:expr) => {
        #[doc = concat!("DfE rule ", $code, " (text of ", stringify!($year), ").")]
        pub(crate) static $name: $crate::ssda903::validate::rule::Rule = $crate::ssda903::validate::rule::Rule {
            code: $code,
            defined_in: $year,
            needs: &[$($need),*],
            check: $check,
        };
    };
}

pub(crate) mod common;
pub(crate) mod int;
pub(crate) mod ofsted;
pub(crate) mod r100;
pub(crate) mod r1000;
pub(crate) mod r200;
pub(crate) mod r300;
pub(crate) mod r400;
pub(crate) mod r500;
pub(crate) mod r600;
pub(crate) mod r700;
pub(crate) mod sw;
