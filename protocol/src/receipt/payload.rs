//! The signed content of a receipt: a CBOR map with small integer keys, times and dates as
//! small integers, and the dossier code folded into its agency, day and sequence when it
//! has the portal's shape, so that a receipt fits a version-8 QR code at level M.
//!
//! ```text
//! { 1: 1,                       format version
//!   2: "000.00.14.H56",         receiving agency (QCVN 102:2016 electronic code)
//!   3: 955100118 / "other",     dossier code: days since 2000-01-01 × 100000 + sequence,
//!                               when the code is <agency>-<YYMMDD>-<NNNN>; else the text
//!   4: "1.001193",              procedure code
//!   5: 1771212345,              received at, Unix seconds
//!   ? 6: 20528,                 appointment date, days since 1970-01-01
//!   ? 7: h'salt(8) digest(3)'   applicant ID number digest (see `applicant`)
//! }
//! ```

use chrono::{DateTime, Datelike as _, Days, NaiveDate, Utc};
use ciborium::value::{Integer, Value};

use super::applicant::ApplicantDigest;

/// The payload format this code writes and reads.
pub const FORMAT_VERSION: u64 = 1;
/// Longest agency, dossier or procedure code carried, in bytes.
pub const MAX_CODE_LEN: usize = 64;

const KEY_VERSION: u64 = 1;
const KEY_AGENCY: u64 = 2;
const KEY_DOSSIER: u64 = 3;
const KEY_PROCEDURE: u64 = 4;
const KEY_RECEIVED_AT: u64 = 5;
const KEY_APPOINTMENT: u64 = 6;
const KEY_APPLICANT: u64 = 7;

/// A folded dossier code: days since 2000-01-01 times this, plus the sequence.
const SEQUENCE_RANGE: u64 = 100_000;

/// What a receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFields {
    /// Dossier code (`<agency>-<YYMMDD>-<NNNN>` from this portal).
    pub dossier_code: String,
    /// National procedure code, e.g. `1.001193`.
    pub procedure_code: String,
    /// Electronic code of the receiving agency (QCVN 102:2016), e.g. `000.00.14.H56`.
    pub agency_code: String,
    /// When the desk accepted the dossier (whole seconds).
    pub received_at: DateTime<Utc>,
    /// The date to come back for the result (Vietnam), when the processing time is known.
    pub appointment_date: Option<NaiveDate>,
    /// The applicant's ID number digest, when the identity provider gave the number.
    pub applicant: Option<ApplicantDigest>,
}

/// Why a payload cannot be read (or written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadProblem {
    /// Not one well-formed CBOR item.
    NotCbor,
    /// Not a map with integer keys.
    NotAMap,
    /// A key this version does not define.
    UnknownKey,
    /// A key twice.
    DuplicateKey,
    /// A version other than [`FORMAT_VERSION`].
    Version,
    /// A required field is absent.
    Missing(&'static str),
    /// A field has the wrong type or value.
    Invalid(&'static str),
}

impl PayloadProblem {
    /// The field at fault, when there is one.
    pub fn field(self) -> Option<&'static str> {
        match self {
            PayloadProblem::Missing(field) | PayloadProblem::Invalid(field) => Some(field),
            PayloadProblem::Version => Some("version"),
            _ => None,
        }
    }
}

fn epoch_2000() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn unix_epoch_day() -> NaiveDate {
    DateTime::UNIX_EPOCH.date_naive()
}

/// The dossier code from its folded form.
fn unfold_code(agency: &str, folded: u64) -> Option<String> {
    let day = epoch_2000().checked_add_days(Days::new(folded / SEQUENCE_RANGE))?;
    let sequence = folded % SEQUENCE_RANGE;
    let year = day.year() - 2000;
    if !(0..100).contains(&year) {
        return None;
    }
    Some(format!(
        "{agency}-{year:02}{:02}{:02}-{sequence:04}",
        day.month(),
        day.day()
    ))
}

