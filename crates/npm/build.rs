//! Installs careful's npm packages and turns them into what the other crates build in.
//!
//! GOV.UK Frontend, MOJ Frontend, the common-password list (`@zxcvbn-ts/language-common`) and
//! axe-core come from the npm registry, pinned by `frontend/package-lock.json`; nothing
//! third-party is committed. This script:
//!
//! 1. runs `npm ci` in a copy of `frontend/` under `OUT_DIR` (once per lockfile change);
//! 2. compiles `frontend/careful.scss` with Sass, so GOV.UK Frontend is configured for a service
//!    that is not on GOV.UK (Arial, not the GDS Transport typeface reserved for GOV.UK);
//! 3. copies the JavaScript and images the pages use;
//! 4. writes `assets.rs`, a table of every file with its content type and an ETag, included by
//!    `src/lib.rs` with `include_bytes!`;
//! 5. writes `common-passwords.txt`, the zxcvbn list of the most used passwords (about 49,000),
//!    one per line, lower case, for careful's password check (NCSC guidance: refuse common
//!    passwords rather than force complexity or expiry).
//!
//! It needs Node.js 20.19 or later and npm, and the npm registry on the first build.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env("OUT_DIR"));
    let frontend = manifest_dir.join("frontend");
    for file in ["package.json", "package-lock.json", "careful.scss", "careful.js", "careful-body.js", "favicon.svg"] {
        println!("cargo::rerun-if-changed=frontend/{file}");
    }
    println!("cargo::rerun-if-env-changed=CAREFUL_NPM");

    let npm_dir = out_dir.join("npm");
    install_packages(&frontend, &npm_dir);
    let node_modules = npm_dir.join("node_modules");

    let assets = out_dir.join("assets");
    if assets.exists() {
        fs::remove_dir_all(&assets).unwrap_or_else(|e| fail(&format!("cannot clear {}: {e}", assets.display())));
    }
    fs::create_dir_all(assets.join("images"))
        .unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", assets.display())));

    compile_sass(&frontend, &npm_dir, &assets.join("careful.css"));
    let copies = [
        (node_modules.join("govuk-frontend/dist/govuk/govuk-frontend.min.js"), assets.join("govuk-frontend.min.js")),
        (node_modules.join("@ministryofjustice/frontend/moj/moj-frontend.min.js"), assets.join("moj-frontend.min.js")),
        (frontend.join("careful.js"), assets.join("careful.js")),
        (frontend.join("careful-body.js"), assets.join("careful-body.js")),
        (frontend.join("favicon.svg"), assets.join("favicon.svg")),
    ];
    for (from, to) in &copies {
        copy(from, to);
    }
    // Images referenced by the compiled CSS (icons for MOJ components and GOV.UK's own).
    for dir in [
        node_modules.join("govuk-frontend/dist/govuk/assets/images"),
        node_modules.join("@ministryofjustice/frontend/moj/assets/images"),
    ] {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display()))) {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().expect("file name").to_string_lossy().to_string();
            // The crown and GOV.UK icons belong to GOV.UK services only.
            if name.starts_with("govuk-") || name.starts_with("favicon") {
                continue;
            }
            copy(&path, &assets.join("images").join(&name));
        }
    }

    write_table(&assets, &out_dir.join("assets.rs"));
    write_common_passwords(&node_modules, &out_dir.join("common-passwords.txt"));
    // Where the test suite finds axe-core (a development dependency, never served).
    println!("cargo::rustc-env=CAREFUL_AXE_CORE_JS={}", node_modules.join("axe-core/axe.min.js").display());
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("cargo did not set {name}")))
}

fn npm() -> String {
    std::env::var("CAREFUL_NPM").unwrap_or_else(|_| "npm".to_string())
}

