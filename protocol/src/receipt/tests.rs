//! Vectors for every verdict, bit flips, and property tests over hostile input.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use ring::rand::SystemRandom;

use super::*;

/// Alphanumeric characters a version-8 QR code holds at level M (ISO/IEC 18004 table 7).
const V8_M_ALPHANUMERIC: usize = 221;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// 2026-02-16 09:05:45 UTC.
const RECEIVED: i64 = 1_771_232_745;

fn fields() -> ReceiptFields {
    ReceiptFields {
        dossier_code: "000.00.14.H56-260216-0118".into(),
        procedure_code: "1.001193".into(),
        agency_code: "000.00.14.H56".into(),
        received_at: at(RECEIVED),
        appointment_date: NaiveDate::from_ymd_opt(2026, 2, 27),
        applicant: Some(ApplicantDigest {
            salt: [0xA5; 8],
            digest: [1, 2, 3],
        }),
    }
}

struct World {
    signer: SigningKey,
    trust: TrustList,
}

fn trusted(signer: &SigningKey) -> TrustedKey {
    TrustedKey {
        kid: signer.kid(),
        public_key: signer.public_key(),
        not_before: at(RECEIVED - 86_400),
        not_after: None,
        revoked_at: None,
    }
}

fn world() -> World {
    let signer = SigningKey::generate(&SystemRandom::new()).unwrap();
    let trust = TrustList {
        sequence: 1,
        issued_at: at(RECEIVED - 86_400),
        keys: vec![trusted(&signer)],
    };
    World { signer, trust }
}

fn cose_bytes(text: &str) -> Vec<u8> {
    base45::decode(text.strip_prefix(PREFIX).unwrap()).unwrap()
}

fn text_of(bytes: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(bytes))
}

#[test]
fn a_signed_receipt_is_valid_and_says_what_was_signed() {
    let w = world();
    let text = w.signer.sign_receipt(&fields()).unwrap();
    assert!(text.starts_with("MC1:"));
    assert!(
        text.bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b)),
        "QR alphanumeric set only"
    );
    assert_eq!(
        verify(&text, &w.trust),
        Verdict::Valid {
            kid: w.signer.kid(),
            fields: fields()
        }
    );
    // A scanner's line end does not matter.
    assert!(verify(&format!("{text}\r\n"), &w.trust).is_valid());
}

#[test]
fn a_realistic_worst_case_receipt_fits_version_8_at_level_m() {
    // The longest dossier code the portal makes: a four-level QCVN 102:2016 agency code
    // (13 characters, `000.00.00.H00`), a date, and a five-digit sequence (the 10,000th
    // dossier of a day); the longest national procedure code shape (`N.NNNNNN`); an
    // appointment and an applicant digest.
    let mut worst = fields();
    worst.agency_code = "999.99.99.H99".into();
    worst.dossier_code = "999.99.99.H99-991231-99999".into();
    worst.procedure_code = "2.002154".into();
    worst.received_at = at(i64::from(u32::MAX));
    worst.appointment_date = NaiveDate::from_ymd_opt(2099, 12, 31);
    let text = world().signer.sign_receipt(&worst).unwrap();
    assert!(
        text.len() <= V8_M_ALPHANUMERIC,
        "{} characters: {text}",
        text.len()
    );
    // The core renders it and asserts the QR version itself (core::receipt tests).
}

