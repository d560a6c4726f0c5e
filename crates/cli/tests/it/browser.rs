//! Pages in real headless Chromium (Debian's `chromium` and `chromium-driver`), driven over
//! WebDriver: styled by GOV.UK Frontend, its JavaScript running under careful's
//! Content-Security-Policy, and no WCAG 2.2 AA failures that axe-core can find.
//!
//! Without Chromium these tests fail, saying how to install it, unless CAREFUL_SKIP_BROWSER=1.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::support::process::Careful;
use crate::support::{Engine, TempDir, TestDb};

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n))).find(|p| p.is_file())
}

/// A headless Chromium session, closed (with its driver) when dropped.
struct Browser {
    client: Option<Client>,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    async fn start() -> Option<Browser> {
        if std::env::var("CAREFUL_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            eprintln!("skipped: CAREFUL_SKIP_BROWSER=1");
            return None;
        }
        let (Some(chromium), Some(chromedriver)) =
            (find(&["chromium", "chromium-browser", "google-chrome"]), find(&["chromedriver"]))
        else {
            panic!(
                "The browser tests need Chromium and ChromeDriver (Debian: apt-get install chromium \
                 chromium-driver; `bash .ci/run` installs them). To run without them, set \
                 CAREFUL_SKIP_BROWSER=1."
            );
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = TempDir::new();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a Chromium session");
        Some(Browser { client: Some(client), driver, _profile: profile })
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("open")
    }

    async fn eval(&self, script: &str) -> Value {
        self.client().execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Runs axe-core on the current page and returns its WCAG 2.2 A and AA violations.
    async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(careful_web::AXE_CORE_JS)
            .expect("axe-core is installed with the front-end packages");
        self.client().execute(&format!("{axe}\n;return true;"), vec![]).await.expect("load axe-core");
        let result = self
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                   .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        result.as_array().expect("a list").iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_is_styled_by_gov_uk_frontend_and_accessible() {
    let Some(browser) = Browser::start().await else { return };
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let careful = Careful::start(&[
        "serve",
        "--database",
        &db.url_string(),
        "--port",
        "0",
        "--council-name",
        "Testshire County Council",
    ]);
    browser.client().goto(&careful.url("/")).await.expect("open the start page");

    // careful-body.js ran before paint, and careful.js (an ES module) started GOV.UK Frontend,
    // all under a Content-Security-Policy that forbids inline script.
    let started = Instant::now();
    loop {
        let ready = browser
            .eval("return document.body.classList.contains('govuk-frontend-supported') && document.querySelector('.govuk-skip-link').hasAttribute('data-govuk-skip-link-init');")
            .await;
        if ready == json!(true) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "GOV.UK Frontend's JavaScript did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let style = browser
        .eval(
            "const s = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
             return {
               bodyFont: s('p.govuk-body', 'fontFamily'),
               headingFont: s('h1', 'fontFamily'),
               headerBackground: s('.govuk-generic-header', 'backgroundColor'),
               h1Weight: s('h1', 'fontWeight'),
               h1Size: s('h1', 'fontSize'),
               tagDisplay: s('.govuk-phase-banner .govuk-tag', 'display'),
               widthContainer: s('.govuk-width-container', 'maxWidth'),
               skipLinkPosition: s('.govuk-skip-link', 'position'),
               title: document.title,
             };",
        )
        .await;
    for font in ["bodyFont", "headingFont"] {
        assert!(style[font].as_str().unwrap().to_lowercase().starts_with("arial"), "{style}");
    }
    assert_eq!(style["headerBackground"], "rgb(11, 12, 12)", "{style}");
    assert_eq!(style["h1Weight"], "700", "{style}");
    assert_eq!(style["h1Size"], "48px", "{style}");
    assert_eq!(style["widthContainer"], "960px", "{style}");
    assert_eq!(style["skipLinkPosition"], "absolute", "{style}");
    assert_eq!(style["title"], "Children's social care records – careful – Testshire County Council");

    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the start page:\n{}", violations.join("\n"));

    // The 404 page too.
    browser.client().goto(&careful.url("/no/such/page")).await.unwrap();
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the 404 page:\n{}", violations.join("\n"));
    browser.close().await;
}
