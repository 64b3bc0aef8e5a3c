import XCTest
@testable import MotCuaModels

// Every test here is `async`, even those that await nothing: SwiftPM on Linux cannot call
// a synchronous test method of a @MainActor XCTestCase (its generated test list calls it
// from a nonisolated context); an async one it runs on the main actor, as Xcode does.
@MainActor
final class SettingsAndBackgroundTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    func testTheAppLockNeedsAPasscodeAndTheOwnersConfirmation() async {
        let store = MemorySettings()
        let owner = FakeOwner()
        owner.hasPasscode = false
        let settings = SettingsModel(store: store, owner: owner)
        XCTAssertEqual(settings.settings, AppSettings(lang: .vi, textSize: .standard, appLock: false))

        await settings.setAppLock(true, reason: "Khóa ứng dụng")
        XCTAssertFalse(settings.settings.appLock)
        XCTAssertEqual(settings.message, Texts(lang: .vi).appLockNeedsPasscode)

        owner.hasPasscode = true
        await settings.setAppLock(true, reason: "Khóa ứng dụng")
        XCTAssertTrue(settings.settings.appLock)
        settings.setLanguage(.en)
        settings.setTextSize(.largest)
        XCTAssertEqual(store.saved, AppSettings(lang: .en, textSize: .largest, appLock: true))
    }

    func testTheLockClosesInTheBackgroundAndOpensForTheOwner() async {
        let owner = FakeOwner()
        var enabled = true
        let lock = AppLockModel(owner: owner, enabled: { enabled })
        XCTAssertTrue(lock.locked, "locked at start when the lock is on")
        owner.confirms = false
        await lock.unlock(reason: "Mở khóa")
        XCTAssertTrue(lock.locked)
        owner.confirms = true
        await lock.unlock(reason: "Mở khóa")
        XCTAssertFalse(lock.locked)
        lock.wentToBackground()
        XCTAssertTrue(lock.locked)
        enabled = false
        await lock.unlock(reason: "Mở khóa")
        XCTAssertFalse(lock.locked, "switched off: nothing to ask")
        lock.wentToBackground()
        XCTAssertFalse(lock.locked)
    }

    func testUserDefaultsKeepTheSettings() async throws {
        let defaults = try XCTUnwrap(UserDefaults(suiteName: "MotCuaModelsTests-\(UUID().uuidString)"))
        let store = UserDefaultsSettingsStore(defaults: defaults)
        XCTAssertEqual(store.load(), AppSettings())
        store.save(AppSettings(lang: .en, textSize: .larger, appLock: true))
        XCTAssertEqual(UserDefaultsSettingsStore(defaults: defaults).load(), AppSettings(lang: .en, textSize: .larger, appLock: true))
    }

    func testTheBackgroundRefreshPostsWhatTheCoreSaysForWhatItDelivered() async {
        let dossiers = FakeDossiers()
        dossiers.outbox = [OutboxResult(draftID: "d1", delivery: .delivered(dossierCode: "B")),
                           OutboxResult(draftID: "d2", delivery: .queued(retryInSeconds: 60))]
        let tracking = FakeTracking()
        tracking.notices = [Notice(id: "dossier-B", title: "Hồ sơ B", body: "Hồ sơ đã được gửi tới cơ quan giải quyết.")]
        let notices = await BackgroundRefreshJob(dossiers: dossiers, tracking: tracking, lang: .vi).run()
        XCTAssertEqual(tracking.deliveredSeen, [["B"]], "only the delivered dossier, not the queued one")
        XCTAssertEqual(notices, tracking.notices)

        tracking.failure = offline
        dossiers.failure = offline
        let quiet = await BackgroundRefreshJob(dossiers: dossiers, tracking: tracking, lang: .vi).run()
        XCTAssertEqual(quiet, [], "offline: nothing to say, the next run tries again")
    }
}
