import Foundation

/// The words of the receipt, desk and assisted-session screens, vi and en. The verdict, the
/// applicant check, the hand-off, the end of a session and the summary's counts are the
/// core's (`Verification`, `DomainWording`, `Handoff.instructions`, `SessionOutcome.lines`,
/// `AssistDay`'s labels); so is the trust list's age; the receipt's field labels are the
/// screen's own, as on Android.
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

    /// When the trust list behind a verdict (or just downloaded) was fetched: the core's
    /// sentence, as Android shows it.
    public func trustListFetched(_ fetchedAt: Int64, format: Format) -> String {
        wording.trustListUpdatedAt(format.dateTime(unixSeconds: fetchedAt))
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
