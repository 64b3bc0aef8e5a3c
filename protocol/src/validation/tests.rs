use super::text::length_rule;
use super::*;
use crate::catalog::{FieldOption, ProceduresFile};
use crate::i18n::{Lang, Localized};

const TODAY: ValidationContext = ValidationContext {
    today: (2026, 11, 23),
};

fn field(id: &str, kind: FieldKind, required: bool, rules: Vec<ValidationRule>) -> FormField {
    FormField {
        id: id.into(),
        kind,
        label_vi: format!("Nhãn {id}"),
        label_en: format!("Label {id}"),
        required,
        rules,
        options: vec![],
        prefill: None,
        help_vi: None,
        help_en: None,
    }
}

fn kind_of(result: Result<String, FieldError>) -> FieldErrorKind {
    result.unwrap_err().kind
}

#[test]
fn required_and_optional_empties() {
    let required = field("name", FieldKind::Text, true, vec![]);
    let optional = field("name", FieldKind::Text, false, vec![]);
    for empty in ["", "   ", "\t\n", "\u{3000}"] {
        assert_eq!(
            kind_of(validate_value(&required, empty, &TODAY)),
            FieldErrorKind::Required
        );
        assert_eq!(validate_value(&optional, empty, &TODAY).unwrap(), "");
    }
    for kind in [
        FieldKind::Date,
        FieldKind::Phone,
        FieldKind::PersonalId,
        FieldKind::AdminUnit,
        FieldKind::Number,
        FieldKind::Email,
    ] {
        let f = field("x", kind, true, vec![]);
        assert_eq!(
            kind_of(validate_value(&f, " ", &TODAY)),
            FieldErrorKind::Required
        );
    }
}

#[test]
fn text_is_one_nfc_line_with_a_length_limit() {
    let f = field("name", FieldKind::Text, true, vec![]);
    assert_eq!(
        validate_value(&f, "  Nguyễn   Văn  An ", &TODAY).unwrap(),
        "Nguyễn Văn An"
    );
    let nfd: String = "Nguyễn Thị Hoà".nfd().collect();
    assert_ne!(nfd, "Nguyễn Thị Hoà");
    assert_eq!(validate_value(&f, &nfd, &TODAY).unwrap(), "Nguyễn Thị Hoà");
    for bad in [
        "a\nb",
        "a\tb",
        "a\u{0}b",
        "a\u{7f}",
        "abc\u{202E}def",
        "x\u{2066}y",
    ] {
        assert_eq!(
            kind_of(validate_value(&f, bad, &TODAY)),
            FieldErrorKind::ControlCharacters,
            "{bad:?}"
        );
    }
    let long = "ă".repeat(200);
    assert_eq!(validate_value(&f, &long, &TODAY).unwrap(), long);
    let too_long = "ă".repeat(201);
    assert_eq!(
        kind_of(validate_value(&f, &too_long, &TODAY)),
        FieldErrorKind::TooLong { max: 200 }
    );
    // NFD input counts in NFC characters: 200 composed letters are fine.
    let nfd_long: String = long.nfd().collect();
    assert!(validate_value(&f, &nfd_long, &TODAY).is_ok());

    let ruled = field(
        "code",
        FieldKind::Text,
        true,
        vec![ValidationRule::Length {
            min: Some(3),
            max: Some(5),
        }],
    );
    assert!(validate_value(&ruled, "abc", &TODAY).is_ok());
    assert_eq!(
        kind_of(validate_value(&ruled, "ab", &TODAY)),
        FieldErrorKind::TooShort { min: 3 }
    );
    assert_eq!(
        kind_of(validate_value(&ruled, "abcdef", &TODAY)),
        FieldErrorKind::TooLong { max: 5 }
    );
    let wide = field(
        "n",
        FieldKind::Text,
        true,
        vec![ValidationRule::Length {
            min: None,
            max: Some(500),
        }],
    );
    assert!(validate_value(&wide, &"a".repeat(500), &TODAY).is_ok());
}