#[test]
fn every_verdict_has_a_vector() {
    let w = world();
    let text = w.signer.sign_receipt(&fields()).unwrap();

    // Tampered: a signed byte changed (the last payload byte, the applicant digest).
    let mut bytes = cose_bytes(&text);
    let payload_end = bytes.len() - 66; // signature: 0x58 0x40 and 64 bytes
    bytes[payload_end - 1] ^= 0x01;
    assert_eq!(
        verify(&text_of(&bytes), &w.trust),
        Verdict::Tampered {
            kid: w.signer.kid()
        }
    );

    // Unknown key: a key of another portal.
    let stranger = SigningKey::generate(&SystemRandom::new()).unwrap();
    let foreign = stranger.sign_receipt(&fields()).unwrap();
    assert_eq!(
        verify(&foreign, &w.trust),
        Verdict::UnknownKey {
            kid: stranger.kid()
        }
    );

    // Revoked key: every receipt of it, however old.
    let mut revoked = w.trust.clone();
    revoked.keys[0].revoked_at = Some(at(RECEIVED + 3600));
    assert_eq!(
        verify(&text, &revoked),
        Verdict::RevokedKey {
            kid: w.signer.kid()
        }
    );

    // Expired key: received after the key was retired, or before it existed.
    let mut retired = w.trust.clone();
    retired.keys[0].not_after = Some(at(RECEIVED - 1));
    assert_eq!(
        verify(&text, &retired),
        Verdict::ExpiredKey {
            kid: w.signer.kid()
        }
    );
    // Audit item 11 (issue 16): a receipt received 50 years ahead verified valid. From
    // beyond the skew it is outside every key's period of use so far; within, valid.
    let mut late = fields();
    late.received_at = at(RECEIVED + 50 * 365 * 86_400);
    let from_the_future = w.signer.sign_receipt(&late).unwrap();
    assert_eq!(
        verify_at(&from_the_future, &w.trust, at(RECEIVED)),
        Verdict::ExpiredKey {
            kid: w.signer.kid()
        }
    );
    assert_eq!(
        verify(&from_the_future, &w.trust),
        Verdict::ExpiredKey {
            kid: w.signer.kid()
        }
    );
    let skew = MAX_FUTURE_SKEW.num_seconds();
    assert_eq!(
        verify_at(&text, &w.trust, at(RECEIVED - skew - 1)),
        Verdict::ExpiredKey {
            kid: w.signer.kid()
        }
    );
    assert!(verify_at(&text, &w.trust, at(RECEIVED - skew)).is_valid());
    let mut future = w.trust.clone();
    future.keys[0].not_before = at(RECEIVED + 1);
    assert_eq!(
        verify(&text, &future),
        Verdict::ExpiredKey {
            kid: w.signer.kid()
        }
    );

    // Malformed, each with what.
    let cases: Vec<(String, Malformed)> = vec![
        ("".into(), Malformed::Empty),
        ("   ".into(), Malformed::Empty),
        ("A".repeat(MAX_TEXT_LEN + 1), Malformed::TooLong),
        ("HC1:6BFOXN".into(), Malformed::Prefix),
        (text.to_lowercase(), Malformed::Prefix),
        ("MC1:".into(), Malformed::Envelope),
        ("MC1:ab".into(), Malformed::Base45),
        ("MC1:GGW".into(), Malformed::Base45),
        ("MC1:GG".into(), Malformed::Base45), // 16 + 16·45 > 255: non-canonical
        (text_of(&[0xD2, 0x84]), Malformed::Envelope),
        (text_of(&cose_bytes(&text)[1..]), Malformed::Envelope),
    ];
    for (input, expected) in cases {
        assert_eq!(
            verify(&input, &w.trust),
            Verdict::Malformed(expected),
            "{input:.40}"
        );
    }

    // A payload signed by a trusted key but not a receipt: malformed, with the field.
    let payload = {
        let mut entries = Vec::new();
        ciborium::into_writer(
            &ciborium::value::Value::Map(vec![(
                ciborium::value::Value::Integer(1.into()),
                ciborium::value::Value::Integer(1.into()),
            )]),
            &mut entries,
        )
        .unwrap();
        entries
    };
    let signed = cose::sign(payload, w.signer.kid(), w.signer.pair());
    assert_eq!(
        verify(&text_of(&signed), &w.trust),
        Verdict::Malformed(Malformed::Payload(PayloadProblem::Missing("agency_code")))
    );
}

