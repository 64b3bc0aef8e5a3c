import XCTest
@testable import MotCuaModels

@MainActor
final class AssistTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    func testWithoutTheAssistAreaTheScreenSaysSo() async {
        let model = AssistModel(assist: nil, lang: .en)
        await model.load()
        await model.begin(citizenConsented: true)
        XCTAssertEqual(model.stage, .notAvailable(message: Texts(lang: .en).notYetAvailable))
        XCTAssertNil(model.workspace)
    }

    func testASessionBeginsOnlyWithConsentToTheCoresStatementAndItsVersion() async {
        let assist = FakeAssist()
        let model = AssistModel(assist: assist, lang: .vi)
        await model.begin(citizenConsented: true)
        XCTAssertEqual(model.stage, .consent, "nothing begins before the statement is shown")
        XCTAssertEqual(model.problem?.code, "consent_required")
        XCTAssertEqual(assist.sessions, 0)

        await model.load()
        XCTAssertEqual(model.statement?.version, FakeAssist.version)
        XCTAssertEqual(model.statement?.text, "Tôi đồng ý để tình nguyện viên giúp tôi nộp hồ sơ.")
        await model.begin(citizenConsented: false)
        XCTAssertEqual(model.stage, .consent)
        XCTAssertEqual(assist.sessions, 0)

        await model.begin(citizenConsented: true)
        XCTAssertEqual(model.stage, .active)
        XCTAssertNil(model.problem)
        XCTAssertEqual(assist.sessions, 1, "begun with the version the core accepts")
        XCTAssertTrue(model.privateBrowsing)
        XCTAssertNotNil(model.workspace)
        XCTAssertEqual(model.citizen?.state, .loggedOut(nil), "the citizen's own login, not the volunteer's")
    }

    func testAStatementThatCannotLoadIsSaidAndBlocksTheStart() async {
        let assist = FakeAssist()
        assist.statementFailure = Problem(kind: .storage, code: "storage_failed", message: "Không đọc/ghi được dữ liệu trên máy.")
        let model = AssistModel(assist: assist, lang: .vi)
        await model.load()
        XCTAssertNil(model.statement)
        XCTAssertEqual(model.problem?.message, "Không đọc/ghi được dữ liệu trên máy.")
        await model.begin(citizenConsented: true)
        XCTAssertEqual(model.stage, .consent)
        XCTAssertEqual(assist.sessions, 0)

        assist.statementFailure = nil
        await model.load()
        XCTAssertNil(model.problem, "loaded on the next try: the old problem goes")
        await model.begin(citizenConsented: true)
        XCTAssertEqual(model.stage, .active)
    }

    func testTheCitizenLogsInAndFilesOnTheSessionsProfileAndGetsAHandoff() async throws {
        let assist = FakeAssist()
        let model = AssistModel(assist: assist, lang: .vi)
        await model.load()
        await model.begin(citizenConsented: true)
        let session = try XCTUnwrap(assist.open)
        let citizenLogin = try XCTUnwrap(model.citizen)
        await citizenLogin.beginLogin()
        await citizenLogin.completeLogin(callbackURL: "vn.motcua.app:/oauth2redirect?code=c&state=s")
        XCTAssertEqual(citizenLogin.citizen, citizen)
        XCTAssertNotNil(session.identity.saved, "the login went to the session's identity")

        let workspace = try XCTUnwrap(model.workspace)
        let delivery = try await workspace.dossiers.submit(draftID: "d1")
        XCTAssertEqual(delivery, .delivered(dossierCode: "000.00.14.H56-260302-0001"))

        await model.showHandoff(dossierCode: "000.00.14.H56-260302-0001")
        let sheet = try XCTUnwrap(model.handoff)
        XCTAssertEqual(sheet.appointment, "Thứ Năm, 05/03/2026")
        XCTAssertEqual(sheet.receipt?.slip.modules, sampleModules, "the receipt QR when issued")
        XCTAssertEqual(sheet.shareText, sheet.handoff.instructions, "the core's instructions, as they come")
        XCTAssertNil(sheet.receiptNote, "a receipt: nothing to explain")
        XCTAssertFalse(sheet.shareText.contains(citizen.fullName), "no personal data in what is shared")
        model.closeHandoff()

        await model.showHandoff(dossierCode: "000.00.14.H56-260302-0002")
        XCTAssertNil(model.handoff?.receipt, "not accepted at the desk yet: no receipt, the instructions say what to do")
        XCTAssertEqual(model.handoff?.receiptNote, Texts(lang: .vi).receiptAfterIntake, "the core's words for when it comes")
        XCTAssertEqual(model.handoff?.handoff.dossierCode, "000.00.14.H56-260302-0002")
        XCTAssertNil(model.problem)
    }

    func testEndingWithUnsentSubmissionsAsksThenForcesAndCountsThemNotSent() async throws {
        let assist = FakeAssist()
        let model = AssistModel(assist: assist, lang: .vi)
        await model.load()
        await model.begin(citizenConsented: true)
        let session = try XCTUnwrap(assist.open)
        session.identity.saved = citizen
        session.dossiers.pending = 2

        await model.end()
        XCTAssertEqual(model.stage, .confirmForcedEnd(message: "Còn 2 hồ sơ chưa gửi được (chưa có mạng)."))
        XCTAssertNotNil(assist.open, "nothing erased yet")
        model.keepSession()
        XCTAssertEqual(model.stage, .active)

        await model.end()
        await model.end(force: true)
        XCTAssertEqual(assist.endedWith, [false, false, true])
        XCTAssertNil(assist.open)
        XCTAssertEqual(model.stage, .ended(message: Texts(lang: .vi).assistErased,
                                           outcome: ["Không gửi được: 2 hồ sơ"]), "the core's lines, as they come")
        XCTAssertNil(model.workspace, "nothing of the citizen stays reachable")
        XCTAssertNil(model.citizen)
        XCTAssertFalse(model.privateBrowsing)
        XCTAssertEqual(model.helped, "Đã hỗ trợ 1 người trên điện thoại này")
        XCTAssertEqual(model.days, [AssistDayLine(day: "Thứ Hai, 02/03/2026", helped: "Đã hỗ trợ 1 người",
                                                  details: ["1.001193 · Không gửi được: 2 hồ sơ"])])
        model.next()
        XCTAssertEqual(model.stage, .consent)
    }

    func testAFailedEraseKeepsTheSessionOpenAndSaysWhy() async throws {
        let assist = FakeAssist()
        let model = AssistModel(assist: assist, lang: .vi)
        await model.load()
        await model.begin(citizenConsented: true)
        assist.eraseFailure = Problem(kind: .storage, code: "storage_failed", message: "Không xóa được")
        await model.end()
        XCTAssertEqual(model.stage, .active, "a failed erase keeps the session open")
        XCTAssertEqual(model.problem?.message, "Không xóa được")
        XCTAssertNotNil(model.workspace)

        assist.eraseFailure = nil
        await model.end()
        XCTAssertEqual(model.stage, .ended(message: Texts(lang: .vi).assistErased,
                                           outcome: ["Không có ai đăng nhập trong phiên này.", "Đã nộp: 1 hồ sơ"]))
        let csv = await model.summaryCSV()
        XCTAssertEqual(csv, "day,procedure_code,people_helped\n2026-03-02,1.001193,0")
    }
}
