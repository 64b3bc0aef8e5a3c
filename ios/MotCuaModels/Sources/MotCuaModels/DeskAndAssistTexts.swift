import Foundation

/// The words of the receipt, desk and assisted-session screens, vi and en. The verdict, the
/// applicant check, the hand-off, the end of a session and the summary's counts are the
/// core's (`Verification`, `DomainWording`, `Handoff.instructions`, `SessionOutcome.lines`,
/// `AssistDay`'s labels); the receipt's field labels and the trust list's age are still
/// composed here, as the Android app composes its own.
extension Texts {
    // MARK: Receipt lines

    public var receiptDossierCode: String { pick("Mã hồ sơ", "Dossier code") }
    public var receiptProcedure: String { pick("Thủ tục", "Procedure") }
    public var receiptAgency: String { pick("Cơ quan tiếp nhận (mã)", "Receiving agency (code)") }
    public var receiptReceivedAt: String { pick("Tiếp nhận lúc", "Received at") }
    public var receiptAppointment: String { pick("Hẹn trả kết quả", "Come back for the result on") }

    // MARK: Desk verdicts

    // The verdict itself is the core's sentence (`Verification.userMessage`), as Android
    // shows it: no headline of the app's.

    public func trustListAge(sequence: UInt64, fetchedAt: Int64, format: Format) -> String {
        pick("Kiểm tra bằng danh sách khóa ký số \(sequence), tải lúc \(format.dateTime(unixSeconds: fetchedAt))",
             "Checked with signing-key list no. \(sequence), downloaded \(format.dateTime(unixSeconds: fetchedAt))")
    }

    public func trustListUpdated(_ list: TrustListStatus, format: Format) -> String {
        pick("Đã cập nhật danh sách khóa ký số \(list.sequence) (\(list.keys) khóa) lúc \(format.dateTime(unixSeconds: list.fetchedAt))",
             "Signing-key list no. \(list.sequence) (\(list.keys) keys) updated \(format.dateTime(unixSeconds: list.fetchedAt))")
    }

    /// The core's answer to the applicant check (`core::wording`, `applicant_*`).
    public func applicant(_ match: ApplicantMatch) -> String {
        switch match {
        case .matches: return wording.applicantMatches
        case .doesNotMatch: return wording.applicantDiffers
        case .noDigest: return wording.applicantUnknown
        }
    }

    // MARK: Assisted sessions

    public var consentMissing: String {
        pick("Chưa tải được lời đồng ý. Hãy thử lại.", "The consent statement could not be loaded. Try again.")
    }
}