#[test]
fn verdicts_speak_vietnamese_and_english_with_stable_codes() {
    let w = world();
    let text = w.signer.sign_receipt(&fields()).unwrap();
    let kid = w.signer.kid();
    let all = [
        verify(&text, &w.trust),
        Verdict::Tampered { kid },
        Verdict::UnknownKey { kid },
        Verdict::RevokedKey { kid },
        Verdict::ExpiredKey { kid },
        Verdict::Malformed(Malformed::Base45),
    ];
    let mut codes = std::collections::HashSet::new();
    for verdict in &all {
        assert!(codes.insert(verdict.code()));
        assert_ne!(verdict.message(Lang::Vi), verdict.message(Lang::En));
        assert!(!verdict.message(Lang::Vi).is_empty());
    }
    assert!(all[0].message(Lang::Vi).contains("hợp lệ"));
    assert_eq!(
        Malformed::Payload(PayloadProblem::Invalid("received_at")).detail(),
        "payload has an invalid received_at"
    );
}

#[test]
fn a_flipped_bit_anywhere_in_the_signed_bytes_is_never_valid() {
    let w = world();
    // A second trusted key, so that a flip in the key id can land on a real key.
    let other = SigningKey::generate(&SystemRandom::new()).unwrap();
    let mut trust = w.trust.clone();
    trust.keys.push(trusted(&other));
    let text = w.signer.sign_receipt(&fields()).unwrap();
    let bytes = cose_bytes(&text);
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for index in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[index] ^= 1 << bit;
            let verdict = verify(&text_of(&flipped), &trust);
            assert!(
                !verdict.is_valid(),
                "byte {index} bit {bit} still valid: {verdict:?}"
            );
            *seen.entry(verdict.code()).or_default() += 1;
        }
    }
    // Most flips hit the signature or the payload; both are caught by the signature.
    assert!(seen["receipt_tampered"] > bytes.len() * 4, "{seen:?}");
}

#[test]
fn each_text_character_changed_is_never_valid() {
    let w = world();
    let text = w.signer.sign_receipt(&fields()).unwrap();
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    for index in PREFIX.len()..text.len() {
        for &replacement in alphabet {
            if text.as_bytes()[index] == replacement {
                continue;
            }
            let mut changed = text.clone().into_bytes();
            changed[index] = replacement;
            let changed = String::from_utf8(changed).unwrap();
            assert!(
                !verify(&changed, &w.trust).is_valid(),
                "character {index} → {}",
                replacement as char
            );
        }
    }
}

#[test]
fn receipts_of_an_old_still_trusted_key_stay_valid_after_rotation() {
    let rng = SystemRandom::new();
    let old = SigningKey::generate(&rng).unwrap();
    let new = SigningKey::generate(&rng).unwrap();
    let rotation = at(RECEIVED + 3600);
    let old_receipt = old.sign_receipt(&fields()).unwrap();
    let mut later = fields();
    later.received_at = at(RECEIVED + 7200);
    let new_receipt = new.sign_receipt(&later).unwrap();
    let mut old_entry = trusted(&old);
    old_entry.not_after = Some(rotation);
    let mut new_entry = trusted(&new);
    new_entry.not_before = rotation;
    let trust = TrustList {
        sequence: 2,
        issued_at: rotation,
        keys: vec![old_entry, new_entry],
    };
    assert!(verify(&old_receipt, &trust).is_valid());
    assert!(verify(&new_receipt, &trust).is_valid());
    // The old key signing after its retirement is caught.
    let late_old = old.sign_receipt(&later).unwrap();
    assert_eq!(
        verify(&late_old, &trust),
        Verdict::ExpiredKey { kid: old.kid() }
    );
    // Revoking the old key invalidates its receipts, and only its.
    let mut revoked = trust.clone();
    revoked.sequence = 3;
    revoked.keys[0].revoked_at = Some(at(RECEIVED + 10_000));
    assert_eq!(
        verify(&old_receipt, &revoked),
        Verdict::RevokedKey { kid: old.kid() }
    );
    assert!(verify(&new_receipt, &revoked).is_valid());
}

#[test]
fn reading_without_verifying_is_for_display_only() {
    let w = world();
    let text = w.signer.sign_receipt(&fields()).unwrap();
    assert_eq!(read_unverified(&text), Ok((w.signer.kid(), fields())));
    // It does not check the signature: a forged receipt reads, and verify refuses it.
    let forger = SigningKey::generate(&SystemRandom::new()).unwrap();
    let forged = forger.sign_receipt(&fields()).unwrap();
    assert!(read_unverified(&forged).is_ok());
    assert!(!verify(&forged, &w.trust).is_valid());
    assert_eq!(read_unverified("MC1:GG"), Err(Malformed::Base45));
}

