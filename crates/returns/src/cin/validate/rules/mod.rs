//! DfE's CIN rules, one function per code, in files by range of code. Each file lists its
//! rules in `RULES`; [`ALL`] gathers them.

macro_rules! cin_rule {
    ($name:ident, $code:literal, $check:expr) => {
        #[doc = concat!("DfE CIN rule ", $code, ".")]
        pub(crate) static $name: $crate::cin::validate::CinRule =
            $crate::cin::validate::CinRule { code: $code, check: $check };
    };
}

pub(crate) mod r1000;
pub(crate) mod r2000;
pub(crate) mod r8500;
pub(crate) mod r8700;
pub(crate) mod r8800;

use super::CinRule;

/// Every implemented rule, by file.
pub(crate) static ALL: &[&[&CinRule]] = &[r1000::RULES, r2000::RULES, r8500::RULES, r8700::RULES, r8800::RULES];
