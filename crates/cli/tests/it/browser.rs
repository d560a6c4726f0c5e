//! Pages in real headless Chromium (Debian's `chromium` and `chromium-driver`), driven over
//! WebDriver: styled by GOV.UK Frontend, its JavaScript running under careful's
//! Content-Security-Policy, and no WCAG 2.2 AA failures that axe-core can find.
//!
//! Without Chromium these tests fail, saying how to install it, unless CAREFUL_SKIP_BROWSER=1.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::support::process::{Careful, run, text};
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
    // Signed out, the front page is the sign-in page.
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
               bodyFont: s('label.govuk-label', 'fontFamily'),
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
    assert_eq!(style["h1Size"], "36px", "{style}");
    assert_eq!(style["widthContainer"], "960px", "{style}");
    assert_eq!(style["skipLinkPosition"], "absolute", "{style}");
    assert_eq!(style["title"], "Sign in – careful – Testshire County Council");

    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the start page:\n{}", violations.join("\n"));

    // The 404 page too.
    browser.client().goto(&careful.url("/no/such/page")).await.unwrap();
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the 404 page:\n{}", violations.join("\n"));
    browser.close().await;
}

/// Waits (up to 30 seconds) for the page to have an element matching `css`.
async fn wait_for(browser: &Browser, css: &str) -> fantoccini::elements::Element {
    browser
        .client()
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssda903_files_are_checked_in_the_browser_and_the_pages_are_accessible() {
    let Some(browser) = Browser::start().await else { return };
    let files = crate::web::synthetic_903("21");
    let this = files.this.to_string_lossy().to_string();
    let cli = run(&["validate", "ssda903", &this, "--year", "2025-26", "--la", "E09000027", "--format", "json"]);
    let findings = serde_json::from_slice::<Value>(&cli.stdout).unwrap().as_array().unwrap().len();
    assert!(findings > 0, "{}", text(&cli.stderr));

    let db = TestDb::new(Engine::Sqlite).unwrap();
    let accounts = crate::support::accounts::Accounts::new(&db.url_string()).await;
    let password = accounts.add("test.analyst", "performance_analyst", None, "").await;
    accounts.app.close().await;
    let careful = Careful::serve(&db.url_string());
    let client = browser.client();

    // Signing in: the form is accessible, and a wrong password is explained.
    client.goto(&careful.url("/returns/ssda903/validate")).await.unwrap();
    let heading = wait_for(&browser, "h1").await.text().await.unwrap();
    assert_eq!(heading, "Sign in to careful");
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the sign-in page:\n{}", violations.join("\n"));
    client.find(Locator::Css("#username")).await.unwrap().send_keys("test.analyst").await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys("not the password").await.unwrap();
    client.find(Locator::Css("form[action='/sign-in'] button")).await.unwrap().click().await.unwrap();
    let summary = wait_for(&browser, ".govuk-error-summary").await.text().await.unwrap();
    assert!(summary.contains("Enter a correct username and password"), "{summary}");
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the sign-in errors:\n{}", violations.join("\n"));
    client.find(Locator::Css("#password")).await.unwrap().send_keys(&password).await.unwrap();
    client.find(Locator::Css("form[action='/sign-in'] button")).await.unwrap().click().await.unwrap();

    // Back where they were going (the next page, once it has loaded), then home and from the
    // service navigation to the form.
    wait_for(&browser, "input#this-year").await;
    let heading = client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Check SSDA903 files");
    client.goto(&careful.url("/")).await.unwrap();
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the home page:\n{}", violations.join("\n"));
    client
        .find(Locator::Css(".govuk-service-navigation__link[href='/returns/ssda903/validate']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&browser, "input#this-year").await;
    let heading = client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Check SSDA903 files");
    // GOV.UK Frontend's JavaScript has started (the error summary below relies on it).
    wait_for(&browser, "body.govuk-frontend-supported .govuk-skip-link[data-govuk-skip-link-init]").await;
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the upload form:\n{}", violations.join("\n"));

    // Submitting nothing: the error summary, focused, linking to the fields.
    client.find(Locator::Css("button[value='check']")).await.unwrap().click().await.unwrap();
    let summary = wait_for(&browser, ".govuk-error-summary").await.text().await.unwrap();
    assert!(summary.contains("Select this year's SSDA903 files"), "{summary}");
    assert!(summary.contains("Select the collection year of the return"), "{summary}");
    let title = browser.eval("return document.title;").await;
    assert!(title.as_str().unwrap().starts_with("Error: Check SSDA903 files"), "{title}");
    let focused = browser.eval("return document.activeElement.closest('.govuk-error-summary') !== null;").await;
    assert_eq!(focused, json!(true), "GOV.UK Frontend moves focus to the error summary");
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the form with errors:\n{}", violations.join("\n"));

    // The files, chosen as a person would (all at once), the year and the council.
    let paths: Vec<String> =
        crate::web::csv_files(&files.this).iter().map(|p| p.to_string_lossy().to_string()).collect();
    let input = client.find(Locator::Css("input#this-year[type='file'][multiple]")).await.unwrap();
    input.send_keys(&paths.join("\n")).await.unwrap();
    let chosen = browser.eval("return document.getElementById('this-year').files.length;").await;
    assert_eq!(chosen, json!(paths.len()));
    client.find(Locator::Css("label[for='year']")).await.unwrap().click().await.unwrap();
    client.find(Locator::Css("#local-authority")).await.unwrap().send_keys("E09000027").await.unwrap();
    client.find(Locator::Css("button[value='check']")).await.unwrap().click().await.unwrap();

    let heading = wait_for(&browser, "h1#report-heading").await.text().await.unwrap();
    assert_eq!(heading, "SSDA903 validation report: the 2025-26 return");
    let count = client.find(Locator::Css("#findings-count")).await.unwrap().text().await.unwrap();
    assert_eq!(count.replace(',', ""), findings.to_string());
    // Every finding is in the page, in a closed details element that opens.
    let rows = browser.eval("return document.querySelectorAll('#findings-table tbody tr').length;").await;
    assert_eq!(rows, json!(findings));
    assert!(!client.find(Locator::Css("#findings-table")).await.unwrap().is_displayed().await.unwrap());
    for summary in client.find_all(Locator::Css(".govuk-details__summary")).await.unwrap() {
        summary.click().await.unwrap();
    }
    assert!(client.find(Locator::Css("#findings-table")).await.unwrap().is_displayed().await.unwrap());
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on the report:\n{}", violations.join("\n"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cin_census_is_checked_in_the_browser_and_the_pages_are_accessible() {
    let Some(browser) = Browser::start().await else { return };
    let census = crate::web::synthetic_census("41");
    let path = census.file.to_string_lossy().to_string();
    let cli = run(&["validate", "cin", &path, "--format", "json"]);
    let findings = serde_json::from_slice::<Value>(&cli.stdout).unwrap().as_array().unwrap().len();
    assert!(findings > 0, "{}", text(&cli.stderr));

    let db = TestDb::new(Engine::Sqlite).unwrap();
    let accounts = crate::support::accounts::Accounts::new(&db.url_string()).await;
    let password = accounts.add("test.analyst", "performance_analyst", None, "").await;
    accounts.app.close().await;
    let careful = Careful::serve(&db.url_string());
    let client = browser.client();
    sign_in_in(&browser, &careful, "test.analyst", &password, None).await;

    // From the service navigation to the form.
    client
        .find(Locator::Css(".govuk-service-navigation__link[href='/returns/cin/validate']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&browser, "input#census").await;
    let heading = client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Check a CIN census");
    wait_for(&browser, "body.govuk-frontend-supported .govuk-skip-link[data-govuk-skip-link-init]").await;
    page_kind(&browser, "cin-census-form").await;

    // Submitting nothing: the error summary, focused, linking to the field.
    client.find(Locator::Css("button[value='check']")).await.unwrap().click().await.unwrap();
    let summary = wait_for(&browser, ".govuk-error-summary").await.text().await.unwrap();
    assert!(summary.contains("Select a CIN census file"), "{summary}");
    let title = browser.eval("return document.title;").await;
    assert!(title.as_str().unwrap().starts_with("Error: Check a CIN census"), "{title}");
    let focused = browser.eval("return document.activeElement.closest('.govuk-error-summary') !== null;").await;
    assert_eq!(focused, json!(true), "GOV.UK Frontend moves focus to the error summary");
    accessible(&browser, "the CIN census form with errors").await;

    // A file that is not a census: said so, with the file and line.
    let dir = TempDir::new();
    let not_census = dir.path().join("episodes.xml");
    std::fs::write(&not_census, "<EXPSSDA903/>").unwrap();
    let input = client.find(Locator::Css("input#census[type='file']")).await.unwrap();
    input.send_keys(&not_census.to_string_lossy()).await.unwrap();
    client.find(Locator::Css("button[value='check']")).await.unwrap().click().await.unwrap();
    // The last page had an error summary too: wait for the new one.
    let waited = Instant::now();
    while browser.eval("return document.body.innerText.includes('not a CIN census');").await != json!(true) {
        assert!(waited.elapsed() < Duration::from_secs(30), "the file was not refused");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let summary = wait_for(&browser, ".govuk-error-summary").await.text().await.unwrap();
    assert!(
        summary.contains("The selected file is not a CIN census careful can read: episodes.xml, line 1"),
        "{summary}"
    );
    accessible(&browser, "the CIN census form with a file that is not a census").await;

    // The census, chosen as a person would, and its year.
    let input = client.find(Locator::Css("input#census[type='file']")).await.unwrap();
    input.send_keys(&path).await.unwrap();
    client.find(Locator::Css("label[for='year-2']")).await.unwrap().click().await.unwrap();
    client.find(Locator::Css("button[value='check']")).await.unwrap().click().await.unwrap();
    let heading = wait_for(&browser, "h1#report-heading").await.text().await.unwrap();
    assert_eq!(heading, "CIN census validation report");
    let count = client.find(Locator::Css("#findings-count")).await.unwrap().text().await.unwrap();
    assert_eq!(count.replace(',', ""), findings.to_string());
    let rows = browser.eval("return document.querySelectorAll('#findings-table tbody tr').length;").await;
    assert_eq!(rows, json!(findings));
    assert!(!client.find(Locator::Css("#findings-table")).await.unwrap().is_displayed().await.unwrap());
    client.find(Locator::Css(".govuk-details__summary")).await.unwrap().click().await.unwrap();
    assert!(client.find(Locator::Css("#findings-table")).await.unwrap().is_displayed().await.unwrap());
    page_kind(&browser, "cin-census-report").await;
    browser.close().await;
}

/// Asserts axe-core finds no WCAG 2.2 A or AA failure on the current page.
async fn accessible(browser: &Browser, what: &str) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "accessibility failures on {what}:\n{}", violations.join("\n"));
}

/// The demonstration in Chromium: one click signs in as a synthetic person; their caseload, a
/// child's record (with who has looked at it), restricting it and breaking the glass, their
/// account, and the administrator's pages all work and pass axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demonstration_in_a_browser_signs_in_with_one_click_and_its_pages_are_accessible() {
    let Some(browser) = Browser::start().await else { return };
    let dir = TempDir::new();
    let data_dir = dir.path().to_string_lossy().to_string();
    let demo = Careful::start(&["demo", "--port", "0", "--data-dir", &data_dir, "--population", "3000"]);
    let client = browser.client();
    let sign_in_as = async |username: &str| demo_sign_in(&browser, &demo, username).await;

    client.goto(&demo.url("/sign-in")).await.unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "Sign in to careful");
    accessible(&browser, "the demo's sign-in page").await;

    // The team manager: their team's caseload, a child's record, restricting it.
    sign_in_as("demo.team.manager").await;
    accessible(&browser, "the home page").await;
    client.goto(&demo.url("/caseload")).await.unwrap();
    wait_for(&browser, "table[data-module='moj-sortable-table']").await;
    accessible(&browser, "the caseload").await;
    let first = client.find(Locator::Css("table a[href^='/children/']")).await.unwrap();
    let child = first.attr("href").await.unwrap().expect("a link to a child");
    first.click().await.unwrap();
    wait_for(&browser, ".moj-identity-bar").await;
    let page = client.source().await.unwrap();
    assert!(page.contains("Who has looked at this record") && page.contains("Opened the record"), "{page}");
    accessible(&browser, "a child's record").await;
    // Restricting it, naming nobody else.
    client.find(Locator::Css("#restrict-details summary")).await.unwrap().click().await.unwrap();
    client.find(Locator::Css("label[for='category']")).await.unwrap().click().await.unwrap();
    client
        .find(Locator::Css("#reason"))
        .await
        .unwrap()
        .send_keys("A high-profile case in the local news")
        .await
        .unwrap();
    client.find(Locator::Css("form[action$='/restrict'] button")).await.unwrap().click().await.unwrap();
    wait_for(&browser, ".govuk-tag--red").await;
    assert!(client.source().await.unwrap().contains("Who may open it"));
    accessible(&browser, "a restricted child's record").await;
    client.goto(&demo.url("/account")).await.unwrap();
    wait_for(&browser, "form[action='/account/tokens']").await;
    accessible(&browser, "the account page").await;

    // The social worker in that team is offered break glass, and the manager is alerted.
    sign_in_as("demo.social.worker").await;
    client.goto(&demo.url(&child)).await.unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "This record is restricted");
    accessible(&browser, "the break-glass page").await;
    client.find(Locator::Css("#reason")).await.unwrap().send_keys("Out-of-hours call from the police").await.unwrap();
    client.find(Locator::Css("form[action$='/break-glass'] button")).await.unwrap().click().await.unwrap();
    wait_for(&browser, ".moj-identity-bar").await;
    sign_in_as("demo.team.manager").await;
    let banner = wait_for(&browser, ".govuk-notification-banner").await.text().await.unwrap();
    assert!(banner.contains("You have 1 new alert"), "{banner}");
    client.goto(&demo.url("/alerts")).await.unwrap();
    let alerts = wait_for(&browser, "table").await.text().await.unwrap();
    assert!(alerts.contains("through break glass") && alerts.contains("Out-of-hours call from the police"), "{alerts}");
    accessible(&browser, "the alerts page").await;

    // The administrator: accounts, one account, the audit log (and checking it), records due
    // for review; and no child's record.
    sign_in_as("synthetic.admin").await;
    for (path, what) in [
        ("/admin/accounts", "the accounts page"),
        ("/admin/accounts/new", "the new account form"),
        ("/admin/audit", "the audit log"),
        ("/admin/retention", "records due for review"),
    ] {
        client.goto(&demo.url(path)).await.unwrap();
        wait_for(&browser, "h1").await;
        accessible(&browser, what).await;
    }
    client.goto(&demo.url("/admin/audit")).await.unwrap();
    client.find(Locator::Css("form[action='/admin/audit/verify'] button")).await.unwrap().click().await.unwrap();
    let verified = wait_for(&browser, ".govuk-notification-banner--success").await.text().await.unwrap();
    assert!(verified.contains("The chain is intact"), "{verified}");
    accessible(&browser, "the audit log after checking the chain").await;
    client.goto(&demo.url("/admin/accounts")).await.unwrap();
    client.find(Locator::Css("table a[href^='/admin/accounts/']")).await.unwrap().click().await.unwrap();
    wait_for(&browser, "form[action$='/role']").await;
    accessible(&browser, "an account's page").await;
    client.goto(&demo.url(&child)).await.unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "You cannot do that");
    accessible(&browser, "a refusal").await;
    browser.close().await;
}

