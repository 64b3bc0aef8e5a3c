//! EMVCo's tag-length-value records: a two-digit tag, a two-digit length (in characters),
//! the value. Nested templates (38, 62) hold records of the same shape.

use super::VietQrError;

/// Longest value one record can carry (two length digits).
pub(crate) const MAX_VALUE_LEN: usize = 99;

/// Appends one record. The caller checked the value's length and characters.
pub(crate) fn push(out: &mut String, tag: u8, value: &str) {
    debug_assert!(value.len() <= MAX_VALUE_LEN && value.is_ascii());
    out.push_str(&format!("{tag:02}{:02}{value}", value.len()));
}

/// The records of `text`, in order, each `(tag, value)`. Refuses a record that runs past
/// the end, a tag or length that is not two digits, and a tag twice.
pub(crate) fn records(text: &str) -> Result<Vec<(u8, &str)>, VietQrError> {
    let mut records: Vec<(u8, &str)> = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while !rest.is_empty() {
        let head = rest
            .get(..4)
            .filter(|head| head.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(VietQrError::Structure { offset })?;
        // Two ASCII digits each: both parse.
        let tag: u8 = head[..2]
            .parse()
            .map_err(|_| VietQrError::Structure { offset })?;
        let len: usize = head[2..]
            .parse()
            .map_err(|_| VietQrError::Structure { offset })?;
        let value = rest
            .get(4..4 + len)
            .ok_or(VietQrError::Structure { offset })?;
        if records.iter().any(|(seen, _)| *seen == tag) {
            return Err(VietQrError::DuplicateTag { tag });
        }
        records.push((tag, value));
        rest = &rest[4 + len..];
        offset += 4 + len;
    }
    Ok(records)
}

/// The value of `tag` among `records`.
pub(crate) fn find<'a>(records: &[(u8, &'a str)], tag: u8) -> Option<&'a str> {
    records
        .iter()
        .find(|(seen, _)| *seen == tag)
        .map(|(_, value)| *value)
}
