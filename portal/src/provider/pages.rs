//! HTML pages of the built-in provider: the login page and error pages. Vietnamese first,
//! English below; large type and buttons for first-time users; every value escaped.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use motcua_protocol::identity::IdentityLevel;

use crate::citizens::{ProviderCitizen, mask_personal_id};

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px;
       line-height: 1.5; margin: 0; background: #f4f6f8; color: #1a1a1a; }
main { max-width: 36rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; color: #a50e0e; }
.en { display: block; font-size: .85em; color: #555; font-weight: normal; }
.note { background: #fff8e1; border-left: 6px solid #f9a825; padding: .75rem 1rem; margin: 1rem 0; }
form { margin: 0 0 1rem; }
button { width: 100%; min-height: 4.5rem; font-size: 1.1rem; text-align: left; padding: 1rem 1.25rem;
         border: 2px solid #a50e0e; border-radius: .75rem; background: #fff; color: #1a1a1a; cursor: pointer; }
button:hover, button:focus { background: #fdecea; outline: 3px solid #1565c0; }
button .name { display: block; font-size: 1.3rem; font-weight: bold; }
button .level { display: inline-block; margin-top: .25rem; padding: 0 .5rem; border-radius: .5rem;
                background: #e8f5e9; color: #1b5e20; font-weight: bold; }
button.cancel { border-color: #555; text-align: center; min-height: 3.5rem; }
"#;

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        title = escape(title),
    )
}

fn page_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// "Mức 2 / Level 2".
fn level_label(level: IdentityLevel) -> String {
    format!("Mức {0} / Level {0}", level.number())
}

/// The login page: one form per citizen and a cancel form, all posting to `login_action`.
pub(crate) fn login_page(
    login_action: &str,
    request_id: &str,
    citizens: &[ProviderCitizen],
    wants_level2: bool,
) -> Response {
    let action = escape(login_action);
    let request_id = escape(request_id);
    let mut body = String::new();
    body.push_str(
        "<h1>Đăng nhập bằng định danh điện tử<span class=\"en\">Sign in with electronic identity</span></h1>\n\
         <p class=\"note\">Máy chủ thử nghiệm: chọn một công dân mẫu để đăng nhập.\
         <span class=\"en\">Development provider: choose a demo citizen to sign in as.</span></p>\n",
    );
    if wants_level2 {
        body.push_str(
            "<p class=\"note\">Dịch vụ yêu cầu tài khoản định danh điện tử mức 2.\
             <span class=\"en\">The service asks for a level 2 electronic identity.</span></p>\n",
        );
    }
    for citizen in citizens {
        let subject = escape(&citizen.subject);
        // Writing to a String cannot fail.
        let _ = write!(
            body,
            "<form method=\"post\" action=\"{action}\" data-citizen=\"{subject}\">\n\
             <input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\n\
             <input type=\"hidden\" name=\"citizen\" value=\"{subject}\">\n\
             <button type=\"submit\"><span class=\"name\">{name}</span>\
             Số định danh / ID number: {masked}<br>\
             <span class=\"level\">{level}</span></button>\n</form>\n",
            name = escape(&citizen.full_name),
            masked = escape(&mask_personal_id(&citizen.personal_id)),
            level = escape(&level_label(citizen.level)),
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{action}\" data-action=\"cancel\">\n\
         <input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\n\
         <input type=\"hidden\" name=\"action\" value=\"cancel\">\n\
         <button type=\"submit\" class=\"cancel\">Hủy<span class=\"en\">Cancel</span></button>\n</form>\n",
    );
    page_response(StatusCode::OK, document("Đăng nhập / Sign in", &body))
}

/// An error page (never a redirect): Vietnamese title, English subtitle, a detail line.
pub(crate) fn error_page(
    status: StatusCode,
    title_vi: &str,
    title_en: &str,
    detail: &str,
) -> Response {
    let body = format!(
        "<h1>{}<span class=\"en\">{}</span></h1>\n<p>{}</p>\n",
        escape(title_vi),
        escape(title_en),
        escape(detail),
    );
    page_response(status, document(title_vi, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Nguyễn Thị Lan"), "Nguyễn Thị Lan");
    }
}
