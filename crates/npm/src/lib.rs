//! What careful takes from the npm registry, built in at compile time by `build.rs` from the
//! packages `frontend/package-lock.json` pins: the web's static assets (GOV.UK Frontend, MOJ
//! Frontend, careful's own CSS and JavaScript), the common-password list, and where the test
//! suite finds axe-core.

#![forbid(unsafe_code)]

/// One static file the web serves under `/assets/`.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub etag: &'static str,
    pub bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The most used passwords (the zxcvbn list from `@zxcvbn-ts/language-common`), one per line,
/// in lower case.
pub const COMMON_PASSWORDS: &str = include_str!(concat!(env!("OUT_DIR"), "/common-passwords.txt"));

/// Where the test suite finds axe-core, installed from npm with the other packages but never
/// served.
pub const AXE_CORE_JS: &str = env!("CAREFUL_AXE_CORE_JS");