#[test]
fn long_text_keeps_lines() {
    let f = field("reason", FieldKind::LongText, true, vec![]);
    assert_eq!(
        validate_value(&f, " dòng 1\r\ndòng 2\n\n", &TODAY).unwrap(),
        "dòng 1\ndòng 2"
    );
    assert_eq!(
        kind_of(validate_value(&f, "a\u{0}b", &TODAY)),
        FieldErrorKind::ControlCharacters
    );
    assert_eq!(
        kind_of(validate_value(&f, "a\u{202E}b", &TODAY)),
        FieldErrorKind::ControlCharacters
    );
    assert!(validate_value(&f, &"x".repeat(2000), &TODAY).is_ok());
    assert_eq!(
        kind_of(validate_value(&f, &"x".repeat(2001), &TODAY)),
        FieldErrorKind::TooLong { max: 2000 }
    );
}

#[test]
fn numbers_are_integers_within_range() {
    let f = field(
        "copies",
        FieldKind::Number,
        true,
        vec![ValidationRule::Range {
            min: Some(1),
            max: Some(20),
        }],
    );
    assert_eq!(validate_value(&f, "3", &TODAY).unwrap(), "3");
    assert_eq!(validate_value(&f, " 007 ", &TODAY).unwrap(), "7");
    assert_eq!(validate_value(&f, "+20", &TODAY).unwrap(), "20");
    let out = FieldErrorKind::OutOfRange {
        min: Some(1),
        max: Some(20),
    };
    assert_eq!(kind_of(validate_value(&f, "0", &TODAY)), out);
    assert_eq!(kind_of(validate_value(&f, "21", &TODAY)), out);
    assert_eq!(kind_of(validate_value(&f, "-1", &TODAY)), out);
    for bad in [
        "1.5",
        "1,5",
        "abc",
        "1e3",
        "--1",
        "-",
        "+",
        "12a",
        "1 2",
        "٣",
        "99999999999999999999",
    ] {
        assert_eq!(
            kind_of(validate_value(&f, bad, &TODAY)),
            FieldErrorKind::NotANumber,
            "{bad}"
        );
    }
    let money = field(
        "capital_vnd",
        FieldKind::Number,
        true,
        vec![ValidationRule::Range {
            min: Some(0),
            max: None,
        }],
    );
    assert_eq!(
        validate_value(&money, "50.000.000", &TODAY).unwrap(),
        "50000000"
    );
    assert_eq!(
        validate_value(&money, "1,250,000", &TODAY).unwrap(),
        "1250000"
    );
    assert_eq!(validate_value(&money, "2 000", &TODAY).unwrap(), "2000");
    assert_eq!(
        kind_of(validate_value(&money, "1.000,5", &TODAY)),
        FieldErrorKind::NotANumber
    );
    assert_eq!(
        kind_of(validate_value(&money, "10.00", &TODAY)),
        FieldErrorKind::NotANumber
    );
    assert_eq!(
        kind_of(validate_value(&money, "-5", &TODAY)),
        FieldErrorKind::OutOfRange {
            min: Some(0),
            max: None
        }
    );
    let free = field("n", FieldKind::Number, true, vec![]);
    assert_eq!(
        validate_value(&free, "-9223372036854775807", &TODAY).unwrap(),
        "-9223372036854775807"
    );
}

