//! What a payment screen and a fee e-receipt screen show, decided here once for both apps
//! (decision 0008): the amount as people write it, where to pay, the VietQR code drawn,
//! and the sentences for where the fee stands. The apps display it; they never look at
//! the status to decide what to say.

use chrono::{DateTime, NaiveDate};
use motcua_protocol::api::payments::{Beneficiary, PaymentStatus, PaymentView};
use motcua_protocol::i18n::{Lang, Localized as _};
use motcua_protocol::receipt::KeyId;
use motcua_protocol::receipt::fee::{FeeReceiptFields, FeeVerdict};
use motcua_protocol::time::vietnam_offset;
use motcua_protocol::vietqr::VietQr;

use super::PaymentError;
use crate::receipt::{FeeVerification, RenderedQr, render};

/// A payment screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeePayment {
    /// The dossier code.
    pub code: String,
    /// Where the fee stands.
    pub status: PaymentStatus,
    /// The amount to pay (or paid), in đồng.
    pub amount_vnd: Option<u64>,
    /// The amount as people write it (`7.000 đ`, `7,000 VND`).
    pub amount_label: Option<String>,
    /// The reference to type in the transfer's description when not scanning.
    pub reference: Option<String>,
    /// Where to pay.
    pub beneficiary: Option<Beneficiary>,
    /// The VietQR text, and the code drawn (modules, SVG, PNG to save for a banking app on
    /// the same phone): only while the fee awaits its payment.
    pub qr_text: Option<String>,
    /// [`FeePayment::qr_text`] drawn.
    pub qr: Option<RenderedQr>,
    /// Pay by this date (`YYYY-MM-DD`, Vietnam).
    pub due_date: Option<String>,
    /// The one sentence that says where the fee stands (with the amount and the date).
    pub headline: String,
    /// What to do or know next, when there is something (how to pay; do not pay twice;
    /// the catalog's reason for settling at the desk).
    pub detail: Option<String>,
    /// A transfer with this reference is being checked by the desk.
    pub under_review: bool,
    /// The fee e-receipt can be opened ([`super::PaymentsArea::fee_receipt`]).
    pub has_fee_receipt: bool,
    /// When the portal last told the phone (Unix seconds).
    pub checked_at: i64,
    /// Shown from the device because the portal could not be reached just now.
    pub offline: bool,
    /// The sentence that says how current this is, when shown from the device offline.
    pub offline_note: Option<String>,
}

/// A payment that changed status in a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentChange {
    /// The dossier code.
    pub code: String,
    /// Where the fee stands now.
    pub status: PaymentStatus,
    /// Where it stood before (none: first fetched).
    pub before: Option<PaymentStatus>,
}

/// The fee's e-receipt as the citizen shows or shares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeReceiptView {
    /// The text in the QR code (`MCF1:…`), to share.
    pub text: String,
    /// The QR code.
    pub qr: RenderedQr,
    /// The signing key.
    pub kid: KeyId,
    /// What it says.
    pub fields: FeeReceiptFields,
    /// The amount as people write it.
    pub amount_label: String,
    /// When it was paid, as people write it (Vietnam's time).
    pub paid_at_label: String,
    /// The verdict against the cached trust list, when one is cached.
    pub verdict: Option<FeeVerdict>,
    /// The verdict's sentence (or, without a list, that it is not checked yet).
    pub verdict_line: String,
    /// What it says, line by line, each labelled in the configured language, in the order
    /// a screen lists them.
    pub lines: Vec<LabelledLine>,
}

/// One line of a slip: what it is, and its value as people write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledLine {
    /// What the line is (`Số tiền`, `Amount`).
    pub label: String,
    /// Its value (`7.000 đ`).
    pub value: String,
}

/// `amount` đồng as people write it: `7.000 đ` in Vietnamese, `7,000 VND` in English.
pub fn money_label(amount: u64, lang: Lang) -> String {
    let digits = amount.to_string();
    let separator = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    match lang {
        Lang::Vi => format!("{grouped} đ"),
        Lang::En => format!("{grouped} VND"),
    }
}

fn date_label(date: &str) -> String {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|day| day.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| date.to_owned())
}

fn time_label(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|at| {
            at.with_timezone(&vietnam_offset())
                .format("%H:%M %d/%m/%Y")
                .to_string()
        })
        .unwrap_or_default()
}

fn rfc3339_label(at: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|at| time_label(at.timestamp()))
}

