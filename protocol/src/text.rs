//! Vietnamese text folding for search: what people type on a phone, often without
//! diacritics, in NFC or NFD, compared with what the catalog publishes.
//!
//! Folding decomposes (NFD), drops every combining mark (the five tones and the vowel
//! marks ˆ ˘ ʼ), maps đ/Đ and their look-alikes Ð (U+00D0) and Ɖ (U+0189) to `d` (they do
//! not decompose), and lower-cases. Old and new tone placement (hòa / hoà) fold alike.

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// Folds one character sequence to lower-case ASCII-like letters and digits.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' | 'Ð' | 'ð' | 'Ɖ' | 'ɖ' => folded.push('d'),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// A word of a text: its folded form and where it stands in the original text, in
/// Unicode scalar values (`char`s), end exclusive — for highlighting in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The folded word.
    pub folded: String,
    /// Index of its first `char` in the original text.
    pub start: usize,
    /// Index after its last `char` in the original text.
    pub end: usize,
}

/// Splits `text` into words (runs of letters and digits, combining marks included) and
/// folds each. Everything else (spaces, punctuation, symbols, emoji, control characters)
/// separates words.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut index = 0;
    for c in text.chars() {
        if c.is_alphanumeric() || (is_combining_mark(c) && !current.is_empty()) {
            if current.is_empty() {
                start = index;
            }
            current.push(c);
        } else if !current.is_empty() {
            tokens.push(Token {
                folded: fold(&current),
                start,
                end: index,
            });
            current.clear();
        }
        index += 1;
    }
    if !current.is_empty() {
        tokens.push(Token {
            folded: fold(&current),
            start,
            end: index,
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Vietnamese vowel, with every tone, upper and lower case.
    const VOWELS: [(&str, char); 12] = [
        ("aàáảãạ", 'a'),
        ("ăằắẳẵặ", 'a'),
        ("âầấẩẫậ", 'a'),
        ("eèéẻẽẹ", 'e'),
        ("êềếểễệ", 'e'),
        ("iìíỉĩị", 'i'),
        ("oòóỏõọ", 'o'),
        ("ôồốổỗộ", 'o'),
        ("ơờớởỡợ", 'o'),
        ("uùúủũụ", 'u'),
        ("ưừứửữự", 'u'),
        ("yỳýỷỹỵ", 'y'),
    ];

    #[test]
    fn every_vowel_with_every_tone_folds_to_its_base_letter() {
        for (forms, base) in VOWELS {
            for c in forms.chars() {
                let lower = c.to_string();
                let upper: String = c.to_uppercase().collect();
                for text in [lower.clone(), upper.clone()] {
                    assert_eq!(fold(&text), base.to_string(), "{text}");
                    let nfd: String = text.nfd().collect();
                    assert_eq!(fold(&nfd), base.to_string(), "NFD of {text}");
                }
            }
        }
    }

    #[test]
    fn d_with_stroke_and_its_look_alikes_fold_to_d() {
        for text in ["đ", "Đ", "Ð", "Ɖ", "ɖ"] {
            assert_eq!(fold(text), "d", "{text}");
        }
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
    }

    #[test]
    fn nfc_and_nfd_inputs_and_tone_placement_fold_alike() {
        let nfc = "Giấy xác nhận tình trạng hôn nhân";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(fold(nfc), fold(&nfd));
        assert_eq!(fold(nfc), "giay xac nhan tinh trang hon nhan");
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("thủy"), fold("thuỷ"));
    }

    #[test]
    fn tokens_carry_their_place_in_the_original() {
        let text = "Đăng ký  khai-sinh (1.001193)";
        let tokens = tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(words, ["dang", "ky", "khai", "sinh", "1", "001193"]);
        let chars: Vec<char> = text.chars().collect();
        let second: String = chars[tokens[1].start..tokens[1].end].iter().collect();
        assert_eq!(second, "ký");
    }

    #[test]
    fn nfd_words_stay_whole() {
        let nfd: String = "Hộ khẩu".nfd().collect();
        let tokens = tokenize(&nfd);
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[0].folded, "ho");
        assert_eq!(tokens[1].folded, "khau");
    }

    #[test]
    fn symbols_emoji_and_controls_only_separate() {
        let tokens = tokenize("khai😀sinh\u{0007}\u{202E}con\n\t!!");
        let words: Vec<&str> = tokens.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(words, ["khai", "sinh", "con"]);
        assert!(tokenize("😀 ☎ \u{0000}").is_empty());
        assert!(tokenize("").is_empty());
    }
}