#[test]
fn key_ids_print_and_parse_as_hex() {
    let kid = KeyId([0xde, 0xad, 0x01, 0x02]);
    assert_eq!(kid.to_string(), "dead0102");
    assert_eq!(KeyId::parse_hex("dead0102"), Some(kid));
    assert_eq!(KeyId::parse_hex("dead010"), None);
    assert_eq!(KeyId::parse_hex("zzzzzzzz"), None);
    assert_eq!(KeyId::parse_hex("ééééé"), None);
}

fn valid_text() -> (World, String) {
    let w = world();
    let text = w.signer.sign_receipt(&fields()).unwrap();
    (w, text)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in ".{0,400}") {
        let w = world();
        let verdict = verify(&text, &w.trust);
        prop_assert!(!verdict.is_valid());
    }

    #[test]
    fn random_bytes_behind_the_prefix_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let w = world();
        let verdict = verify(&text_of(&bytes), &w.trust);
        prop_assert!(!verdict.is_valid());
    }

    #[test]
    fn mutated_receipts_are_never_valid(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..6)
    ) {
        let (w, text) = valid_text();
        let original = cose_bytes(&text);
        let mut bytes = original.clone();
        for (index, value, kind) in edits {
            match kind {
                // Overwrite a byte.
                0 if !bytes.is_empty() => { let i = index.index(bytes.len()); bytes[i] = value; }
                // Insert a byte.
                1 => { let i = index.index(bytes.len() + 1); bytes.insert(i, value); }
                // Remove a byte.
                2 if !bytes.is_empty() => { let i = index.index(bytes.len()); bytes.remove(i); }
                // Truncate.
                _ => { let i = index.index(bytes.len() + 1); bytes.truncate(i); }
            }
        }
        let verdict = verify(&text_of(&bytes), &w.trust);
        if bytes == original {
            prop_assert!(verdict.is_valid());
        } else {
            prop_assert!(!verdict.is_valid(), "{:?}", verdict);
        }
    }

    #[test]
    fn truncated_texts_are_never_valid(cut in 0usize..400) {
        let (w, text) = valid_text();
        let cut = cut.min(text.len() - 1);
        prop_assert!(!verify(&text[..cut], &w.trust).is_valid());
    }

    #[test]
    fn any_fields_round_trip_through_a_signature(
        agency in "[0-9A-Z.]{1,20}",
        day in 0u32..36_000,
        sequence in 0u32..100_000,
        procedure in "[0-9a-z.]{1,30}",
        received in 0u32..u32::MAX,
        appointment in proptest::option::of(0u32..60_000),
        applicant in proptest::option::of(any::<([u8; 8], [u8; 3])>()),
        as_text in any::<bool>(),
    ) {
        let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
        let dossier_code = if as_text {
            format!("{agency}/{sequence}")
        } else {
            format!("{agency}-{}-{sequence:04}", date.format("%y%m%d"))
        };
        let fields = ReceiptFields {
            dossier_code,
            procedure_code: procedure,
            agency_code: agency,
            received_at: at(i64::from(received)),
            appointment_date: appointment.map(|d| DateTime::UNIX_EPOCH.date_naive() + chrono::Days::new(u64::from(d))),
            applicant: applicant.map(|(salt, digest)| ApplicantDigest { salt, digest }),
        };
        let signer = SigningKey::generate(&SystemRandom::new()).unwrap();
        let mut key = trusted(&signer);
        key.not_before = at(0);
        let trust = TrustList { sequence: 1, issued_at: at(0), keys: vec![key] };
        let text = signer.sign_receipt(&fields).unwrap();
        // Verified when it was received: any time up to 2106 round-trips.
        let now = fields.received_at;
        prop_assert_eq!(verify_at(&text, &trust, now), Verdict::Valid { kid: signer.kid(), fields });
    }
}
