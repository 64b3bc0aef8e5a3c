use proptest::prelude::*;

use super::*;
use crate::i18n::{Lang, Localized as _};

/// NAPAS's sample of a dynamic transfer code (the VietQR specification).
const NAPAS_SAMPLE: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

#[test]
fn the_napas_sample_parses_to_its_fields_with_a_valid_crc() {
    let code = VietQr::parse(NAPAS_SAMPLE).unwrap();
    assert_eq!(
        code,
        VietQr {
            initiation: Initiation::Dynamic,
            bank_bin: "970403".into(),
            account: "0011012345678".into(),
            service: Service::ToAccount,
            amount_vnd: Some(180_000),
            merchant_name: None,
            merchant_city: None,
            bill_number: Some("NPS6869".into()),
            purpose: Some("thanh toan don hang".into()),
        }
    );
    // Our encoder writes the same text for the same fields.
    assert_eq!(code.encode().unwrap(), NAPAS_SAMPLE);
}

#[test]
fn a_lower_case_or_missing_crc_is_refused() {
    let lower = NAPAS_SAMPLE.replace("2E2E", "2e2e");
    assert_eq!(VietQr::parse(&lower), Err(VietQrError::Checksum));
    let cut = &NAPAS_SAMPLE[..NAPAS_SAMPLE.len() - 8];
    assert_eq!(VietQr::parse(cut), Err(VietQrError::Missing { tag: 63 }));
    assert_eq!(VietQr::parse(""), Err(VietQrError::Size));
    assert_eq!(
        VietQr::parse(&format!(" {NAPAS_SAMPLE}\n")).map(|code| code.amount_vnd),
        Ok(Some(180_000)),
        "surrounding whitespace from a scanner is ignored"
    );
}

/// A text with a correct CRC over whatever came before it.
fn with_crc(body: &str) -> String {
    let covered = format!("{body}6304");
    let crc = crc::crc_text(covered.as_bytes());
    format!("{covered}{crc}")
}

#[test]
fn other_schemes_and_bad_records_are_typed_errors_even_with_a_good_crc() {
    let visa = with_crc("000201010212021640000000000000005303704540410005802VN");
    assert_eq!(VietQr::parse(&visa), Err(VietQrError::Missing { tag: 38 }));
    let other_guid = with_crc(
        "00020101021238570010A00000999901270006970403011300110123456780208QRIBFTTA53037045802VN",
    );
    assert_eq!(VietQr::parse(&other_guid), Err(VietQrError::NotVietQr));
    let dollars = with_crc(
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA53038405802VN",
    );
    assert_eq!(
        VietQr::parse(&dollars),
        Err(VietQrError::Invalid { tag: 53 })
    );
    let overrun = with_crc("000201010212389");
    assert!(matches!(
        VietQr::parse(&overrun),
        Err(VietQrError::Structure { .. })
    ));
    let twice = with_crc("0002010102120102115303704");
    assert_eq!(
        VietQr::parse(&twice),
        Err(VietQrError::DuplicateTag { tag: 1 })
    );
}

#[test]
fn what_the_format_cannot_carry_is_refused_not_cut() {
    let base = VietQr::transfer("970403", "0011012345678", 50_000, "MC7K3Q9X2MA");
    assert!(base.encode().is_ok());
    let mut long = base.clone();
    long.purpose = Some("x".repeat(26));
    assert_eq!(
        long.encode(),
        Err(VietQrError::TooLong {
            field: Field::Purpose,
            max: 25
        })
    );
    let mut accented = base.clone();
    accented.purpose = Some("lệ phí".into());
    assert_eq!(
        accented.encode(),
        Err(VietQrError::NotAscii {
            field: Field::Purpose
        })
    );
    let mut huge = base.clone();
    huge.amount_vnd = Some(10_000_000_000_000);
    assert_eq!(huge.encode(), Err(VietQrError::Amount));
    huge.amount_vnd = Some(9_999_999_999_999);
    assert!(huge.encode().is_ok(), "13 digits fit");
    let mut zero = base.clone();
    zero.amount_vnd = Some(0);
    assert_eq!(zero.encode(), Err(VietQrError::Amount));
    let mut bin = base.clone();
    bin.bank_bin = "97040".into();
    assert_eq!(bin.encode(), Err(VietQrError::BankBin));
    let mut account = base.clone();
    account.account = "0011-0123".into();
    assert_eq!(account.encode(), Err(VietQrError::Account));
    account.account = "1".repeat(20);
    assert_eq!(account.encode(), Err(VietQrError::Account));
    let mut name = base;
    name.merchant_name = Some("UBND PHUONG BEN NGHE QUAN MOT".into());
    assert!(matches!(
        name.encode(),
        Err(VietQrError::TooLong {
            field: Field::MerchantName,
            ..
        })
    ));
}

