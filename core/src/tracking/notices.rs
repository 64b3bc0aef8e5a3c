//! Which notifications a background sync is worth, and their words: decided once here so
//! that both apps notify about the same things in the same sentences.
//!
//! The policy: one notice per dossier, for its latest change. A change to `Submitted` is the
//! phone's own submission, which the person made: it is told as a delivery ("sent") when the
//! outbox delivered it in the background, and not at all otherwise. Every other change is
//! the agency's, and worth telling, with the appointment date, the officer's note, the
//! reason or what is missing.

use motcua_protocol::api::tracking::StatusChange;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::Lang;

/// A notification to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The dossier it is about (the notification opens it; one notification per dossier,
    /// replaced by the next).
    pub dossier_code: String,
    /// The title ("Hồ sơ 000.00.22.H01-260302-0007").
    pub title: String,
    /// What happened, in the person's language.
    pub body: String,
}

/// The notices for `changes` (as a sync returned them, oldest first) and for the dossiers
/// the outbox delivered meanwhile (`delivered`, their codes), in `lang`.
pub fn notices(changes: &[StatusChange], delivered: &[String], lang: Lang) -> Vec<Notice> {
    let mut latest: Vec<&StatusChange> = Vec::new();
    for change in changes {
        match latest.iter_mut().find(|seen| seen.code == change.code) {
            Some(seen) if seen.seq <= change.seq => *seen = change,
            Some(_) => {}
            None => latest.push(change),
        }
    }
    let mut out: Vec<Notice> = latest
        .into_iter()
        .filter(|change| change.status != DossierStatus::Submitted)
        .map(|change| Notice {
            dossier_code: change.code.clone(),
            title: title(&change.code, lang),
            body: change_body(change, lang),
        })
        .collect();
    for code in delivered {
        if out.iter().any(|notice| &notice.dossier_code == code) {
            continue;
        }
        out.push(Notice {
            dossier_code: code.clone(),
            title: title(code, lang),
            body: match lang {
                Lang::Vi => "Hồ sơ đã được gửi tới cơ quan giải quyết.".to_owned(),
                Lang::En => "The dossier was sent to the agency.".to_owned(),
            },
        });
    }
    out
}

/// The weekday as the screens write it ("Thứ Ba" / "Tuesday").
fn weekday(date: chrono::NaiveDate, lang: Lang) -> &'static str {
    use chrono::{Datelike as _, Weekday};
    let (vi, en) = match date.weekday() {
        Weekday::Mon => ("Thứ Hai", "Monday"),
        Weekday::Tue => ("Thứ Ba", "Tuesday"),
        Weekday::Wed => ("Thứ Tư", "Wednesday"),
        Weekday::Thu => ("Thứ Năm", "Thursday"),
        Weekday::Fri => ("Thứ Sáu", "Friday"),
        Weekday::Sat => ("Thứ Bảy", "Saturday"),
        Weekday::Sun => ("Chủ Nhật", "Sunday"),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

fn title(code: &str, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Hồ sơ {code}"),
        Lang::En => format!("Dossier {code}"),
    }
}

fn change_body(change: &StatusChange, lang: Lang) -> String {
    let mut parts = vec![change.status.label(lang).to_owned()];
    if let Some(date) = change
        .appointment_date
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        let day = format!("{}, {}", weekday(date, lang), date.format("%d/%m/%Y"));
        parts.push(match lang {
            Lang::Vi => format!("Hẹn trả kết quả: {day}"),
            Lang::En => format!("Result due: {day}"),
        });
    }
    parts.extend(change.note.clone());
    parts.extend(change.reason.clone());
    if !change.missing.is_empty() {
        let asked = change.missing.join("; ");
        parts.push(match lang {
            Lang::Vi => format!("Cần bổ sung: {asked}"),
            Lang::En => format!("To supply: {asked}"),
        });
    }
    parts.join(". ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: u64, code: &str, status: DossierStatus) -> StatusChange {
        StatusChange {
            seq,
            code: code.into(),
            status,
            at: "2026-03-02T09:00:00+07:00".into(),
            note: None,
            appointment_date: None,
            reason: None,
            missing: Vec::new(),
            receipt: None,
        }
    }

    #[test]
    fn one_notice_per_dossier_for_its_latest_change_and_none_for_the_own_submission() {
        let mut received = change(1, "A", DossierStatus::Received);
        received.appointment_date = Some("2026-03-05".into());
        assert_eq!(
            notices(&[received], &[], Lang::Vi)[0].body,
            "Đã tiếp nhận. Hẹn trả kết quả: Thứ Năm, 05/03/2026"
        );
        let mut asked = change(3, "A", DossierStatus::SupplementRequested);
        asked.missing = vec!["Bản sao giấy khai sinh".into()];
        let changes = [
            change(1, "A", DossierStatus::Received),
            change(2, "B", DossierStatus::Submitted),
            asked,
        ];
        let notices = notices(&changes, &[], Lang::Vi);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].dossier_code, "A");
        assert_eq!(notices[0].title, "Hồ sơ A");
        assert!(
            notices[0]
                .body
                .ends_with("Cần bổ sung: Bản sao giấy khai sinh"),
            "{}",
            notices[0].body
        );
    }

    #[test]
    fn a_delivery_in_the_background_is_told_once() {
        let changes = [change(1, "B", DossierStatus::Submitted)];
        let delivered = ["B".to_owned(), "C".to_owned()];
        let notices = notices(&changes, &delivered, Lang::En);
        assert_eq!(
            notices
                .iter()
                .map(|n| n.dossier_code.as_str())
                .collect::<Vec<_>>(),
            ["B", "C"]
        );
        assert_eq!(notices[0].body, "The dossier was sent to the agency.");
        // A dossier delivered and already moved on is told by its change only.
        let moved = [change(2, "B", DossierStatus::Received)];
        assert_eq!(notices_for(&moved, &delivered).len(), 2);
    }

    fn notices_for(changes: &[StatusChange], delivered: &[String]) -> Vec<Notice> {
        notices(changes, delivered, Lang::Vi)
    }
}