/// Signs in to the demonstration as `username` with one click (signing out first if someone
/// is signed in, as a person would).
async fn demo_sign_in(browser: &Browser, demo: &Careful, username: &str) {
    let client = browser.client();
    client.goto(&demo.url("/")).await.unwrap();
    if let Ok(button) = client.find(Locator::Css(".app-signed-in__form button")).await {
        button.click().await.unwrap();
        wait_for(browser, "form[action='/sign-in']").await;
    }
    client.goto(&demo.url("/sign-in")).await.unwrap();
    let button = format!("form[action='/sign-in/demo'] input[value='{username}'] + button");
    client.find(Locator::Css(&button)).await.unwrap().click().await.unwrap();
    wait_for(browser, ".app-signed-in").await;
}

/// Where the browser tests save their screenshots: `$CAREFUL_TEST_OUTPUT/screenshots`, or
/// `test-output/screenshots` in the workspace.
fn screenshots() -> PathBuf {
    let base = std::env::var_os("CAREFUL_TEST_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-output")));
    let dir = base.join("screenshots");
    std::fs::create_dir_all(&dir).expect("make the screenshots folder");
    dir
}

/// Checks the page with axe-core, then saves a screenshot of the whole page as `name.png`.
async fn page_kind(browser: &Browser, name: &str) {
    accessible(browser, name).await;
    let client = browser.client();
    let height = browser.eval("return document.documentElement.scrollHeight;").await.as_u64().unwrap_or(1000);
    client.set_window_size(1280, height.clamp(700, 6000) as u32).await.unwrap();
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
    client.set_window_size(1280, 1000).await.unwrap();
}

