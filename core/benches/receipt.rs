//! Receipt benchmark (docs/ARCHITECTURE.md budgets: issue + encode + render a receipt QR < 5 ms;
//! verify < 0.5 ms; QR version ≤ 8 at level M). Prints the times (p50 / p99), the QR
//! version and error-correction level of a typical and a worst-case receipt, and of the same
//! data DCC-style (zlib + COSE + Base45, as the EU COVID certificate does).
//!
//! Run: `cargo bench -p motcua-core --bench receipt`

use std::io::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate};
use motcua_core::receipt::render;
use motcua_protocol::receipt::{
    self, ApplicantDigest, IdNumber, ReceiptFields, SigningKey, TrustList, TrustedKey,
};
use ring::rand::SystemRandom;
use ring::signature::Ed25519KeyPair;

const RUNS: usize = 2000;
const KDF_RUNS: usize = 30;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn time<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(work());
        times.push(started.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn report(what: &str, (p50, p99): (Duration, Duration)) {
    println!("{what:<52} p50 {:>10}  p99 {:>10}", us(p50), us(p99));
}

fn fields(agency: &str, code: &str, procedure: &str, applicant: ApplicantDigest) -> ReceiptFields {
    ReceiptFields {
        dossier_code: code.into(),
        procedure_code: procedure.into(),
        agency_code: agency.into(),
        received_at: DateTime::from_timestamp(1_771_232_745, 0).expect("time"),
        appointment_date: NaiveDate::from_ymd_opt(2026, 2, 27),
        applicant: Some(applicant),
    }
}

fn dcc_style(text: &str) -> String {
    let cose = base45::decode(text.strip_prefix(receipt::PREFIX).expect("prefix")).expect("b45");
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    zlib.write_all(&cose).expect("zlib");
    let compressed = zlib.finish().expect("zlib");
    format!("HC1:{}", base45::encode(compressed))
}

fn qr_line(what: &str, text: &str) {
    let code = render::qr_code(text).expect("fits a QR code");
    println!(
        "{what:<52} {:>3} chars  version {:>2}  level {}",
        text.len(),
        render::version_of(&code),
        render::ec_letter(code.error_correction_level())
    );
}

fn main() {
    let rng = SystemRandom::new();
    let signer = SigningKey::generate(&rng).expect("key");
    let id = IdNumber::parse("001099012345").expect("id");
    let digest = ApplicantDigest::new(&id, &rng).expect("digest");
    let typical = fields(
        "000.00.00.H00",
        "000.00.00.H00-260216-0001",
        "1.001193",
        digest,
    );
    let worst = fields(
        "999.99.99.H99",
        "999.99.99.H99-991231-99999",
        "2.002154",
        digest,
    );
    let trust = TrustList {
        sequence: 1,
        issued_at: DateTime::from_timestamp(0, 0).expect("time"),
        keys: vec![TrustedKey {
            kid: signer.kid(),
            public_key: signer.public_key(),
            not_before: DateTime::from_timestamp(0, 0).expect("time"),
            not_after: None,
            revoked_at: None,
        }],
    };
    let text = signer.sign_receipt(&typical).expect("signed");

    println!("receipt benchmark, {RUNS} runs each (PBKDF2: {KDF_RUNS})");
    // The Ed25519 signature alone, over a Sig_structure-sized message.
    let pkcs8 = SigningKey::generate_pkcs8(&rng).expect("pkcs8");
    let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).expect("pair");
    let message = vec![0x5a; 80];
    report(
        "sign (Ed25519, 80-byte Sig_structure)",
        time(RUNS, || pair.sign(&message)),
    );
    report("CBOR payload", time(RUNS, || typical.to_cbor()));
    report(
        "encode (CBOR + COSE_Sign1 with signing + Base45)",
        time(RUNS, || signer.sign_receipt(&typical)),
    );
    report("render: QR matrix", time(RUNS, || render::qr_code(&text)));
    report(
        "render: QR + SVG + PNG",
        time(RUNS, || render::render(&text)),
    );
    report(
        "issue + encode + render (budget < 5 ms)",
        time(RUNS, || {
            let text = signer.sign_receipt(&typical).expect("signed");
            render::render(&text)
        }),
    );
    report(
        "verify (budget < 0.5 ms)",
        time(RUNS, || receipt::verify(&text, &trust)),
    );
    let tampered = {
        let mut t = text.clone().into_bytes();
        let i = t.len() - 10;
        t[i] = if t[i] == b'0' { b'1' } else { b'0' };
        String::from_utf8(t).expect("ascii")
    };
    report(
        "verify a tampered receipt",
        time(RUNS, || receipt::verify(&tampered, &trust)),
    );
    report(
        &format!(
            "check_applicant (PBKDF2-SHA256, {} it.)",
            receipt::applicant::ITERATIONS
        ),
        time(KDF_RUNS, || digest.matches(&id)),
    );
    report(
        "applicant digest at issue (same cost)",
        time(KDF_RUNS, || ApplicantDigest::new(&id, &rng)),
    );

    println!();
    qr_line("typical receipt (MC1, CBOR + COSE + Base45)", &text);
    qr_line(
        "  same data DCC-style (zlib + COSE + Base45)",
        &dcc_style(&text),
    );
    let worst_text = signer.sign_receipt(&worst).expect("signed");
    qr_line("worst case (13-char agency, 5-digit sequence)", &worst_text);
    qr_line("  same data DCC-style", &dcc_style(&worst_text));
    let rendered = render::render(&text).expect("render");
    println!(
        "typical PNG: {} bytes, {} px square; SVG: {} bytes",
        rendered.png.len(),
        (rendered.modules.size + 2 * render::QUIET_ZONE_MODULES) * render::PNG_MODULE_PIXELS,
        rendered.svg.len()
    );
}
