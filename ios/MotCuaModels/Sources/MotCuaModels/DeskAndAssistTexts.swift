import Foundation

/// The words of the receipt, desk and assisted-session screens, vi and en (the core's own
/// messages come with its `Problem`s; these are what the app says around them).
extension Texts {
    // MARK: Receipt lines

    public var receiptDossierCode: String { pick("Mã hồ sơ", "Dossier code") }
    public var receiptProcedure: String { pick("Thủ tục", "Procedure") }
    public var receiptAgency: String { pick("Cơ quan tiếp nhận (mã)", "Receiving agency (code)") }
    public var receiptReceivedAt: String { pick("Tiếp nhận lúc", "Received at") }
    public var receiptAppointment: String { pick("Hẹn trả kết quả", "Come back for the result on") }

    // MARK: Desk verdicts

    /// The verdict in a few words, in large type; the core's sentence says the rest.
    public func verdictHeadline(_ kind: VerdictKind) -> String {
        switch kind {
        case .valid:
            return pick("Giấy tiếp nhận hợp lệ", "Valid receipt")
        case .tampered:
            return pick("Giấy tiếp nhận đã bị sửa: không hợp lệ", "The receipt was altered: not valid")
        case .unknownKey:
            return pick("Không nhận ra khóa ký của giấy này", "The receipt's signing key is not known")
        case .revokedKey:
            return pick("Khóa ký đã bị thu hồi: không hợp lệ", "The signing key was revoked: not valid")
        case .expiredKey:
            return pick("Khóa ký không còn hiệu lực vào ngày tiếp nhận ghi trên giấy: không hợp lệ",
                        "The signing key was not in force on the receipt's date: not valid")
        case .malformed:
            return pick("Mã QR này không phải giấy tiếp nhận", "This QR code is not a receipt")
        }
    }

    public func trustListAge(sequence: UInt64, fetchedAt: Int64, format: Format) -> String {
        pick("Kiểm tra bằng danh sách khóa ký số \(sequence), tải lúc \(format.dateTime(unixSeconds: fetchedAt))",
             "Checked with signing-key list no. \(sequence), downloaded \(format.dateTime(unixSeconds: fetchedAt))")
    }

    public func trustListUpdated(_ list: TrustListStatus, format: Format) -> String {
        pick("Đã cập nhật danh sách khóa ký số \(list.sequence) (\(list.keys) khóa) lúc \(format.dateTime(unixSeconds: list.fetchedAt))",
             "Signing-key list no. \(list.sequence) (\(list.keys) keys) updated \(format.dateTime(unixSeconds: list.fetchedAt))")
    }

    /// Word for word the core's (`core::wording`, `applicant_*`), as the Android app shows it.
    public func applicant(_ match: ApplicantMatch) -> String {
        switch match {
        case .matches:
            return pick("Đúng người đứng tên hồ sơ.", "This is the applicant.")
        case .doesNotMatch:
            return pick("Số định danh không khớp với người đứng tên hồ sơ.", "The ID number does not match the applicant.")
        case .noDigest:
            return pick("Giấy này không có số định danh để đối chiếu; kiểm tra giấy tờ tùy thân như thường lệ.",
                        "This receipt carries no ID number to compare; check the ID card as usual.")
        }
    }

    // MARK: Assisted sessions

    public var consentMissing: String {
        pick("Chưa tải được lời đồng ý. Hãy thử lại.", "The consent statement could not be loaded. Try again.")
    }

    public func outcomeSubmitted(_ count: Int) -> String {
        pick("Đã nộp \(count) hồ sơ", "\(count) dossiers filed")
    }

    public func outcomeNotSent(_ count: Int) -> String {
        pick("\(count) hồ sơ chưa gửi được đã bị bỏ", "\(count) unsent dossiers given up")
    }

    public func outcomeDrafts(_ count: Int) -> String {
        pick("\(count) hồ sơ đang soạn đã bị xóa", "\(count) unfinished drafts erased")
    }

    public var outcomeNobodyLoggedIn: String {
        pick("Không có ai đăng nhập trong phiên này", "Nobody logged in during this session")
    }

    public func dayHelped(_ count: Int) -> String {
        pick("\(count) người được hỗ trợ", "\(count) people helped")
    }

    public func dayInterrupted(_ count: Int) -> String {
        pick("\(count) phiên bị ngắt giữa chừng (đã xóa)", "\(count) sessions cut short (erased)")
    }

    /// One procedure's counts on a day of the summary.
    public func tally(_ tally: ProcedureTally) -> String {
        pick("\(tally.procedureCode): nộp \(tally.submitted), không gửi được \(tally.notSent), bỏ dở \(tally.abandonedDrafts)",
             "\(tally.procedureCode): filed \(tally.submitted), not sent \(tally.notSent), left unfinished \(tally.abandonedDrafts)")
    }

    /// The hand-off as plain text, to share (no personal data).
    public func handoffText(_ handoff: Handoff, format: Format) -> String {
        var lines = [pick("Mã hồ sơ: \(handoff.dossierCode)", "Dossier code: \(handoff.dossierCode)")]
        if let name = handoff.procedureName {
            lines.append(pick("Thủ tục: \(name)", "Procedure: \(name)"))
        }
        if let date = handoff.appointmentDate {
            lines.append(pick("Hẹn trả kết quả: \(format.date(date))", "Come back for the result on: \(format.date(date))"))
        }
        lines.append(handoff.instructions)
        return lines.joined(separator: "\n")
    }
}
