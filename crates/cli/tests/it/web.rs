//! The server, run as `careful serve` and `careful demo`, over real HTTP.

use crate::on_both_engines;
use crate::support::process::{Careful, get, get_as, run, text};
use crate::support::web::text_of;
use crate::support::{Engine, TempDir, TestDb};

on_both_engines!(serves_the_start_page_health_and_assets, answers_unknown_pages_with_a_gov_uk_404);

async fn serves_the_start_page_health_and_assets(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let token = analyst_token(&db).await;
    let careful = Careful::start(&[
        "serve",
        "--database",
        &db.url_string(),
        "--port",
        "0",
        "--council-name",
        "Testshire County Council",
    ]);

    // Signed out, the front page leads to signing in.
    let first = crate::support::process::http_no_redirects().get(careful.url("/")).send().await.unwrap();
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], "/sign-in");
    let page = get(&careful.url("/")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.url().path(), "/sign-in");
    let headers = page.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    let html = page.text().await.unwrap();
    for expected in [
        "<html lang=\"en\" class=\"govuk-template\">",
        "<link rel=\"stylesheet\" href=\"/assets/careful.css\">",
        "class=\"govuk-generic-header\"",
        "Testshire County Council",
        "class=\"govuk-phase-banner\"",
        "class=\"govuk-footer\"",
        "<h1 class=\"govuk-heading-l\">Sign in to careful</h1>",
        "action=\"/sign-in\"",
    ] {
        assert!(html.contains(expected), "the sign-in page lacks {expected:?}:\n{html}");
    }
    // Signed out: no figures at all, and no demo warning.
    assert!(!html.contains("app-figures__number"), "{html}");
    assert!(!html.contains("synthetic council"), "{html}");
    // Signed in without work of their own (an analyst): the start page, with the figures (an
    // empty database: nothing to count yet) and the engine.
    let html = get_as(&token, &careful.url("/")).await.text().await.unwrap();
    assert!(html.contains("<h1 class=\"govuk-heading-xl\">careful</h1>"), "{html}");
    assert!(html.contains("<span class=\"app-figures__number\">0</span>"), "{html}");
    let engine_name = match engine {
        Engine::Sqlite => "SQLite",
        Engine::Postgres => "PostgreSQL",
    };
    assert!(html.contains(engine_name), "{html}");

    for path in ["/healthz", "/readyz"] {
        let response = get(&careful.url(path)).await;
        assert_eq!(response.status(), 200, "{path}");
    }

    let css = get(&careful.url("/assets/careful.css")).await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let etag = css.headers()["etag"].to_str().unwrap().to_string();
    let body = css.text().await.unwrap();
    // GOV.UK Frontend and MOJ Frontend compiled in, on Arial rather than GOV.UK's own typeface.
    assert!(body.contains(".govuk-generic-header") && body.contains(".govuk-phase-banner"));
    assert!(body.contains(".moj-timeline"));
    assert!(body.contains("font-family:arial,sans-serif") && !body.contains("GDS Transport"));
    let again = crate::support::process::http()
        .get(careful.url("/assets/careful.css"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    for script in [
        "/assets/govuk-frontend.min.js",
        "/assets/moj-frontend.min.js",
        "/assets/careful.js",
        "/assets/careful-body.js",
    ] {
        let response = get(&careful.url(script)).await;
        assert_eq!(response.status(), 200, "{script}");
        assert_eq!(response.headers()["content-type"], "text/javascript; charset=utf-8");
    }
    assert_eq!(get(&careful.url("/assets/nothing-here.js")).await.status(), 404);
    assert!(careful.terminate(), "careful did not stop cleanly on SIGTERM");
}

async fn answers_unknown_pages_with_a_gov_uk_404(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let careful = Careful::serve(&db.url_string());
    let response = get(&careful.url("/no/such/page")).await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Page not found</h1>"), "{html}");
    assert!(html.contains("If you typed the web address, check it is correct."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_when_the_database_goes_away() {
    let Some(db) = TestDb::new(Engine::Postgres) else { return };
    let careful = Careful::serve(&db.url_string());
    assert_eq!(get(&careful.url("/readyz")).await.status(), 200);
    // Drop the database out from under the running server.
    drop(db);
    let response = get(&careful.url("/readyz")).await;
    assert_eq!(response.status(), 503);
    assert!(response.text().await.unwrap().starts_with("not ready:"));
    // The process itself is still up.
    assert_eq!(get(&careful.url("/healthz")).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_seeds_a_synthetic_council_once_and_reuses_it() {
    let dir = TempDir::new();
    let data_dir = dir.path().to_string_lossy().to_string();
    let demo = Careful::start(&["demo", "--port", "0", "--data-dir", &data_dir, "--population", "3000"]);
    let out = demo.stdout();
    assert!(out.contains("Created the synthetic Eastmoor Borough Council"), "{out}");
    let children: u64 = out
        .split("Eastmoor Borough Council (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of children in {out}"));
    assert!(children > 200, "{out}");
    // The demo prints its accounts, one per role, and its sign-in page offers each in one click.
    for username in [
        "demo.social.worker",
        "demo.team.manager",
        "demo.iro",
        "demo.front.door",
        "demo.analyst",
        "demo.scrutiny",
        "synthetic.admin",
    ] {
        assert!(out.contains(username), "{username} missing from:\n{out}");
    }
    let html = get(&demo.url("/")).await.text().await.unwrap();
    assert!(html.contains("This is a demonstration with a synthetic council"), "{html}");
    assert!(html.contains("Every child, family and worker in it is synthetic"));
    let browser = crate::support::web::Session::new(&demo.base_url);
    let sign_in = browser.get("/sign-in").await;
    assert!(sign_in.body.contains("Sign in as someone in the synthetic council"), "{}", sign_in.body);
    assert!(sign_in.body.contains("value=\"demo.social.worker\""), "{}", sign_in.body);
    let signed_in = browser.demo_sign_in("demo.social.worker").await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    // The front page takes a practitioner to their work.
    let front = browser.get("/").await;
    assert_eq!(front.status, 303);
    let my_work = browser.get("/my-work").await;
    assert_eq!(my_work.status, 200);
    assert!(my_work.body.contains("<h1 class=\"govuk-heading-l\">My work</h1>"), "{}", my_work.body);
    assert!(my_work.body.matches("href=\"/children/").count() >= 5, "{}", my_work.body);
    let figure = format!("<span class=\"app-figures__number\">{children}</span>");
    // A newcomer sees a real caseload.
    let caseload = browser.get("/caseload").await;
    assert_eq!(caseload.status, 200);
    assert!(caseload.body.matches("href=\"/children/").count() >= 5, "{}", caseload.body);
    assert_eq!(get(&demo.url("/healthz")).await.status(), 200);
    assert_eq!(get(&demo.url("/readyz")).await.status(), 200);
    assert!(demo.terminate());

    let again = Careful::start(&["demo", "--port", "0", "--data-dir", &data_dir]);
    assert!(
        again
            .stdout()
            .contains(&format!("Using the demo database in {data_dir}/careful-demo.db ({children} children)")),
        "{}",
        again.stdout()
    );
    let browser = crate::support::web::Session::new(&again.base_url);
    assert_eq!(browser.demo_sign_in("demo.analyst").await.status, 303);
    let html = browser.get("/").await.body;
    assert!(html.contains(&figure), "{html}");
    assert!(dir.path().join("careful-demo.db").exists());
}

#[test]
fn the_demo_explains_a_data_folder_it_cannot_create() {
    let dir = TempDir::new();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = run(&["demo", "--port", "0", "--data-dir", &file.join("inside").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot create the demo's data folder"), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------------------------
// Checking SSDA903 files in the browser: /returns/ssda903/validate.

const VALIDATE: &str = "/returns/ssda903/validate";

/// A small synthetic council's 903 files for 2025-26 (in `this`) and 2024-25 (in `previous`),
/// written by `careful generate`.
pub(crate) struct Synthetic903 {
    pub this: std::path::PathBuf,
    pub previous: std::path::PathBuf,
    _dir: TempDir,
}

pub(crate) fn synthetic_903(seed: &str) -> Synthetic903 {
    let dir = TempDir::new();
    let this = dir.path().join("2025-26");
    let previous = dir.path().join("2024-25");
    for (year, folder) in [("2025-26", &this), ("2024-25", &previous)] {
        let folder = folder.to_string_lossy().to_string();
        let out = run(&[
            "generate",
            "--population",
            "3000",
            "--years",
            "2",
            "--end",
            "2026-03-31",
            "--seed",
            seed,
            "--year",
            year,
            "--ssda903",
            &folder,
        ]);
        assert!(out.status.success(), "careful generate failed: {}", text(&out.stderr));
    }
    Synthetic903 { this, previous, _dir: dir }
}

/// The CSV files in a folder, in name order.
pub(crate) fn csv_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

/// One part of a multipart/form-data body: a text field, or a file with its name.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

/// A multipart/form-data body, as a browser sends a form with `enctype="multipart/form-data"`
/// (the test's HTTP client is built without multipart support, so it is written here).
fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----careful-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: text/csv\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The files of a folder as parts of the field `name`.
fn file_parts(name: &'static str, dir: &std::path::Path) -> Vec<Part<'static>> {
    csv_files(dir)
        .into_iter()
        .map(|path| {
            let file_name: &'static str = path.file_name().unwrap().to_string_lossy().to_string().leak();
            Part::File(name, file_name, std::fs::read(&path).unwrap())
        })
        .collect()
}

/// A performance analyst's personal access token (scopes read and returns), made before the
/// server starts.
async fn analyst_token(db: &TestDb) -> String {
    let accounts = crate::support::accounts::Accounts::new(&db.url_string()).await;
    let token = accounts.token("test.analyst", "performance_analyst", None, "", &["read", "returns"]).await;
    accounts.app.close().await;
    token
}

/// POSTs the form, as a page of careful's own would (`Sec-Fetch-Site: same-origin`), as the
/// analyst whose token this is.
async fn post_form(careful: &Careful, token: &str, parts: &[Part<'_>]) -> reqwest::Response {
    post_form_to(careful, VALIDATE, token, parts).await
}

/// POSTs a multipart form to `path`, as [`post_form`] does.
async fn post_form_to(careful: &Careful, path: &str, token: &str, parts: &[Part<'_>]) -> reqwest::Response {
    let (content_type, body) = multipart(parts);
    crate::support::process::http()
        .post(careful.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The error summary's messages, as the page shows them (HTML-escaped).
fn error_summary(html: &str) -> Vec<String> {
    let Some(start) = html.find("govuk-error-summary__list") else { return Vec::new() };
    let list = &html[start..start + html[start..].find("</ul>").unwrap()];
    list.split("<li>")
        .skip(1)
        .map(|item| item.split('>').nth(1).unwrap().split("</a").next().unwrap().to_string())
        .collect()
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('\'', "&#39;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_page_gives_the_same_report_and_csv_as_the_command_line() {
    let files = synthetic_903("11");
    let (this, previous) = (files.this.to_string_lossy().to_string(), files.previous.to_string_lossy().to_string());
    let cli_args = |format: &'static str| {
        vec![
            "validate".to_string(),
            "ssda903".into(),
            this.clone(),
            "--previous".into(),
            previous.clone(),
            "--year".into(),
            "2025-26".into(),
            "--la".into(),
            "E09000027".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let json = run(&cli_args("json").iter().map(String::as_str).collect::<Vec<_>>());
    let findings = serde_json::from_slice::<serde_json::Value>(&json.stdout).unwrap().as_array().unwrap().len();
    assert!(findings > 0, "the synthetic council should have some findings: {}", text(&json.stderr));
    assert_eq!(json.status.code(), Some(1), "status 1 means findings");
    let csv = run(&cli_args("csv").iter().map(String::as_str).collect::<Vec<_>>());
    // The command prints the headline and the rules not run beside the CSV.
    let cli_stderr = text(&csv.stderr);
    let headline = cli_stderr.lines().next().unwrap().to_string();
    assert!(headline.contains(&format!("{findings} findings for ")), "{cli_stderr}");
    let not_run: Vec<String> = cli_stderr
        .lines()
        .filter_map(|l| l.strip_prefix("Not run ("))
        .map(|l| l.split("): ").nth(1).unwrap().to_string())
        .collect();
    assert!(!not_run.is_empty(), "{cli_stderr}");

    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let careful = Careful::serve(&db.url_string());

    // The form needs a role that may check returns: signed out, careful asks to sign in.
    let signed_out = crate::support::process::http_no_redirects().get(careful.url(VALIDATE)).send().await.unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(signed_out.headers()["location"], "/sign-in?next=/returns/ssda903/validate");

    // The form, linked from the start page and the service navigation.
    let start = get_as(&token, &careful.url("/")).await.text().await.unwrap();
    assert!(start.contains("href=\"/returns/ssda903/validate\">Check SSDA903 files</a>"), "{start}");
    assert!(
        start.contains("<a class=\"govuk-service-navigation__link\" href=\"/returns/ssda903/validate\">"),
        "{start}"
    );
    let page = get_as(&token, &careful.url(VALIDATE)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for expected in [
        "<h1 class=\"govuk-heading-l\">Check SSDA903 files</h1>",
        "method=\"post\" action=\"/returns/ssda903/validate?csrf_token=",
        "enctype=\"multipart/form-data\"",
        "class=\"govuk-file-upload\" id=\"this-year\" name=\"this_year\" type=\"file\" multiple",
        "class=\"govuk-file-upload\" id=\"previous-year\" name=\"previous_year\" type=\"file\" multiple",
        "class=\"govuk-file-upload\" id=\"postcodes\" name=\"postcodes\" type=\"file\"",
        "name=\"year\" type=\"radio\" value=\"2025-26\"",
        "name=\"year\" type=\"radio\" value=\"2026-27\"",
        "name=\"local_authority\"",
        "up to 200 MB altogether",
        "aria-current=\"page\"",
        "<button type=\"submit\" name=\"action\" value=\"csv\"",
    ] {
        assert!(html.contains(expected), "the form lacks {expected:?}:\n{html}");
    }
    assert!(!html.contains("govuk-error-summary"), "{html}");

    // The report page: the same findings as the command's.
    let mut parts = file_parts("this_year", &files.this);
    parts.extend(file_parts("previous_year", &files.previous));
    parts.extend([
        Part::Text("year", "2025-26"),
        Part::Text("local_authority", "E09000027"),
        Part::Text("action", "check"),
    ]);
    let response = post_form(&careful, &token, &parts).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("SSDA903 validation report: the 2025-26 return</h1>"), "{html}");
    assert!(html.contains(&escaped(&headline)), "the page lacks the command's headline {headline:?}:\n{html}");
    assert_eq!(text_of(&html, "findings-count"), findings.to_string());
    let table = &html[html.find("id=\"findings-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr class=\"govuk-table__row\">").count(),
        findings + 1,
        "a header row and one per finding"
    );
    for codes in &not_run {
        assert!(html.contains(codes.as_str()), "the page lacks the rules not run {codes}");
    }
    assert!(html.contains("<dd class=\"govuk-summary-list__value\">E09000027</dd>"));
    assert!(html.contains("Previous year&#39;s return"), "{html}");
    assert!(html.contains("class=\"govuk-details\""));
    // The form again, to download the CSV, with the year and local authority filled in.
    assert!(html.contains("value=\"2025-26\" checked"), "{html}");
    assert!(html.contains("value=\"E09000027\""), "{html}");

    // The CSV: what the command writes, the files named as they were uploaded rather than by
    // their paths.
    let last = parts.len() - 1;
    parts[last] = Part::Text("action", "csv");
    let response = post_form(&careful, &token, &parts).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"ssda903-findings-2025-26.csv\"");
    let web_csv = response.text().await.unwrap();
    let cli_csv = text(&csv.stdout).replace(&format!("{this}/"), "");
    assert_eq!(web_csv, cli_csv);
    assert_eq!(web_csv.lines().count(), findings + 1);

    // Without last year's files and the local authority: the rules that need them are listed as
    // not run, as the command lists them.
    let cli = run(&["validate", "ssda903", &this, "--year", "2025-26", "--format", "json"]);
    let cli_stderr = text(&cli.stderr);
    let alone = serde_json::from_slice::<serde_json::Value>(&cli.stdout).unwrap().as_array().unwrap().len();
    let mut parts = file_parts("this_year", &files.this);
    parts.extend([Part::Text("year", "2025-26"), Part::Text("local_authority", "")]);
    let html = post_form(&careful, &token, &parts).await.text().await.unwrap();
    assert_eq!(text_of(&html, "findings-count"), alone.to_string());
    assert!(html.contains("<dd class=\"govuk-summary-list__value\">Not given</dd>"));
    assert!(html.contains(&escaped(cli_stderr.lines().next().unwrap())), "{cli_stderr}\n{html}");
    for line in cli_stderr.lines().filter_map(|l| l.strip_prefix("Not run (")) {
        let (reason, codes) = line.split_once("): ").unwrap();
        let mut reason = reason.to_string();
        reason[..1].make_ascii_uppercase();
        assert!(html.contains(&format!("{}</td>", escaped(&reason))), "the page lacks {reason:?}:\n{html}");
        assert!(html.contains(&format!("{codes}</td>")), "the page lacks {codes:?}");
    }
    assert!(careful.terminate());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_page_derives_the_placement_fields_from_an_uploaded_postcode_directory() {
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let careful = Careful::serve(&db.url_string());
    let header = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nEM0911001,F,14/07/2014,WBRI,,0,\r\n".to_vec();
    let episodes = b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n\
        EM0911001,01/12/2025,S,V2,N1,K2,PR1,,,,EM1 1AA,QA1 1AA,SC000001\r\n"
        .to_vec();
    let directory =
        std::fs::read(format!("{}/../returns/tests/data/postcodes-synthetic-subset.csv", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let parts = |postcodes: Vec<u8>, la: &'static str| {
        vec![
            Part::File("this_year", "Header.csv", header.clone()),
            Part::File("this_year", "Episodes.csv", episodes.clone()),
            Part::File("postcodes", "postcodes.csv", postcodes),
            Part::Text("year", "2025-26"),
            Part::Text("local_authority", la),
            Part::Text("action", "check"),
        ]
    };

    // The council's own home in Surrey: 1015, with the derived fields' source on the report.
    let response = post_form(&careful, &token, &parts(directory.clone(), "E09000027")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Placement fields derived</dt>"), "{html}");
    assert!(html.contains("From postcodes.csv (postcode subset, 14 postcodes): placement postcodes found for 1 of 1"));
    assert!(html.contains(">1015<"), "{html}");
    assert!(!html.contains("PL_LA, PL_LOCATION, PL_DISTANCE"), "the derived-field rules ran: {html}");

    // Without the council's code, or with a directory that cannot be read: said beside the field.
    let response = post_form(&careful, &token, &parts(directory, "")).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<a href=\"#local-authority\">"), "{html}");
    assert!(html.contains("id=\"local-authority-error\""));
    let bad = b"postcode,la_code,easting,northing\nEM1,E09000027,1,2\n".to_vec();
    let response = post_form(&careful, &token, &parts(bad, "E09000027")).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let errors = error_summary(&html);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("postcodes.csv, line 2, column postcode: &#34;EM1&#34; is not a postcode"),
        "{errors:?}"
    );
    assert!(html.contains("<a href=\"#postcodes\">") && html.contains("id=\"postcodes-error\""));
    assert!(careful.terminate());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_page_explains_files_it_cannot_check() {
    let files = synthetic_903("12");
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let careful = Careful::serve(&db.url_string());
    let episodes = std::fs::read_to_string(files.this.join("Episodes.csv")).unwrap();

    // No files and no year: both asked for, linked to their fields.
    let response =
        post_form(&careful, &token, &[Part::File("this_year", "", Vec::new()), Part::Text("local_authority", "")])
            .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Error: Check SSDA903 files"), "{html}");
    assert_eq!(
        error_summary(&html),
        ["Select this year&#39;s SSDA903 files", "Select the collection year of the return"]
    );
    assert!(html.contains("<a href=\"#this-year\">") && html.contains("<a href=\"#year\">"));
    assert!(html.contains("id=\"this-year-error\""));
    assert!(html.contains("govuk-file-upload--error"));

    // A ragged row: the file and line are named, and nothing is checked.
    let mut lines: Vec<String> = episodes.lines().map(str::to_string).collect();
    lines[2].push_str(",extra");
    let ragged = lines.join("\r\n").into_bytes();
    let response =
        post_form(&careful, &token, &[Part::File("this_year", "Episodes.csv", ragged), Part::Text("year", "2025-26")])
            .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let errors = error_summary(&html);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("Episodes.csv, line 3: "), "{errors:?}");
    assert!(!html.contains("validation report"));
    // The year chosen is kept; the files must be chosen again.
    assert!(html.contains("value=\"2025-26\" checked"), "{html}");

    // A file that is not UTF-8, and a table careful does not recognise, in last year's files:
    // each named, and linked to last year's upload.
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(episodes.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let response = post_form(
        &careful,
        &token,
        &[
            Part::File("this_year", "Episodes.csv", episodes.clone().into_bytes()),
            Part::File("previous_year", "Unicode.csv", utf16),
            Part::File("previous_year", "notes.csv", b"NAME,COMMENT\r\nA,B\r\n".to_vec()),
            Part::Text("year", "2025-26"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let errors = error_summary(&html);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("Unicode.csv: the file is not UTF-8 text"), "{errors:?}");
    assert!(errors[1].starts_with("notes.csv, line 1: the header row does not match any SSDA903 table"), "{errors:?}");
    assert_eq!(html.matches("<a href=\"#previous-year\">").count(), 2, "{html}");
    assert!(html.contains("id=\"previous-year-error\""));

    // A file with no line breaks, megabytes long: named, and the problem cut short, not the
    // whole file quoted back.
    let long = format!("CHILD,{}", "x".repeat(2_000_000)).into_bytes();
    let response =
        post_form(&careful, &token, &[Part::File("this_year", "one-line.csv", long), Part::Text("year", "2025-26")])
            .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.len() < 100_000, "the page is {} bytes", html.len());
    let errors = error_summary(&html);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("one-line.csv, line 1: the header row does not match any SSDA903 table"),
        "{errors:?}"
    );
    // The reader names at most a few columns, each cut short.
    assert!(errors[0].len() < 1_000 && errors[0].contains("xxxxxx..."), "{errors:?}");

    // No year: careful says which year the files' dates fall in.
    let response = post_form(&careful, &token, &file_parts("this_year", &files.this)).await;
    assert_eq!(response.status(), 422);
    let errors = error_summary(&response.text().await.unwrap());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Select the collection year of the return: the latest episode date in these files, ")
    );
    assert!(errors[0].ends_with(", falls in 2025-26"), "{errors:?}");

    // A year careful has no rules for is not accepted.
    let mut parts = file_parts("this_year", &files.this);
    parts.push(Part::Text("year", "2019-20"));
    let errors = error_summary(&post_form(&careful, &token, &parts).await.text().await.unwrap());
    assert_eq!(errors, ["Select a collection year careful has rules for"]);

    // A date that cannot be read is a finding, as DfE's rules make it, not an input problem.
    let header = std::fs::read_to_string(files.this.join("Header.csv")).unwrap();
    let mut lines: Vec<String> = header.lines().map(str::to_string).collect();
    let dob = lines[0].split(',').position(|c| c == "DOB").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[dob] = "31/02/2015".into();
    lines[1] = cells.join(",");
    let mut parts: Vec<Part<'_>> = file_parts("this_year", &files.this)
        .into_iter()
        .filter(|p| !matches!(p, Part::File(_, "Header.csv", _)))
        .collect();
    parts.push(Part::File("this_year", "Header.csv", lines.join("\n").into_bytes()));
    parts.extend([Part::Text("year", "2025-26"), Part::Text("action", "csv")]);
    let response = post_form(&careful, &token, &parts).await;
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let child = cells[0].clone();
    assert!(
        csv.contains(&format!("102,Header,Header.csv,0,2,{child},DOB,Date of birth is not a valid date.")),
        "{csv}"
    );

    // Not a multipart form.
    let response = crate::support::process::http()
        .post(careful.url(VALIDATE))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("year=2025-26")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let errors = error_summary(&response.text().await.unwrap());
    assert_eq!(errors, ["Select this year&#39;s SSDA903 files with the form on this page"]);
    assert!(careful.terminate(), "careful did not stop cleanly: it must not have panicked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_sent_from_another_site_are_refused() {
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let careful = Careful::serve(&db.url_string());
    let (content_type, body) = multipart(&[Part::Text("year", "2025-26")]);
    let host = careful.base_url.trim_start_matches("http://").to_string();
    let send = |headers: Vec<(&'static str, String)>| {
        let mut request = crate::support::process::http()
            .post(careful.url(VALIDATE))
            .bearer_auth(&token)
            .header("content-type", content_type.clone())
            .body(body.clone());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    for refused in [
        vec![("sec-fetch-site", "cross-site".to_string())],
        vec![("sec-fetch-site", "same-site".to_string())],
        // Sec-Fetch-Site wins over a same-origin Origin.
        vec![("sec-fetch-site", "cross-site".to_string()), ("origin", format!("http://{host}"))],
        vec![("origin", "http://attacker.example".to_string())],
        vec![("origin", "null".to_string())],
    ] {
        let response = send(refused.clone()).await.unwrap();
        assert_eq!(response.status(), 403, "{refused:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains("This form was sent from another website"), "{html}");
    }
    for allowed in [
        vec![("sec-fetch-site", "same-origin".to_string())],
        vec![("origin", format!("http://{host}"))],
        // Not from a browser at all.
        vec![],
    ] {
        let response = send(allowed.clone()).await.unwrap();
        assert_eq!(response.status(), 422, "{allowed:?}: the form is checked, and finds no files");
    }
    // Reading is never refused.
    let response = crate::support::process::http()
        .get(careful.url(VALIDATE))
        .bearer_auth(&token)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_may_check_only_so_many_uploads_an_hour() {
    let files = synthetic_903("13");
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let careful = Careful::start(&["serve", "--database", &db.url_string(), "--port", "0", "--uploads-per-hour", "2"]);
    let mut parts = file_parts("this_year", &files.this);
    parts.extend([Part::Text("year", "2025-26"), Part::Text("action", "csv")]);
    for n in 1..=2 {
        assert_eq!(post_form(&careful, &token, &parts).await.status(), 200, "upload {n}");
    }
    let third = post_form(&careful, &token, &parts).await;
    assert_eq!(third.status(), 429);
    let html = third.text().await.unwrap();
    assert!(
        html.contains("You have checked 2 uploads in the last hour, the most careful allows; try again after "),
        "{html}"
    );
    // Forms careful refuses before checking anything (no files) do not count, and are still
    // answered.
    let response = post_form(&careful, &token, &[Part::Text("year", "2025-26")]).await;
    assert_eq!(response.status(), 422);
}

// ---------------------------------------------------------------------------------------------
// Checking a CIN census in the browser: /returns/cin/validate.

const CHECK_CIN: &str = "/returns/cin/validate";

/// Text as careful's templates escape it.
fn as_askama_writes(text: &str) -> String {
    text.replace('&', "&#38;").replace('\'', "&#39;").replace('"', "&#34;").replace('<', "&#60;").replace('>', "&#62;")
}

/// A small synthetic council's CIN census for 2025-26, written by `careful generate`, with half
/// its assessments left to drift past 45 working days, so that DfE's rules find something
/// (query 8670Q, for those still open at the year's end).
pub(crate) struct SyntheticCensus {
    pub file: std::path::PathBuf,
    _dir: TempDir,
}

pub(crate) fn synthetic_census(seed: &str) -> SyntheticCensus {
    let dir = TempDir::new();
    let file = dir.path().join("cin-2025-26.xml");
    let out = run(&[
        "generate",
        "--population",
        "3000",
        "--years",
        "2",
        "--end",
        "2026-03-31",
        "--seed",
        seed,
        "--year",
        "2025-26",
        "--drifting-assessments",
        "0.5",
        "--cin",
        &file.to_string_lossy(),
    ]);
    assert!(out.status.success(), "careful generate failed: {}", text(&out.stderr));
    SyntheticCensus { file, _dir: dir }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cin_census_page_gives_the_same_report_and_csv_as_the_command_line() {
    let census = synthetic_census("31");
    let path = census.file.to_string_lossy().to_string();
    let bytes = std::fs::read(&census.file).unwrap();
    let json = run(&["validate", "cin", &path, "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert!(!findings.is_empty(), "the synthetic census should have some findings: {}", text(&json.stderr));
    let csv = run(&["validate", "cin", &path, "--format", "csv"]);
    let headline = text(&csv.stderr).lines().next().unwrap().replace(&path, "cin-2025-26.xml");

    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let accounts = crate::support::accounts::Accounts::new(&db.url_string()).await;
    let worker = accounts.token("test.worker", "social_worker", None, "", &["read"]).await;
    let auditor = accounts.token("test.auditor", "administrator", None, "", &["admin"]).await;
    accounts.app.close().await;
    let careful = Careful::serve(&db.url_string());
    let parts = |action: &'static str| {
        vec![
            Part::File("census", "cin-2025-26.xml", bytes.clone()),
            Part::Text("year", "census"),
            Part::Text("action", action),
        ]
    };

    // The page needs someone signed in...
    let signed_out = crate::support::process::http_no_redirects().get(careful.url(CHECK_CIN)).send().await.unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(signed_out.headers()["location"], "/sign-in?next=/returns/cin/validate");
    // ... whose role may check returns: a social worker may neither see the form nor send it, and
    // is not offered it.
    let refused = get_as(&worker, &careful.url(CHECK_CIN)).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(post_form_to(&careful, CHECK_CIN, &worker, &parts("check")).await.status(), 403);
    let start = get_as(&worker, &careful.url("/")).await.text().await.unwrap();
    assert!(!start.contains(CHECK_CIN), "{start}");

    // The form, linked from the start page and the service navigation, beside the SSDA903 page.
    let start = get_as(&token, &careful.url("/")).await.text().await.unwrap();
    assert!(start.contains("href=\"/returns/cin/validate\">Check a CIN census</a>"), "{start}");
    assert!(start.contains("href=\"/returns/ssda903/validate\">Check SSDA903 files</a>"), "{start}");
    assert!(start.contains("<a class=\"govuk-service-navigation__link\" href=\"/returns/cin/validate\">"), "{start}");
    let page = get_as(&token, &careful.url(CHECK_CIN)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for expected in [
        "<title>Check a CIN census",
        "<h1 class=\"govuk-heading-l\">Check a CIN census</h1>",
        "method=\"post\" action=\"/returns/cin/validate?csrf_token=",
        "enctype=\"multipart/form-data\"",
        "class=\"govuk-file-upload\" id=\"census\" name=\"census\" type=\"file\"",
        "id=\"year\" name=\"year\" type=\"radio\" value=\"census\" checked",
        "name=\"year\" type=\"radio\" value=\"2025-26\">",
        "up to 200 MB",
        "aria-current=\"page\"",
        "<button type=\"submit\" name=\"action\" value=\"csv\"",
    ] {
        assert!(html.contains(expected), "the form lacks {expected:?}:\n{html}");
    }
    assert!(!html.contains("govuk-error-summary"), "{html}");

    // The report: the command's headline and findings, by rule and one by one.
    let response = post_form_to(&careful, CHECK_CIN, &token, &parts("check")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("CIN census validation report</h1>"), "{html}");
    assert!(html.contains(&as_askama_writes(&headline)), "the page lacks the command's headline {headline:?}:\n{html}");
    assert_eq!(text_of(&html, "findings-count"), findings.len().to_string());
    assert_eq!(text_of(&html, "problems-count"), "0");
    assert_eq!(text_of(&html, "census-year"), "2025-26");
    assert!(!html.contains("id=\"problems-table\""), "{html}");
    let table = &html[html.find("id=\"findings-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr class=\"govuk-table__row\">").count(), findings.len() + 1);
    let by_rule = &html[html.find("id=\"by-rule-table\"").unwrap()..];
    let by_rule = &by_rule[..by_rule.find("</table>").unwrap()];
    for f in &findings {
        let (rule, message) = (f["rule"].as_str().unwrap(), f["message"].as_str().unwrap());
        assert!(by_rule.contains(&format!("<td class=\"govuk-table__cell\">{rule}</td>")), "{by_rule}");
        assert!(by_rule.contains(&as_askama_writes(message)), "{by_rule}");
        if let Some(child) = f["child"].as_str() {
            assert!(table.contains(&format!("<td class=\"govuk-table__cell\">{child}</td>")), "{table}");
        }
    }
    // The form again, to download the CSV.
    assert!(html.contains("id=\"download\""), "{html}");

    // The CSV: byte for byte what the command writes.
    let response = post_form_to(&careful, CHECK_CIN, &token, &parts("csv")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"cin-findings-2025-26.csv\"");
    let web_csv = response.text().await.unwrap();
    assert_eq!(web_csv, text(&csv.stdout));
    assert_eq!(web_csv.lines().count(), findings.len() + 1);

    // What does not fit DfE's schema: with the child, the element's path and the line.
    let xml = String::from_utf8(bytes.clone()).unwrap();
    let at = xml.find("<CINreferralDate>").unwrap();
    let end = at + xml[at..].find("</CINreferralDate>").unwrap() + "</CINreferralDate>".len();
    let line = xml[..at].matches('\n').count() + 1;
    let broken = format!("{}<CINreferralDate>31/02/2025</CINreferralDate>{}", &xml[..at], &xml[end..]);
    let child_at = xml[..at].rfind("<LAchildID>").unwrap() + "<LAchildID>".len();
    let child = &xml[child_at..child_at + xml[child_at..].find('<').unwrap()];
    let response = post_form_to(
        &careful,
        CHECK_CIN,
        &token,
        &[Part::File("census", "broken.xml", broken.into_bytes()), Part::Text("year", "2025-26")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(text_of(&html, "problems-count"), "1");
    let problems = &html[html.find("id=\"problems-table\"").unwrap()..];
    let problems = &problems[..problems.find("</table>").unwrap()];
    for expected in [
        format!("<td class=\"govuk-table__cell\">{child}</td>"),
        "/CINdetails[1]/CINreferralDate</td>".to_string(),
        format!("<td class=\"govuk-table__cell govuk-table__cell--numeric\">{line}</td>"),
        as_askama_writes("<CINreferralDate> is \"31/02/2025\", not a date"),
    ] {
        assert!(problems.contains(&expected), "the schema problems lack {expected:?}:\n{problems}");
    }
    // The year chosen is kept.
    assert!(html.contains("value=\"2025-26\" checked"), "{html}");

    // Each upload is audited as the analyst's, with the file's name and size.
    let audit = get_as(&auditor, &careful.url("/admin/audit")).await.text().await.unwrap();
    assert!(
        audit.contains(&format!(
            "Checked an uploaded CIN census against DfE&#39;s rules: cin-2025-26.xml ({} bytes)",
            bytes.len()
        )),
        "{audit}"
    );
    assert!(careful.terminate(), "careful did not stop cleanly: it must not have panicked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cin_census_page_explains_files_it_cannot_check() {
    let census = synthetic_census("32");
    let bytes = std::fs::read(&census.file).unwrap();
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let token = analyst_token(&db).await;
    let careful = Careful::serve(&db.url_string());
    let post = |parts: Vec<Part<'static>>| {
        let (careful, token) = (&careful, &token);
        async move {
            let response = post_form_to(careful, CHECK_CIN, token, &parts).await;
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };

    // No file: asked for, linked to the field.
    let (status, html) = post(vec![Part::File("census", "", Vec::new()), Part::Text("year", "census")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("<title>Error: Check a CIN census"), "{html}");
    assert_eq!(error_summary(&html), ["Select a CIN census file"]);
    assert!(html.contains("<a href=\"#census\">") && html.contains("id=\"census-error\""), "{html}");
    assert!(html.contains("govuk-file-upload--error"), "{html}");

    // An empty file.
    let (status, html) = post(vec![Part::File("census", "empty.xml", Vec::new())]).await;
    assert_eq!(status, 422);
    assert_eq!(error_summary(&html), ["The selected file is empty"]);
    let (_, html) = post(vec![Part::File("census", "blank.xml", b"  \n".to_vec())]).await;
    assert_eq!(error_summary(&html), ["The selected file is empty"]);

    // Files that are not a census: named, with the line, and nothing checked.
    let (status, html) = post(vec![Part::File("census", "episodes.xml", b"<EXPSSDA903/>".to_vec())]).await;
    assert_eq!(status, 422);
    let errors = error_summary(&html);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("The selected file is not a CIN census careful can read: episodes.xml, line 1: ")
            && errors[0].contains("not &#60;Message&#62;"),
        "{errors:?}"
    );
    assert!(!html.contains("validation report"), "{html}");
    let (_, html) =
        post(vec![Part::File("census", "Header.csv", b"CHILD,SEX,DOB\r\n1,1,2015-01-01\r\n".to_vec())]).await;
    let errors = error_summary(&html);
    assert!(errors[0].starts_with("The selected file is not a CIN census careful can read: Header.csv"), "{errors:?}");
    // Cut short, a census is not well formed.
    let (_, html) = post(vec![Part::File("census", "cut.xml", bytes[..bytes.len() / 2].to_vec())]).await;
    let errors = error_summary(&html);
    assert!(
        errors[0].starts_with("The selected file is not a CIN census careful can read: cut.xml, line "),
        "{errors:?}"
    );

    // Two files: the census is one.
    let (_, html) =
        post(vec![Part::File("census", "a.xml", bytes.clone()), Part::File("census", "b.xml", bytes.clone())]).await;
    assert_eq!(error_summary(&html), ["Select one CIN census file: the census is one XML file"]);

    // A year chosen that the census is not for, and a year careful has no rules for.
    let last_year = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("<ReferenceDate>2026-03-31</ReferenceDate>", "<ReferenceDate>2025-03-31</ReferenceDate>");
    let (status, html) =
        post(vec![Part::File("census", "old.xml", last_year.into_bytes()), Part::Text("year", "2025-26")]).await;
    assert_eq!(status, 422);
    assert_eq!(
        error_summary(&html),
        ["The selected file is the 2024-25 census (its ReferenceDate is 31 March 2025): select the 2025-26 census, \
          or the year in the census"]
    );
    assert!(html.contains("<a href=\"#year\">") && html.contains("id=\"year-error\""), "{html}");
    let (_, html) = post(vec![Part::File("census", "c.xml", bytes.clone()), Part::Text("year", "2019-20")]).await;
    assert_eq!(error_summary(&html), ["Select a collection year careful has CIN rules for, or the year in the census"]);

    // Larger than an upload may be.
    let huge = vec![b' '; 201 * 1024 * 1024];
    let (status, html) = post(vec![Part::File("census", "huge.xml", huge)]).await;
    assert_eq!(status, 413);
    assert_eq!(error_summary(&html), ["The selected file must be smaller than 200 MB"]);

    // Not a multipart form.
    let response = crate::support::process::http()
        .post(careful.url(CHECK_CIN))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("year=2025-26")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(error_summary(&response.text().await.unwrap()), ["Select a CIN census file with the form on this page"]);
    assert!(careful.terminate(), "careful did not stop cleanly: it must not have panicked");
}

/// `careful bench web` on a small council: signed-in social workers open My work, their
/// children's pages and chronologies and record visits through the form, with no failed
/// request; the report names each kind of request and how many visits were saved.
#[test]
fn bench_web_mixes_pages_chronologies_and_recording() {
    let out = run(&["bench", "web", "--population", "2000", "--sessions", "4", "--seconds", "4", "--think-ms", "20"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    for page in ["My work", "a child's page", "a child's chronology", "the visit form", "recording a visit"] {
        assert!(stdout.contains(page), "{page} missing from:\n{stdout}");
    }
    let saved: u64 = stdout
        .lines()
        .find_map(|l| l.split_once(" visits saved").map(|(n, _)| n.trim().parse().unwrap()))
        .unwrap_or_else(|| panic!("no visits saved line in:\n{stdout}"));
    assert!(saved > 0, "{stdout}");
}

/// A client that stops sending its request's body is answered 408 Request Timeout once the
/// request timeout has passed, and its connection closed; others are served meanwhile; one that
/// never finishes sending its headers has its connection closed.
#[test]
fn a_stalled_request_is_answered_408_after_the_timeout() {
    use std::io::{Read, Write};
    let db = TempDir::new();
    let url = format!("sqlite://{}", db.path().join("careful.db").display());
    let careful = Careful::start(&["serve", "--database", &url, "--port", "0", "--request-timeout-seconds", "2"]);
    let address = careful.url("").trim_start_matches("http://").to_string();
    let mut stalled = std::net::TcpStream::connect(&address).unwrap();
    stalled.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST /sign-in HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=som"
    );
    stalled.write_all(head.as_bytes()).unwrap();
    let began = std::time::Instant::now();
    // Meanwhile another client is served.
    let mut other = std::net::TcpStream::connect(&address).unwrap();
    other
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut served = String::new();
    other.read_to_string(&mut served).unwrap();
    assert!(served.starts_with("HTTP/1.1 200"), "{served:?}");
    assert!(began.elapsed() < std::time::Duration::from_millis(1500), "the other client waited");
    let mut answer = String::new();
    let _ = stalled.read_to_string(&mut answer);
    let waited = began.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(waited >= std::time::Duration::from_millis(1500), "answered after {waited:?}");
    assert!(waited < std::time::Duration::from_secs(15), "answered after {waited:?}");

    // A client that sends its headers slowly, never finishing them, is cut off too.
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    slow.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nX-Slow: a").as_bytes()).unwrap();
    let began = std::time::Instant::now();
    let mut answer = String::new();
    let read = slow.read_to_string(&mut answer);
    let waited = began.elapsed();
    assert!(read.is_ok(), "the connection was not closed: {read:?}");
    assert!(!answer.contains("200 OK"), "{answer:?}");
    assert!(waited >= std::time::Duration::from_millis(1500), "closed after {waited:?}");
    assert!(waited < std::time::Duration::from_secs(15), "closed after {waited:?}");
    assert!(careful.terminate());
}
