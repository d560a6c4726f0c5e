//! `careful bench crash`: kill -9 while people record, then check nothing was lost.
//!
//! A synthetic council is written into a scratch database; `careful serve` runs on it in a
//! process of its own; many signed-in social workers of one team record visits, all on the same
//! few children, through the recording form as a browser does (the session, the form's token,
//! the record's sequence, the guardrails, the one write path). Again and again, at a random
//! moment, the server is killed with SIGKILL and started again; the clients carry on as people
//! would, sending again what got no answer. Each client notes every entry careful acknowledged,
//! every one it answered "not saved" (a conflict: another's entry came first), and every one
//! that got no answer. At the end the database is checked (see `careful_app::crash`): every
//! acknowledged entry is there once, right after the version its form was opened at; nothing
//! answered "not saved" is there; no record is half-written; the projections and worklists are
//! what a rebuild from the events gives; the audit chain verifies.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use careful_app::bench::Latencies;
use careful_app::crash::{CrashCheck, CrashCouncil, Ledger, Recording};
use careful_domain::ChildId;
use clap::Args;

use crate::bench_web::{Rng, VISIT_KINDS, VisitAnswer, child_links, get, save_visit};
use crate::failure::Failure;
use crate::output::say;

#[derive(Args)]
pub struct CrashArgs {
    /// A PostgreSQL server (a scratch database is created on it and removed afterwards), or
    /// sqlite:// for SQLite [default: SQLite in a temporary folder].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Children aged 0 to 17 in the synthetic council.
    #[arg(long, default_value_t = 2_000)]
    population: u64,
    /// Clients recording at once: signed-in sessions of the social workers of one team (more
    /// clients than workers share workers, as one person in two tabs does).
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// The children every client records on, taken from the team's caseload: few enough that
    /// clients often record on the same child at the same moment (and many enough that each
    /// record stays the size of a real one: every entry adds to what each save reads and folds).
    #[arg(long, default_value_t = 40)]
    children: usize,
    /// Times the server is killed with SIGKILL while the clients record.
    #[arg(long, default_value_t = 20)]
    kills: usize,
    /// Entries careful must acknowledge over the run, at least.
    #[arg(long, default_value_t = 10_000)]
    recordings: usize,
    /// Seeds the moments of the kills and the clients' choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Every marker begins with this, so the clients' entries are told from the council's own.
const MARK: &str = "careful bench crash:";

/// What the clients saw, beside the ledger.
#[derive(Default)]
struct Seen {
    ledger: Ledger,
    /// Conflicts answered with the typed answers kept, and without.
    conflicts_kept: usize,
    failures: Vec<String>,
}

pub async fn run(args: CrashArgs) -> Result<(), Failure> {
    if args.clients == 0 || args.children == 0 || args.recordings == 0 || args.population < 100 {
        return Err(Failure::new(
            "--clients, --children and --recordings must be at least 1 and --population at least 100",
        ));
    }
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    say!("Writing a synthetic council of {} children...", args.population);
    let council = CrashCouncil::create(args.database.as_deref(), args.population, args.clients).await?;
    say!(
        "{}: {} children's records, {} events; {} sessions of one team's social workers signed in.",
        council.engine,
        council.children,
        council.events,
        council.sessions.len()
    );
    let result = crash(&council, &args).await;
    council.remove().await?;
    let check = result?;
    if !check.is_sound() {
        return Err(Failure::new("the checks found problems, listed above"));
    }
    Ok(())
}

/// The server, in a process of its own, on one port across restarts.
struct Server {
    url: String,
    port: u16,
    log: PathBuf,
    process: Option<Child>,
}

impl Server {
    /// Starts `careful serve` and waits until it answers that it is ready; returns how long
    /// that took.
    async fn start(&mut self, client: &reqwest::Client) -> Result<Duration, Failure> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| Failure::new(format!("could not write the server's log {}: {e}", self.log.display())))?;
        let err = log.try_clone().map_err(|e| Failure::new(e.to_string()))?;
        let exe = std::env::current_exe().map_err(|e| Failure::new(format!("where is careful? {e}")))?;
        let begun = Instant::now();
        let process = Command::new(exe)
            .args(["serve", "--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .env("DATABASE_URL", &self.url)
            .env("CAREFUL_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .spawn()
            .map_err(|e| Failure::new(format!("could not start careful serve: {e}")))?;
        self.process = Some(process);
        let ready = format!("http://127.0.0.1:{}/readyz", self.port);
        while begun.elapsed() < Duration::from_secs(120) {
            if let Some(process) = self.process.as_mut()
                && let Ok(Some(status)) = process.try_wait()
            {
                return Err(Failure::new(format!(
                    "careful serve stopped on starting ({status}): see {}",
                    self.log.display()
                )));
            }
            if client.get(&ready).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(begun.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(Failure::new(format!("careful serve was not ready after 120 s: see {}", self.log.display())))
    }

    /// Kills the server with SIGKILL (`Child::kill` sends SIGKILL on Unix) and waits for it.
    fn kill(&mut self) -> Result<(), Failure> {
        if let Some(mut process) = self.process.take() {
            process.kill().map_err(|e| Failure::new(format!("could not kill careful serve: {e}")))?;
            process.wait().map_err(|e| Failure::new(e.to_string()))?;
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

async fn crash(council: &CrashCouncil, args: &CrashArgs) -> Result<CrashCheck, Failure> {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| Failure::new(format!("could not find a free port on 127.0.0.1: {e}")))?;
        listener.local_addr().map_err(|e| Failure::new(e.to_string()))?.port()
    };
    let log = std::env::temp_dir().join(format!("careful-bench-crash-{}-{port}.log", std::process::id()));
    let mut server = Server { url: council.url().to_string(), port, log: log.clone(), process: None };
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| Failure::new(format!("no HTTP client: {e}")))?;
    let mut restarts = Latencies::default();
    server.start(&probe).await?;
    let base = Arc::new(format!("http://127.0.0.1:{port}"));

    // The children every client records on: the first of the first session's caseload that a
    // visit fits (all the sessions are of one team, so each may record on them).
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = shared_children(&base, &council.sessions, args.children, &seen).await?;
    say!(
        "{} clients recording visits on {} children; the server is killed with SIGKILL {} times.",
        council.sessions.len(),
        shared.len(),
        args.kills
    );

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(seen.lock().map(|s| s.ledger.acknowledged.len()).unwrap_or(0)));
    let shared = Arc::new(shared);
    let mut clients = Vec::new();
    for (i, cookie) in council.sessions.iter().enumerate() {
        let (base, shared, seen, stop, acknowledged) =
            (base.clone(), shared.clone(), seen.clone(), stop.clone(), acknowledged.clone());
        let cookie = format!("careful_session={cookie}");
        let seed = args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(i as u64 + 1) | 1;
        clients.push(tokio::spawn(async move {
            client(i, &base, &cookie, &shared, seed, &seen, &stop, &acknowledged).await
        }));
    }

    // Kill at random moments: after a random number of acknowledged entries, between half and
    // one and a half times an even share of the run's.
    let began = Instant::now();
    let mut rng = Rng(args.seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
    let share = (args.recordings / (args.kills + 1)).max(1);
    let mut outcome = Ok(());
    for _ in 0..args.kills {
        let wanted = acknowledged.load(Ordering::SeqCst) + share / 2 + (rng.next() as usize) % (share + 1);
        if let Err(e) = wait_for(&acknowledged, wanted, &seen).await {
            outcome = Err(e);
            break;
        }
        server.kill()?;
        say!(
            "Killed ({} of {}) with {} entries acknowledged; starting again...",
            restarts.0.len() + 1,
            args.kills,
            acknowledged.load(Ordering::SeqCst)
        );
        match server.start(&probe).await {
            Ok(took) => restarts.0.push(took),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    if outcome.is_ok() {
        outcome = wait_for(&acknowledged, args.recordings, &seen).await;
    }
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        let _ = c.await;
    }
    let elapsed = began.elapsed();
    server.kill()?;
    outcome?;

    let seen = std::mem::take(&mut *seen.lock().map_err(|_| Failure::new("a client panicked"))?);
    let restarted = match restarts.0.iter().max() {
        Some(longest) => format!(
            "; {} sent when the server was killed and never answered; {} restarts, ready again in {:.2} s at the median and {:.2} s at the most",
            seen.ledger.unanswered.len(),
            restarts.0.len(),
            restarts.percentile(0.5).as_secs_f64(),
            longest.as_secs_f64()
        ),
        None => String::new(),
    };
    say!(
        "Ran {:.0} s: {} entries acknowledged; {} conflicts answered (another's entry came first: nothing saved, the typed answers kept){restarted}.",
        elapsed.as_secs_f64(),
        seen.ledger.acknowledged.len(),
        seen.conflicts_kept,
    );
    say!("Checking the database...");
    let check = council.check(&seen.ledger, MARK).await?;
    report(&check);
    if !seen.failures.is_empty() {
        let shown: Vec<&String> = seen.failures.iter().take(10).collect();
        return Err(Failure::new(format!(
            "{} requests went wrong, such as: {}",
            seen.failures.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
        )));
    }
    let _ = std::fs::remove_file(&log);
    Ok(check)
}

fn report(check: &CrashCheck) {
    say!(
        "Checked {} children's records, {} events, against {} acknowledged entries:",
        check.children,
        check.events,
        check.acknowledged
    );
    let lines: [(&str, &Vec<String>); 6] = [
        ("acknowledged entries lost", &check.lost),
        ("lost updates (saved over a version of the record its author had not seen)", &check.lost_updates),
        ("entries in the record more than once", &check.duplicated),
        ("entries answered \"not saved\" yet in the record", &check.saved_though_refused),
        ("records half-written (a gap, an event that does not decode, a fold that fails)", &check.half_written),
        ("children whose projection or worklist differs from a rebuild from the events", &check.projections_differ),
    ];
    for (what, found) in lines {
        say!("  {what}: {}", found.len());
        for f in found.iter().take(5) {
            say!("    {f}");
        }
    }
    say!(
        "  unanswered when the server was killed: {} saved whole, {} not saved",
        check.unanswered_saved,
        check.unanswered_absent
    );
    say!(
        "  audit chain: {} entries, {}",
        check.audit.entries,
        if check.audit.is_intact() { "intact".to_string() } else { format!("{} breaks", check.audit.problems.len()) }
    );
}

/// Waits until `count` reaches `wanted`, or a client fails (its failure is the error).
async fn wait_for(count: &AtomicUsize, wanted: usize, seen: &Mutex<Seen>) -> Result<(), Failure> {
    let mut last = (count.load(Ordering::SeqCst), Instant::now());
    loop {
        let now = count.load(Ordering::SeqCst);
        if now >= wanted {
            return Ok(());
        }
        if let Some(first) = seen.lock().ok().and_then(|s| s.failures.first().cloned()) {
            return Err(Failure::new(format!("a client failed: {first}")));
        }
        if now != last.0 {
            last = (now, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(120) {
            return Err(Failure::new(format!("no entry was acknowledged for 120 s (at {now} of {wanted})")));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Up to `wanted` children of the sessions' caseloads (all of one team) that a visit fits, each
/// with the kind that fits (found by recording one, which goes in the ledger like any other).
async fn shared_children(
    base: &str,
    sessions: &[String],
    wanted: usize,
    seen: &Mutex<Seen>,
) -> Result<Vec<(String, &'static str)>, Failure> {
    let client = http_client()?;
    let cookie = format!("careful_session={}", sessions[0]);
    let mut children: Vec<String> = Vec::new();
    for session in sessions {
        let caseload = get(&client, &format!("{base}/caseload"), &format!("careful_session={session}"))
            .await
            .map_err(Failure::new)?;
        for child in child_links(&caseload) {
            if !children.contains(&child) {
                children.push(child);
            }
        }
    }
    let mut shared = Vec::new();
    let mut n = 0;
    for child in children {
        if shared.len() >= wanted {
            break;
        }
        for kind in VISIT_KINDS {
            n += 1;
            let marker = format!("{MARK} finding the kind of visit, entry {n}");
            let visit = save_visit(&client, base, &cookie, &child, kind, &marker).await;
            let Some(parsed) = parse_child(&child) else { break };
            let mut seen = seen.lock().map_err(|_| Failure::new("a client panicked"))?;
            match visit.answer {
                VisitAnswer::Saved { opened_at } => {
                    seen.ledger.acknowledged.push(Recording { child: parsed, marker, opened_at });
                    shared.push((child.clone(), kind));
                    break;
                }
                VisitAnswer::Refused(_) => {
                    seen.ledger.not_saved.push(Recording { child: parsed, marker, opened_at: None })
                }
                other => return Err(Failure::new(format!("finding the children to record on: {other:?}"))),
            }
        }
    }
    if shared.is_empty() {
        return Err(Failure::new("no child of the team's caseload could be visited"));
    }
    Ok(shared)
}

fn parse_child(id: &str) -> Option<ChildId> {
    id.parse::<uuid::Uuid>().ok().map(ChildId::from_uuid)
}

fn http_client() -> Result<reqwest::Client, Failure> {
    // Redirects are not followed: saving answers 303 See Other, as it does to a browser.
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Failure::new(format!("no HTTP client: {e}")))
}

/// One client: records visits on the shared children, one after another, until told to stop.
/// When the server is away it waits a moment and goes on, as a person sends again.
#[allow(clippy::too_many_arguments)]
async fn client(
    index: usize,
    base: &str,
    cookie: &str,
    shared: &[(String, &'static str)],
    seed: u64,
    seen: &Mutex<Seen>,
    stop: &AtomicBool,
    acknowledged: &AtomicUsize,
) {
    let Ok(client) = http_client() else {
        if let Ok(mut s) = seen.lock() {
            s.failures.push(format!("client {index}: no HTTP client"));
        }
        return;
    };
    let mut rng = Rng(seed);
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let (child, kind) = &shared[(rng.next() % shared.len() as u64) as usize];
        let Some(parsed) = parse_child(child) else { return };
        n += 1;
        let marker = format!("{MARK} client {index} entry {n}");
        let visit = save_visit(&client, base, cookie, child, kind, &marker).await;
        let recording = |opened_at| Recording { child: parsed, marker: marker.clone(), opened_at };
        let away = {
            let Ok(mut s) = seen.lock() else { return };
            match visit.answer {
                VisitAnswer::Saved { opened_at } => {
                    s.ledger.acknowledged.push(recording(opened_at));
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                    false
                }
                VisitAnswer::Conflict { kept } => {
                    s.ledger.not_saved.push(recording(None));
                    if kept {
                        s.conflicts_kept += 1;
                    } else {
                        s.failures.push(format!("client {index}: a conflict's page lost what was typed"));
                    }
                    false
                }
                VisitAnswer::Unanswered(_) => {
                    s.ledger.unanswered.push(recording(None));
                    true
                }
                // The server is away (killed, or starting again): nothing was sent.
                VisitAnswer::NoForm(_) => true,
                VisitAnswer::Refused(problem) => {
                    s.ledger.not_saved.push(recording(None));
                    s.failures.push(format!("client {index}: a visit that fitted before was refused: {problem}"));
                    false
                }
                VisitAnswer::Other(code, problem) => {
                    s.ledger.not_saved.push(recording(None));
                    s.failures.push(format!("client {index}: saving a visit answered {code}: {problem}"));
                    false
                }
            }
        };
        if away {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
