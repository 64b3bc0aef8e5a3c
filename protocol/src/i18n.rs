//! Localisation of what a person sees: every user-facing error has a stable machine code
//! and a message in Vietnamese (the default) and English.

use serde::{Deserialize, Serialize};

/// A language the apps are offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Vietnamese, the default for every province app.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Parses a BCP 47 tag loosely (`vi`, `vi-VN`, `en`, `en-US`); anything else is Vietnamese.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// An error (or notice) that a person may see.
pub trait Localized {
    /// Stable machine code, `snake_case`, never translated; apps and scripts branch on it.
    fn code(&self) -> &'static str;
    /// The message in the requested language, in plain words.
    fn message(&self, lang: Lang) -> String;
}