/// The folded form of `code`, when it is `<agency>-<YYMMDD>-<NNNN>` and folds back to
/// exactly the same text.
fn fold_code(agency: &str, code: &str) -> Option<u64> {
    let rest = code.strip_prefix(agency)?.strip_prefix('-')?;
    let (day, sequence) = rest.split_once('-')?;
    if day.len() != 6 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if sequence.is_empty() || sequence.len() > 5 || !sequence.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| day[range].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(
        2000 + i32::try_from(number(0..2)?).ok()?,
        number(2..4)?,
        number(4..6)?,
    )?;
    let days = u64::try_from((date - epoch_2000()).num_days()).ok()?;
    let folded = days * SEQUENCE_RANGE + sequence.parse::<u64>().ok()?;
    (unfold_code(agency, folded).as_deref() == Some(code)).then_some(folded)
}

fn int(value: u64) -> Value {
    Value::Integer(Integer::from(value))
}

fn code_ok(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_CODE_LEN && !text.chars().any(char::is_control)
}

impl ReceiptFields {
    /// The CBOR payload. Fails only on codes that are empty, longer than
    /// [`MAX_CODE_LEN`] or hold control characters, or a time before 1970.
    pub fn to_cbor(&self) -> Result<Vec<u8>, PayloadProblem> {
        for (field, text) in [
            ("agency_code", &self.agency_code),
            ("dossier_code", &self.dossier_code),
            ("procedure_code", &self.procedure_code),
        ] {
            if !code_ok(text) {
                return Err(PayloadProblem::Invalid(field));
            }
        }
        let received_at = u64::try_from(self.received_at.timestamp())
            .map_err(|_| PayloadProblem::Invalid("received_at"))?;
        let dossier = match fold_code(&self.agency_code, &self.dossier_code) {
            Some(folded) => int(folded),
            None => Value::Text(self.dossier_code.clone()),
        };
        let mut map = vec![
            (int(KEY_VERSION), int(FORMAT_VERSION)),
            (int(KEY_AGENCY), Value::Text(self.agency_code.clone())),
            (int(KEY_DOSSIER), dossier),
            (int(KEY_PROCEDURE), Value::Text(self.procedure_code.clone())),
            (int(KEY_RECEIVED_AT), int(received_at)),
        ];
        if let Some(date) = self.appointment_date {
            let days = u64::try_from((date - unix_epoch_day()).num_days())
                .map_err(|_| PayloadProblem::Invalid("appointment_date"))?;
            map.push((int(KEY_APPOINTMENT), int(days)));
        }
        if let Some(applicant) = self.applicant {
            map.push((
                int(KEY_APPLICANT),
                Value::Bytes(applicant.to_bytes().to_vec()),
            ));
        }
        let mut bytes = Vec::with_capacity(64);
        ciborium::into_writer(&Value::Map(map), &mut bytes).map_err(|_| PayloadProblem::NotCbor)?;
        Ok(bytes)
    }

