//! Where `careful demo` keeps its database when not told.

use std::path::PathBuf;

/// `careful-demo` under the user's data folder ($XDG_DATA_HOME, ~/.local/share, the macOS
/// Application Support folder or %LOCALAPPDATA%), or under the temporary folder.
pub fn default_demo_dir() -> PathBuf {
    data_home().unwrap_or_else(std::env::temp_dir).join("careful-demo")
}

fn data_home() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return non_empty("LOCALAPPDATA");
    }
    if let Some(dir) = non_empty("XDG_DATA_HOME") {
        return Some(dir);
    }
    let home = non_empty("HOME")?;
    if cfg!(target_os = "macos") {
        Some(home.join("Library").join("Application Support"))
    } else {
        Some(home.join(".local").join("share"))
    }
}
