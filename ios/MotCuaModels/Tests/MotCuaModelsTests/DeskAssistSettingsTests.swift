import XCTest
@testable import MotCuaModels

@MainActor
final class DeskAssistSettingsTests: XCTestCase {
    func testWithoutTheReceiptAreaTheScreensSaySoInsteadOfInventing() async {
        let receipt = ReceiptModel(receipts: nil, dossierCode: "A", lang: .vi)
        await receipt.load()
        XCTAssertEqual(receipt.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
        let desk = DeskScanModel(receipts: nil, lang: .vi)
        XCTAssertEqual(desk.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
        await desk.scanned("MC1:ABC")
        XCTAssertEqual(desk.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
    }

    func testTheDeskGetsAVerdictInWordsAndScansAgain() async {
        let receipts = FakeReceipts()
        receipts.verdicts["MC1:OK"] = .valid(fields: [ReceiptField(label: "Mã hồ sơ", value: "A")])
        receipts.verdicts["MC1:EDITED"] = .tampered
        let desk = DeskScanModel(receipts: receipts, lang: .vi)
        await desk.scanned("MC1:OK")
        XCTAssertEqual(desk.state, .verdict(valid: true, headline: "Giấy tiếp nhận hợp lệ", fields: [ReceiptField(label: "Mã hồ sơ", value: "A")]))
        await desk.scanned("MC1:EDITED")
        XCTAssertEqual(desk.state, .verdict(valid: true, headline: "Giấy tiếp nhận hợp lệ", fields: [ReceiptField(label: "Mã hồ sơ", value: "A")]),
                       "a code read while a verdict is shown is ignored")
        desk.scanAgain()
        await desk.scanned("MC1:EDITED")
        XCTAssertEqual(desk.state, .verdict(valid: false, headline: "Giấy tiếp nhận đã bị sửa: không hợp lệ", fields: []))
        desk.scanAgain()
        await desk.scanned("https://example.com")
        XCTAssertEqual(desk.state, .verdict(valid: false, headline: "Mã QR này không phải giấy tiếp nhận", fields: []))
    }

    func testAnAssistedSessionNeedsConsentAndEndsByErasing() async {
        let assist = FakeAssist()
        let model = AssistModel(assist: assist, lang: .vi)
        await model.begin(citizenConsented: false)
        XCTAssertEqual(model.stage, .consent)
        XCTAssertFalse(assist.active)

        await model.begin(citizenConsented: true)
        XCTAssertEqual(model.stage, .active)
        XCTAssertTrue(model.privateBrowsing)

        assist.eraseFailure = Problem(code: "storage", message: "Không xóa được")
        await model.end()
        XCTAssertEqual(model.stage, .active, "a failed erase keeps the session open")
        XCTAssertEqual(model.problem?.message, "Không xóa được")

        assist.eraseFailure = nil
        await model.end()
        XCTAssertEqual(model.stage, .ended(message: Texts(lang: .vi).assistErased))
        XCTAssertEqual(model.helped, "Đã hỗ trợ 1 người trên điện thoại này")
        model.next()
        XCTAssertEqual(model.stage, .consent)

        XCTAssertEqual(AssistModel(assist: nil, lang: .en).stage, .notAvailable(message: Texts(lang: .en).notYetAvailable))
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

    func testUserDefaultsKeepTheSettings() throws {
        let defaults = try XCTUnwrap(UserDefaults(suiteName: "MotCuaModelsTests-\(UUID().uuidString)"))
        let store = UserDefaultsSettingsStore(defaults: defaults)
        XCTAssertEqual(store.load(), AppSettings())
        store.save(AppSettings(lang: .en, textSize: .larger, appLock: true))
        XCTAssertEqual(UserDefaultsSettingsStore(defaults: defaults).load(), AppSettings(lang: .en, textSize: .larger, appLock: true))
    }

    func testTheBackgroundRefreshNotifiesEachChangeOnce() async {
        let dossiers = FakeDossiers()
        dossiers.outbox = [OutboxResult(draftID: "d1", delivery: .delivered(dossierCode: "B")),
                           OutboxResult(draftID: "d2", delivery: .queued(retryInSeconds: 60))]
        let tracking = FakeTracking()
        tracking.changes = [event("received", "Đã tiếp nhận", appointment: "2026-03-03")]
        let notices = await BackgroundRefreshJob(dossiers: dossiers, tracking: tracking, lang: .vi).run()
        XCTAssertEqual(notices.map(\.title), ["Hồ sơ B", "Hồ sơ 000.00.14.H56-260302-0001"])
        XCTAssertEqual(notices.last?.body, "Đã tiếp nhận. Hẹn trả kết quả: Thứ Ba, 03/03/2026")
        XCTAssertEqual(Set(notices.map(\.id)).count, 2)

        tracking.failure = offline
        dossiers.failure = offline
        let quiet = await BackgroundRefreshJob(dossiers: dossiers, tracking: tracking, lang: .vi).run()
        XCTAssertEqual(quiet, [], "offline: nothing to say, the next run tries again")
    }
}