#[test]
fn diacritics_are_removed_from_a_purpose_and_the_rest_is_checked() {
    assert_eq!(
        purpose_of("Lệ phí Đăng ký tạm trú").unwrap(),
        "Le phi Dang ky tam tru"
    );
    assert_eq!(
        purpose_of("nộp phí 🙂"),
        Err(VietQrError::NotAscii {
            field: Field::Purpose
        })
    );
    assert!(matches!(
        purpose_of("thanh toán lệ phí hộ tịch xã"),
        Err(VietQrError::TooLong { .. })
    ));
}

#[test]
fn errors_speak_vietnamese_and_english() {
    let error = VietQrError::TooLong {
        field: Field::Purpose,
        max: 25,
    };
    assert_eq!(error.code(), "vietqr_too_long");
    assert_eq!(
        error.message(Lang::Vi),
        "Nội dung chuyển khoản dài quá 25 ký tự."
    );
    assert_eq!(
        error.message(Lang::En),
        "The transfer description is longer than 25 characters."
    );
    assert!(
        VietQrError::Checksum
            .message(Lang::Vi)
            .contains("mã kiểm tra")
    );
}

fn printable(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[ -~]{{1,{max}}}")).unwrap()
}

fn any_code() -> impl Strategy<Value = VietQr> {
    (
        prop_oneof![Just(Initiation::Static), Just(Initiation::Dynamic)],
        "[0-9]{6}",
        "[0-9A-Za-z]{1,19}",
        prop_oneof![Just(Service::ToAccount), Just(Service::ToCard)],
        proptest::option::of(1u64..=9_999_999_999_999),
        proptest::option::of(printable(MAX_NAME_LEN)),
        proptest::option::of(printable(MAX_CITY_LEN)),
        proptest::option::of(printable(MAX_PURPOSE_LEN)),
        proptest::option::of(printable(MAX_PURPOSE_LEN)),
    )
        .prop_map(
            |(initiation, bank_bin, account, service, amount_vnd, name, city, bill, purpose)| {
                VietQr {
                    initiation,
                    bank_bin,
                    account,
                    service,
                    amount_vnd,
                    merchant_name: name,
                    merchant_city: city,
                    bill_number: bill,
                    purpose,
                }
            },
        )
}

proptest! {
    #[test]
    fn encode_then_parse_gives_the_same_code(code in any_code()) {
        let text = code.encode().unwrap();
        prop_assert!(text.ends_with(&crc::crc_text(&text.as_bytes()[..text.len() - 4])));
        prop_assert_eq!(VietQr::parse(&text).unwrap(), code);
    }

    #[test]
    fn any_changed_character_fails_the_crc(
        code in any_code(),
        position in any::<proptest::sample::Index>(),
        replacement in 0x20u8..=0x7e,
    ) {
        let text = code.encode().unwrap();
        let at = position.index(text.len());
        prop_assume!(text.as_bytes()[at] != replacement);
        let mut bytes = text.into_bytes();
        bytes[at] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        let marker = changed.len() - 8..changed.len() - 4;
        let result = VietQr::parse(&changed);
        if marker.contains(&at) {
            prop_assert_eq!(result, Err(VietQrError::Missing { tag: 63 }));
        } else if changed.trim().len() == changed.len() {
            prop_assert_eq!(result, Err(VietQrError::Checksum));
        } else {
            // A space at either end is trimmed like a scanner's line end: the CRC (or
            // its marker) no longer lines up.
            prop_assert!(result.is_err());
        }
    }
}
