import XCTest
@testable import MotCuaModels

// Async tests only: see ReceiptAndDeskTests.
@MainActor
final class PaymentTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    func testWithoutThePaymentsAreaTheScreensSaySo() async {
        let payment = PaymentModel(payments: nil, dossierCode: "A", lang: .vi)
        await payment.load()
        XCTAssertEqual(payment.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
        let receipt = FeeReceiptModel(payments: nil, dossierCode: "A", lang: .vi)
        await receipt.load()
        XCTAssertEqual(receipt.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
    }

    func testAnAwaitingFeeShowsTheCoresSheetThenPaidAfterRefresh() async {
        let payments = FakePayments(portal: awaitingFee("A"))
        let model = PaymentModel(payments: payments, dossierCode: "A", lang: .vi)
        XCTAssertEqual(model.state, .loading)
        await model.load()
        XCTAssertEqual(model.state, .shown(awaitingFee("A"), refreshing: false, problem: nil))
        // The bank pays; the citizen taps "Cập nhật".
        payments.portal = paidFee("A")
        await model.refresh()
        guard case .shown(let paid, false, nil) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertNil(paid.qrText, "nothing left to scan")
        XCTAssertTrue(paid.hasFeeReceipt)
        XCTAssertEqual(payments.refreshes, 2)

        let receipt = FeeReceiptModel(payments: payments, dossierCode: "A", lang: .vi)
        await receipt.load()
        guard case .shown(let sheet) = receipt.state else { return XCTFail("\(receipt.state)") }
        XCTAssertEqual(sheet.lines.first, ReceiptField(label: "Mã hồ sơ", value: "A"))
        XCTAssertEqual(sheet.verdictLine, "Biên lai hợp lệ")
    }

    func testOfflineTheKeptRequestShowsWithTheCoresNote() async {
        let payments = FakePayments(portal: awaitingFee("A"))
        payments.kept = awaitingFee("A")
        payments.offline = true
        let model = PaymentModel(payments: payments, dossierCode: "A", lang: .vi)
        await model.load()
        guard case .shown(let sheet, false, nil) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertTrue(sheet.offline)
        XCTAssertEqual(sheet.offlineNote, "Không kết nối được; thông tin cập nhật lúc 09:00 02/12/2026.")
        XCTAssertEqual(sheet.qrText, awaitingFee("A").qrText, "the code still pays from the kept request")
    }

    func testAFailedRefreshKeepsWhatThePhoneHasAndSaysWhy() async {
        let payments = FakePayments(portal: awaitingFee("A"))
        payments.kept = awaitingFee("A")
        payments.failure = Problem(kind: .loggedOut, code: "session_expired", message: "Phiên đăng nhập đã hết hạn")
        let model = PaymentModel(payments: payments, dossierCode: "A", lang: .vi)
        await model.load()
        guard case .shown(let sheet, false, let problem?) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertEqual(sheet, awaitingFee("A"))
        XCTAssertEqual(problem.kind, .loggedOut)
    }

    func testNothingKeptAndNoPortalIsAProblemNotAnInventedFee() async {
        let payments = FakePayments(portal: awaitingFee("A"))
        payments.offline = true
        let model = PaymentModel(payments: payments, dossierCode: "A", lang: .vi)
        await model.load()
        guard case .failed(let problem) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertEqual(problem.kind, .network)
        let receipt = FeeReceiptModel(payments: payments, dossierCode: "A", lang: .vi)
        await receipt.load()
        guard case .failed(let none) = receipt.state else { return XCTFail("\(receipt.state)") }
        XCTAssertEqual(none.kind, .notFound)
    }

    func testTheDossierOffersPayingAndTheFeeReceiptOnlyWithThePaymentsArea() async {
        let tracking = FakeTracking()
        tracking.records["A"] = DossierRecord(code: "A", procedureCode: "1.004194", status: .paymentRequested,
                                              label: "Yêu cầu nộp phí", appointmentDate: nil, overdue: false, timeline: [],
                                              actions: [.payFee, .showReceipt, .withdraw], primary: .payFee, missing: [])
        tracking.records["B"] = DossierRecord(code: "B", procedureCode: "1.004194", status: .returned,
                                              label: "Đã trả kết quả", appointmentDate: nil, overdue: false, timeline: [],
                                              actions: [.showFeeReceipt], primary: nil, missing: [])
        let with = DossierDetailModel(tracking: tracking, actions: FakeActions(), payments: FakePayments(portal: awaitingFee("A")),
                                      code: "A", lang: .vi)
        await with.load()
        guard case .shown(let due) = with.state else { return XCTFail("\(with.state)") }
        XCTAssertEqual(due.actions, [.payFee, .showReceipt, .withdraw])
        XCTAssertEqual(due.primary, .payFee)
        XCTAssertTrue(due.payable)
        XCTAssertNil(due.unavailable)

        let without = DossierDetailModel(tracking: tracking, actions: FakeActions(), code: "A", lang: .vi)
        await without.load()
        guard case .shown(let older) = without.state else { return XCTFail("\(without.state)") }
        XCTAssertEqual(older.actions, [.showReceipt, .withdraw])
        XCTAssertFalse(older.payable)
        XCTAssertEqual(older.unavailable, Texts(lang: .vi).notYetAvailable)

        let closed = DossierDetailModel(tracking: tracking, actions: nil, payments: FakePayments(portal: paidFee("B")),
                                        code: "B", lang: .vi)
        await closed.load()
        guard case .shown(let paid) = closed.state else { return XCTFail("\(closed.state)") }
        XCTAssertEqual(paid.actions, [.showFeeReceipt])
        XCTAssertTrue(paid.hasFeeReceipt)
        XCTAssertFalse(paid.payable)
    }
}
