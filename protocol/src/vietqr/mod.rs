//! VietQR: NAPAS's EMVCo merchant-presented QR code for bank transfers (docs/ARCHITECTURE.md,
//! "Payments"), which every Vietnamese banking app scans.
//!
//! ```text
//! 00 02 01                 payload format indicator
//! 01 02 12                 point of initiation: 12 dynamic (one payment), 11 static
//! 38 ..                    merchant account information, NAPAS:
//!    00 10 A000000727        GUID
//!    01 ..                   beneficiary organisation: 00 the bank's 6-digit BIN, 01 the account
//!    02 08 QRIBFTTA          service: transfer to an account (QRIBFTTC: to a card)
//! 53 03 704                currency: đồng
//! 54 ..                    amount (whole đồng, at most 13 characters)
//! 58 02 VN                 country
//! 59 .. / 60 ..            beneficiary's name and city, when given
//! 62 ..                    additional data: 01 bill number, 08 purpose (our reference)
//! 63 04 XXXX               CRC-16/CCITT-FALSE over everything before XXXX, "6304" included
//! ```
//!
//! [`VietQr::encode`] refuses what the format cannot carry with a typed [`VietQrError`]
//! (never a truncation); [`VietQr::parse`] checks the CRC first, then every record. Nothing
//! here does I/O.

mod crc;
mod error;
mod parse;
mod tlv;

#[cfg(test)]
mod tests;

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

pub use error::{Field, VietQrError};

/// NAPAS's application identifier in tag 38.
pub const NAPAS_GUID: &str = "A000000727";
/// Longest account number NAPAS carries.
pub const MAX_ACCOUNT_LEN: usize = 19;
/// Most characters of tag 54.
pub const MAX_AMOUNT_LEN: usize = 13;
/// Most characters of the purpose (62, 08) and the bill number (62, 01).
pub const MAX_PURPOSE_LEN: usize = 25;
/// Most characters of the beneficiary's name (59).
pub const MAX_NAME_LEN: usize = 25;
/// Most characters of the beneficiary's city (60).
pub const MAX_CITY_LEN: usize = 15;
/// Longest text [`VietQr::parse`] looks at: more than any QR code holds in this format.
pub const MAX_TEXT_LEN: usize = 512;

/// Static (any payment, the payer types the amount) or dynamic (one payment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Initiation {
    /// `11`.
    Static,
    /// `12`.
    Dynamic,
}

impl Initiation {
    fn code(self) -> &'static str {
        match self {
            Initiation::Static => "11",
            Initiation::Dynamic => "12",
        }
    }
}

/// What the transfer goes to (tag 38, 02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `QRIBFTTA`: a bank account.
    ToAccount,
    /// `QRIBFTTC`: a card number.
    ToCard,
}

impl Service {
    fn code(self) -> &'static str {
        match self {
            Service::ToAccount => "QRIBFTTA",
            Service::ToCard => "QRIBFTTC",
        }
    }
}

/// The content of a VietQR code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VietQr {
    /// Static or dynamic.
    pub initiation: Initiation,
    /// The beneficiary bank's 6-digit BIN (e.g. `970403`).
    pub bank_bin: String,
    /// The beneficiary's account (or card) number.
    pub account: String,
    /// Account or card.
    pub service: Service,
    /// The amount in đồng; absent in a static code.
    pub amount_vnd: Option<u64>,
    /// The beneficiary's name (59).
    pub merchant_name: Option<String>,
    /// The beneficiary's city (60).
    pub merchant_city: Option<String>,
    /// The bill number (62, 01).
    pub bill_number: Option<String>,
    /// The purpose of the transfer (62, 08): what the payer's bank puts in the transfer's
    /// description, where our payment reference rides.
    pub purpose: Option<String>,
}

impl VietQr {
    /// A dynamic code for one transfer of `amount_vnd` to an account, with `purpose`.
    pub fn transfer(bank_bin: &str, account: &str, amount_vnd: u64, purpose: &str) -> VietQr {
        VietQr {
            initiation: Initiation::Dynamic,
            bank_bin: bank_bin.to_owned(),
            account: account.to_owned(),
            service: Service::ToAccount,
            amount_vnd: Some(amount_vnd),
            merchant_name: None,
            merchant_city: None,
            bill_number: None,
            purpose: Some(purpose.to_owned()),
        }
    }