/// Signs in through the sign-in page (and the second factor's, with `code` for it).
async fn sign_in_in(
    browser: &Browser,
    base: &Careful,
    username: &str,
    password: &str,
    code: Option<&dyn Fn(i64) -> String>,
) {
    let client = browser.client();
    client.goto(&base.url("/sign-in")).await.unwrap();
    client.find(Locator::Css("#username")).await.unwrap().send_keys(username).await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys(password).await.unwrap();
    client.find(Locator::Css("form[action='/sign-in'] button")).await.unwrap().click().await.unwrap();
    if let Some(code) = code {
        for offset in [0, 1, 2] {
            wait_for(browser, "#code").await.send_keys(&code(offset)).await.unwrap();
            client
                .find(Locator::Css("form[action='/sign-in/two-factor'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for(browser, "h1").await;
            if client.find(Locator::Css(".app-signed-in")).await.is_ok() {
                break;
            }
        }
    }
    wait_for(browser, ".app-signed-in").await;
}

/// Clicks the form's main button.
async fn submit(browser: &Browser) {
    browser
        .client()
        .find(Locator::Css("main form[method='post'] button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// A practitioner's day in Chromium: My work shows an overdue visit; the visit is recorded
/// with the child seen alone and what they said; the duty shows as met and the chronology
/// shows the visit; a second browser's entry meanwhile gives the first the conflict message
/// without losing what was typed; search finds the child by a misspelt surname. Every page
/// passes axe-core, and a screenshot of each kind of page is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioner_records_an_overdue_visit_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let p = crate::support::practice::practice(&db.url_string()).await;
    let careful = Careful::serve(&db.url_string());
    let client = browser.client();
    let mia = p.mia.to_string();

    // Signed out, the front page is the sign-in page.
    client.goto(&careful.url("/")).await.unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "Sign in to careful");
    page_kind(&browser, "sign-in").await;
    client.find(Locator::Css("#username")).await.unwrap().send_keys("sam.social").await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys(&p.sam_password).await.unwrap();
    client.find(Locator::Css("form[action='/sign-in'] button")).await.unwrap().click().await.unwrap();

    // My work: the overdue visit, first.
    wait_for(&browser, "#overdue-count").await;
    assert_eq!(client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap(), "My work");
    let overdue = client.find(Locator::Css("table.app-duty-table")).await.unwrap().text().await.unwrap();
    assert!(overdue.contains("Mia Smith") && overdue.contains("Overdue by 53 days"), "{overdue}");
    // The arithmetic opens beneath the duty.
    client.find(Locator::Css("table.app-duty-table details summary")).await.unwrap().click().await.unwrap();
    page_kind(&browser, "my-work").await;
    client.find(Locator::Css("table.app-duty-table a[href*='/record/visit']")).await.unwrap().click().await.unwrap();

    // The visit form, prefilled: seen alone, and what Mia said.
    wait_for(&browser, "#wishes-and-feelings").await;
    assert_eq!(client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap(), "Record a visit");
    page_kind(&browser, "record-form").await;
    // Nothing about being seen alone: the error summary, linked to the question.
    submit(&browser).await;
    let summary = wait_for(&browser, ".govuk-error-summary").await.text().await.unwrap();
    assert!(summary.contains("Select whether the child was seen alone"), "{summary}");
    page_kind(&browser, "record-form-errors").await;
    client.find(Locator::Css("label[for='seen-alone-alone']")).await.unwrap().click().await.unwrap();
    let said = "I like it here but I miss my brother";
    client.find(Locator::Css("#wishes-and-feelings")).await.unwrap().send_keys(said).await.unwrap();
    submit(&browser).await;

    // The child's page: saved, and the duty met.
    let banner = wait_for(&browser, ".govuk-notification-banner--success").await.text().await.unwrap();
    assert!(banner.contains("Saved in Mia's record"), "{banner}");
    let page = client.source().await.unwrap();
    assert!(page.contains("Met in the last 90 days") && page.contains("Met 53 days late"), "{page}");
    assert!(client.find(Locator::Css("#wishes")).await.unwrap().text().await.unwrap().contains(said));
    page_kind(&browser, "child").await;

    // The chronology shows the visit, and prints.
    client.find(Locator::Css(".moj-sub-navigation__link[href$='/chronology']")).await.unwrap().click().await.unwrap();
    let timeline = wait_for(&browser, "#chronology").await.text().await.unwrap();
    assert!(timeline.contains("Statutory visit: child seen alone") && timeline.contains(said), "{timeline}");
    assert!(timeline.contains("recorded by Sam Social"), "{timeline}");
    page_kind(&browser, "chronology").await;
    client.goto(&careful.url(&format!("/children/{mia}/chronology?print=yes"))).await.unwrap();
    wait_for(&browser, "#chronology").await;
    page_kind(&browser, "chronology-print").await;
    client.goto(&careful.url(&format!("/children/{mia}/chronology"))).await.unwrap();
    client.find(Locator::Css("#chronology a[href$='/correct']")).await.unwrap().click().await.unwrap();
    wait_for(&browser, "#note").await;
    page_kind(&browser, "correction").await;

    // The child's own page, and what can be recorded.
    client.goto(&careful.url(&format!("/children/{mia}/my-plan"))).await.unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "Hello, Mia");
    page_kind(&browser, "child-view").await;
    client.goto(&careful.url(&format!("/children/{mia}/record"))).await.unwrap();
    wait_for(&browser, ".app-record-area").await;
    page_kind(&browser, "record-menu").await;
    // The guardrails, before anything is typed.
    client.goto(&careful.url(&format!("/children/{mia}/record/placement-change"))).await.unwrap();
    wait_for(&browser, ".app-guardrail-preview").await;
    page_kind(&browser, "guardrails").await;

    // Two browsers on the same child: the first opens a health assessment form and fills it in;
    // the second records a dental check meanwhile; the first is told, and keeps its answers.
    client.goto(&careful.url(&format!("/children/{mia}/record/health-assessment"))).await.unwrap();
    wait_for(&browser, "label[for='assessment']").await.click().await.unwrap();
    client.find(Locator::Css("#note")).await.unwrap().send_keys("Seen by Dr Patel at the clinic").await.unwrap();
    let other = Browser::start().await.expect("a second browser");
    sign_in_in(&other, &careful, "sam.social", &p.sam_password, None).await;
    other.client().goto(&careful.url(&format!("/children/{mia}/record/dental-check"))).await.unwrap();
    wait_for(&other, "#date-day").await;
    submit(&other).await;
    wait_for(&other, ".govuk-notification-banner--success").await;
    submit(&browser).await;
    let conflict = wait_for(&browser, "#conflict").await.text().await.unwrap();
    assert!(conflict.contains("Dental check") && conflict.contains("recorded by Sam Social"), "{conflict}");
    let kept = browser
        .eval("return [document.getElementById('assessment').checked, document.getElementById('note').value];")
        .await;
    assert_eq!(kept, json!([true, "Seen by Dr Patel at the clinic"]), "the answers are kept");
    page_kind(&browser, "conflict").await;
    submit(&browser).await;
    wait_for(&browser, ".govuk-notification-banner--success").await;

    // Search finds Mia by a misspelt surname.
    client.goto(&careful.url("/search")).await.unwrap();
    wait_for(&browser, "#name").await.send_keys("Mia Smyth").await.unwrap();
    client.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    wait_for(&browser, "#results").await;
    let results = client.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(results.contains("Mia Smith"), "{results}");
    page_kind(&browser, "search").await;
    client.goto(&careful.url("/caseload")).await.unwrap();
    wait_for(&browser, "#caseload").await;
    page_kind(&browser, "caseload").await;

    // The team manager's view of the team, and the IRO's view, in the second browser.
    let secret = p.tess_secret.clone();
    let code = move |offset: i64| crate::support::accounts::totp(&secret, chrono::Utc::now(), offset);
    other.client().find(Locator::Css(".app-signed-in__form button")).await.unwrap().click().await.unwrap();
    wait_for(&other, "form[action='/sign-in']").await;
    sign_in_in(&other, &careful, "tess.manager", &p.tess_password, Some(&code)).await;
    other.client().goto(&careful.url("/team")).await.unwrap();
    let team = wait_for(&other, "main table").await.text().await.unwrap();
    assert!(team.contains("Sam Social"), "{team}");
    page_kind(&other, "team").await;
    other.client().find(Locator::Css(".app-signed-in__form button")).await.unwrap().click().await.unwrap();
    wait_for(&other, "form[action='/sign-in']").await;
    sign_in_in(&other, &careful, "ida.reviewer", &p.ida_password, None).await;
    other.client().goto(&careful.url("/iro")).await.unwrap();
    let iro = wait_for(&other, "main table").await.text().await.unwrap();
    assert!(iro.contains("Mia Smith"), "{iro}");
    page_kind(&other, "iro").await;
    other.close().await;
    browser.close().await;
}

/// Checks that every chart on the page has a title and description for assistive technology
/// and a data table with a row for each bar; returns how many charts there were.
async fn charts_have_their_data(browser: &Browser, what: &str) -> u64 {
    let found = browser
        .eval(
            "return Array.from(document.querySelectorAll('figure.app-chart')).map(f => {
                 const svg = f.querySelector('svg');
                 const rows = f.querySelectorAll('table.app-chart__data tbody tr').length;
                 const bars = svg ? svg.querySelectorAll('rect.app-chart__bar').length : 0;
                 const named = svg ? !!svg.querySelector('title') && !!svg.querySelector('desc')
                     && svg.getAttribute('role') === 'img' : true;
                 return { rows, bars, named };
             });",
        )
        .await;
    let charts = found.as_array().unwrap_or_else(|| panic!("no charts on {what}: {found}"));
    for chart in charts {
        assert_eq!(chart["rows"], chart["bars"], "a chart on {what} without a row for each bar: {chart}");
        assert_eq!(chart["named"], true, "a chart on {what} without a title and description: {chart}");
    }
    charts.len() as u64
}

