//! Payment references: `MC`, 8 random Crockford base32 characters and a check character
//! (11 characters, upper-case letters and digits), so that it fits the VietQR purpose
//! (25) and survives what banks do to a transfer's description (upper-casing, dropping
//! spaces and punctuation, prefixing their own codes).

use ring::rand::{SecureRandom, SystemRandom};

/// Crockford's base32 alphabet: no I, L, O, U (never misread as 1, 0 or V).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "MC";
/// Random characters after the prefix: 40 bits.
const RANDOM_CHARS: usize = 8;
/// The whole reference's length.
pub(crate) const REFERENCE_LEN: usize = PREFIX.len() + RANDOM_CHARS + 1;

fn value_of(byte: u8) -> Option<usize> {
    ALPHABET.iter().position(|&c| c == byte)
}

/// The check character of the random part: a sum with odd weights modulo 32 (an odd
/// weight is invertible modulo 32, so any single changed character changes it).
fn check_char(random: &[u8]) -> Option<u8> {
    let mut sum = 0usize;
    for (i, &byte) in random.iter().enumerate() {
        sum += (2 * i + 1) * value_of(byte)?;
    }
    Some(ALPHABET[sum % 32])
}

/// A fresh reference.
pub(crate) fn new_reference(rng: &SystemRandom) -> Result<String, ring::error::Unspecified> {
    let mut bytes = [0u8; RANDOM_CHARS];
    rng.fill(&mut bytes)?;
    let random: Vec<u8> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b % 32)])
        .collect();
    let check = check_char(&random).ok_or(ring::error::Unspecified)?;
    let mut text = String::with_capacity(REFERENCE_LEN);
    text.push_str(PREFIX);
    text.extend(random.iter().map(|&b| char::from(b)));
    text.push(char::from(check));
    Ok(text)
}

/// Whether `text` is a well-formed reference (its check character matches).
pub(crate) fn is_reference(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == REFERENCE_LEN
        && text.starts_with(PREFIX)
        && check_char(&bytes[PREFIX.len()..REFERENCE_LEN - 1]) == Some(bytes[REFERENCE_LEN - 1])
}

/// The well-formed references a transfer's description carries, in order, each once:
/// letters and digits only, upper-cased, so that `mc7k3q…`, `MC 7K3Q…` and
/// `IBFT.MC7K3Q…CT` all yield it.
pub(crate) fn references_in(description: &str) -> Vec<String> {
    let compact: Vec<u8> = description
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let mut found: Vec<String> = Vec::new();
    for start in 0..compact.len().saturating_sub(REFERENCE_LEN - 1) {
        let window = &compact[start..start + REFERENCE_LEN];
        let Ok(text) = std::str::from_utf8(window) else {
            continue;
        };
        if is_reference(text) && !found.iter().any(|seen| seen == text) {
            found.push(text.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_well_formed_distinct_and_found_in_mangled_descriptions() {
        let rng = SystemRandom::new();
        let a = new_reference(&rng).unwrap();
        let b = new_reference(&rng).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 11);
        assert!(is_reference(&a));
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        for description in [
            a.clone(),
            a.to_lowercase(),
            format!("IBFT {} CHUYEN TIEN", &a),
            format!("MBVCB.1234.{}.CT tu 0011", &a),
            format!("{} {}", &a[..5], &a[5..]),
        ] {
            assert_eq!(
                references_in(&description),
                vec![a.clone()],
                "{description}"
            );
        }
        let mut changed = a.clone().into_bytes();
        changed[4] = if changed[4] == b'0' { b'1' } else { b'0' };
        let changed = String::from_utf8(changed).unwrap();
        assert!(!is_reference(&changed), "one changed character is caught");
        assert!(references_in("thanh toan le phi").is_empty());
    }
}
