import Foundation

/// The app's language: Vietnamese by default, English on request.
public enum Lang: String, Sendable, CaseIterable, Codable {
    case vi
    case en

    /// `"en…"` is English; anything else (or nothing) is Vietnamese, the default.
    public static func of(_ tag: String?) -> Lang {
        guard let tag, tag.lowercased().hasPrefix("en") else { return .vi }
        return .en
    }
}

/// The sentences the models show. The domain's (what happens offline, what was queued, the
/// deadline, the supplement, the submission, the receipt, the applicant check, the end of an
/// assisted session) are the core's, through the installed `DomainWording` (one source with
/// the Android app's `Texts`); the ones composed here are screen feedback (search counts,
/// "not in this version", the app lock). Static labels (titles, buttons) are in the app's
/// String Catalog; error messages come localised from the core. Plain words, no jargon: the
/// reader may be using a smartphone for the first time.
public struct Texts: Sendable, Equatable {
    public let lang: Lang
    /// The core's sentences in `lang`.
    public let wording: DomainWording

    /// The texts in `lang`, with the installed wording (`DomainWording.install`).
    public init(lang: Lang) {
        self.init(lang: lang, wording: DomainWording.of(lang))
    }

    /// The texts in `lang` with `wording` (a test that wants its own).
    public init(lang: Lang, wording: DomainWording) {
        self.lang = lang
        self.wording = wording
    }

    /// Two texts are the same when their language is: the wording is the installed one's.
    public static func == (lhs: Texts, rhs: Texts) -> Bool {
        lhs.lang == rhs.lang
    }

    func pick(_ vi: String, _ en: String) -> String {
        lang == .vi ? vi : en
    }

    public var unexpected: String {
        pick("Đã có lỗi không mong muốn. Vui lòng thử lại.", "Something unexpected went wrong. Please try again.")
    }

    // Offline states: what still works and what will happen (the core's).
    /// The catalog shown is the one saved on the phone.
    public var offlineCatalog: String { wording.offlineCatalog }
    /// No catalog on the phone yet: one connection is needed.
    public var catalogNeverDownloaded: String { wording.catalogNeverDownloaded }
    /// A submission waits in the outbox.
    public var offlineDraftQueued: String { wording.offlineDraftQueued }
    /// The statuses shown are those of the last sync.
    public var offlineStatus: String { wording.offlineStatus }
    /// A login needs the connection.
    public var offlineLogin: String { wording.offlineLogin }
    /// An action that is not queued was not sent.
    public var offlineAction: String { wording.offlineAction }

    public var notYetAvailable: String {
        pick("Tính năng này chưa có trong phiên bản ứng dụng này.",
             "This feature is not in this version of the app yet.")
    }

    public var appLockNeedsPasscode: String {
        pick("Điện thoại chưa đặt mật mã hoặc Face ID/Touch ID, nên chưa khóa ứng dụng được. Hãy đặt mật mã trong Cài đặt của điện thoại.",
             "This phone has no passcode, Face ID or Touch ID, so the app cannot be locked. Set a passcode in the phone's Settings.")
    }

    /// An assisted session ended and its data left the phone.
    public var assistErased: String { wording.assistErased }
    /// A withdrawal waits in the outbox.
    public var withdrawalQueued: String { wording.withdrawalQueued }
    /// The receipt comes with the one-stop desk's intake.
    public var receiptAfterIntake: String { wording.receiptAfterIntake }

    /// "Hẹn trả kết quả: Thứ Ba, 03/03/2026", `date` already formatted.
    public func resultDue(_ date: String) -> String { wording.resultDue(date) }
    /// The title of the supplement the desk asked for on dossier `code`.
    public func supplementFor(_ code: String) -> String { wording.supplementFor(code) }
    /// The supplement for dossier `code` was sent.
    public func supplementSent(_ code: String) -> String { wording.supplementSent(code) }

    public func searchResults(_ count: Int) -> String {
        pick("Tìm thấy \(count) thủ tục", "\(count) procedures found")
    }

    public func matchedAlias(_ phrase: String) -> String {
        pick("Khớp với cách gọi \"\(phrase)\"", "Matches \"\(phrase)\"")
    }

    /// "Đang gửi giấy tờ: 40%".
    public func uploading(_ percent: Int) -> String { wording.uploading(min(max(percent, 0), 100)) }
    /// The dossier was filed under `code`.
    public func submitted(_ code: String) -> String { wording.submitted(code) }
    /// The portal refused the submission for `reason`.
    public func refused(_ reason: String) -> String { wording.refused(reason) }

    public var onBehalfChooseBasis: String {
        pick("Hãy chọn bạn là gì của người được nộp thay.", "Choose how you are related to the person you file for.")
    }

    /// "Còn 2 chỗ cần sửa trước khi nộp".
    public func problemsToFix(_ count: Int) -> String { wording.problemsToFix(max(count, 0)) }

    public func helpedCount(_ count: Int) -> String {
        pick("Đã hỗ trợ \(count) người trên điện thoại này", "\(count) people helped on this phone")
    }

    /// A notification's title for a dossier's change.
    public func dossierChanged(_ code: String) -> String {
        pick("Hồ sơ \(code)", "Dossier \(code)")
    }
}
