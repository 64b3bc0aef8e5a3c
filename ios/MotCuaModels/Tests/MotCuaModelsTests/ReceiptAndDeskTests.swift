import XCTest
@testable import MotCuaModels

// Every test here is `async`, even those that await nothing: SwiftPM on Linux cannot call
// a synchronous test method of a @MainActor XCTestCase (its generated test list calls it
// from a nonisolated context); an async one it runs on the main actor, as Xcode does.
@MainActor
final class ReceiptAndDeskTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    func testWithoutTheReceiptAreaTheScreensSaySoInsteadOfInventing() async {
        let receipt = ReceiptModel(receipts: nil, dossierCode: "A", lang: .vi)
        await receipt.load()
        XCTAssertEqual(receipt.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
        let desk = DeskScanModel(receipts: nil, lang: .vi)
        XCTAssertEqual(desk.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
        await desk.scanned("MC1:ABC")
        XCTAssertEqual(desk.state, .notAvailable(message: Texts(lang: .vi).notYetAvailable))
    }

    func testTheReceiptShowsItsQRCodeAndItsLinesInWords() async {
        let receipts = FakeReceipts()
        let model = ReceiptModel(receipts: receipts, catalog: FakeCatalog(), dossierCode: "000.00.14.H56-260302-0001", lang: .vi)
        await model.load()
        guard case .shown(let sheet) = model.state else { return XCTFail("not shown: \(model.state)") }
        XCTAssertEqual(sheet.slip.modules, sampleModules)
        XCTAssertEqual(sheet.lines, [
            ReceiptField(label: "Mã hồ sơ", value: "000.00.14.H56-260302-0001"),
            ReceiptField(label: "Thủ tục", value: "Đăng ký khai sinh (1.001193)"),
            ReceiptField(label: "Cơ quan tiếp nhận (mã)", value: "000.00.14.H56"),
            ReceiptField(label: "Tiếp nhận lúc", value: "09:30, Thứ Hai, 02/03/2026"),
            ReceiptField(label: "Hẹn trả kết quả", value: "Thứ Năm, 05/03/2026"),
        ])

        let english = ReceiptModel(receipts: receipts, catalog: nil, dossierCode: "000.00.14.H56-260302-0001", lang: .en)
        await english.load()
        guard case .shown(let sheetEn) = english.state else { return XCTFail("not shown") }
        XCTAssertEqual(sheetEn.lines[1], ReceiptField(label: "Procedure", value: "1.001193"), "without a catalog the code alone")
        XCTAssertEqual(sheetEn.lines[4], ReceiptField(label: "Come back for the result on", value: "Thursday, 05/03/2026"))
    }

    func testADossierWithoutAReceiptYetSaysSo() async {
        let model = ReceiptModel(receipts: FakeReceipts(), dossierCode: "000.00.14.H56-260302-0002", lang: .vi)
        await model.load()
        XCTAssertEqual(model.state, .failed(Problem(kind: .notFound, code: "receipt_not_issued", message: "Hồ sơ chưa có giấy tiếp nhận")))
    }

    func testEveryModuleIsAWholeNumberOfPixelsAndTheCodeFits() async {
        let layout = QRLayout(modules: 21, side: 300, scale: 2)
        XCTAssertEqual(layout.count, 29)
        XCTAssertEqual(layout.moduleSide, 10)
        XCTAssertEqual(layout.inset, 5)
        for modules in [21, 49, 57] {
            for scale in [1.0, 2.0, 3.0] {
                for side in stride(from: 120.0, through: 420.0, by: 7.5) {
                    let l = QRLayout(modules: modules, side: side, scale: scale)
                    let modulePixels = l.moduleSide * scale
                    XCTAssertEqual(modulePixels, modulePixels.rounded(), "module \(modules)/\(side)/\(scale)")
                    XCTAssertEqual(l.inset * scale, (l.inset * scale).rounded())
                    XCTAssertLessThanOrEqual(l.inset * 2 + Double(l.count) * l.moduleSide, side + 1 / scale)
                    // No more than one module's width wasted.
                    XCTAssertGreaterThan(Double(l.count) * (l.moduleSide + 1 / scale), side - 1 / scale)
                }
            }
        }
        let tiny = QRLayout(modules: 49, side: 10, scale: 1)
        XCTAssertEqual(tiny.moduleSide, 1, "never zero")
        let r = layout.rect(x: 0, y: 0, length: 3)
        XCTAssertEqual(r.x, 45)
        XCTAssertEqual(r.y, 45)
        XCTAssertEqual(r.width, 30)
        XCTAssertEqual(r.height, 10)
    }

    func testDarkRunsCoverExactlyTheDarkModules() async {
        XCTAssertEqual(sampleModules.darkRuns(row: 0).map { $0.start }, [0])
        XCTAssertEqual(sampleModules.darkRuns(row: 0).map { $0.length }, [21])
        XCTAssertEqual(sampleModules.darkRuns(row: 1).map { $0.start }, [1])
        for y in 0..<sampleModules.size {
            var covered = Set<Int>()
            for run in sampleModules.darkRuns(row: y) { covered.formUnion(run.start..<(run.start + run.length)) }
            XCTAssertEqual(covered, Set((0..<sampleModules.size).filter { sampleModules.isDark(x: $0, y: y) }))
        }
        XCTAssertFalse(sampleModules.isDark(x: 21, y: 0), "outside is light")
        XCTAssertFalse(QRModules(size: 2, dark: [true]).isDark(x: 1, y: 1), "a short matrix does not crash")
    }

    func testTheDeskGetsEachOfTheSixVerdictsInWordsAndScansAgain() async {
        let receipts = FakeReceipts()
        receipts.verdicts = ["MC1:OK": .valid(receiptDetails), "MC1:EDITED": .tampered, "MC1:OTHER": .unknownKey,
                             "MC1:REVOKED": .revokedKey, "MC1:OLD": .expiredKey]
        let desk = DeskScanModel(receipts: receipts, catalog: FakeCatalog(), lang: .vi)
        await desk.scanned("MC1:OK")
        guard case .verdict(let valid) = desk.state else { return XCTFail("no verdict") }
        XCTAssertEqual(valid.kind, .valid)
        XCTAssertEqual(valid.headline, "core on MC1:OK", "the core's sentence, as it comes")
        XCTAssertEqual(valid.lines.first, ReceiptField(label: "Mã hồ sơ", value: "000.00.14.H56-260302-0001"))
        XCTAssertEqual(valid.trustList, "Danh sách khóa ký số cập nhật lúc 09:30, Thứ Hai, 02/03/2026")
        XCTAssertTrue(valid.canCheckApplicant)

        await desk.scanned("MC1:EDITED")
        XCTAssertEqual(desk.state, .verdict(valid), "a code read while a verdict is shown is ignored")

        var headlines: [VerdictKind: String] = [:]
        for (text, kind) in [("MC1:EDITED", VerdictKind.tampered), ("MC1:OTHER", .unknownKey), ("MC1:REVOKED", .revokedKey),
                             ("MC1:OLD", .expiredKey), ("https://example.com", .malformed)] {
            desk.scanAgain()
            XCTAssertEqual(desk.state, .scanning)
            await desk.scanned(text)
            guard case .verdict(let verdict) = desk.state else { return XCTFail("no verdict for \(text)") }
            XCTAssertEqual(verdict.kind, kind)
            XCTAssertEqual(verdict.headline, "core on \(text)")
            XCTAssertFalse(verdict.valid)
            XCTAssertEqual(verdict.lines, [], "nothing of an untrusted receipt is shown as fact")
            XCTAssertFalse(verdict.canCheckApplicant)
            headlines[kind] = verdict.headline
        }
        XCTAssertEqual(headlines.count, 5)
    }

    func testWithoutATrustListTheDeskIsToldToFetchItOnceThenScans() async {
        let receipts = FakeReceipts()
        receipts.trustList = nil
        receipts.verdicts["MC1:OK"] = .valid(receiptDetails)
        let desk = DeskScanModel(receipts: receipts, lang: .en)
        await desk.scanned("MC1:OK")
        XCTAssertEqual(desk.state, .failed(message: "Chưa có danh sách khóa ký", needsTrustList: true))

        receipts.refreshFailure = offline
        await desk.refreshTrustList()
        XCTAssertEqual(desk.trustListNote, "Không kết nối được")
        XCTAssertEqual(desk.state, .failed(message: "Chưa có danh sách khóa ký", needsTrustList: true))

        receipts.refreshFailure = nil
        await desk.refreshTrustList()
        XCTAssertEqual(desk.trustListNote, "Signing-key list updated at 10:30, Monday, 02/03/2026")
        XCTAssertEqual(desk.state, .scanning, "the camera comes back once the list is there")
        XCTAssertFalse(desk.refreshing)
        await desk.scanned("MC1:OK")
        guard case .verdict(let verdict) = desk.state else { return XCTFail("no verdict") }
        XCTAssertEqual(verdict.headline, "core on MC1:OK")
    }

    func testTheOfficerChecksTheApplicantOnlyUnderAValidVerdict() async {
        let receipts = FakeReceipts()
        receipts.verdicts = ["MC1:OK": .valid(receiptDetails), "MC1:EDITED": .tampered]
        let desk = DeskScanModel(receipts: receipts, lang: .vi)
        await desk.scanned("MC1:EDITED")
        await desk.checkApplicant(idNumber: "056090000123")
        XCTAssertEqual(desk.applicant, .idle)
        XCTAssertEqual(receipts.applicantChecks, [], "not asked under an invalid verdict")

        desk.scanAgain()
        await desk.scanned("MC1:OK")
        await desk.checkApplicant(idNumber: " 056090000123 ")
        XCTAssertEqual(desk.applicant, .answered(match: .matches, message: "Đúng người đứng tên hồ sơ."))
        await desk.checkApplicant(idNumber: "056090000124")
        XCTAssertEqual(desk.applicant, .answered(match: .doesNotMatch, message: "Số định danh không khớp với người đứng tên hồ sơ."))
        await desk.checkApplicant(idNumber: "12345")
        XCTAssertEqual(desk.applicant, .failed(message: "Số định danh cá nhân gồm đúng 12 chữ số."))
        desk.scanAgain()
        XCTAssertEqual(desk.applicant, .idle, "the next person starts clean")
    }
}