#[test]
fn dates_are_real_calendar_days() {
    let f = field("event_date", FieldKind::Date, true, vec![]);
    assert_eq!(
        validate_value(&f, "2024-02-29", &TODAY).unwrap(),
        "2024-02-29"
    );
    assert_eq!(
        validate_value(&f, "2000-02-29", &TODAY).unwrap(),
        "2000-02-29"
    );
    assert_eq!(
        validate_value(&f, "29/02/2024", &TODAY).unwrap(),
        "2024-02-29"
    );
    assert_eq!(
        validate_value(&f, "1/3/2024", &TODAY).unwrap(),
        "2024-03-01"
    );
    assert_eq!(
        validate_value(&f, "01.03.2024", &TODAY).unwrap(),
        "2024-03-01"
    );
    assert_eq!(
        validate_value(&f, "01-03-2024", &TODAY).unwrap(),
        "2024-03-01"
    );
    for bad in [
        "2023-02-29",
        "1900-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "2024-01-00",
        "2024/02/29",
        "24-02-29",
        "20240229",
        "2024-02-29T00:00",
        "abc",
        "2024--02",
        "1799-12-31",
        "3000-01-01",
        "29/02/2023",
        "32/01/2024",
        "2024-1-1-1",
        "２０２４-02-29",
    ] {
        assert_eq!(
            kind_of(validate_value(&f, bad, &TODAY)),
            FieldErrorKind::InvalidDate,
            "{bad}"
        );
    }
    let birth = field(
        "child_birth_date",
        FieldKind::Date,
        true,
        vec![ValidationRule::NotInFuture],
    );
    assert!(
        validate_value(&birth, "2026-11-23", &TODAY).is_ok(),
        "today is not the future"
    );
    assert_eq!(
        kind_of(validate_value(&birth, "2026-11-24", &TODAY)),
        FieldErrorKind::DateInFuture
    );
    assert_eq!(
        kind_of(validate_value(&birth, "2030-01-01", &TODAY)),
        FieldErrorKind::DateInFuture
    );
    let appointment = field(
        "appointment_date",
        FieldKind::Date,
        true,
        vec![ValidationRule::NotInPast],
    );
    assert!(validate_value(&appointment, "2026-11-23", &TODAY).is_ok());
    assert!(validate_value(&appointment, "2027-01-04", &TODAY).is_ok());
    assert_eq!(
        kind_of(validate_value(&appointment, "2026-11-22", &TODAY)),
        FieldErrorKind::DateInPast
    );
}

#[test]
fn the_vietnam_day_is_utc_plus_7() {
    // 2026-11-22T17:00:00Z is midnight of the 23rd in Vietnam.
    let midnight = 1_795_366_800;
    assert_eq!(
        ValidationContext::vietnam_day_of(midnight).today,
        (2026, 11, 23)
    );
    assert_eq!(
        ValidationContext::vietnam_day_of(midnight - 1).today,
        (2026, 11, 22)
    );
    assert_eq!(ValidationContext::vietnam_day_of(0).today, (1970, 1, 1));
    assert_eq!(
        ValidationContext::vietnam_day_of(951_782_400).today,
        (2000, 2, 29)
    );
    assert_eq!(
        ValidationContext::vietnam_day_of(-25_201).today,
        (1969, 12, 31)
    );
    let _ = ValidationContext::vietnam_day_of(i64::MAX);
    let _ = ValidationContext::vietnam_day_of(i64::MIN);
}

#[test]
fn selects_and_checkboxes() {
    let mut sex = field("child_sex", FieldKind::Select, true, vec![]);
    sex.options = vec![
        FieldOption {
            value: "male".into(),
            label_vi: "Nam".into(),
            label_en: "Male".into(),
        },
        FieldOption {
            value: "female".into(),
            label_vi: "Nữ".into(),
            label_en: "Female".into(),
        },
    ];
    assert_eq!(validate_value(&sex, " female ", &TODAY).unwrap(), "female");
    assert_eq!(
        kind_of(validate_value(&sex, "Nữ", &TODAY)),
        FieldErrorKind::NotAnOption
    );
    assert_eq!(
        kind_of(validate_value(&sex, "other", &TODAY)),
        FieldErrorKind::NotAnOption
    );

    let optional = field("needs_home_visit", FieldKind::Checkbox, false, vec![]);
    assert_eq!(validate_value(&optional, "TRUE", &TODAY).unwrap(), "true");
    assert_eq!(validate_value(&optional, "false", &TODAY).unwrap(), "false");
    for bad in ["yes", "1", "có", "truee"] {
        assert_eq!(
            kind_of(validate_value(&optional, bad, &TODAY)),
            FieldErrorKind::NotABoolean
        );
    }
    let declaration = field("owner_consent", FieldKind::Checkbox, true, vec![]);
    assert_eq!(
        validate_value(&declaration, "true", &TODAY).unwrap(),
        "true"
    );
    assert_eq!(
        kind_of(validate_value(&declaration, "false", &TODAY)),
        FieldErrorKind::Required
    );
}

