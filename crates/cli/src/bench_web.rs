//! `careful bench web`: pages under load. careful serves HTTP on a local port against a
//! synthetic council; each of many signed-in social workers, in its own connection, opens
//! My work, one of their children's pages and that child's chronology, over and over, and
//! every third time records a visit to the child through the recording form, as a browser
//! would. Every request takes the whole path a real one does: the session cookie, `authorise`,
//! the queries, the template and the audit entry; a recording also the form's token, the
//! record's sequence (another's entry meanwhile is a conflict), the fold and guardrails, and
//! the append with its projections in one transaction.

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
    chronology: Vec<Duration>,
    /// Opening the recording form.
    form: Vec<Duration>,
    /// Saving a visit (the POST, until careful answers "saved").
    record: Vec<Duration>,
    /// Visits refused while finding the kind that fits the child (each child's first visit
    /// tries the kinds in turn; a child none fits, such as an unborn child, is not visited
    /// again); not failures.
    refused: usize,
    /// Another session's entry on the child came first (sessions of one team share children):
    /// careful said so and saved nothing, as it must.
    conflicts: usize,
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
                all.chronology.extend(m.chronology);
                all.form.extend(m.form);
                all.record.extend(m.record);
                all.refused += m.refused;
                all.conflicts += m.conflicts;
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
    let total = all.my_work.len() + all.child.len() + all.chronology.len() + all.form.len() + all.record.len();
    let saved = all.record.len();
    for (label, l) in [
        ("My work", all.my_work),
        ("a child's page", all.child),
        ("a child's chronology", all.chronology),
        ("the visit form", all.form),
        ("recording a visit", all.record),
    ] {
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
    say!("{:<28} {total:>9} {:>11.1}", "all", total as f64 / elapsed);
    say!(
        "{saved} visits saved; {} refused as not fitting the child (each child's first visit tries the kinds in turn); {} conflicts (another session's entry came first: nothing saved, the form said so).",
        all.refused,
        all.conflicts
    );
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
    // Redirects are not followed: saving answers 303 See Other, as it does to a browser.
    let client = match reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
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
    let mut rng = Rng((index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let think_ms = think.as_millis() as u64;
    let pause = move |r: u64| Duration::from_millis(if think_ms == 0 { 0 } else { think_ms / 2 + r % (think_ms + 1) });
    // Sessions start at different moments within the first pause, as people arrive.
    if think_ms > 0 {
        tokio::time::sleep(Duration::from_millis(rng.next() % think_ms)).await;
    }
    // The kind of visit that fits each child, once found.
    let mut kinds: std::collections::HashMap<String, &'static str> = std::collections::HashMap::new();
    let mut round = 0u64;
    while Instant::now() < deadline {
        round += 1;
        let begun = Instant::now();
        match get(&client, &format!("{base}/my-work"), &cookie).await {
            Ok(_) => m.my_work.push(begun.elapsed()),
            Err(e) => m.failures.push(format!("My work: {e}")),
        }
        tokio::time::sleep(pause(rng.next())).await;
        let child = &children[(rng.next() % children.len() as u64) as usize];
        let begun = Instant::now();
        match get(&client, &format!("{base}/children/{child}"), &cookie).await {
            Ok(_) => m.child.push(begun.elapsed()),
            Err(e) => m.failures.push(format!("/children/{child}: {e}")),
        }
        tokio::time::sleep(pause(rng.next())).await;
        let begun = Instant::now();
        match get(&client, &format!("{base}/children/{child}/chronology"), &cookie).await {
            Ok(_) => m.chronology.push(begun.elapsed()),
            Err(e) => m.failures.push(format!("/children/{child}/chronology: {e}")),
        }
        tokio::time::sleep(pause(rng.next())).await;
        if round.is_multiple_of(3) && kinds.get(child.as_str()) != Some(&"") {
            record_visit(&client, base, &cookie, child, &mut kinds, &mut m).await;
            tokio::time::sleep(pause(rng.next())).await;
        }
    }
    m
}

/// The kinds of visit a child may have, in the order tried.
pub(crate) const VISIT_KINDS: [&str; 5] =
    ["looked_after", "child_protection", "child_in_need", "assessment", "care_leaver"];

/// Records a visit to `child` as a browser does (see [`save_visit`]), seen alone. The first
/// visit to a child tries the kinds in turn until one fits the child (`kinds` remembers it; ""
/// for a child none fits, who is not visited again).
async fn record_visit(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    child: &str,
    kinds: &mut std::collections::HashMap<String, &'static str>,
    m: &mut Measured,
) {
    let trying = !kinds.contains_key(child);
    let to_try: Vec<&'static str> = match kinds.get(child) {
        Some(kind) => vec![*kind],
        None => VISIT_KINDS.to_vec(),
    };
    for kind in to_try {
        let visit = save_visit(client, base, cookie, child, kind, WORDS).await;
        m.form.extend(visit.form_took);
        match visit.answer {
            VisitAnswer::Saved { .. } => {
                m.record.extend(visit.save_took);
                kinds.insert(child.to_string(), kind);
                return;
            }
            VisitAnswer::Conflict { kept: true } => {
                m.conflicts += 1;
                return;
            }
            VisitAnswer::Conflict { kept: false } => {
                m.failures.push("a conflict's page lost what was typed".into());
                return;
            }
            // Finding the kind that fits: the child may be in no plan a visit is made under, or
            // not yet born.
            VisitAnswer::Refused(_) if trying => m.refused += 1,
            VisitAnswer::Refused(problem) => {
                m.failures.push(format!("saving a visit answered 422: {problem}"));
                return;
            }
            VisitAnswer::NoForm(e) => {
                m.failures.push(format!("the visit form: {e}"));
                return;
            }
            VisitAnswer::Unanswered(e) => {
                m.failures.push(format!("saving a visit: {e}"));
                return;
            }
            VisitAnswer::Other(code, problem) => {
                m.failures.push(format!("saving a visit answered {code}: {problem}"));
                return;
            }
        }
    }
    kinds.insert(child.to_string(), "");
}

/// What was typed about the child's wishes and feelings on a visit.
const WORDS: &str = "Happy at school; wants more time with their brother";

/// What saving a visit through the form came to.
#[derive(Debug)]
pub(crate) enum VisitAnswer {
    /// careful answered "saved" (303 See Other); the record's sequence the form was opened at.
    Saved { opened_at: Option<u64> },
    /// Another's entry on the child came first: nothing saved (409); whether the page shown
    /// again kept what was typed.
    Conflict { kept: bool },
    /// Refused as not fitting the child (422), with the problem shown.
    Refused(String),
    /// The form could not be opened: nothing was sent.
    NoForm(String),
    /// The visit was sent but no answer came (the server went away meanwhile).
    Unanswered(String),
    /// Any other answer: its status and the problem shown.
    Other(u16, String),
}

/// A visit saved (or not) through the form, and how long opening and saving took.
pub(crate) struct Visit {
    pub answer: VisitAnswer,
    pub form_took: Option<Duration>,
    pub save_took: Option<Duration>,
}

/// Records a visit of `kind` to `child` as a browser does: opens the form (its token, the
/// record's sequence and today's date), then saves the visit, seen alone, with `words` as the
/// child's wishes and feelings.
pub(crate) async fn save_visit(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    child: &str,
    kind: &str,
    words: &str,
) -> Visit {
    let path = format!("{base}/children/{child}/record/visit");
    let begun = Instant::now();
    let form = match get(client, &format!("{path}?visit={kind}&seen=yes"), cookie).await {
        Ok(page) => page,
        Err(e) => return Visit { answer: VisitAnswer::NoForm(e), form_took: None, save_took: None },
    };
    let form_took = Some(begun.elapsed());
    let value = |name: &str| input_value(&form, name).unwrap_or_default();
    let opened_at = value("_sequence").parse::<u64>().ok();
    let fields = [
        ("csrf_token", value("csrf_token")),
        ("_sequence", value("_sequence")),
        ("date-day", value("date-day")),
        ("date-month", value("date-month")),
        ("date-year", value("date-year")),
        ("visit", kind.to_string()),
        ("seen", "yes".to_string()),
        ("seen_alone.alone", "yes".to_string()),
        ("wishes_and_feelings", words.to_string()),
        ("_note", String::new()),
    ];
    let begun = Instant::now();
    let answer =
        client.post(&path).header("cookie", cookie).header("sec-fetch-site", "same-origin").form(&fields).send().await;
    let response = match answer {
        Ok(r) => r,
        Err(e) => return Visit { answer: VisitAnswer::Unanswered(e.to_string()), form_took, save_took: None },
    };
    let status = response.status();
    let body = match response.text().await {
        Ok(body) => body,
        Err(e) => return Visit { answer: VisitAnswer::Unanswered(e.to_string()), form_took, save_took: None },
    };
    let save_took = Some(begun.elapsed());
    let answer = match status.as_u16() {
        303 => VisitAnswer::Saved { opened_at },
        409 => VisitAnswer::Conflict { kept: body.contains(words) },
        422 => VisitAnswer::Refused(problem_in(&body)),
        code => VisitAnswer::Other(code, problem_in(&body)),
    };
    Visit { answer, form_took, save_took }
}

/// The first problem an error summary on `page` lists, for a failure's message.
fn problem_in(page: &str) -> String {
    let Some(at) = page.find("govuk-error-summary__list") else { return "no error summary".into() };
    let rest = &page[at..];
    let text: String =
        rest.split('<').skip(2).map(|part| part.split_once('>').map_or("", |(_, t)| t)).take(6).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of the form input named `name` in `page`.
fn input_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let tag_start = page[..at].rfind('<')?;
    let tag_end = at + page[at..].find('>')?;
    let tag = &page[tag_start..tag_end];
    let value = tag.find("value=\"")? + "value=\"".len();
    let end = tag[value..].find('"')? + value;
    Some(tag[value..end].replace("&#x2B;", "+").replace("&#x2F;", "/").replace("&#x3D;", "=").replace("&amp;", "&"))
}

pub(crate) async fn get(client: &reqwest::Client, url: &str, cookie: &str) -> Result<String, String> {
    let response = client.get(url).header("cookie", cookie).send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| format!("{url}: {e}"))?;
    if status.is_success() { Ok(body) } else { Err(format!("{url} answered {status}")) }
}

/// The children a page links to (`/children/{id}`), each once.
pub(crate) fn child_links(page: &str) -> Vec<String> {
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

/// A small xorshift (a seed must be odd), so that each run with a seed is the same.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
