//! `careful bench web`: pages under load. careful serves HTTP on a local port against a
//! synthetic council; each of many signed-in social workers, in its own connection, opens
//! My work and then one of their children's pages, over and over, as a browser would. Every
//! request takes the whole path a real one does: the session cookie, `authorise`, the queries,
//! the template and the audit entry.

use std::sync::Arc;
use std::time::{Duration, Instant};

use careful_app::bench::{Latencies, WebCouncil};
use tokio::sync::oneshot;

use crate::bench::WebArgs;
use crate::failure::Failure;
use crate::output::say;

/// What one session measured.
#[derive(Default)]
struct Measured {
    my_work: Vec<Duration>,
    child: Vec<Duration>,
    failures: Vec<String>,
}

pub async fn run(args: WebArgs) -> Result<(), Failure> {
    if args.sessions == 0 || args.seconds == 0 || args.population < 1_000 {
        return Err(Failure::new("--sessions and --seconds must be at least 1 and --population at least 1,000"));
    }
    // reqwest is built without a TLS provider; this client speaks plain HTTP to 127.0.0.1, but
    // building one needs a provider installed (ring, as the rest of careful uses). An error
    // only means one is already installed.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    say!("Writing (or opening) a synthetic council of {} children...", args.population);
    let council = WebCouncil::open(args.database.as_deref(), args.population, args.keep.as_deref()).await?;
    let result = measure(&council, &args).await;
    council.close().await?;
    result
}