#[test]
fn vietnamese_mobile_numbers() {
    for (input, expected) in [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("(+84) 912-345-678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84 0912 345 678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0521234567", "0521234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        (" 0987654321 ", "0987654321"),
    ] {
        assert_eq!(check_vn_mobile(input).as_deref(), Ok(expected), "{input}");
    }
    for bad in [
        "0212345678",  // landline (Hòa Bình area code)
        "02838123456", // landline, 11 digits
        "091234567",   // 9 digits
        "09123456789", // 11 digits
        "0112345678",  // no such prefix
        "0412345678",
        "0612345678",
        "01234567890", // pre-2018 11-digit mobile
        "+85 912345678",
        "+84 212345678",
        "0912 345 67a",
        "09123+45678",
        "++84912345678",
        "",
        "+",
        "０９１２３４５６７８",
        "091234567890123456789",
    ] {
        assert_eq!(check_vn_mobile(bad), Err(()), "{bad}");
    }
    let f = field("phone", FieldKind::Phone, true, vec![]);
    assert_eq!(
        validate_value(&f, "+84 912 345 678", &TODAY).unwrap(),
        "0912345678"
    );
    assert_eq!(
        kind_of(validate_value(&f, "0212345678", &TODAY)),
        FieldErrorKind::InvalidPhone
    );
}

#[test]
fn emails() {
    let f = field(
        "email",
        FieldKind::Email,
        false,
        vec![ValidationRule::Length {
            min: None,
            max: Some(254),
        }],
    );
    assert_eq!(
        validate_value(&f, " An.Nguyen@Example.VN ", &TODAY).unwrap(),
        "An.Nguyen@example.vn"
    );
    assert!(validate_value(&f, "a+tag@mail.gov.vn", &TODAY).is_ok());
    assert!(validate_value(&f, "hộp@thư.việt.nam", &TODAY).is_ok());
    for bad in [
        "a",
        "a@",
        "@b.vn",
        "a@b",
        "a@@b.vn",
        "a@b@c.vn",
        "a b@c.vn",
        "a@b .vn",
        "a@b..vn",
        "a@.b.vn",
        "a@b.vn.",
        ".a@b.vn",
        "a.@b.vn",
        "a..b@c.vn",
        "a@-b.vn",
        "a@b.1",
        "a@b.v",
        "a@b_c.vn",
        "\"a\"@b.vn",
        "a<b>@c.vn",
        "a,b@c.vn",
        "a(b)@c.vn",
        "a\\b@c.vn",
    ] {
        assert_eq!(
            kind_of(validate_value(&f, bad, &TODAY)),
            FieldErrorKind::InvalidEmail,
            "{bad}"
        );
    }
    let label = "b".repeat(63);
    let long = format!("{}@{label}.{label}.{label}.vn", "a".repeat(64));
    assert!(long.len() > 254);
    assert_eq!(
        kind_of(validate_value(&f, &long, &TODAY)),
        FieldErrorKind::InvalidEmail
    );
    let local_too_long = format!("{}@b.vn", "a".repeat(65));
    assert_eq!(
        kind_of(validate_value(&f, &local_too_long, &TODAY)),
        FieldErrorKind::InvalidEmail
    );
}

#[test]
fn personal_id_numbers() {
    // 046 Thừa Thiên Huế, digit 4 '1' = female born in the 1900s, '87' = 1987.
    let id = check_personal_id("046187000123", &TODAY).unwrap();
    assert_eq!(id.province_code, "046");
    assert_eq!(id.sex, Sex::Female);
    assert_eq!(id.birth_year, 1987);
    assert_eq!(id.province_name(), Some("Thừa Thiên Huế"));
    let id = check_personal_id("079203001234", &TODAY).unwrap();
    assert_eq!((id.sex, id.birth_year), (Sex::Male, 2003));
    let id = check_personal_id("001300000001", &TODAY).unwrap();
    assert_eq!((id.sex, id.birth_year), (Sex::Female, 2000));
    let id = check_personal_id("017026999999", &TODAY).unwrap();
    assert_eq!((id.sex, id.birth_year), (Sex::Male, 1926));
    assert_eq!(
        check_personal_id("072226000001", &TODAY)
            .unwrap()
            .birth_year,
        2026
    );
    assert!(check_personal_id(" 056087000001 ", &TODAY).is_ok());

    use PersonalIdProblem as P;
    for (bad, problem) in [
        ("999187000123", P::UnknownProvince),
        ("000187000123", P::UnknownProvince),
        ("003187000123", P::UnknownProvince),
        ("046487000123", P::ImpossibleCentury), // 2100s
        ("046587000123", P::ImpossibleCentury),
        ("046687000123", P::ImpossibleCentury),
        ("046987000123", P::ImpossibleCentury),
        ("046227000123", P::BirthYearInFuture), // 2027
        ("046399000123", P::BirthYearInFuture), // 2099
        ("04618700012", P::WrongLength),
        ("0461870001234", P::WrongLength),
        ("", P::WrongLength),
        ("04618700012a", P::NotDigits),
        ("046-187-000-123", P::NotDigits),
        ("046 187 000 123", P::NotDigits),
        ("０４６１８７０００１２３", P::NotDigits),
        ("04618700012³", P::NotDigits),
    ] {
        assert_eq!(check_personal_id(bad, &TODAY), Err(problem), "{bad}");
    }
    // In 2100 the 2100s exist.
    let later = ValidationContext::new(2101, 1, 1);
    assert_eq!(
        check_personal_id("046401000123", &later)
            .unwrap()
            .birth_year,
        2101
    );

    let f = field(
        "applicant_personal_id",
        FieldKind::PersonalId,
        true,
        vec![ValidationRule::Length {
            min: None,
            max: Some(12),
        }],
    );
    assert_eq!(
        validate_value(&f, "046 187 000 123", &TODAY).unwrap(),
        "046187000123"
    );
    assert_eq!(
        kind_of(validate_value(&f, "999187000123", &TODAY)),
        FieldErrorKind::InvalidPersonalId(P::UnknownProvince)
    );
}

#[test]
fn admin_units_are_current_codes() {
    let f = field("registration_unit", FieldKind::AdminUnit, true, vec![]);
    assert_eq!(validate_value(&f, " 19789 ", &TODAY).unwrap(), "19789");
    assert_eq!(validate_value(&f, "06970", &TODAY).unwrap(), "06970");
    for bad in [
        "06978",
        "99999",
        "19789x",
        "1978",
        "46",
        "Phường Thuận Hóa",
        "019789",
    ] {
        assert_eq!(
            kind_of(validate_value(&f, bad, &TODAY)),
            FieldErrorKind::UnknownAdminUnit,
            "{bad}"
        );
    }
    let p = field("birth_province", FieldKind::AdminUnit, true, vec![]);
    assert_eq!(validate_value(&p, "46", &TODAY).unwrap(), "46");
    assert_eq!(
        kind_of(validate_value(&p, "74", &TODAY)),
        FieldErrorKind::UnknownAdminUnit
    );
    assert_eq!(
        kind_of(validate_value(&p, "19789", &TODAY)),
        FieldErrorKind::UnknownAdminUnit
    );
}

fn procedure_with(form: Vec<FormField>) -> Procedure {
    let mut p = crate::catalog::tests::sample("1.001193");
    p.form = form;
    p
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn forms_report_missing_unknown_and_inconsistent_fields() {
    let procedure = procedure_with(vec![
        field("applicant_name", FieldKind::Text, true, vec![]),
        field("applicant_personal_id", FieldKind::PersonalId, true, vec![]),
        field(
            "applicant_birth_date",
            FieldKind::Date,
            true,
            vec![ValidationRule::NotInFuture],
        ),
        field("child_personal_id", FieldKind::PersonalId, false, vec![]),
        field(
            "child_birth_date",
            FieldKind::Date,
            true,
            vec![ValidationRule::NotInFuture],
        ),
        field("mother_personal_id", FieldKind::PersonalId, false, vec![]),
        field("phone", FieldKind::Phone, true, vec![]),
    ]);
    let good = values(&[
        ("applicant_name", "Trần Thị Bình"),
        ("applicant_personal_id", "046187000123"),
        ("applicant_birth_date", "1987-05-02"),
        ("child_personal_id", "046203000001"),
        ("child_birth_date", "2003-01-31"),
        ("mother_personal_id", "001165000001"), // not paired with the child's birth date
        ("phone", "+84 912 345 678"),
    ]);
    assert_eq!(validate_form(&procedure, &good, &TODAY), vec![]);
    let normalised = validate_and_normalize_form(&procedure, &good, &TODAY).unwrap();
    assert_eq!(normalised["phone"], "0912345678");

    // A 2003 birth date with an ID saying 1900s (digit 4 '0') is refused on the ID field.
    let mut wrong_century = good.clone();
    wrong_century.insert("child_personal_id".into(), "046003000001".into());
    let errors = validate_form(&procedure, &wrong_century, &TODAY);
    assert_eq!(
        errors,
        vec![FieldError::on(
            &procedure.form[3],
            FieldErrorKind::PersonalIdBirthYearMismatch
        )]
    );
    assert_eq!(errors[0].code(), "personal_id_birth_year_mismatch");
    let mut wrong_year = good.clone();
    wrong_year.insert("applicant_birth_date".into(), "1988-05-02".into());
    let errors = validate_form(&procedure, &wrong_year, &TODAY);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "applicant_personal_id");

    let mut broken = good.clone();
    broken.remove("applicant_name");
    broken.insert("phone".into(), "0212345678".into());
    broken.insert("child_birth_date".into(), "2027-01-01".into());
    broken.insert("hacker".into(), "x".into());
    let errors = validate_form(&procedure, &broken, &TODAY);
    let codes: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code()))
        .collect();
    assert_eq!(
        codes,
        [
            ("applicant_name", "required"),
            ("child_birth_date", "date_in_future"),
            ("phone", "invalid_phone"),
            ("hacker", "unknown_field"),
        ]
    );
    // An empty optional ID is not compared.
    let mut no_child_id = good.clone();
    no_child_id.insert("child_personal_id".into(), " ".into());
    assert_eq!(validate_form(&procedure, &no_child_id, &TODAY), vec![]);
}

