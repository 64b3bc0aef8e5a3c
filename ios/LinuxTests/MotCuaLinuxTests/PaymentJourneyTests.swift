import Foundation
import MotCuaCore
import MotCuaModels
import XCTest

/// Temporary residence registration: 15.000 đ at the desk, 7.000 đ online.
let temporaryResidence = "1.004194"

/// A fee paid from the iPhone, as the app lives it: the app's models over the real adapters
/// and library, a real portal whose desk requests the fee, and the payment intermediary's
/// signed notification. The dossier offers paying, the payment screen shows the core's
/// sheet (amount, account, reference, VietQR code and its PNG), goes to paid after the
/// notification, and the dossier then leads to the fee's e-receipt, also offline.
@MainActor
final class PaymentJourneyTests: XCTestCase {
    private var texts: Texts { Texts(lang: .vi) }

    override class func setUp() {
        super.setUp()
        CoreWording.install()
    }

    func testARequestedFeeIsPaidOnceAndItsEReceiptOpensOffline() async throws {
        let portal = try await Portal.start()
        let phone = try Phone()
        addTeardownBlock {
            portal.close()
            phone.remove()
        }
        let app = try phone.open(portal)
        let session = SessionModel(identity: app.identity, texts: texts)
        try await Browser.logIn(session) { $0.level == 2 }
        try await app.catalog.refreshCatalog()
        let code = try await fileTemporaryResidence(app)

        // Before the desk asks, the fee is not due: nothing to pay on the dossier screen.
        let early = DossierDetailModel(tracking: app.tracking, actions: app.actions, payments: app.payments,
                                       code: code, lang: .vi)
        await early.load()
        XCTAssertFalse(try early.shown().payable)

        // The desk: reception accepts and starts processing, the specialist asks for the fee.
        let reception = try await Desk.login(portal, as: "tiepnhan")
        try await reception.act(code, "accept")
        try await reception.act(code, "start_processing")
        try await Desk.login(portal, as: "chuyenvien").act(code, "request_payment")

        let dossier = DossierDetailModel(tracking: app.tracking, actions: app.actions, payments: app.payments,
                                         code: code, lang: .vi)
        await dossier.load()
        var shown = try dossier.shown()
        XCTAssertEqual(shown.primary, .payFee, "the core puts paying forward")
        XCTAssertTrue(shown.payable)
        XCTAssertFalse(shown.hasFeeReceipt)
        XCTAssertNil(shown.unavailable, "this build takes every action the core offers")

        let payment = PaymentModel(payments: app.payments, dossierCode: code, lang: .vi)
        await payment.load()
        guard case .shown(let waiting, false, nil) = payment.state else { return XCTFail("payment: \(payment.state)") }
        XCTAssertEqual(waiting.amountVND, 7_000)
        XCTAssertEqual(waiting.amountLabel, "7.000 đ")
        XCTAssertTrue(waiting.headline.hasPrefix("Cần nộp 7.000 đ"), waiting.headline)
        XCTAssertEqual(waiting.account?.account, "MOTCUADEMO0001")
        XCTAssertFalse(waiting.account?.bankName.isEmpty ?? true)
        XCTAssertFalse(waiting.account?.holder.isEmpty ?? true)
        let reference = try XCTUnwrap(waiting.reference)
        let qrText = try XCTUnwrap(waiting.qrText, "a VietQR code to scan")
        XCTAssertTrue(qrText.hasPrefix("000201010212"), "a dynamic EMVCo code: \(qrText)")
        XCTAssertTrue(qrText.contains(reference), "the code carries the reference")
        let modules = try XCTUnwrap(waiting.qrModules)
        XCTAssertGreaterThanOrEqual(modules.size, 21)
        XCTAssertEqual(modules.dark.count, modules.size * modules.size)
        XCTAssertEqual(waiting.qrPNG.map { Array($0.prefix(4)) }, [0x89, 0x50, 0x4E, 0x47], "a PNG to save")
        XCTAssertFalse(waiting.hasFeeReceipt)
        XCTAssertFalse(waiting.offline)

        // No e-receipt before the bank pays, said as a problem, never invented.
        let none = FeeReceiptModel(payments: app.payments, dossierCode: code, lang: .vi)
        await none.load()
        guard case .failed(let notYet) = none.state else { return XCTFail("e-receipt before paying: \(none.state)") }
        XCTAssertFalse(notYet.message.isEmpty)

        // The bank credits the transfer; the intermediary notifies twice: paid once.
        XCTAssertEqual(try portal.notifyPayment(transactionID: "FT-IOS-1", amount: 7_000, reference: reference), "paid")
        XCTAssertEqual(try portal.notifyPayment(transactionID: "FT-IOS-1", amount: 7_000, reference: reference), "duplicate")
        await payment.refresh()
        guard case .shown(let paid, false, nil) = payment.state else { return XCTFail("paid: \(payment.state)") }
        XCTAssertNil(paid.qrText, "nothing left to scan")
        XCTAssertNil(paid.qrModules)
        XCTAssertTrue(paid.hasFeeReceipt)
        XCTAssertTrue(paid.headline.hasPrefix("Đã nộp 7.000 đ"), paid.headline)

        // The dossier, synced, no longer asks for the fee and leads to its e-receipt.
        await dossier.load()
        shown = try dossier.shown()
        XCTAssertFalse(shown.payable)
        XCTAssertTrue(shown.hasFeeReceipt)
        XCTAssertNotEqual(shown.primary, .payFee)

        // The e-receipt opens with the portal gone, its lines labelled by the core.
        _ = try await app.receipts?.refreshTrustList()
        portal.stop()
        let receipt = FeeReceiptModel(payments: app.payments, dossierCode: code, lang: .vi)
        await receipt.load()
        guard case .shown(let sheet) = receipt.state else { return XCTFail("e-receipt: \(receipt.state)") }
        let lines = Dictionary(uniqueKeysWithValues: sheet.lines.map { ($0.label, $0.value) })
        XCTAssertEqual(lines["Mã hồ sơ"], code)
        XCTAssertEqual(lines["Số tiền"], "7.000 đ")
        XCTAssertEqual(lines["Nội dung chuyển khoản"], reference)
        XCTAssertEqual(lines["Mã giao dịch"], "FT-IOS-1")
        XCTAssertTrue(sheet.qrText.hasPrefix("MCF1:"), sheet.qrText)
        XCTAssertFalse(sheet.verdictLine.isEmpty)
        XCTAssertFalse(sheet.verdictLine.hasPrefix("Chưa kiểm tra"), "checked with the trust list: \(sheet.verdictLine)")

        // Offline, the payment screen shows what the phone kept, with the core's note.
        let offline = PaymentModel(payments: app.payments, dossierCode: code, lang: .vi)
        await offline.load()
        guard case .shown(let kept, false, nil) = offline.state else { return XCTFail("offline: \(offline.state)") }
        XCTAssertTrue(kept.offline)
        XCTAssertNotNil(kept.offlineNote)
        XCTAssertTrue(kept.hasFeeReceipt)
        XCTAssertTrue(phone.filesContaining(reference).isEmpty, "the kept request is sealed on the phone's disk")
    }