fn pick(lang: Lang, vi: String, en: String) -> String {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

impl FeePayment {
    /// The screen for the portal's `view`, fetched at `checked_at`; `offline` when it is
    /// shown from the device because the portal was not reached now. A request awaiting
    /// payment must carry a VietQR code that pays exactly the amount, account and reference
    /// it shows, else [`PaymentError::Inconsistent`].
    pub fn from_view(
        view: &PaymentView,
        checked_at: i64,
        offline: bool,
        lang: Lang,
    ) -> Result<FeePayment, PaymentError> {
        let amount_label = view.amount_vnd.map(|amount| money_label(amount, lang));
        // Under review, a transfer is being checked: no code to scan, so nobody pays twice.
        let awaiting = view.status == PaymentStatus::Awaiting && !view.under_review;
        let (qr_text, qr) = match (&view.qr_text, awaiting) {
            (Some(text), true) => {
                check_code(view, text)?;
                (Some(text.clone()), Some(render::render(text)?))
            }
            (None, true) => return Err(PaymentError::Inconsistent("no VietQR code to pay with")),
            _ => (None, None),
        };
        let amount = amount_label.clone().unwrap_or_default();
        let (headline, detail) = match view.status {
            PaymentStatus::NoFee => (
                pick(
                    lang,
                    "Thủ tục này không thu phí, lệ phí.".into(),
                    "This procedure has no fee.".into(),
                ),
                None,
            ),
            PaymentStatus::NotDue => (
                pick(
                    lang,
                    format!("Lệ phí {amount} chưa đến hạn nộp."),
                    format!("The fee of {amount} is not due yet."),
                ),
                Some(pick(
                    lang,
                    "Cơ quan sẽ yêu cầu nộp khi xử lý hồ sơ; ứng dụng sẽ báo cho bạn.".into(),
                    "The agency asks for it while it handles the dossier; the app will tell you."
                        .into(),
                )),
            ),
            PaymentStatus::Awaiting if view.under_review => (
                pick(
                    lang,
                    "Đã nhận một khoản chuyển khoản cho hồ sơ này; cán bộ đang đối chiếu.".into(),
                    "A transfer for this dossier was received; an officer is checking it.".into(),
                ),
                Some(pick(
                    lang,
                    "Không cần chuyển khoản lại. Kết quả đối chiếu sẽ hiện ở đây.".into(),
                    "Do not transfer again. The outcome of the check will show here.".into(),
                )),
            ),
            PaymentStatus::Awaiting => {
                let by = view.due_date.as_deref().map(date_label);
                (
                    match by {
                        Some(by) => pick(
                            lang,
                            format!("Cần nộp {amount} trước ngày {by}."),
                            format!("Pay {amount} by {by}."),
                        ),
                        None => pick(
                            lang,
                            format!("Cần nộp {amount}."),
                            format!("Pay {amount}."),
                        ),
                    },
                    Some(pick(
                        lang,
                        "Quét mã VietQR bằng ứng dụng ngân hàng bất kỳ, hoặc chuyển khoản đúng số tiền, số tài khoản và nội dung dưới đây. Ứng dụng tự cập nhật khi cổng nhận được tiền.".into(),
                        "Scan the VietQR code with any banking app, or transfer exactly the amount below to the account below with the description below. The app updates by itself when the portal receives it.".into(),
                    )),
                )
            }
            PaymentStatus::Paid => {
                let at = view.paid_at.as_deref().and_then(rfc3339_label);
                (
                    match at {
                        Some(at) => pick(
                            lang,
                            format!("Đã nộp {amount} lúc {at}."),
                            format!("{amount} paid at {at}."),
                        ),
                        None => pick(lang, format!("Đã nộp {amount}."), format!("{amount} paid.")),
                    },
                    view.fee_receipt.as_ref().map(|_| {
                        pick(
                            lang,
                            "Biên lai điện tử đã được cấp; có thể xuất trình tại bộ phận một cửa."
                                .into(),
                            "The e-receipt is issued; it can be shown at the one-stop desk.".into(),
                        )
                    }),
                )
            }
            PaymentStatus::SettledAtDesk => (
                pick(
                    lang,
                    "Lệ phí của hồ sơ này nộp tại bộ phận một cửa.".into(),
                    "The fee of this dossier is paid at the one-stop desk.".into(),
                ),
                match lang {
                    Lang::Vi => view.note_vi.clone(),
                    Lang::En => view.note_en.clone().or_else(|| view.note_vi.clone()),
                },
            ),
        };
        let offline_note = offline.then(|| {
            pick(
                lang,
                format!(
                    "Không kết nối được; thông tin cập nhật lúc {}.",
                    time_label(checked_at)
                ),
                format!(
                    "Could not connect; as last updated at {}.",
                    time_label(checked_at)
                ),
            )
        });
        Ok(FeePayment {
            code: view.code.clone(),
            status: view.status,
            amount_vnd: view.amount_vnd,
            amount_label,
            reference: view.reference.clone(),
            beneficiary: view.beneficiary.clone(),
            qr_text,
            qr,
            due_date: view.due_date.clone(),
            headline,
            detail,
            under_review: view.under_review,
            has_fee_receipt: view.fee_receipt.is_some(),
            checked_at,
            offline,
            offline_note,
        })
    }
}

/// The VietQR code pays what the request shows: its amount, account and reference.
fn check_code(view: &PaymentView, text: &str) -> Result<(), PaymentError> {
    let code = VietQr::parse(text)
        .map_err(|_| PaymentError::Inconsistent("the VietQR code is damaged"))?;
    if code.amount_vnd.is_none() || code.amount_vnd != view.amount_vnd {
        return Err(PaymentError::Inconsistent("the code pays another amount"));
    }
    if view.reference.is_none() || code.purpose != view.reference {
        return Err(PaymentError::Inconsistent(
            "the code carries another reference",
        ));
    }
    match &view.beneficiary {
        Some(to) if to.bank_bin == code.bank_bin && to.account == code.account => Ok(()),
        _ => Err(PaymentError::Inconsistent("the code pays another account")),
    }
}

/// What a fee e-receipt says, line by line, each labelled in `lang`, in the order a screen
/// or a verifier lists them (the amount and the time as people write them).
pub fn fee_receipt_lines(fields: &FeeReceiptFields, lang: Lang) -> Vec<LabelledLine> {
    let line = |vi: &str, en: &str, value: &str| LabelledLine {
        label: pick(lang, vi.into(), en.into()),
        value: value.to_owned(),
    };
    vec![
        line("Mã hồ sơ", "Dossier code", &fields.dossier_code),
        line("Số tiền", "Amount", &money_label(fields.amount_vnd, lang)),
        line(
            "Nộp lúc",
            "Paid at",
            &time_label(fields.paid_at.timestamp()),
        ),
        line("Người nộp", "Paid by", &fields.payer),
        line("Cơ quan thu", "Agency paid", &fields.agency_code),
        line(
            "Nội dung chuyển khoản",
            "Transfer description",
            &fields.reference,
        ),
        line("Mã giao dịch", "Transaction id", &fields.transaction_id),
    ]
}

impl FeeReceiptView {
    pub(crate) fn new(
        text: String,
        qr: RenderedQr,
        kid: KeyId,
        fields: FeeReceiptFields,
        verification: Option<FeeVerification>,
        lang: Lang,
    ) -> FeeReceiptView {
        let verdict = verification.map(|verification| verification.verdict);
        let verdict_line = match &verdict {
            Some(verdict) => verdict.message(lang),
            None => pick(
                lang,
                "Chưa kiểm tra được chữ ký: cần tải danh sách khóa ký một lần khi có mạng.".into(),
                "The signature is not checked yet: download the list of signing keys once when online.".into(),
            ),
        };
        let amount_label = money_label(fields.amount_vnd, lang);
        let paid_at_label = time_label(fields.paid_at.timestamp());
        let lines = fee_receipt_lines(&fields, lang);
        FeeReceiptView {
            amount_label,
            paid_at_label,
            lines,
            text,
            qr,
            kid,
            fields,
            verdict,
            verdict_line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn awaiting() -> PaymentView {
        let qr = VietQr::transfer("970436", "0071000123456", 7_000, "MCAB12CD34")
            .encode()
            .unwrap();
        PaymentView {
            code: "000.00.14.H56-261202-0001".into(),
            status: PaymentStatus::Awaiting,
            amount_vnd: Some(7_000),
            reference: Some("MCAB12CD34".into()),
            beneficiary: Some(Beneficiary {
                agency_code: "000.00.14.H56".into(),
                bank_bin: "970436".into(),
                bank_name: "Vietcombank".into(),
                account: "0071000123456".into(),
                account_name: "UBND PHUONG DEMO".into(),
            }),
            qr_text: Some(qr),
            due_date: Some("2026-12-09".into()),
            paid_at: None,
            fee_receipt: None,
            under_review: false,
            note_vi: None,
            note_en: None,
        }
    }

    #[test]
    fn amounts_are_written_as_people_write_them() {
        assert_eq!(money_label(7_000, Lang::Vi), "7.000 đ");
        assert_eq!(money_label(1_234_567, Lang::En), "1,234,567 VND");
        assert_eq!(money_label(0, Lang::Vi), "0 đ");
        assert_eq!(money_label(999, Lang::Vi), "999 đ");
    }

    #[test]
    fn an_awaiting_fee_shows_its_code_amount_and_date() {
        let shown = FeePayment::from_view(&awaiting(), 0, false, Lang::Vi).unwrap();
        assert_eq!(shown.headline, "Cần nộp 7.000 đ trước ngày 09/12/2026.");
        assert!(shown.qr.is_some());
        assert!(shown.offline_note.is_none());
        let english = FeePayment::from_view(&awaiting(), 0, true, Lang::En).unwrap();
        assert_eq!(english.headline, "Pay 7,000 VND by 09/12/2026.");
        assert!(english.offline_note.unwrap().contains("07:00 01/01/1970"));
    }

    #[test]
    fn a_code_that_pays_anything_else_than_shown_is_refused() {
        for change in 0..4 {
            let mut view = awaiting();
            match change {
                0 => view.amount_vnd = Some(70_000),
                1 => view.reference = Some("MCOTHER".into()),
                2 => view.beneficiary.as_mut().unwrap().account = "999".into(),
                _ => view.qr_text = Some("00020101021238570010A0000007270127".into()),
            }
            assert!(
                matches!(
                    FeePayment::from_view(&view, 0, false, Lang::Vi),
                    Err(PaymentError::Inconsistent(_))
                ),
                "{change}"
            );
        }
    }

    #[test]
    fn a_paid_fee_has_no_code_to_scan_and_says_when() {
        let mut view = awaiting();
        view.status = PaymentStatus::Paid;
        view.paid_at = Some("2026-12-02T09:30:00+07:00".into());
        view.fee_receipt = Some("MCF1:...".into());
        let shown = FeePayment::from_view(&view, 0, false, Lang::Vi).unwrap();
        assert_eq!(shown.qr, None);
        assert_eq!(shown.headline, "Đã nộp 7.000 đ lúc 09:30 02/12/2026.");
        assert!(shown.has_fee_receipt);
    }

    #[test]
    fn a_transfer_under_review_says_not_to_pay_again() {
        let mut view = awaiting();
        view.under_review = true;
        let shown = FeePayment::from_view(&view, 0, false, Lang::En).unwrap();
        assert_eq!(shown.qr, None);
        assert!(shown.detail.unwrap().contains("Do not transfer again"));
    }

    #[test]
    fn a_fee_e_receipt_is_shown_line_by_line_labelled_in_the_language() {
        let fields = FeeReceiptFields {
            agency_code: "000.00.14.H56".into(),
            dossier_code: "000.00.14.H56-261202-0001".into(),
            payer: "Trần Văn Bình".into(),
            amount_vnd: 1_234_000,
            paid_at: DateTime::from_timestamp(1_764_642_600, 0).unwrap(),
            transaction_id: "FT26336123456".into(),
            reference: "MCAB12CD34".into(),
        };
        let shown = |lang| {
            FeeReceiptView::new(
                "MCF1:test".into(),
                render::render("MCF1:test").unwrap(),
                KeyId([1, 2, 3, 4]),
                fields.clone(),
                None,
                lang,
            )
        };
        let vietnamese = shown(Lang::Vi);
        let pairs: Vec<(&str, &str)> = vietnamese
            .lines
            .iter()
            .map(|line| (line.label.as_str(), line.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("Mã hồ sơ", "000.00.14.H56-261202-0001"),
                ("Số tiền", "1.234.000 đ"),
                ("Nộp lúc", "09:30 02/12/2025"),
                ("Người nộp", "Trần Văn Bình"),
                ("Cơ quan thu", "000.00.14.H56"),
                ("Nội dung chuyển khoản", "MCAB12CD34"),
                ("Mã giao dịch", "FT26336123456"),
            ]
        );
        assert!(vietnamese.verdict_line.starts_with("Chưa kiểm tra"));
        let english = shown(Lang::En);
        assert_eq!(english.lines[1].label, "Amount");
        assert_eq!(english.lines[1].value, "1,234,000 VND");
    }
}