#[test]
fn unprefixed_pairs_and_pairing_rules() {
    assert_eq!(
        person_of("applicant_personal_id", "_personal_id"),
        Some("applicant")
    );
    assert_eq!(person_of("personal_id", "_personal_id"), Some(""));
    assert_eq!(person_of("birth_date", "_birth_date"), Some(""));
    assert_eq!(person_of("_personal_id", "_personal_id"), None);
    assert_eq!(person_of("recognising_parent_id", "_personal_id"), None);
    let procedure = procedure_with(vec![
        field("personal_id", FieldKind::PersonalId, true, vec![]),
        field("birth_date", FieldKind::Date, true, vec![]),
    ]);
    let errors = validate_form(
        &procedure,
        &values(&[
            ("personal_id", "046187000123"),
            ("birth_date", "1986-01-01"),
        ]),
        &TODAY,
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, FieldErrorKind::PersonalIdBirthYearMismatch);
}

#[test]
fn messages_name_the_field_and_codes_are_stable() {
    let f = field("phone", FieldKind::Phone, true, vec![]);
    let mut f = f;
    f.label_vi = "Số điện thoại".into();
    f.label_en = "Phone number".into();
    let error = validate_value(&f, "0212345678", &TODAY).unwrap_err();
    assert_eq!(error.code(), "invalid_phone");
    assert!(
        error
            .message(Lang::Vi)
            .starts_with("Số điện thoại: không phải số điện thoại di động")
    );
    assert!(
        error
            .message(Lang::En)
            .starts_with("Phone number: is not a Vietnamese mobile number")
    );
    let unknown = FieldError::new("x", FieldErrorKind::UnknownField);
    assert_eq!(
        unknown.message(Lang::En),
        "This field is not part of the procedure's form."
    );
    assert_eq!(
        unknown.message(Lang::Vi),
        "Trường này không có trong biểu mẫu của thủ tục."
    );
    assert_eq!(FieldError::required("x").kind, FieldErrorKind::Required);
    let document =
        FieldError::missing_document("birth_certificate", "Giấy khai sinh", "Birth certificate");
    assert_eq!(document.field, "attachments.birth_certificate");
    assert_eq!(document.code(), "document_required");
    assert_eq!(
        document.message(Lang::Vi),
        "Giấy khai sinh: cần đính kèm thành phần hồ sơ bắt buộc này."
    );
    let problem = error.to_problem();
    assert_eq!(problem.code, "invalid_phone");
    assert_eq!(problem.field, "phone");
    assert_eq!(problem.message_vi, error.message(Lang::Vi));

    use FieldErrorKind as K;
    use PersonalIdProblem as P;
    let all = [
        (K::Required, "required"),
        (K::UnknownField, "unknown_field"),
        (K::TooShort { min: 2 }, "too_short"),
        (K::TooLong { max: 9 }, "too_long"),
        (K::NotANumber, "not_a_number"),
        (
            K::OutOfRange {
                min: Some(1),
                max: None,
            },
            "out_of_range",
        ),
        (
            K::OutOfRange {
                min: None,
                max: Some(1),
            },
            "out_of_range",
        ),
        (
            K::OutOfRange {
                min: Some(1),
                max: Some(2),
            },
            "out_of_range",
        ),
        (
            K::OutOfRange {
                min: None,
                max: None,
            },
            "out_of_range",
        ),
        (K::InvalidDate, "invalid_date"),
        (K::DateInFuture, "date_in_future"),
        (K::DateInPast, "date_in_past"),
        (K::NotAnOption, "not_an_option"),
        (K::NotABoolean, "not_a_boolean"),
        (K::InvalidPhone, "invalid_phone"),
        (K::InvalidEmail, "invalid_email"),
        (
            K::InvalidPersonalId(P::WrongLength),
            "personal_id_bad_length",
        ),
        (K::InvalidPersonalId(P::NotDigits), "personal_id_not_digits"),
        (
            K::InvalidPersonalId(P::UnknownProvince),
            "personal_id_bad_province",
        ),
        (
            K::InvalidPersonalId(P::ImpossibleCentury),
            "personal_id_bad_century",
        ),
        (
            K::InvalidPersonalId(P::BirthYearInFuture),
            "personal_id_birth_year_in_future",
        ),
        (
            K::PersonalIdBirthYearMismatch,
            "personal_id_birth_year_mismatch",
        ),
        (K::UnknownAdminUnit, "unknown_admin_unit"),
        (K::ControlCharacters, "control_characters"),
        (K::DocumentRequired, "document_required"),
    ];
    for (kind, code) in all {
        let error = FieldError::on(&f, kind);
        assert_eq!(error.code(), code);
        for lang in [Lang::Vi, Lang::En] {
            let message = error.message(lang);
            assert!(message.len() > 20 && message.ends_with('.'), "{message}");
        }
        assert_ne!(error.message(Lang::Vi), error.message(Lang::En));
    }
}