/// `npm ci` into `npm_dir`, skipped when the lockfile has not changed since the last install.
fn install_packages(frontend: &Path, npm_dir: &Path) {
    let lock = fs::read(frontend.join("package-lock.json"))
        .unwrap_or_else(|e| fail(&format!("cannot read frontend/package-lock.json: {e}")));
    let package = fs::read(frontend.join("package.json"))
        .unwrap_or_else(|e| fail(&format!("cannot read frontend/package.json: {e}")));
    let stamp = format!("{:016x}{:016x}", fnv1a(&lock), fnv1a(&package));
    let stamp_file = npm_dir.join(".installed");
    if fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) && npm_dir.join("node_modules").exists()
    {
        return;
    }
    fs::create_dir_all(npm_dir).unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", npm_dir.display())));
    fs::write(npm_dir.join("package-lock.json"), &lock).expect("write lockfile copy");
    fs::write(npm_dir.join("package.json"), &package).expect("write package.json copy");
    let status = Command::new(npm())
        .args(["ci", "--ignore-scripts", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(npm_dir)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => fail(&format!(
            "`npm ci` failed ({s}) while installing GOV.UK Frontend and MOJ Frontend from the npm registry. \
             careful's web assets come from the registry at build time; check the network can reach it, \
             then build again"
        )),
        Err(e) => fail(&format!(
            "could not run npm ({e}). careful's web assets (GOV.UK Frontend, MOJ Frontend) are installed \
             from the npm registry at build time: install Node.js 20.19 or later with npm \
             (for example `apt-get install nodejs npm`), or set CAREFUL_NPM to npm's path"
        )),
    }
    fs::write(&stamp_file, stamp).expect("write install stamp");
}

fn compile_sass(frontend: &Path, npm_dir: &Path, out: &Path) {
    let source = frontend.join("careful.scss");
    let output = Command::new("node")
        .arg(npm_dir.join("node_modules/sass/sass.js"))
        .arg(format!("--load-path={}", npm_dir.display()))
        .args(["--style=compressed", "--no-source-map", "--quiet-deps", "--quiet"])
        .arg(&source)
        .arg(out)
        .output()
        .unwrap_or_else(|e| fail(&format!("could not run node to compile careful.scss: {e}")));
    if !output.status.success() {
        fail(&format!("Sass could not compile frontend/careful.scss:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
}

fn copy(from: &Path, to: &Path) {
    fs::copy(from, to).unwrap_or_else(|e| fail(&format!("cannot copy {} to {}: {e}", from.display(), to.display())));
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("json") => "application/json",
        _ => fail(&format!("no content type known for asset {name}")),
    }
}

fn write_table(assets: &Path, out: &Path) {
    let mut files = Vec::new();
    collect(assets, assets, &mut files);
    files.sort();
    let mut code = String::from("// Generated by build.rs. Do not edit.\n");
    code.push_str("pub static ASSETS: &[Asset] = &[\n");
    for relative in &files {
        let full = assets.join(relative);
        let bytes = fs::read(&full).expect("read asset");
        writeln!(
            code,
            "    Asset {{ path: {:?}, content_type: {:?}, etag: \"\\\"{:016x}\\\"\", bytes: include_bytes!({:?}) }},",
            relative,
            content_type(relative),
            fnv1a(&bytes),
            full.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    fs::write(out, code).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", out.display())));
}

/// The common-password list as plain lines: the package's JSON array of strings, lower-cased,
/// deduplicated, in the package's order (most used first).
fn write_common_passwords(node_modules: &Path, out: &Path) {
    let source = node_modules.join("@zxcvbn-ts/language-common/src/passwords.json");
    let json = fs::read_to_string(&source).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", source.display())));
    let mut seen = std::collections::HashSet::new();
    let mut text = String::new();
    // A JSON array of plain strings: read each "..." in turn, undoing the escapes JSON allows.
    let mut chars = json
        .trim()
        .strip_prefix('[')
        .and_then(|j| j.strip_suffix(']'))
        .unwrap_or_else(|| fail("the common-password list is not a JSON array"))
        .chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut word = String::new();
        loop {
            match chars.next() {
                Some('"') | None => break,
                Some('\\') => match chars.next() {
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            word.push(c);
                        }
                    }
                    Some('n') => word.push('\n'),
                    Some('t') => word.push('\t'),
                    Some(other) => word.push(other),
                    None => break,
                },
                Some(other) => word.push(other),
            }
        }
        let word = word.to_lowercase();
        if !word.is_empty() && !word.contains('\n') && seen.insert(word.clone()) {
            text.push_str(&word);
            text.push('\n');
        }
    }
    if seen.len() < 10_000 {
        fail(&format!("the common-password list has only {} entries; expected tens of thousands", seen.len()));
    }
    fs::write(out, text).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", out.display())));
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("read assets directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            files.push(relative);
        }
    }
}

/// FNV-1a, 64-bit: enough to tell one version of a file from another.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