    /// Files a complete temporary-residence dossier through the app's draft form; its code.
    private func fileTemporaryResidence(_ app: CoreServices) async throws -> String {
        let form = DraftFormModel(origin: .newDraft(procedureCode: temporaryResidence), dossiers: app.dossiers,
                                  actions: app.actions, lang: .vi)
        await form.load()
        let nextYear = Calendar(identifier: .gregorian).date(byAdding: .year, value: 1, to: Date()) ?? Date()
        let day = ISO8601DateFormatter.string(from: nextYear, timeZone: TimeZone(secondsFromGMT: 7 * 3600)!,
                                              formatOptions: [.withFullDate])
        for (field, value) in [("temporary_address", "Số 12 đường Lê Lợi"), ("residence_unit", "00004"),
                               ("dwelling_type", "rented"), ("owner_name", "Trần Thị Lan"), ("stay_until", day),
                               ("purpose", "work"), ("phone", "0912345678")] {
            await form.type(value, into: field)
            XCTAssertNil(try form.editingForm().field(field)?.error, "\(field) = \(value)")
        }
        await form.attach(requirement: "form_ct01", fileName: "to-khai-ct01.pdf", bytes: samplePDF(seed: 31))
        await form.attach(requirement: "legal_dwelling_proof", fileName: "hop-dong-thue-nha.pdf", bytes: samplePDF(seed: 32))
        await form.submit()
        guard case .submitted(let code, _) = try form.editingForm().submit else {
            throw HarnessFailure("not submitted: \(try form.editingForm().submit) \(try form.editingForm().message ?? "")")
        }
        return code
    }
}
