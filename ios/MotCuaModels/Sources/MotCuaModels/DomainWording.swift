import Foundation

/// The domain's sentences in one language, as the core says them (`core::wording`, through
/// the bindings' `domainWording(language:)` and `wording…` functions): what happens offline,
/// what was queued, the deadline, the supplement, the submission, the receipt, the
/// applicant check, the end of an assisted session. One source with the Android app
/// (CONTRIBUTING.md, "Vietnamese wording"): this package cannot import the bindings, so
/// `MotCuaKit` fills this port (`CoreWording.install()`) and `Texts` reads it. Nothing here
/// holds a sentence of its own; tests install their own wording.
public struct DomainWording: Sendable {
    /// The catalog shown is the one saved on the phone.
    public let offlineCatalog: String
    /// No catalog on the phone yet: one connection is needed.
    public let catalogNeverDownloaded: String
    /// A submission waits in the outbox.
    public let offlineDraftQueued: String
    /// The statuses shown are those of the last sync.
    public let offlineStatus: String
    /// A login needs the connection.
    public let offlineLogin: String
    /// An action that is not queued was not sent.
    public let offlineAction: String
    /// A withdrawal waits in the outbox.
    public let withdrawalQueued: String
    /// The receipt comes with the one-stop desk's intake.
    public let receiptAfterIntake: String
    /// The desk's phone has no trust list yet.
    public let noTrustList: String
    /// The ID number matches the receipt's applicant.
    public let applicantMatches: String
    /// The ID number does not match the receipt's applicant.
    public let applicantDiffers: String
    /// The receipt carries no ID number to compare.
    public let applicantUnknown: String
    /// An assisted session ended and its data left the phone.
    public let assistErased: String
    /// The previous assisted session was cut short and erased.
    public let assistInterrupted: String
    /// Nobody logged in during the assisted session.
    public let assistNobodyLoggedIn: String
    /// "Hẹn trả kết quả: …", given the date already formatted ("Thứ Ba, 03/03/2026").
    public let resultDue: @Sendable (_ date: String) -> String
    /// The title of the supplement the desk asked for on a dossier, given its code.
    public let supplementFor: @Sendable (_ code: String) -> String
    /// The supplement for a dossier (its code) was sent.
    public let supplementSent: @Sendable (_ code: String) -> String
    /// The dossier was filed under a code.
    public let submitted: @Sendable (_ code: String) -> String
    /// The portal refused the submission, given its reason.
    public let refused: @Sendable (_ reason: String) -> String
    /// "Đang gửi giấy tờ: 40%", given the percentage (0...100).
    public let uploading: @Sendable (_ percent: Int) -> String
    /// "Còn 2 chỗ cần sửa trước khi nộp", given the count.
    public let problemsToFix: @Sendable (_ count: Int) -> String
    /// "Danh sách khóa ký số cập nhật lúc …", given the time already formatted.
    public let trustListUpdatedAt: @Sendable (_ at: String) -> String

    /// Every sentence, as the core gives them.
    public init(offlineCatalog: String, catalogNeverDownloaded: String, offlineDraftQueued: String,
                offlineStatus: String, offlineLogin: String, offlineAction: String, withdrawalQueued: String,
                receiptAfterIntake: String, noTrustList: String, applicantMatches: String,
                applicantDiffers: String, applicantUnknown: String, assistErased: String,
                assistInterrupted: String, assistNobodyLoggedIn: String,
                resultDue: @escaping @Sendable (String) -> String,
                supplementFor: @escaping @Sendable (String) -> String,
                supplementSent: @escaping @Sendable (String) -> String,
                submitted: @escaping @Sendable (String) -> String,
                refused: @escaping @Sendable (String) -> String,
                uploading: @escaping @Sendable (Int) -> String,
                problemsToFix: @escaping @Sendable (Int) -> String,
                trustListUpdatedAt: @escaping @Sendable (String) -> String) {
        self.offlineCatalog = offlineCatalog
        self.catalogNeverDownloaded = catalogNeverDownloaded
        self.offlineDraftQueued = offlineDraftQueued
        self.offlineStatus = offlineStatus
        self.offlineLogin = offlineLogin
        self.offlineAction = offlineAction
        self.withdrawalQueued = withdrawalQueued
        self.receiptAfterIntake = receiptAfterIntake
        self.noTrustList = noTrustList
        self.applicantMatches = applicantMatches
        self.applicantDiffers = applicantDiffers
        self.applicantUnknown = applicantUnknown
        self.assistErased = assistErased
        self.assistInterrupted = assistInterrupted
        self.assistNobodyLoggedIn = assistNobodyLoggedIn
        self.resultDue = resultDue
        self.supplementFor = supplementFor
        self.supplementSent = supplementSent
        self.submitted = submitted
        self.refused = refused
        self.uploading = uploading
        self.problemsToFix = problemsToFix
        self.trustListUpdatedAt = trustListUpdatedAt
    }

    // A registry installed once, rather than a value injected into every model: `Texts` is
    // made from a language in a dozen places (each model, `receiptLines`, the app before the
    // core is open, the background job), and the sentences do not depend on which core is
    // open (the volunteer's or an assisted session's): they are the library's functions of
    // the language, as Android's `Texts` calls them directly. Threading a value through
    // every initialiser would add a parameter to each without adding a choice. The lock
    // makes an install from any thread safe against reads from the main actor.
    private static let registry = Registry()

    /// Makes `provider` the source of every `Texts` from now on (the app: `MotCuaKit`'s
    /// `CoreWording.install()`, at launch; tests: their own wording). Installing again
    /// replaces it.
    public static func install(_ provider: @escaping @Sendable (Lang) -> DomainWording) {
        registry.set(provider)
    }

    /// The installed wording in `lang`. A `Texts` made before anything was installed is a
    /// defect of the app's start (or of a test's set-up), not a state to show: it stops
    /// here with a message saying what is missing.
    public static func of(_ lang: Lang) -> DomainWording {
        guard let provider = registry.get() else {
            fatalError("DomainWording.install(_:) was not called: the app calls CoreWording.install() at launch, tests install a test wording")
        }
        return provider(lang)
    }

    private final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var provider: (@Sendable (Lang) -> DomainWording)?

        func set(_ provider: @escaping @Sendable (Lang) -> DomainWording) {
            lock.lock()
            defer { lock.unlock() }
            self.provider = provider
        }

        func get() -> (@Sendable (Lang) -> DomainWording)? {
            lock.lock()
            defer { lock.unlock() }
            return provider
        }
    }
}
