//! A tiny scripted browser: follows redirects with a cookie jar, reads HTML forms and
//! submits them, and stops when the provider sends it to the app's redirect URI (where a
//! phone's OS would hand the URL to the app). `motcua demo` and the end-to-end tests use it
//! to drive a login page exactly as a person's browser would, over real HTTP.

use std::sync::Arc;

use reqwest::header::LOCATION;
use scraper::{Html, Selector};
use url::Url;

/// Most redirects a single navigation may take before we call it a loop.
const MAX_REDIRECTS: usize = 10;

/// Why the scripted browser stopped.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// Transport failure.
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// A URL that does not parse.
    #[error("bad URL: {0}")]
    Url(#[from] url::ParseError),
    /// The page did not have the expected form.
    #[error("no form matching {0:?} on the page")]
    NoSuchForm(String),
    /// A redirect loop or a redirect without a location.
    #[error("navigation failed: {0}")]
    Navigation(String),
    /// The server answered with an error status.
    #[error("HTTP {status} at {url}")]
    Status {
        /// The status.
        status: u16,
        /// The URL (path only, no query: it may hold secrets).
        url: String,
    },
}

/// Where a navigation ended.
#[derive(Debug, Clone)]
pub enum Landing {
    /// An HTML page.
    Page(Page),
    /// The browser was sent to the app's redirect URI: this is the callback URL.
    Callback(String),
}

/// A loaded HTML page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its final URL (after redirects).
    pub url: Url,
    /// Its HTML.
    pub html: String,
}

/// One form's submission, read off a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSubmission {
    /// Absolute URL to post to.
    pub action: Url,
    /// Method (`post` or `get`).
    pub method: String,
    /// Fields, in document order.
    pub fields: Vec<(String, String)>,
}

impl Page {
    /// The form matched by CSS `selector`, with its named inputs and the first named submit
    /// button, as a browser would send it when that button is pressed.
    pub fn form(&self, selector: &str) -> Result<FormSubmission, BrowserError> {
        let css =
            Selector::parse(selector).map_err(|_| BrowserError::NoSuchForm(selector.to_owned()))?;
        let document = Html::parse_document(&self.html);
        let form = document
            .select(&css)
            .next()
            .ok_or_else(|| BrowserError::NoSuchForm(selector.to_owned()))?;
        let action = form.value().attr("action").unwrap_or("");
        let method = form
            .value()
            .attr("method")
            .unwrap_or("get")
            .to_ascii_lowercase();
        let mut fields = Vec::new();
        let inputs = Selector::parse("input, button, select, textarea")
            .map_err(|_| BrowserError::NoSuchForm(selector.to_owned()))?;
        let mut button_taken = false;
        for element in form.select(&inputs) {
            let value = element.value();
            let Some(name) = value.attr("name") else {
                continue;
            };
            let kind = value.attr("type").unwrap_or("").to_ascii_lowercase();
            let is_button = value.name() == "button" || kind == "submit";
            if is_button {
                if button_taken {
                    continue;
                }
                button_taken = true;
            }
            if matches!(kind.as_str(), "checkbox" | "radio") && value.attr("checked").is_none() {
                continue;
            }
            let text = value.attr("value").map(str::to_owned).unwrap_or_else(|| {
                if value.name() == "textarea" {
                    element.text().collect()
                } else {
                    String::new()
                }
            });
            fields.push((name.to_owned(), text));
        }
        Ok(FormSubmission {
            action: self.url.join(action)?,
            method,
            fields,
        })
    }

    /// Values of `attribute` on every element matched by `selector`.
    pub fn attributes(&self, selector: &str, attribute: &str) -> Vec<String> {
        let Ok(css) = Selector::parse(selector) else {
            return Vec::new();
        };
        Html::parse_document(&self.html)
            .select(&css)
            .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
            .collect()
    }
}

/// The scripted browser.
pub struct Browser {
    client: reqwest::Client,
    redirect_prefix: String,
}

impl Browser {
    /// A browser that stops at any URL starting with `redirect_uri`.
    pub fn new(redirect_uri: &str) -> Result<Browser, BrowserError> {
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        Ok(Browser {
            client,
            redirect_prefix: redirect_uri.to_owned(),
        })
    }

    /// Opens `url` and follows redirects.
    pub async fn open(&self, url: &str) -> Result<Landing, BrowserError> {
        let response = self.client.get(url).send().await?;
        self.follow(response).await
    }

    /// Submits a form and follows redirects.
    pub async fn submit(&self, form: &FormSubmission) -> Result<Landing, BrowserError> {
        let request = if form.method == "post" {
            self.client.post(form.action.clone()).form(&form.fields)
        } else {
            let mut url = form.action.clone();
            url.query_pairs_mut().extend_pairs(&form.fields);
            self.client.get(url)
        };
        let response = request.send().await?;
        self.follow(response).await
    }

    async fn follow(&self, mut response: reqwest::Response) -> Result<Landing, BrowserError> {
        for _ in 0..MAX_REDIRECTS {
            if !response.status().is_redirection() {
                let url = response.url().clone();
                let status = response.status();
                if !status.is_success() {
                    return Err(BrowserError::Status {
                        status: status.as_u16(),
                        url: format!("{}{}", url.origin().ascii_serialization(), url.path()),
                    });
                }
                let html = response.text().await?;
                return Ok(Landing::Page(Page { url, html }));
            }
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| BrowserError::Navigation("redirect without Location".into()))?;
            let next = response.url().join(location)?;
            if next.as_str().starts_with(&self.redirect_prefix) {
                return Ok(Landing::Callback(next.into()));
            }
            response = self.client.get(next).send().await?;
        }
        Err(BrowserError::Navigation("too many redirects".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_form_like_a_browser() {
        let page = Page {
            url: Url::parse("http://127.0.0.1:9/oidc/authorize?x=1").unwrap(),
            html: r#"<html><body>
                <form method="POST" action="/oidc/login" data-citizen="c1">
                  <input type="hidden" name="request_id" value="r1">
                  <input type="hidden" name="citizen" value="c1">
                  <input type="checkbox" name="remember">
                  <button type="submit" name="go" value="yes">Nguyễn Văn An</button>
                  <button type="submit" name="other" value="no">x</button>
                </form>
                <form method="post" action="login" data-action="cancel">
                  <input type="hidden" name="action" value="cancel">
                </form></body></html>"#
                .into(),
        };
        let form = page.form("form[data-citizen='c1']").unwrap();
        assert_eq!(form.action.as_str(), "http://127.0.0.1:9/oidc/login");
        assert_eq!(form.method, "post");
        assert_eq!(
            form.fields,
            vec![
                ("request_id".into(), "r1".into()),
                ("citizen".into(), "c1".into()),
                ("go".into(), "yes".into())
            ]
        );
        let cancel = page.form("form[data-action='cancel']").unwrap();
        assert_eq!(cancel.action.as_str(), "http://127.0.0.1:9/oidc/login");
        assert!(matches!(
            page.form("form.none"),
            Err(BrowserError::NoSuchForm(_))
        ));
        assert_eq!(
            page.attributes("form[data-citizen]", "data-citizen"),
            vec!["c1"]
        );
    }
}
