import Foundation
import Observation

/// The text sizes offered on top of the system's Dynamic Type, smallest first. The app
/// raises the system size to at least the chosen one, never lowers it.
public enum TextSize: String, Sendable, CaseIterable, Codable {
    case standard
    case large
    case larger
    case largest
}

/// The person's choices. Nothing here is secret.
public struct AppSettings: Equatable, Sendable, Codable {
    /// Vietnamese unless changed.
    public var lang: Lang = .vi
    public var textSize: TextSize = .standard
    /// Ask for Face ID, Touch ID or the phone's passcode when the app opens.
    public var appLock: Bool = false

    public init(lang: Lang = .vi, textSize: TextSize = .standard, appLock: Bool = false) {
        self.lang = lang
        self.textSize = textSize
        self.appLock = appLock
    }
}

/// Where the settings are kept.
public protocol SettingsStore {
    func load() -> AppSettings
    func save(_ settings: AppSettings)
}

/// Settings in `UserDefaults` (one JSON value), the platform's place for preferences.
public final class UserDefaultsSettingsStore: SettingsStore {
    private let defaults: UserDefaults
    private let key: String

    public init(defaults: UserDefaults = .standard, key: String = "vn.motcua.settings") {
        self.defaults = defaults
        self.key = key
    }

    /// The saved settings, or the defaults (also when what is saved cannot be read).
    public func load() -> AppSettings {
        guard let data = defaults.data(forKey: key),
              let settings = try? JSONDecoder().decode(AppSettings.self, from: data)
        else { return AppSettings() }
        return settings
    }

    public func save(_ settings: AppSettings) {
        guard let data = try? JSONEncoder().encode(settings) else { return }
        defaults.set(data, forKey: key)
    }
}

/// Whether the phone can confirm its owner (Face ID, Touch ID or passcode).
public protocol DeviceOwnerCheck: Sendable {
    /// The phone has a passcode (and so biometrics or the passcode can be asked for).
    func isAvailable() async -> Bool
    /// Asks the owner; true when confirmed.
    func confirm(reason: String) async -> Bool
}

/// The settings screen. Changing the language reopens the core in that language (the app
/// rebuilds its environment); the text size applies at once; the app lock needs the phone
/// to have a passcode, checked here before it is switched on.
@MainActor
@Observable
public final class SettingsModel {
    public private(set) var settings: AppSettings
    /// Why the app lock could not be switched on.
    public private(set) var message: String? = nil

    private let store: SettingsStore
    private let owner: DeviceOwnerCheck

    public init(store: SettingsStore, owner: DeviceOwnerCheck) {
        self.store = store
        self.owner = owner
        self.settings = store.load()
    }

    public func setLanguage(_ lang: Lang) {
        change { $0.lang = lang }
    }

    public func setTextSize(_ size: TextSize) {
        change { $0.textSize = size }
    }

    /// Switching on asks the owner once, so that nobody locks the phone's owner out.
    public func setAppLock(_ enabled: Bool, reason: String) async {
        message = nil
        guard enabled else {
            change { $0.appLock = false }
            return
        }
        guard await owner.isAvailable() else {
            message = Texts(lang: settings.lang).appLockNeedsPasscode
            return
        }
        if await owner.confirm(reason: reason) {
            change { $0.appLock = true }
        }
    }

    private func change(_ edit: (inout AppSettings) -> Void) {
        edit(&settings)
        store.save(settings)
    }
}

/// Whether the app shows its content or the lock screen. Locks when the app goes to the
/// background with the app lock on; unlocks when the owner is confirmed.
@MainActor
@Observable
public final class AppLockModel {
    public private(set) var locked: Bool

    private let owner: DeviceOwnerCheck
    private let enabled: () -> Bool

    /// `enabled` reads the current setting.
    public init(owner: DeviceOwnerCheck, enabled: @escaping () -> Bool) {
        self.owner = owner
        self.enabled = enabled
        self.locked = enabled()
    }

    /// The app left the screen: what it shows must not be seen by the next person.
    public func wentToBackground() {
        if enabled() { locked = true }
    }

    /// Asks for Face ID, Touch ID or the passcode. Without a passcode any more (removed in
    /// the phone's settings) the lock cannot be kept and opens.
    public func unlock(reason: String) async {
        guard locked else { return }
        guard enabled(), await owner.isAvailable() else {
            locked = false
            return
        }
        if await owner.confirm(reason: reason) {
            locked = false
        }
    }
}