    /// The QR code's text, its CRC last. Refuses what the format cannot carry.
    pub fn encode(&self) -> Result<String, VietQrError> {
        if self.bank_bin.len() != 6 || !self.bank_bin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VietQrError::BankBin);
        }
        if self.account.is_empty()
            || self.account.len() > MAX_ACCOUNT_LEN
            || !self.account.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(VietQrError::Account);
        }
        let amount = self.amount_vnd.map(amount_text).transpose()?;
        let name = checked(
            self.merchant_name.as_deref(),
            Field::MerchantName,
            MAX_NAME_LEN,
        )?;
        let city = checked(
            self.merchant_city.as_deref(),
            Field::MerchantCity,
            MAX_CITY_LEN,
        )?;
        let bill = checked(
            self.bill_number.as_deref(),
            Field::BillNumber,
            MAX_PURPOSE_LEN,
        )?;
        let purpose = checked(self.purpose.as_deref(), Field::Purpose, MAX_PURPOSE_LEN)?;

        let mut beneficiary = String::new();
        tlv::push(&mut beneficiary, 0, &self.bank_bin);
        tlv::push(&mut beneficiary, 1, &self.account);
        let mut merchant = String::new();
        tlv::push(&mut merchant, 0, NAPAS_GUID);
        tlv::push(&mut merchant, 1, &beneficiary);
        tlv::push(&mut merchant, 2, self.service.code());

        let mut text = String::with_capacity(160);
        tlv::push(&mut text, 0, "01");
        tlv::push(&mut text, 1, self.initiation.code());
        tlv::push(&mut text, 38, &merchant);
        tlv::push(&mut text, 53, "704");
        if let Some(amount) = &amount {
            tlv::push(&mut text, 54, amount);
        }
        tlv::push(&mut text, 58, "VN");
        if let Some(name) = name {
            tlv::push(&mut text, 59, name);
        }
        if let Some(city) = city {
            tlv::push(&mut text, 60, city);
        }
        if bill.is_some() || purpose.is_some() {
            let mut additional = String::new();
            if let Some(bill) = bill {
                tlv::push(&mut additional, 1, bill);
            }
            if let Some(purpose) = purpose {
                tlv::push(&mut additional, 8, purpose);
            }
            tlv::push(&mut text, 62, &additional);
        }
        text.push_str("6304");
        let crc = crc::crc_text(text.as_bytes());
        text.push_str(&crc);
        Ok(text)
    }

    /// Reads a scanned text (surrounding whitespace ignored): the CRC first, then every
    /// record. Tags this format does not define are skipped (the CRC covers them).
    pub fn parse(text: &str) -> Result<VietQr, VietQrError> {
        parse::parse(text)
    }
}

/// Whether `text` is printable ASCII (what every text field here may hold).
fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn checked(text: Option<&str>, field: Field, max: usize) -> Result<Option<&str>, VietQrError> {
    let Some(text) = text else {
        return Ok(None);
    };
    if !printable_ascii(text) {
        return Err(VietQrError::NotAscii { field });
    }
    if text.is_empty() || text.len() > max {
        return Err(VietQrError::TooLong { field, max });
    }
    Ok(Some(text))
}

fn amount_text(amount: u64) -> Result<String, VietQrError> {
    let text = amount.to_string();
    if amount == 0 || text.len() > MAX_AMOUNT_LEN {
        return Err(VietQrError::Amount);
    }
    Ok(text)
}

/// `text` without Vietnamese diacritics (tones and vowel marks dropped, đ/Đ as d/D), as a
/// purpose the format can carry: refused when something other than printable ASCII is
/// left (an emoji, another script) or it is longer than [`MAX_PURPOSE_LEN`].
pub fn purpose_of(text: &str) -> Result<String, VietQrError> {
    let plain = without_diacritics(text);
    checked(Some(plain.as_str()), Field::Purpose, MAX_PURPOSE_LEN)?;
    Ok(plain)
}

/// `text` with the combining marks of its canonical decomposition dropped and đ/Đ as d/D;
/// case is kept.
pub fn without_diacritics(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' | 'Ð' | 'Ɖ' => 'D',
            other => other,
        })
        .collect::<String>()
        .nfc()
        .collect()
}
