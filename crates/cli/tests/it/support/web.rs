//! A browser-like HTTP session for tests: keeps cookies, does not follow redirects (so tests see
//! each 303 and its Location), sends forms as careful's own pages would (urlencoded, with
//! `Sec-Fetch-Site: same-origin`), and reads the form token from a page.

// Helpers shared by the web tests; not every test uses every one.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::process::http_no_redirects;

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The form token (`csrf_token`) in the page's first form.
    pub fn csrf(&self) -> String {
        csrf_in(&self.body).unwrap_or_else(|| panic!("no form token in the page:\n{}", self.body))
    }
}

/// The first `csrf_token` value in a page's HTML.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\" value=\"").map(|i| i + "name=\"csrf_token\" value=\"".len());
    let at = at.or_else(|| html.find("?csrf_token=").map(|i| i + "?csrf_token=".len()))?;
    let end = html[at..].find('"')? + at;
    Some(html[at..end].to_string())
}

/// Urlencodes a form value.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One browser's worth of cookies against one careful.
pub struct Session {
    base: String,
    cookies: Mutex<BTreeMap<String, String>>,
    client: reqwest::Client,
    user_agent: String,
}

impl Session {
    pub fn new(base_url: &str) -> Session {
        Session {
            base: base_url.trim_end_matches('/').to_string(),
            cookies: Mutex::new(BTreeMap::new()),
            client: http_no_redirects(),
            user_agent: "careful-tests".into(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies.lock().unwrap().insert(name.into(), value.into());
    }

    pub fn clear_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    fn cookie_header(&self) -> String {
        self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn read(&self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for value in headers.get_all(reqwest::header::SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = text.contains("Max-Age=0") || value.is_empty();
                let mut jar = self.cookies.lock().unwrap();
                if expired {
                    jar.remove(name.trim());
                } else {
                    jar.insert(name.trim().to_string(), value.trim().to_string());
                }
            }
        }
        let location = headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = response.text().await.unwrap_or_default();
        Page { status, location, headers, body }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.read(response).await
    }

    /// POSTs `fields` exactly as given (a test adds `csrf_token` itself, or leaves it out).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.read(response).await
    }

    /// POSTs `fields` with the form token from `page`.
    pub async fn post(&self, path: &str, page: &Page, fields: &[(&str, &str)]) -> Page {
        let csrf = page.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Signs in with a username and password (no second factor). Returns the answer to the
    /// sign-in form.
    pub async fn sign_in(&self, username: &str, password: &str) -> Page {
        let form = self.get("/sign-in").await;
        self.post("/sign-in", &form, &[("username", username), ("password", password)]).await
    }

    /// Signs in with a password and then a TOTP code (for accounts with an app set up).
    pub async fn sign_in_with_code(&self, username: &str, password: &str, code: &str) -> Page {
        let first = self.sign_in(username, password).await;
        assert_eq!(first.status, 303, "{}", first.body);
        let page = self.get(first.location.as_deref().unwrap_or("/sign-in/two-factor")).await;
        self.post("/sign-in/two-factor", &page, &[("code", code)]).await
    }

    /// Signs in with one click, in the demonstration.
    pub async fn demo_sign_in(&self, username: &str) -> Page {
        let form = self.get("/sign-in").await;
        self.post("/sign-in/demo", &form, &[("username", username)]).await
    }
}

/// The text of the element with `id` (which holds no other elements), trimmed.
pub fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap() + open;
    rest[open..close].trim()
}
