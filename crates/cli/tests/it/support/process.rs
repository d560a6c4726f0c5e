//! Running the real `careful` binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_careful");

/// Runs `careful ARGS` to completion (it must finish within two minutes).
pub fn run(args: &[&str]) -> Output {
    run_with_env(args, &[])
}

pub fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("CAREFUL_LOG", "warn").env_remove("DATABASE_URL").env_remove("CAREFUL_TOKEN");
    for (k, v) in env {
        command.env(k, v);
    }
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start careful");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(Duration::from_secs(120)).expect("careful finished within two minutes").expect("careful ran")
}

/// Runs `careful ARGS` with `input` on its standard input.
pub fn run_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut command = Command::new(BIN);
    command.args(args).env("CAREFUL_LOG", "warn").env_remove("DATABASE_URL").env_remove("CAREFUL_TOKEN");
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start careful");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write to careful");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(Duration::from_secs(120)).expect("careful finished within two minutes").expect("careful ran")
}

/// Runs `careful ARGS` as the account a personal access token stands for (`CAREFUL_TOKEN`).
pub fn run_as(token: &str, args: &[&str]) -> Output {
    run_with_env(args, &[("CAREFUL_TOKEN", token)])
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A running `careful` server, stopped when dropped.
pub struct Careful {
    child: Option<Child>,
    pub base_url: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Careful {
    /// `careful serve --database URL --port 0`.
    pub fn serve(database_url: &str) -> Careful {
        Careful::start(&["serve", "--database", database_url, "--port", "0"])
    }

    /// Starts `careful ARGS` and waits (up to two minutes) for it to say where it is serving.
    pub fn start(args: &[&str]) -> Careful {
        Careful::start_with(BIN, args)
    }

    /// Starts `PROGRAM ARGS`, which runs careful (a shell that sets limits, then `exec`s it), and
    /// waits as [`Careful::start`] does.
    pub fn start_with(program: &str, args: &[&str]) -> Careful {
        let mut child = Command::new(program)
            .args(args)
            .env("CAREFUL_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start careful");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<String>();
        {
            let pipe = child.stdout.take().expect("stdout");
            let lines = Arc::clone(&stdout);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if let Some(rest) = line.strip_prefix("careful is serving at ") {
                        let _ = tx
                            .send(rest.split_whitespace().next().unwrap_or_default().trim_end_matches('/').to_string());
                    }
                    lines.lock().expect("lock").push(line);
                }
            });
        }
        {
            let pipe = child.stderr.take().expect("stderr");
            let lines = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    lines.lock().expect("lock").push(line);
                }
            });
        }
        let base_url = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "careful {args:?} did not start serving.\nstdout:\n{}\nstderr:\n{}",
                    stdout.lock().expect("lock").join("\n"),
                    stderr.lock().expect("lock").join("\n")
                );
            }
        };
        Careful { child: Some(child), base_url, stdout, stderr }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The process ID (careful's own, when a shell `exec`ed it).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").join("\n")
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().expect("lock").join("\n")
    }

    /// Sends SIGTERM and waits for careful to finish; returns whether it exited successfully.
    pub fn terminate(mut self) -> bool {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        for _ in 0..200 {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "careful did not stop within 10 seconds of SIGTERM; stderr:\n{}",
            self.stderr.lock().expect("lock").join("\n")
        );
    }
}

impl Drop for Careful {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Gives rustls its cryptography (ring), as careful itself does.
// rustls marks ring's provider deprecated for lacking post-quantum key exchange; these clients
// only ever speak plain HTTP to 127.0.0.1.
#[allow(deprecated)]
fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client for careful on 127.0.0.1 (plain HTTP; careful's own build gives reqwest a
/// TLS stack without a default crypto provider, so one is installed first).
pub fn http() -> reqwest::Client {
    install_crypto();
    reqwest::Client::new()
}

/// An HTTP client that does not follow redirects.
pub fn http_no_redirects() -> reqwest::Client {
    install_crypto();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client")
}

/// A GET that returns status, headers and body.
pub async fn get(url: &str) -> reqwest::Response {
    http().get(url).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// A GET as the account a personal access token stands for.
pub async fn get_as(token: &str, url: &str) -> reqwest::Response {
    http().get(url).bearer_auth(token).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// `careful generate`: a synthetic council of `population` children aged 0 to 17 into `url`,
/// `years` years to 31 March 2026, from `seed`; the test fails with careful's message if it
/// cannot.
pub fn generate(url: &str, population: u32, years: u32, seed: u32) {
    let (population, years, seed) = (population.to_string(), years.to_string(), seed.to_string());
    let args = [
        "generate",
        "--population",
        &population,
        "--years",
        &years,
        "--end",
        "2026-03-31",
        "--seed",
        &seed,
        "--database",
        url,
    ];
    let out = run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
