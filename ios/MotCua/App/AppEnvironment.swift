import Foundation
import MotCuaBindings
import MotCuaCore
import MotCuaModels
import Observation
import os

/// Everything the screens share: the province's branding, the settings, the core (opened
/// off the main thread, reopened in the chosen language) and the long-lived models.
@MainActor
@Observable
final class AppEnvironment {
    /// One per process: the background tasks use the same core as the screens.
    static let shared = AppEnvironment()

    enum Phase {
        case opening
        /// The core could not open (a broken keychain, a full disk): said, with a retry.
        case failed(Problem)
        case ready
    }

    let branding: Branding?
    let brandingError: String?
    let settings: SettingsModel
    let lock: AppLockModel
    private(set) var phase: Phase = .opening
    private(set) var tr: Tr
    /// Changes when the core is reopened (language): the screens are rebuilt.
    private(set) var generation = 0

    private(set) var core: CoreServices? = nil
    /// The volunteer's (the phone owner's) screens.
    private(set) var screens: ScreenFactory? = nil
    private(set) var session: SessionModel
    private(set) var assist: AssistModel
    private(set) var home: HomeModel? = nil
    private(set) var search: SearchModel? = nil
    @ObservationIgnored private var opening: Task<Void, Never>? = nil

    private init() {
        // First of all: every `Texts` below (and every model's) reads the core's sentences.
        CoreWording.install()
        CoreLog.installInDebugBuilds()
        let owner = DeviceOwner()
        let store = UserDefaultsSettingsStore()
        let settings = SettingsModel(store: store, owner: owner)
        self.settings = settings
        lock = AppLockModel(owner: owner, enabled: { store.load().appLock })
        let lang = settings.settings.lang
        tr = Tr(lang: lang)
        do {
            guard let url = Bundle.main.url(forResource: "Branding", withExtension: "json") else {
                throw BrandingError.missing(key: "Branding.json")
            }
            branding = try Branding.decode(Data(contentsOf: url))
            brandingError = nil
        } catch {
            branding = nil
            brandingError = String(describing: error)
        }
        session = SessionModel(identity: UnopenedIdentity(), texts: Texts(lang: lang))
        assist = AssistModel(assist: nil, lang: lang)
    }

    /// Opens the core once (or again after a failure or a change of language).
    func openIfNeeded() async {
        if case .ready = phase { return }
        if let opening {
            await opening.value
            return
        }
        let task = Task { await open() }
        opening = task
        await task.value
        opening = nil
    }

    private func open() async {
        guard let branding else {
            phase = .failed(Problem(kind: .invalidInput, code: "invalid_branding", message: brandingError ?? ""))
            return
        }
        phase = .opening
        let lang = settings.settings.lang
        let configuration = CoreConfiguration(
            dataDirectory: Self.dataDirectory,
            portalURL: branding.portalURL,
            issuer: branding.issuer,
            clientID: branding.clientID,
            redirectURI: branding.redirectURI,
            language: lang.rawValue,
            receiptRootKey: branding.receiptRootKey
        )
        let store = KeychainSecureStore(service: "vn.motcua.app.core")
        do {
            // Opening reads SQLite and the keychain: never on the main thread.
            let core = try await Task.detached(priority: .userInitiated) {
                try CoreServices.open(configuration, platform: store)
            }.value
            install(core, lang: lang)
            await session.restore()
            phase = .ready
        } catch {
            phase = .failed(Problem.from(error, texts: Texts(lang: lang)))
        }
    }

    private func install(_ core: CoreServices, lang: Lang) {
        self.core = core
        tr = Tr(lang: lang)
        let screens = ScreenFactory(services: core.profile, lang: lang)
        self.screens = screens
        session = SessionModel(identity: core.identity, texts: Texts(lang: lang))
        assist = AssistModel(assist: core.assist, lang: lang)
        home = screens.home()
        search = screens.search()
        generation += 1
    }

    /// The language changed in the settings: the core's messages and every screen follow.
    func languageChanged() async {
        // Reopening the core would erase an open assisted session (a session belongs to the
        // core that opened it); the settings are out of reach during one, but never risk it.
        guard assist.workspace == nil else { return }
        guard core != nil else {
            tr = Tr(lang: settings.settings.lang)
            return
        }
        phase = .opening
        core = nil
        screens = nil
        await openIfNeeded()
    }

    /// The core's database: Application Support, excluded from iCloud backups (the data
    /// key is in the keychain, this device only: a restored backup could not open it).
    static var dataDirectory: String {
        let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first
            ?? URL(fileURLWithPath: NSTemporaryDirectory())
        var directory = base.appendingPathComponent("MotCua", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try? directory.setResourceValues(values)
        return directory.path
    }

    // MARK: Models for the screens

    var lang: Lang { tr.lang }

    func refreshJob() -> BackgroundRefreshJob? {
        core.map { BackgroundRefreshJob(dossiers: $0.dossiers, tracking: $0.tracking, lang: lang) }
    }

    func hasPendingSubmissions() async -> Bool {
        guard let core else { return false }
        return ((try? await core.dossiers.pendingSubmissions()) ?? 0) > 0
    }
}

/// The identity before the core is open: nobody is logged in yet.
private struct UnopenedIdentity: IdentityPort {
    private var notOpen: Problem { Problem(kind: .unexpected, code: "core_not_open", message: "") }

    func beginLogin() async throws -> LoginStart { throw notOpen }
    func completeLogin(callbackURL: String) async throws -> Citizen { throw notOpen }
    func profile() async throws -> Citizen? { nil }
    func logout() async throws {}
    func eraseWarning() async throws -> String? { nil }
    func logoutAndErase() async throws {}
}

/// The core's logs in the unified log (Console.app, Xcode) in debug builds only, as the
/// Android app sends them to logcat: release builds install no sink, and the release
/// library compiles the core's log statements out anyway. The core redacts what it sends
/// (no personal data, no codes, no tokens); `privacy: .public` only stops the unified log
/// from hiding text that is already safe.
enum CoreLog {
    static func installInDebugBuilds() {
        #if DEBUG
        setLogSink(sink: UnifiedLogSink(), level: .info)
        #endif
    }
}

#if DEBUG
/// Hands each line to `os.Logger` and returns at once (the core calls it on its threads).
private final class UnifiedLogSink: LogSink {
    private let logger = Logger(subsystem: "vn.motcua.app", category: "core")

    func log(record: LogRecord) {
        let type: OSLogType
        switch record.level {
        // Apple's own `Logger.warning` logs at the error level: the unified log has no warning.
        case .warn: type = .error
        case .info: type = .info
        case .debug: type = .debug
        }
        logger.log(level: type, "\(record.target, privacy: .public): \(record.message, privacy: .public)")
    }
}
#endif
