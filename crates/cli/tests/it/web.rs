//! The server, run as `careful serve` and `careful demo`, over real HTTP.

use crate::on_both_engines;
use crate::support::process::{Careful, get, run, text};
use crate::support::{Engine, TempDir, TestDb};

on_both_engines!(serves_the_start_page_health_and_assets, answers_unknown_pages_with_a_gov_uk_404);

async fn serves_the_start_page_health_and_assets(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let careful = Careful::start(&[
        "serve",
        "--database",
        &db.url_string(),
        "--port",
        "0",
        "--council-name",
        "Testshire County Council",
    ]);

    let page = get(&careful.url("/")).await;
    assert_eq!(page.status(), 200);
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
        "<h1 class=\"govuk-heading-xl\">careful</h1>",
        "knows what the law says must happen next",
        match engine {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        },
    ] {
        assert!(html.contains(expected), "the start page lacks {expected:?}:\n{html}");
    }
    // An empty database: nothing to count yet, and no demo warning.
    assert!(html.contains("<span class=\"app-figures__number\">0</span>"), "{html}");
    assert!(!html.contains("synthetic council"), "{html}");

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
    let again = reqwest::Client::new()
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
    let html = get(&demo.url("/")).await.text().await.unwrap();
    assert!(html.contains("Eastmoor Borough Council is a synthetic council"), "{html}");
    assert!(html.contains("Every child, family and worker in it is synthetic"));
    let figure = format!("<span class=\"app-figures__number\">{children}</span>");
    assert!(html.contains(&figure), "{html}");
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
    let html = get(&again.url("/")).await.text().await.unwrap();
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