async fn measure(council: &WebCouncil, args: &WebArgs) -> Result<(), Failure> {
    let bytes = council.size().await?;
    match council.written {
        Some(took) => say!(
            "{}: {} children's records, {} events, {:.2} GB, written in {:.0} s.",
            council.engine,
            council.children,
            council.events,
            bytes as f64 / 1e9,
            took.as_secs_f64()
        ),
        None => say!(
            "{} (kept): {} children's records, {} events, {:.2} GB.",
            council.engine,
            council.children,
            council.events,
            bytes as f64 / 1e9
        ),
    }
    let sessions = council.sign_in_social_workers(args.sessions).await?;
    let caseloads: Vec<u64> = sessions.iter().map(|(_, n)| *n).collect();
    say!(
        "Signed in {} sessions as social workers with caseloads of {} to {} children.",
        sessions.len(),
        caseloads.iter().min().copied().unwrap_or(0),
        caseloads.iter().max().copied().unwrap_or(0)
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure::new(format!("could not listen on 127.0.0.1 for the benchmark: {e}")))?;
    let address = listener.local_addr().map_err(|e| Failure::new(e.to_string()))?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(careful_web::serve(listener, council.app.clone(), async {
        let _ = stopped.await;
    }));

    let base = Arc::new(format!("http://{address}"));
    let think = Duration::from_millis(args.think_ms);
    let seconds = args.seconds;
    let start = Arc::new(tokio::sync::Barrier::new(sessions.len()));
    let mut tasks = Vec::with_capacity(sessions.len());
    for (i, (cookie, _)) in sessions.into_iter().enumerate() {
        let (base, start) = (base.clone(), start.clone());
        tasks.push(tokio::spawn(async move { session(i, &base, &cookie, &start, seconds, think).await }));
    }
    let began = Instant::now();
    let mut all = Measured::default();
    for task in tasks {
        match task.await {
            Ok(m) => {
                all.my_work.extend(m.my_work);
                all.child.extend(m.child);
                all.failures.extend(m.failures);
            }
            Err(e) => all.failures.push(format!("a session stopped: {e}")),
        }
    }
    let elapsed = began.elapsed().as_secs_f64().max(seconds as f64);
    let _ = stop.send(());
    let _ = server.await;

    say!(
        "{} sessions for {seconds} s, {} ms between pages, on {} cores:",
        args.sessions,
        args.think_ms,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    say!(
        "{:<28} {:>9} {:>11} {:>10} {:>10} {:>10} {:>10}",
        "page",
        "requests",
        "requests/s",
        "p50",
        "p95",
        "p99",
        "max"
    );
    let total = all.my_work.len() + all.child.len();
    for (label, l) in [("My work", all.my_work), ("a child's page", all.child)] {
        let n = l.len();
        let l = Latencies(l);
        let ms = |p: f64| l.percentile(p).as_secs_f64() * 1000.0;
        say!(
            "{label:<28} {n:>9} {:>11.1} {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>8.1}ms",
            n as f64 / elapsed,
            ms(0.5),
            ms(0.95),
            ms(0.99),
            ms(1.0)
        );
    }
    say!("{:<28} {total:>9} {:>11.1}", "both", total as f64 / elapsed);
    if !all.failures.is_empty() {
        let shown: Vec<&String> = all.failures.iter().take(5).collect();
        return Err(Failure::new(format!(
            "{} requests failed, so the figures above are not a fair measure; the first: {}",
            all.failures.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
        )));
    }
    Ok(())
}

/// One signed-in social worker: opens their caseload once (not measured) to learn their
/// children, waits for every other session, then alternates My work and one of their children's
/// pages until the time is up.
async fn session(
    index: usize,
    base: &str,
    cookie: &str,
    start: &tokio::sync::Barrier,
    seconds: u64,
    think: Duration,
) -> Measured {
    let mut m = Measured::default();
    let client = match reqwest::Client::builder().pool_max_idle_per_host(1).build() {
        Ok(c) => c,
        Err(e) => {
            m.failures.push(format!("session {index}: no HTTP client: {e}"));
            start.wait().await;
            return m;
        }
    };
    let cookie = format!("careful_session={cookie}");
    let children = match get(&client, &format!("{base}/caseload"), &cookie).await {
        Ok(page) => child_links(&page),
        Err(e) => {
            m.failures.push(format!("session {index}: the caseload: {e}"));
            Vec::new()
        }
    };
    start.wait().await;
    if children.is_empty() {
        m.failures.push(format!("session {index}: the caseload listed no children"));
        return m;
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // A small xorshift: each session visits its children in its own order, and pauses for its
    // own time (between half and one and a half times --think-ms), so that sessions do not
    // all ask at the same moment, as people do not.
    let mut state = (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let think_ms = think.as_millis() as u64;
    let pause = move |r: u64| Duration::from_millis(if think_ms == 0 { 0 } else { think_ms / 2 + r % (think_ms + 1) });
    // Sessions start at different moments within the first pause, as people arrive.
    if think_ms > 0 {
        tokio::time::sleep(Duration::from_millis(next() % think_ms)).await;
    }
    while Instant::now() < deadline {
        let begun = Instant::now();
        match get(&client, &format!("{base}/my-work"), &cookie).await {
            Ok(_) => m.my_work.push(begun.elapsed()),
            Err(e) => m.failures.push(format!("My work: {e}")),
        }
        tokio::time::sleep(pause(next())).await;
        let child = &children[(next() % children.len() as u64) as usize];
        let begun = Instant::now();
        match get(&client, &format!("{base}/children/{child}"), &cookie).await {
            Ok(_) => m.child.push(begun.elapsed()),
            Err(e) => m.failures.push(format!("/children/{child}: {e}")),
        }
        tokio::time::sleep(pause(next())).await;
    }
    m
}

async fn get(client: &reqwest::Client, url: &str, cookie: &str) -> Result<String, String> {
    let response = client.get(url).header("cookie", cookie).send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| format!("{url}: {e}"))?;
    if status.is_success() { Ok(body) } else { Err(format!("{url} answered {status}")) }
}

/// The children a page links to (`/children/{id}`), each once.
fn child_links(page: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (at, _) in page.match_indices("href=\"/children/") {
        let rest = &page[at + "href=\"/children/".len()..];
        let id: String = rest.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect();
        if id.len() >= 32 && !found.contains(&id) {
            found.push(id);
        }
    }
    found
}