/// A value that should pass for this field of the real catalog.
fn valid_value(field: &FormField) -> String {
    let (_, max) = length_rule(field);
    match field.kind {
        FieldKind::Text => {
            let name = "Nguyễn Văn An";
            match max {
                Some(max) if (max as usize) < name.chars().count() => {
                    "1".repeat((max as usize).min(5))
                }
                _ => name.to_owned(),
            }
        }
        FieldKind::LongText => "Lý do:\nđề nghị cấp lại.".into(),
        FieldKind::Number => {
            let mut n = 1;
            for rule in &field.rules {
                if let ValidationRule::Range { min, max } = rule {
                    n = min.unwrap_or(n);
                    if let Some(max) = max {
                        n = n.min(*max);
                    }
                }
            }
            n.to_string()
        }
        FieldKind::Date => {
            if field.rules.contains(&ValidationRule::NotInPast) {
                "2026-12-03".into()
            } else {
                "2000-01-15".into()
            }
        }
        FieldKind::Select => field
            .options
            .first()
            .map(|o| o.value.clone())
            .unwrap_or_default(),
        FieldKind::Checkbox => "true".into(),
        FieldKind::Phone => "+84 912 345 678".into(),
        FieldKind::Email => "nguyen.an@example.vn".into(),
        // Born in 2000 (digit 4 '2': male, 2000s), like every synthetic birth date.
        FieldKind::PersonalId => "046200000123".into(),
        FieldKind::AdminUnit => {
            if is_province_level(field) {
                "46".into()
            } else {
                "19789".into()
            }
        }
    }
}

