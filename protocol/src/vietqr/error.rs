//! What a VietQR code cannot carry, or what a scanned text is not.

use crate::i18n::{Lang, Localized};

/// A field of a VietQR code, as errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Tag 38, 01, 00: the beneficiary bank's BIN.
    BankBin,
    /// Tag 38, 01, 01: the beneficiary's account.
    Account,
    /// Tag 54: the amount.
    Amount,
    /// Tag 59: the beneficiary's name.
    MerchantName,
    /// Tag 60: the beneficiary's city.
    MerchantCity,
    /// Tag 62, 01: the bill number.
    BillNumber,
    /// Tag 62, 08: the purpose of the transfer (our payment reference).
    Purpose,
}

impl Field {
    /// The English name (logs, `--json`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::BankBin => "bank_bin",
            Field::Account => "account",
            Field::Amount => "amount",
            Field::MerchantName => "merchant_name",
            Field::MerchantCity => "merchant_city",
            Field::BillNumber => "bill_number",
            Field::Purpose => "purpose",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Field::BankBin => ("mã ngân hàng (BIN)", "the bank BIN"),
            Field::Account => ("số tài khoản", "the account number"),
            Field::Amount => ("số tiền", "the amount"),
            Field::MerchantName => ("tên người thụ hưởng", "the beneficiary's name"),
            Field::MerchantCity => ("thành phố", "the city"),
            Field::BillNumber => ("số hóa đơn", "the bill number"),
            Field::Purpose => ("nội dung chuyển khoản", "the transfer description"),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// Why a VietQR code cannot be made, or a text read as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    /// The bank BIN is not 6 digits.
    #[error("the bank BIN must be 6 digits")]
    BankBin,
    /// The account is empty, longer than 19 characters, or not letters and digits.
    #[error("the account must be 1 to 19 ASCII letters or digits")]
    Account,
    /// The amount is zero, or longer than the 13 characters tag 54 holds, or not digits.
    #[error("the amount must be a whole number of đồng from 1 to 13 digits")]
    Amount,
    /// A text field holds something other than printable ASCII (after diacritics were
    /// removed, where they are).
    #[error("{} must be printable ASCII", .field.as_str())]
    NotAscii {
        /// The field.
        field: Field,
    },
    /// A text field is longer than the format allows.
    #[error("{} is longer than {max} characters", .field.as_str())]
    TooLong {
        /// The field.
        field: Field,
        /// Its limit.
        max: usize,
    },
    /// Nothing was scanned, or more than any code holds.
    #[error("empty or oversized text")]
    Size,
    /// A record's tag or length is not two digits, or runs past the end.
    #[error("malformed record at character {offset}")]
    Structure {
        /// Where, in characters from the start of its template.
        offset: usize,
    },
    /// A tag appears twice in one template.
    #[error("tag {tag:02} appears twice")]
    DuplicateTag {
        /// The tag.
        tag: u8,
    },
    /// A tag the format requires is absent.
    #[error("tag {tag:02} is missing")]
    Missing {
        /// The tag.
        tag: u8,
    },
    /// A tag's value is not one this format allows.
    #[error("tag {tag:02} has a value this format does not allow")]
    Invalid {
        /// The tag.
        tag: u8,
    },
    /// An EMVCo code of another scheme (not NAPAS's `A000000727`).
    #[error("not a VietQR (NAPAS) code")]
    NotVietQr,
    /// The CRC of tag 63 does not match the text: changed or misread.
    #[error("the checksum does not match")]
    Checksum,
}

impl Localized for VietQrError {
    fn code(&self) -> &'static str {
        match self {
            VietQrError::BankBin => "vietqr_bank_bin",
            VietQrError::Account => "vietqr_account",
            VietQrError::Amount => "vietqr_amount",
            VietQrError::NotAscii { .. } => "vietqr_not_ascii",
            VietQrError::TooLong { .. } => "vietqr_too_long",
            VietQrError::Size => "vietqr_size",
            VietQrError::Structure { .. }
            | VietQrError::DuplicateTag { .. }
            | VietQrError::Missing { .. }
            | VietQrError::Invalid { .. } => "vietqr_malformed",
            VietQrError::NotVietQr => "vietqr_other_scheme",
            VietQrError::Checksum => "vietqr_checksum",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let vi_en = |vi: String, en: String| match lang {
            Lang::Vi => vi,
            Lang::En => en,
        };
        match self {
            VietQrError::BankBin => vi_en(
                "Mã ngân hàng (BIN) phải gồm 6 chữ số.".into(),
                "The bank BIN must be 6 digits.".into(),
            ),
            VietQrError::Account => vi_en(
                "Số tài khoản phải gồm 1 đến 19 chữ cái hoặc chữ số.".into(),
                "The account number must be 1 to 19 letters or digits.".into(),
            ),
            VietQrError::Amount => vi_en(
                "Số tiền phải là số đồng nguyên, từ 1 đến 13 chữ số.".into(),
                "The amount must be a whole number of đồng, 1 to 13 digits.".into(),
            ),
            VietQrError::NotAscii { field } => vi_en(
                format!(
                    "{} chỉ được gồm chữ không dấu, chữ số và dấu câu thông thường.",
                    capitalise(field.label(Lang::Vi))
                ),
                format!(
                    "{} may hold only letters without diacritics, digits and common punctuation.",
                    capitalise(field.label(Lang::En))
                ),
            ),
            VietQrError::TooLong { field, max } => vi_en(
                format!(
                    "{} dài quá {max} ký tự.",
                    capitalise(field.label(Lang::Vi))
                ),
                format!(
                    "{} is longer than {max} characters.",
                    capitalise(field.label(Lang::En))
                ),
            ),
            VietQrError::NotVietQr => vi_en(
                "Mã QR này không phải mã chuyển khoản VietQR.".into(),
                "This QR code is not a VietQR transfer code.".into(),
            ),
            VietQrError::Checksum => vi_en(
                "Mã QR chuyển khoản bị sai lệch (mã kiểm tra không khớp). Không chuyển tiền theo mã này.".into(),
                "The transfer QR code was altered or misread (its checksum does not match). Do not pay with it.".into(),
            ),
            VietQrError::Size
            | VietQrError::Structure { .. }
            | VietQrError::DuplicateTag { .. }
            | VietQrError::Missing { .. }
            | VietQrError::Invalid { .. } => vi_en(
                "Mã QR chuyển khoản bị hỏng hoặc không đọc được.".into(),
                "The transfer QR code is damaged or cannot be read.".into(),
            ),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