    /// Reads a payload strictly: one CBOR map, known integer keys once each, every
    /// required field, the right types.
    pub fn from_cbor(mut bytes: &[u8]) -> Result<ReceiptFields, PayloadProblem> {
        let value: Value =
            ciborium::from_reader(&mut bytes).map_err(|_| PayloadProblem::NotCbor)?;
        if !bytes.is_empty() {
            return Err(PayloadProblem::NotCbor);
        }
        let Value::Map(entries) = value else {
            return Err(PayloadProblem::NotAMap);
        };
        let mut slots: [Option<Value>; 8] = Default::default();
        for (key, value) in entries {
            let key = key
                .as_integer()
                .and_then(|k| u64::try_from(k).ok())
                .ok_or(PayloadProblem::NotAMap)?;
            let slot = usize::try_from(key)
                .ok()
                .filter(|k| (1..slots.len()).contains(k))
                .ok_or(PayloadProblem::UnknownKey)?;
            if slots[slot].replace(value).is_some() {
                return Err(PayloadProblem::DuplicateKey);
            }
        }
        let mut take = |key: u64| slots[key as usize].take();
        let uint = |value: Option<Value>, field: &'static str| -> Result<u64, PayloadProblem> {
            let value = value.ok_or(PayloadProblem::Missing(field))?;
            value
                .as_integer()
                .and_then(|n| u64::try_from(n).ok())
                .ok_or(PayloadProblem::Invalid(field))
        };
        let text = |value: Option<Value>, field: &'static str| -> Result<String, PayloadProblem> {
            match value {
                None => Err(PayloadProblem::Missing(field)),
                Some(Value::Text(text)) if code_ok(&text) => Ok(text),
                Some(_) => Err(PayloadProblem::Invalid(field)),
            }
        };
        if uint(take(KEY_VERSION), "version")? != FORMAT_VERSION {
            return Err(PayloadProblem::Version);
        }
        let agency_code = text(take(KEY_AGENCY), "agency_code")?;
        let dossier_code = match take(KEY_DOSSIER) {
            Some(Value::Integer(n)) => u64::try_from(n)
                .ok()
                .and_then(|folded| unfold_code(&agency_code, folded))
                .filter(|code| code.len() <= MAX_CODE_LEN)
                .ok_or(PayloadProblem::Invalid("dossier_code"))?,
            other => text(other, "dossier_code")?,
        };
        let procedure_code = text(take(KEY_PROCEDURE), "procedure_code")?;
        let received_at = i64::try_from(uint(take(KEY_RECEIVED_AT), "received_at")?)
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or(PayloadProblem::Invalid("received_at"))?;
        let appointment_date = match take(KEY_APPOINTMENT) {
            None => None,
            value => Some(
                unix_epoch_day()
                    .checked_add_days(Days::new(uint(value, "appointment_date")?))
                    .ok_or(PayloadProblem::Invalid("appointment_date"))?,
            ),
        };
        let applicant = match take(KEY_APPLICANT) {
            None => None,
            Some(Value::Bytes(bytes)) => Some(
                ApplicantDigest::from_bytes(&bytes).ok_or(PayloadProblem::Invalid("applicant"))?,
            ),
            Some(_) => return Err(PayloadProblem::Invalid("applicant")),
        };
        Ok(ReceiptFields {
            dossier_code,
            procedure_code,
            agency_code,
            received_at,
            appointment_date,
            applicant,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(code: &str) -> ReceiptFields {
        ReceiptFields {
            dossier_code: code.into(),
            procedure_code: "1.001193".into(),
            agency_code: "000.00.14.H56".into(),
            received_at: DateTime::from_timestamp(1_771_212_345, 0).unwrap(),
            appointment_date: NaiveDate::from_ymd_opt(2026, 3, 2),
            applicant: Some(ApplicantDigest {
                salt: [1; 8],
                digest: [2; 3],
            }),
        }
    }

    #[test]
    fn portal_codes_fold_and_round_trip() {
        for code in [
            "000.00.14.H56-200203-0118",
            "000.00.14.H56-260216-0001",
            "000.00.14.H56-991231-9999",
            "000.00.14.H56-000101-12345",
        ] {
            let original = fields(code);
            let bytes = original.to_cbor().unwrap();
            assert_eq!(
                ReceiptFields::from_cbor(&bytes).unwrap(),
                original,
                "{code}"
            );
            assert!(fold_code(&original.agency_code, code).is_some(), "{code}");
        }
        // The folded code is a 32-bit integer: 5 bytes instead of 27.
        let folded = fields("000.00.14.H56-200203-0118").to_cbor().unwrap();
        let text = fields("000.00.14.H56-200203-X118").to_cbor().unwrap();
        assert_eq!(text.len() - folded.len(), 22);
    }

    #[test]
    fn other_codes_travel_as_text() {
        for code in [
            "000.00.14.H56-200230-0118", // no 30 February
            "000.00.14.H56-200203-118",  // three digits
            "000.00.14.H56-200203-00118",
            "OTHER-200203-0118",
            "000.00.14.H56-200203-0118-x",
            "hồ sơ 1",
        ] {
            assert_eq!(fold_code("000.00.14.H56", code), None, "{code}");
            let original = fields(code);
            let bytes = original.to_cbor().unwrap();
            assert_eq!(
                ReceiptFields::from_cbor(&bytes).unwrap(),
                original,
                "{code}"
            );
        }
    }

    #[test]
    fn optional_fields_may_be_absent() {
        let mut original = fields("000.00.14.H56-200203-0118");
        original.appointment_date = None;
        original.applicant = None;
        let bytes = original.to_cbor().unwrap();
        assert_eq!(ReceiptFields::from_cbor(&bytes).unwrap(), original);
    }

    fn encode(entries: Vec<(Value, Value)>) -> Vec<u8> {
        let mut bytes = Vec::new();
        ciborium::into_writer(&Value::Map(entries), &mut bytes).unwrap();
        bytes
    }

    fn base() -> Vec<(Value, Value)> {
        vec![
            (int(1), int(1)),
            (int(2), Value::Text("A".into())),
            (int(3), Value::Text("A-1".into())),
            (int(4), Value::Text("1.1".into())),
            (int(5), int(0)),
        ]
    }

    #[test]
    fn strict_reading_names_what_is_wrong() {
        assert!(ReceiptFields::from_cbor(&encode(base())).is_ok());
        let with = |key: u64, value: Value| {
            let mut entries = base();
            entries.retain(|(k, _)| k != &int(key));
            entries.push((int(key), value));
            ReceiptFields::from_cbor(&encode(entries))
        };
        assert_eq!(with(1, int(2)), Err(PayloadProblem::Version));
        assert_eq!(
            with(2, Value::Text(String::new())),
            Err(PayloadProblem::Invalid("agency_code"))
        );
        assert_eq!(
            with(3, Value::Bytes(vec![])),
            Err(PayloadProblem::Invalid("dossier_code"))
        );
        assert_eq!(
            with(3, int(u64::MAX)),
            Err(PayloadProblem::Invalid("dossier_code"))
        );
        assert_eq!(
            with(4, Value::Text("x".repeat(65))),
            Err(PayloadProblem::Invalid("procedure_code"))
        );
        assert_eq!(
            with(5, Value::Integer((-1).into())),
            Err(PayloadProblem::Invalid("received_at"))
        );
        assert_eq!(
            with(5, int(u64::MAX)),
            Err(PayloadProblem::Invalid("received_at"))
        );
        assert_eq!(
            with(6, int(u64::MAX)),
            Err(PayloadProblem::Invalid("appointment_date"))
        );
        assert_eq!(
            with(7, Value::Bytes(vec![0; 4])),
            Err(PayloadProblem::Invalid("applicant"))
        );
        assert_eq!(with(8, int(0)), Err(PayloadProblem::UnknownKey));
        let mut missing = base();
        missing.remove(3);
        assert_eq!(
            ReceiptFields::from_cbor(&encode(missing)),
            Err(PayloadProblem::Missing("procedure_code"))
        );
        let mut twice = base();
        twice.push((int(5), int(1)));
        assert_eq!(
            ReceiptFields::from_cbor(&encode(twice)),
            Err(PayloadProblem::DuplicateKey)
        );
        let mut text_key = base();
        text_key.push((Value::Text("5".into()), int(1)));
        assert_eq!(
            ReceiptFields::from_cbor(&encode(text_key)),
            Err(PayloadProblem::NotAMap)
        );
        let mut trailing = encode(base());
        trailing.push(0);
        assert_eq!(
            ReceiptFields::from_cbor(&trailing),
            Err(PayloadProblem::NotCbor)
        );
        assert_eq!(
            ReceiptFields::from_cbor(&[0x80]),
            Err(PayloadProblem::NotAMap)
        );
        assert_eq!(ReceiptFields::from_cbor(&[]), Err(PayloadProblem::NotCbor));
    }

    #[test]
    fn writing_refuses_what_reading_would() {
        let mut bad = fields("000.00.14.H56-200203-0118");
        bad.procedure_code = "1.0\n".into();
        assert_eq!(
            bad.to_cbor(),
            Err(PayloadProblem::Invalid("procedure_code"))
        );
        let mut early = fields("x");
        early.received_at = DateTime::from_timestamp(-1, 0).unwrap();
        assert_eq!(early.to_cbor(), Err(PayloadProblem::Invalid("received_at")));
    }
}
