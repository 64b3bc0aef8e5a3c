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

/// The sentences the models compose from state (what will happen when offline, progress,
/// counts). Static labels (titles, buttons) are in the app's String Catalog; error messages
/// come localised from the core. Plain words, no jargon: the reader may be using a
/// smartphone for the first time. Same wording as the Android app's `Texts`.
public struct Texts: Sendable, Equatable {
    public let lang: Lang

    public init(lang: Lang) {
        self.lang = lang
    }

    func pick(_ vi: String, _ en: String) -> String {
        lang == .vi ? vi : en
    }

    public var unexpected: String {
        pick("Đã có lỗi không mong muốn. Vui lòng thử lại.", "Something unexpected went wrong. Please try again.")
    }

    // Offline states: what still works and what will happen.
    public var offlineCatalog: String {
        pick("Không có mạng. Đang dùng danh mục thủ tục đã lưu trên máy.",
             "No connection. Using the list of procedures saved on this phone.")
    }

    public var catalogNeverDownloaded: String {
        pick("Cần kết nối mạng một lần để tải danh mục thủ tục. Hãy bật Wi-Fi hoặc dữ liệu di động.",
             "Connect once to download the list of procedures. Turn on Wi-Fi or mobile data.")
    }

    public var offlineDraftQueued: String {
        pick("Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
             "The dossier is saved on this phone and will be sent by itself when there is a connection.")
    }

    public var offlineStatus: String {
        pick("Không có mạng. Đang hiển thị trạng thái đã cập nhật lần trước; ứng dụng sẽ tự cập nhật khi có mạng.",
             "No connection. Showing the status from the last update; the app updates by itself when there is a connection.")
    }

    public var offlineLogin: String {
        pick("Không có mạng nên chưa đăng nhập được. Hãy bật Wi-Fi hoặc dữ liệu di động rồi bấm Thử lại.",
             "No connection, so you cannot log in yet. Turn on Wi-Fi or mobile data, then tap Try again.")
    }

    public var offlineAction: String {
        pick("Không có mạng nên chưa gửi được. Chưa có gì thay đổi; hãy thử lại khi có mạng.",
             "No connection, so nothing was sent and nothing changed. Try again when there is a connection.")
    }

    public var notYetAvailable: String {
        pick("Tính năng này chưa có trong phiên bản ứng dụng này.",
             "This feature is not in this version of the app yet.")
    }

    public var appLockNeedsPasscode: String {
        pick("Điện thoại chưa đặt mật mã hoặc Face ID/Touch ID, nên chưa khóa ứng dụng được. Hãy đặt mật mã trong Cài đặt của điện thoại.",
             "This phone has no passcode, Face ID or Touch ID, so the app cannot be locked. Set a passcode in the phone's Settings.")
    }

    public var assistErased: String {
        pick("Đã kết thúc phiên hỗ trợ. Thông tin của người được hỗ trợ đã được xóa khỏi máy này.",
             "The assisted session has ended. The person's information has been erased from this phone.")
    }

    public var withdrawalQueued: String {
        pick("Yêu cầu rút hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
             "The request to withdraw is saved on this phone and will be sent by itself when there is a connection.")
    }

    public var supplementNote: String {
        pick("Ghi chú gửi cán bộ", "Note for the officer")
    }

    public var supplementNoteHelp: String {
        pick("Không bắt buộc nếu đã đính kèm giấy tờ.", "Optional when you attach documents.")
    }

    public func supplementFor(_ code: String) -> String {
        pick("Bổ sung hồ sơ \(code)", "Documents for dossier \(code)")
    }

    public func searchResults(_ count: Int) -> String {
        pick("Tìm thấy \(count) thủ tục", "\(count) procedures found")
    }

    public func matchedAlias(_ phrase: String) -> String {
        pick("Khớp với cách gọi \"\(phrase)\"", "Matches \"\(phrase)\"")
    }

    public func uploading(_ percent: Int) -> String {
        pick("Đang gửi giấy tờ: \(percent)%", "Sending documents: \(percent)%")
    }

    public func submitted(_ code: String) -> String {
        pick("Đã nộp hồ sơ. Mã hồ sơ: \(code)", "Dossier submitted. Dossier code: \(code)")
    }

    public func refused(_ reason: String) -> String {
        pick("Hồ sơ chưa được nhận: \(reason)", "The dossier was not accepted: \(reason)")
    }

    public var onBehalfChooseBasis: String {
        pick("Hãy chọn bạn là gì của người được nộp thay.", "Choose how you are related to the person you file for.")
    }

    public func problemsToFix(_ count: Int) -> String {
        pick("Còn \(count) chỗ cần sửa trước khi nộp", "\(count) things to fix before submitting")
    }

    public func helpedCount(_ count: Int) -> String {
        pick("Đã hỗ trợ \(count) người trên điện thoại này", "\(count) people helped on this phone")
    }

    /// A notification's title for a dossier's change.
    public func dossierChanged(_ code: String) -> String {
        pick("Hồ sơ \(code)", "Dossier \(code)")
    }
}