#[test]
fn every_procedure_of_the_real_catalog_accepts_valid_values() {
    let file: ProceduresFile =
        serde_json::from_str(include_str!("../../../data/catalog/procedures.json")).unwrap();
    assert!(file.procedures.len() >= 85);
    let mut paired = 0;
    for procedure in &file.procedures {
        let all: BTreeMap<String, String> = procedure
            .form
            .iter()
            .map(|f| (f.id.clone(), valid_value(f)))
            .collect();
        assert_eq!(
            validate_form(procedure, &all, &TODAY),
            vec![],
            "{}",
            procedure.code
        );
        // Only the required fields, too.
        let required: BTreeMap<String, String> = procedure
            .form
            .iter()
            .filter(|f| f.required)
            .map(|f| (f.id.clone(), valid_value(f)))
            .collect();
        assert_eq!(
            validate_form(procedure, &required, &TODAY),
            vec![],
            "{}",
            procedure.code
        );
        // And every required field missing is reported.
        let errors = validate_form(procedure, &BTreeMap::new(), &TODAY);
        assert_eq!(
            errors.len(),
            procedure.form.iter().filter(|f| f.required).count()
        );
        assert!(errors.iter().all(|e| e.kind == FieldErrorKind::Required));
        // Where the form pairs an ID with a birth date, an inconsistent ID is caught.
        for field in procedure
            .form
            .iter()
            .filter(|f| f.kind == FieldKind::PersonalId)
        {
            let Some(person) = person_of(&field.id, "_personal_id") else {
                continue;
            };
            if !procedure
                .form
                .iter()
                .any(|f| person_of(&f.id, "_birth_date") == Some(person))
            {
                continue;
            }
            paired += 1;
            let mut wrong = all.clone();
            wrong.insert(field.id.clone(), "046087000123".into());
            let errors = validate_form(procedure, &wrong, &TODAY);
            assert_eq!(errors.len(), 1, "{} {}", procedure.code, field.id);
            assert_eq!(errors[0].kind, FieldErrorKind::PersonalIdBirthYearMismatch);
        }
    }
    assert!(paired >= 15, "{paired} ID/birth-date pairs in the catalog");
}

