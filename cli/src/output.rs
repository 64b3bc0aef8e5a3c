//! How results and errors are printed: human text (Vietnamese or English) or `--json`.

use std::borrow::Cow;
use std::fmt::Write as _;

use motcua_core::{Lang, Localized};
use motcua_protocol::identity::CitizenProfile;
use motcua_protocol::validation::is_forbidden_in_free_text;
use serde::Serialize;

/// Output settings from the global flags.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Machine-readable JSON on stdout instead of text.
    pub json: bool,
    /// Language of human text.
    pub lang: Lang,
}

impl Output {
    /// Prints a result: `value` as JSON, or `text` for people, made [`terminal_safe`]
    /// (it holds what citizens, officers and the portal wrote).
    pub fn result<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        self.result_styled(value, || terminal_safe(&text()).into_owned());
    }

    /// [`Output::result`] for a text that carries the CLI's own terminal styling (bold
    /// search highlights): the caller passes every piece from elsewhere through
    /// [`terminal_safe`] itself.
    pub fn result_styled<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string(value) {
                Ok(json) => println!("{json}"),
                Err(error) => eprintln!("{error}"),
            }
        } else {
            println!("{}", text());
        }
    }

    /// Picks the Vietnamese or English text.
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// Prints an error: JSON `{"error":{"code","message"}}` on stdout with `--json`,
    /// otherwise the localised message and code on stderr.
    pub fn error(&self, error: &dyn Localized) {
        if self.json {
            let body = serde_json::json!({
                "error": {"code": error.code(), "message": error.message(self.lang)}
            });
            println!("{body}");
        } else {
            eprintln!(
                "{} [{}]",
                terminal_safe(&error.message(self.lang)),
                error.code()
            );
        }
    }
}

/// Text from elsewhere made harmless on a terminal: every character the portal refuses in
/// a free text ([`is_forbidden_in_free_text`]: control characters other than line feed
/// and tab, bidirectional controls) is shown as a visible `\u{…}` escape instead of
/// acting on the terminal, so that a note cannot clear an officer's screen or print a
/// forged "ĐÃ DUYỆT". Texts from before the portal refused them are still in databases.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_forbidden_in_free_text) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_forbidden_in_free_text(c) {
            let _ = write!(safe, "\\u{{{:x}}}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// A personal ID number with the middle hidden, for screens others may see.
pub fn mask_id(id: &str) -> String {
    if id.chars().count() < 8 {
        return "*".repeat(id.chars().count());
    }
    let chars: Vec<char> = id.chars().collect();
    let (head, tail) = (&chars[..4], &chars[chars.len() - 2..]);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(chars.len() - 6),
        tail.iter().collect::<String>()
    )
}

/// The profile in a few lines of text.
pub fn profile_text(out: &Output, profile: &CitizenProfile) -> String {
    let mut lines = vec![
        format!("{}: {}", out.t("Họ và tên", "Full name"), profile.full_name),
        format!(
            "{}: {} {}",
            out.t("Mức định danh", "Identity level"),
            out.t("mức", "level"),
            profile.identity_level.number()
        ),
    ];
    if let Some(id) = &profile.personal_id {
        lines.push(format!(
            "{}: {}",
            out.t("Số định danh", "ID number"),
            mask_id(id)
        ));
    }
    if let Some(date) = &profile.birth_date {
        lines.push(format!("{}: {date}", out.t("Ngày sinh", "Date of birth")));
    }
    if let Some(address) = &profile.address {
        lines.push(format!("{}: {address}", out.t("Địa chỉ", "Address")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_control_sequences_are_shown_not_obeyed() {
        let note = "nộp nhầm\u{1b}[2J\u{1b}[H\rĐÃ DUYỆT\u{9b}1m\u{202e}";
        let shown = terminal_safe(note);
        assert_eq!(
            shown,
            "nộp nhầm\\u{1b}[2J\\u{1b}[H\\u{d}ĐÃ DUYỆT\\u{9b}1m\\u{202e}"
        );
        assert!(!shown.chars().any(is_forbidden_in_free_text));
        assert!(matches!(
            terminal_safe("dòng một\n\tdòng hai"),
            Cow::Borrowed("dòng một\n\tdòng hai")
        ));
    }

    #[test]
    fn ids_are_masked_in_the_middle() {
        assert_eq!(mask_id("046187000123"), "0461******23");
        assert_eq!(mask_id("123"), "***");
    }
}