/// The figures pages in Chromium: the council's indicators with a chart and its data, each
/// team's and worker's figures for a manager, and the scrutiny report for a councillor; all
/// pass axe-core, and a councillor is offered no team's or worker's figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_pages_and_the_scrutiny_report_are_accessible() {
    let Some(browser) = Browser::start().await else { return };
    let dir = TempDir::new();
    let data_dir = dir.path().to_string_lossy().to_string();
    let demo = Careful::start(&["demo", "--port", "0", "--data-dir", &data_dir, "--population", "3000"]);
    let client = browser.client();
    let sign_in_as = async |username: &str| demo_sign_in(&browser, &demo, username).await;

    sign_in_as("demo.service.manager").await;
    client
        .find(Locator::Css("a.govuk-service-navigation__link[href='/insight']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "Figures");
    let table = client.find(Locator::Css("#indicators")).await.unwrap().text().await.unwrap();
    assert!(
        table.contains("Assessments completed within 45 working days") && table.contains("Average caseload"),
        "{table}"
    );
    assert!(!table.contains("per 10,000"), "rates shown without a population: {table}");
    assert_eq!(charts_have_their_data(&browser, "the figures page").await, 1);
    page_kind(&browser, "figures").await;
    // With the area's population, the rates.
    client.find(Locator::Css("#population")).await.unwrap().send_keys("48,500").await.unwrap();
    client.find(Locator::Css("form[action='/insight'] button")).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    while !client.current_url().await.unwrap().as_str().contains("population=48") {
        assert!(started.elapsed() < Duration::from_secs(30), "the form did not submit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_for(&browser, "#indicators").await;
    let table = client.find(Locator::Css("#indicators")).await.unwrap().text().await.unwrap();
    assert!(table.contains("Children looked after, per 10,000"), "{table}");
    accessible(&browser, "the figures page with rates").await;
    // A population that is not a number is refused, naming the field.
    client.goto(&demo.url("/insight?population=lots")).await.unwrap();
    let refused = wait_for(&browser, "main").await.text().await.unwrap();
    assert!(refused.contains("whole number"), "{refused}");

    client.goto(&demo.url("/insight/teams")).await.unwrap();
    wait_for(&browser, "#teams").await;
    assert!(client.find(Locator::Css("#workers")).await.is_ok());
    assert_eq!(charts_have_their_data(&browser, "the figures by team").await, 1);
    page_kind(&browser, "figures-by-team").await;

    // Benchmarks: England's shipped figures beside the council's, each chart with its data.
    client.goto(&demo.url("/insight/benchmarks")).await.unwrap();
    let table = wait_for(&browser, "#benchmarks").await.text().await.unwrap();
    assert!(table.contains("Re-referrals within 12 months") && table.contains('%'), "{table}");
    assert!(charts_have_their_data(&browser, "the benchmarks page").await >= 3);
    page_kind(&browser, "benchmarks").await;

    // The forecast: the base case, then a scenario with 20% more children coming into care.
    client.goto(&demo.url("/insight/forecast")).await.unwrap();
    let base = wait_for(&browser, "#forecast-cost").await.text().await.unwrap();
    assert!(base.starts_with('£') && base.contains("95% interval"), "{base}");
    assert_eq!(charts_have_their_data(&browser, "the forecast").await, 1);
    page_kind(&browser, "forecast").await;
    client.goto(&demo.url("/insight/forecast?entry_rate_change=20")).await.unwrap();
    let more = wait_for(&browser, "#forecast-cost").await.text().await.unwrap();
    let million = |t: &str| t.trim_start_matches('£').split(' ').next().unwrap().parse::<f64>().unwrap();
    assert!(million(&more) > million(&base), "{more} against {base}");
    client.goto(&demo.url("/insight/forecast?step_down=lots")).await.unwrap();
    let refused = wait_for(&browser, "main").await.text().await.unwrap();
    assert!(refused.contains("percentage as a number"), "{refused}");

    // A councillor: the council's figures and the scrutiny report, no team's or worker's.
    sign_in_as("demo.scrutiny").await;
    client.goto(&demo.url("/insight")).await.unwrap();
    wait_for(&browser, "#indicators").await;
    assert!(client.find(Locator::Css("a[href='/insight/teams']")).await.is_err());
    client.find(Locator::Css("a[href='/insight/scrutiny']")).await.unwrap().click().await.unwrap();
    let heading = wait_for(&browser, "h1").await.text().await.unwrap();
    assert!(heading.starts_with("Scrutiny report"), "{heading}");
    let report = client.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(report.contains("IRO concerns and escalations") && report.contains("Advocacy"), "{report}");
    page_kind(&browser, "scrutiny-report").await;
    client.goto(&demo.url("/insight/teams")).await.unwrap();
    assert_eq!(wait_for(&browser, "h1").await.text().await.unwrap(), "You cannot do that");
    browser.close().await;
}