#[test]
fn no_input_panics() {
    let kinds = [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::Select,
        FieldKind::Checkbox,
        FieldKind::Phone,
        FieldKind::Email,
        FieldKind::PersonalId,
        FieldKind::AdminUnit,
    ];
    let inputs = [
        "",
        "-",
        "+",
        ".",
        "/",
        "//",
        "--",
        "@",
        "@@",
        "a@",
        "+84",
        "84",
        "0084",
        "٣",
        "\u{0}",
        "\u{FEFF}",
        "ǅ",
        "ß",
        "İ",
        "😀",
        "a\u{301}\u{301}\u{301}",
        "9999999999999999999999999999999999999999",
        "----------------------------------------",
        "1.",
        ".1",
        "1..000",
        ",000",
        "2024-",
        "-2024-01-01",
        "0/0/0",
        "99/99/9999",
        "2024-02-3\u{663}",
        "\u{202E}",
        "\r",
        "\r\n",
        "true\u{0}",
    ];
    for kind in kinds {
        for required in [true, false] {
            let mut f = field(
                "x_personal_id",
                kind,
                required,
                vec![
                    ValidationRule::Length {
                        min: Some(0),
                        max: Some(0),
                    },
                    ValidationRule::Range {
                        min: Some(i64::MIN),
                        max: Some(i64::MAX),
                    },
                    ValidationRule::NotInFuture,
                    ValidationRule::NotInPast,
                ],
            );
            f.options = vec![FieldOption {
                value: String::new(),
                label_vi: String::new(),
                label_en: String::new(),
            }];
            for input in inputs {
                let _ = validate_value(&f, input, &TODAY);
                let _ = validate_value(&f, input, &ValidationContext::new(i32::MIN, 0, 0));
                let _ = validate_value(&f, input, &ValidationContext::new(i32::MAX, 99, 99));
            }
        }
    }
    for input in inputs {
        let _ = check_personal_id(input, &TODAY);
        let _ = check_vn_mobile(input);
        let _ = parse_date(input);
        let _ = parse_integer(input);
    }
}
