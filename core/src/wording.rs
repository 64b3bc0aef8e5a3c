//! The domain's sentences that are not errors, in the person's language: what happens
//! offline, what was queued, the deadline, the supplement, the receipt, the desk's check of
//! the applicant and the end of an assisted session. Both apps show these as they are
//! (decision 0008; CONTRIBUTING.md, "Vietnamese wording"): one source, so the Android and
//! iOS apps cannot drift apart. Screen chrome (titles, buttons, field labels) stays in the
//! apps' resources; errors come with their `Localized` message.

use motcua_protocol::i18n::Lang;

/// The sentences in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    lang: Lang,
}

impl Wording {
    /// The sentences in `lang`.
    pub fn new(lang: Lang) -> Wording {
        Wording { lang }
    }

    fn pick(&self, vi: &str, en: &str) -> String {
        match self.lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }

    /// The catalog shown is the one saved on the phone.
    pub fn offline_catalog(&self) -> String {
        self.pick(
            "Không có mạng. Đang dùng danh mục thủ tục đã lưu trên máy.",
            "No connection. Using the list of procedures saved on this phone.",
        )
    }

    /// No catalog on the phone yet: one connection is needed.
    pub fn catalog_never_downloaded(&self) -> String {
        self.pick(
            "Cần kết nối mạng một lần để tải danh mục thủ tục. Hãy bật Wi-Fi hoặc dữ liệu di động.",
            "Connect once to download the list of procedures. Turn on Wi-Fi or mobile data.",
        )
    }

    /// A submission waits in the outbox.
    pub fn offline_draft_queued(&self) -> String {
        self.pick(
            "Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
            "The dossier is saved on this phone and will be sent by itself when there is a connection.",
        )
    }

    /// The statuses shown are those of the last sync.
    pub fn offline_status(&self) -> String {
        self.pick(
            "Không có mạng. Đang hiển thị trạng thái đã cập nhật lần trước; ứng dụng sẽ tự cập nhật khi có mạng.",
            "No connection. Showing the status from the last update; the app updates by itself when there is a connection.",
        )
    }

    /// A login needs the connection.
    pub fn offline_login(&self) -> String {
        self.pick(
            "Không có mạng nên chưa đăng nhập được. Hãy bật Wi-Fi hoặc dữ liệu di động rồi bấm Thử lại.",
            "No connection, so you cannot log in yet. Turn on Wi-Fi or mobile data, then tap Try again.",
        )
    }

    /// An action that is not queued was not sent.
    pub fn offline_action(&self) -> String {
        self.pick(
            "Không có mạng nên chưa gửi được. Chưa có gì thay đổi; hãy thử lại khi có mạng.",
            "No connection, so nothing was sent and nothing changed. Try again when there is a connection.",
        )
    }

    /// A withdrawal waits in the outbox.
    pub fn withdrawal_queued(&self) -> String {
        self.pick(
            "Yêu cầu rút hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
            "The request to withdraw is saved on this phone and will be sent by itself when there is a connection.",
        )
    }

    /// The deadline, `date` already formatted ("Thứ Ba, 03/03/2026").
    pub fn result_due(&self, date: &str) -> String {
        match self.lang {
            Lang::Vi => format!("Hẹn trả kết quả: {date}"),
            Lang::En => format!("Result due: {date}"),
        }
    }

    /// The title of the supplement a desk asked for.
    pub fn supplement_for(&self, code: &str) -> String {
        match self.lang {
            Lang::Vi => format!("Bổ sung hồ sơ {code}"),
            Lang::En => format!("Documents for dossier {code}"),
        }
    }

    /// The supplement was sent.
    pub fn supplement_sent(&self, code: &str) -> String {
        match self.lang {
            Lang::Vi => format!("Đã gửi bổ sung hồ sơ {code}"),
            Lang::En => format!("Documents sent for dossier {code}"),
        }
    }

    /// The dossier was filed and has its code.
    pub fn submitted(&self, code: &str) -> String {
        match self.lang {
            Lang::Vi => format!("Đã nộp hồ sơ. Mã hồ sơ: {code}"),
            Lang::En => format!("Dossier submitted. Dossier code: {code}"),
        }
    }

    /// The portal refused the submission, with its reason.
    pub fn refused(&self, reason: &str) -> String {
        match self.lang {
            Lang::Vi => format!("Hồ sơ chưa được nhận: {reason}"),
            Lang::En => format!("The dossier was not accepted: {reason}"),
        }
    }

    /// What is left to fix before the draft can be submitted.
    pub fn problems_to_fix(&self, count: usize) -> String {
        match self.lang {
            Lang::Vi => format!("Còn {count} chỗ cần sửa trước khi nộp"),
            Lang::En if count == 1 => "1 thing to fix before submitting".to_owned(),
            Lang::En => format!("{count} things to fix before submitting"),
        }
    }

    /// The documents of a submission are being sent.
    pub fn uploading(&self, percent: u8) -> String {
        match self.lang {
            Lang::Vi => format!("Đang gửi giấy tờ: {percent}%"),
            Lang::En => format!("Sending documents: {percent}%"),
        }
    }

    /// The label of a supplement answer's note to the desk.
    pub fn supplement_note_label(&self) -> String {
        self.pick(
            "Lời nhắn cho cán bộ (không bắt buộc)",
            "Message to the officer (optional)",
        )
    }

    /// The help under a supplement answer's note.
    pub fn supplement_note_help(&self) -> String {
        self.pick(
            "Không bắt buộc nếu đã đính kèm giấy tờ.",
            "Optional when you attach documents.",
        )
    }

