//! Reading a scanned VietQR text.

use super::crc::crc_text;
use super::tlv::{find, records};
use super::{
    Field, Initiation, MAX_ACCOUNT_LEN, MAX_AMOUNT_LEN, MAX_CITY_LEN, MAX_NAME_LEN,
    MAX_PURPOSE_LEN, MAX_TEXT_LEN, NAPAS_GUID, Service, VietQr, VietQrError, printable_ascii,
};

pub(super) fn parse(text: &str) -> Result<VietQr, VietQrError> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_TEXT_LEN {
        return Err(VietQrError::Size);
    }
    if !printable_ascii(text) {
        return Err(VietQrError::NotAscii {
            field: Field::Purpose,
        });
    }
    // The CRC is the last record: "6304" and four upper-case hexadecimal digits.
    let (covered, crc) = text.split_at(text.len().saturating_sub(4));
    if !covered.ends_with("6304") {
        return Err(VietQrError::Missing { tag: 63 });
    }
    if crc_text(covered.as_bytes()) != crc {
        return Err(VietQrError::Checksum);
    }
    let top = records(text)?;
    if top.last().map(|(tag, _)| *tag) != Some(63) {
        return Err(VietQrError::Structure { offset: 0 });
    }
    if top.first() != Some(&(0, "01")) {
        return Err(VietQrError::Invalid { tag: 0 });
    }
    let initiation = match required(&top, 1)? {
        "11" => Initiation::Static,
        "12" => Initiation::Dynamic,
        _ => return Err(VietQrError::Invalid { tag: 1 }),
    };
    let merchant = records(required(&top, 38)?)?;
    if find(&merchant, 0) != Some(NAPAS_GUID) {
        return Err(VietQrError::NotVietQr);
    }
    let beneficiary = records(find(&merchant, 1).ok_or(VietQrError::Missing { tag: 1 })?)?;
    let bank_bin = find(&beneficiary, 0).ok_or(VietQrError::Missing { tag: 0 })?;
    if bank_bin.len() != 6 || !bank_bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VietQrError::BankBin);
    }
    let account = find(&beneficiary, 1).ok_or(VietQrError::Missing { tag: 1 })?;
    if account.is_empty()
        || account.len() > MAX_ACCOUNT_LEN
        || !account.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(VietQrError::Account);
    }
    let service = match find(&merchant, 2).ok_or(VietQrError::Missing { tag: 2 })? {
        "QRIBFTTA" => Service::ToAccount,
        "QRIBFTTC" => Service::ToCard,
        _ => return Err(VietQrError::Invalid { tag: 38 }),
    };
    if required(&top, 53)? != "704" {
        return Err(VietQrError::Invalid { tag: 53 });
    }
    if required(&top, 58)? != "VN" {
        return Err(VietQrError::Invalid { tag: 58 });
    }
    let amount_vnd = find(&top, 54).map(amount).transpose()?;
    let additional = find(&top, 62).map(records).transpose()?.unwrap_or_default();
    Ok(VietQr {
        initiation,
        bank_bin: bank_bin.to_owned(),
        account: account.to_owned(),
        service,
        amount_vnd,
        merchant_name: text_field(find(&top, 59), Field::MerchantName, MAX_NAME_LEN)?,
        merchant_city: text_field(find(&top, 60), Field::MerchantCity, MAX_CITY_LEN)?,
        bill_number: text_field(find(&additional, 1), Field::BillNumber, MAX_PURPOSE_LEN)?,
        purpose: text_field(find(&additional, 8), Field::Purpose, MAX_PURPOSE_LEN)?,
    })
}

fn required<'a>(records: &[(u8, &'a str)], tag: u8) -> Result<&'a str, VietQrError> {
    find(records, tag).ok_or(VietQrError::Missing { tag })
}

fn amount(text: &str) -> Result<u64, VietQrError> {
    if text.is_empty() || text.len() > MAX_AMOUNT_LEN || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VietQrError::Amount);
    }
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(VietQrError::Amount),
        Ok(amount) => Ok(amount),
    }
}

fn text_field(
    value: Option<&str>,
    field: Field,
    max: usize,
) -> Result<Option<String>, VietQrError> {
    match value {
        None => Ok(None),
        Some(text) if text.is_empty() || text.len() > max => {
            Err(VietQrError::TooLong { field, max })
        }
        Some(text) => Ok(Some(text.to_owned())),
    }
}