    /// Dossiers filed in an assisted session (or on a day of the volunteer's summary).
    pub fn assist_filed(&self, count: u32) -> String {
        match self.lang {
            Lang::Vi => format!("Đã nộp: {count} hồ sơ"),
            Lang::En if count == 1 => "Filed: 1 dossier".to_owned(),
            Lang::En => format!("Filed: {count} dossiers"),
        }
    }

    /// Submissions given up while waiting for the network.
    pub fn assist_not_sent(&self, count: u32) -> String {
        match self.lang {
            Lang::Vi => format!("Không gửi được: {count} hồ sơ"),
            Lang::En if count == 1 => "Not sent: 1 dossier".to_owned(),
            Lang::En => format!("Not sent: {count} dossiers"),
        }
    }

    /// Drafts left unfinished.
    pub fn assist_unfinished(&self, count: u32) -> String {
        match self.lang {
            Lang::Vi => format!("Bỏ dở: {count} hồ sơ"),
            Lang::En if count == 1 => "Left unfinished: 1 dossier".to_owned(),
            Lang::En => format!("Left unfinished: {count} dossiers"),
        }
    }

    /// People a volunteer helped on a day.
    pub fn people_helped(&self, count: u32) -> String {
        match self.lang {
            Lang::Vi => format!("Đã hỗ trợ {count} người"),
            Lang::En if count == 1 => "1 person helped".to_owned(),
            Lang::En => format!("{count} people helped"),
        }
    }

    /// Assisted sessions cut short (the app was closed) on a day.
    pub fn interrupted_sessions(&self, count: u32) -> String {
        match self.lang {
            Lang::Vi => format!("{count} phiên bị gián đoạn"),
            Lang::En if count == 1 => "1 interrupted session".to_owned(),
            Lang::En => format!("{count} interrupted sessions"),
        }
    }

    /// The receipt comes with the one-stop desk's intake.
    pub fn receipt_after_intake(&self) -> String {
        self.pick(
            "Giấy tiếp nhận (mã QR) sẽ có khi bộ phận một cửa tiếp nhận hồ sơ.",
            "The receipt (QR code) is issued when the one-stop desk accepts the dossier.",
        )
    }

    /// When the desk's trust list was last downloaded, given the time already formatted.
    pub fn trust_list_updated_at(&self, at: &str) -> String {
        match self.lang {
            Lang::Vi => format!("Danh sách khóa ký số cập nhật lúc {at}"),
            Lang::En => format!("Signing-key list updated at {at}"),
        }
    }

    /// The desk's phone has no trust list yet.
    pub fn no_trust_list(&self) -> String {
        self.pick(
            "Chưa có danh sách khóa ký số trên máy. Hãy kết nối mạng một lần để tải, sau đó quét được cả khi mất mạng.",
            "No signing-key list on this phone yet. Connect once to download it; scanning then works offline.",
        )
    }

    /// The ID number shown matches the receipt's applicant.
    pub fn applicant_matches(&self) -> String {
        self.pick("Đúng người đứng tên hồ sơ.", "This is the applicant.")
    }

    /// The ID number shown does not match the receipt's applicant.
    pub fn applicant_differs(&self) -> String {
        self.pick(
            "Số định danh không khớp với người đứng tên hồ sơ.",
            "The ID number does not match the applicant.",
        )
    }

    /// The receipt carries no ID digest to compare.
    pub fn applicant_unknown(&self) -> String {
        self.pick(
            "Giấy này không có số định danh để đối chiếu; kiểm tra giấy tờ tùy thân như thường lệ.",
            "This receipt carries no ID number to compare; check the ID card as usual.",
        )
    }

    /// An assisted session ended and its data left the phone.
    pub fn assist_erased(&self) -> String {
        self.pick(
            "Đã kết thúc phiên hỗ trợ. Thông tin của người được hỗ trợ đã được xóa khỏi máy này.",
            "The assisted session has ended. The person's information has been erased from this phone.",
        )
    }

    /// The previous assisted session was cut short and erased.
    pub fn assist_interrupted(&self) -> String {
        self.pick(
            "Phiên hỗ trợ trước bị gián đoạn (ứng dụng bị tắt) và đã được xóa khỏi máy.",
            "The previous assisted session was interrupted (the app was closed) and has been erased.",
        )
    }

    /// Nobody logged in during the assisted session.
    pub fn assist_nobody_logged_in(&self) -> String {
        self.pick(
            "Không có ai đăng nhập trong phiên này nên phiên không được tính là đã hỗ trợ.",
            "Nobody logged in during this session, so it does not count as someone helped.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_by_default_english_on_request() {
        let vi = Wording::new(Lang::from_tag("vi-VN"));
        let en = Wording::new(Lang::from_tag("en"));
        assert_eq!(
            vi.result_due("Thứ Ba, 03/03/2026"),
            "Hẹn trả kết quả: Thứ Ba, 03/03/2026"
        );
        assert_eq!(
            en.result_due("Tue 3 Mar 2026"),
            "Result due: Tue 3 Mar 2026"
        );
        assert_eq!(
            vi.supplement_for("H01.2026.000001"),
            "Bổ sung hồ sơ H01.2026.000001"
        );
        assert_ne!(vi.withdrawal_queued(), en.withdrawal_queued());
    }

    #[test]
    fn the_standard_terms() {
        let vi = Wording::new(Lang::Vi);
        assert!(vi.receipt_after_intake().contains("Giấy tiếp nhận"));
        assert!(vi.receipt_after_intake().contains("bộ phận một cửa"));
        assert!(vi.withdrawal_queued().contains("rút hồ sơ"));
        assert!(vi.supplement_sent("X").contains("bổ sung hồ sơ"));
        assert!(vi.no_trust_list().contains("danh sách khóa ký số"));
        assert!(!vi.supplement_for("X").contains("cho hồ sơ"));
    }
}
