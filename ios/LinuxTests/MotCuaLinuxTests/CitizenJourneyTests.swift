import Foundation
import MotCuaCore
import MotCuaModels
import XCTest

/// The citizen's journey as the iOS app lives it: the app's own state holders
/// (MotCuaModels) over the real adapters (MotCuaCore) over the real library, against a real
/// portal whose desk moves the dossier. What each screen would show is asserted, in the
/// app's default language (Vietnamese).
@MainActor
final class CitizenJourneyTests: XCTestCase {
    // Computed: XCTest makes the test instances before `setUp()` installs the wording.
    private var texts: Texts { Texts(lang: .vi) }

    override class func setUp() {
        super.setUp()
        // The models' sentences are the core's, as in the app (the app installs it at launch).
        CoreWording.install()
    }

    func testLoginSearchFileAcceptSyncReceiptSupplementWithdrawThenOffline() async throws {
        let portal = try await Portal.start()
        let phone = try Phone()
        let deskPhone = try Phone()
        addTeardownBlock {
            portal.close()
            phone.remove()
            deskPhone.remove()
        }
        let app = try phone.open(portal)

        // Login through the provider's page: nobody on this phone yet, then a level-2 citizen.
        let session = SessionModel(identity: app.identity, texts: texts)
        await session.restore()
        XCTAssertEqual(session.state, .loggedOut(nil))
        let chosen = try await Browser.logIn(session) { $0.level == 2 }
        let citizen = try XCTUnwrap(session.citizen, "logged in: \(session.state)")
        XCTAssertEqual(citizen.fullName, chosen.fullName)
        XCTAssertEqual(citizen.tier, .level2)
        let personalID = try XCTUnwrap(citizen.personalID)
        let birthDate = try XCTUnwrap(citizen.birthDate)
        // The session is on the phone: a restarted app finds it without the network.
        let restarted = SessionModel(identity: app.identity, texts: texts)
        await restarted.restore()
        XCTAssertEqual(restarted.state, .loggedIn(citizen))

        // The catalog downloaded, searched as people type it: no diacritics, everyday names.
        let search = SearchModel(catalog: app.catalog, texts: texts)
        await search.refresh()
        XCTAssertNil(search.banner)
        search.queryChanged("xac nhan tinh trang hon nhan")
        await search.search()
        XCTAssertEqual(search.resultsFor, "xac nhan tinh trang hon nhan")
        let hit = try XCTUnwrap(search.results.first { $0.code == maritalStatus }, "\(search.results)")
        XCTAssertFalse(hit.name.parts.isEmpty, "the words matched are highlighted")
        XCTAssertEqual(search.summary, texts.searchResults(search.results.count))
        search.queryChanged("giay doc than")
        await search.search()
        let alias = try XCTUnwrap(search.results.first, "the everyday name finds a procedure")
        XCTAssertEqual(alias.code, maritalStatus)
        XCTAssertEqual(alias.note, texts.matchedAlias("giấy độc thân"))

        let procedure = ProcedureModel(catalog: app.catalog, code: maritalStatus, lang: .vi)
        await procedure.load()
        guard case .loaded(let detail) = procedure.state else { return XCTFail("procedure: \(procedure.state)") }
        XCTAssertTrue(detail.needsLevel2)
        XCTAssertEqual(detail.processingTime, "3 ngày làm việc")
        XCTAssertTrue(detail.documents.contains { $0.required })

        // A new draft, pre-filled from the identity and marked so.
        let form = DraftFormModel(origin: .newDraft(procedureCode: maritalStatus), dossiers: app.dossiers,
                                  actions: app.actions, lang: .vi)
        await form.load()
        var draft = try form.editingForm()
        let name = try XCTUnwrap(draft.field("applicant_name"))
        XCTAssertEqual(name.value, citizen.fullName)
        XCTAssertTrue(name.prefilled)
        XCTAssertEqual(draft.field("applicant_personal_id")?.value, personalID)
        XCTAssertEqual(draft.field("applicant_personal_id")?.prefilled, true)
        XCTAssertEqual(draft.field("phone")?.prefilled, false)
        XCTAssertNil(draft.field("phone")?.error, "an empty field shows no error before submitting")

        // A landline is kept with the core's problem; a mobile number clears it.
        await form.type("0212345678", into: "phone")
        draft = try form.editingForm()
        XCTAssertEqual(draft.field("phone")?.value, "0212345678")
        let phoneError = try XCTUnwrap(draft.field("phone")?.error, "a landline is not a mobile number")
        XCTAssertFalse(phoneError.isEmpty)
        for (field, value) in [("current_status", "never_married"),
                               ("purpose", "marriage_vn"), ("registration_unit", "00004"), ("phone", "0912345678")] {
            await form.type(value, into: field)
            XCTAssertNil(try form.editingForm().field(field)?.error, "\(field) = \(value)")
        }
        // Every field the identity can fill is pre-filled ("provide once"): the birth date too.
        XCTAssertEqual(try form.editingForm().field("applicant_birth_date")?.prefilled, true, "pre-filled from the identity")
        XCTAssertEqual(try form.editingForm().field("applicant_birth_date")?.value, birthDate)

        // Submitting without the declaration: nothing sent, the document marked.
        await form.submit()
        draft = try form.editingForm()
        XCTAssertEqual(draft.submit, .idle)
        XCTAssertEqual(draft.message, texts.problemsToFix(1))
        XCTAssertNotNil(draft.document("declaration_form")?.error)
        let pending = try await app.dossiers.pendingSubmissions()
        XCTAssertEqual(pending, 0, "nothing queued")

        // Attached (600 KB: several upload chunks), submitted exactly once.
        await form.attach(requirement: "declaration_form", fileName: "to-khai.pdf", bytes: samplePDF(seed: 1, padding: 600_000))
        draft = try form.editingForm()
        XCTAssertEqual(draft.document("declaration_form")?.files.map(\.fileName), ["to-khai.pdf"])
        XCTAssertNil(draft.message)
        await form.submit()
        guard case .submitted(let code, let submittedMessage) = try form.editingForm().submit else {
            return XCTFail("not submitted: \(try form.editingForm().submit) \(try form.editingForm().message ?? "")")
        }
        XCTAssertEqual(submittedMessage, texts.submitted(code))
        let drafts = try await app.dossiers.drafts()
        XCTAssertEqual(drafts.filter { $0.dossierCode == code }.count, 1)

        // Home: the dossier, submitted; no draft waiting.
        let home = HomeModel(dossiers: app.dossiers, tracking: app.tracking, catalog: app.catalog, lang: .vi)
        await home.refresh()
        XCTAssertNil(home.banner)
        XCTAssertNil(home.loggedOut)
        XCTAssertEqual(home.dossiers.map(\.code), [code])
        XCTAssertEqual(home.dossiers.first?.status, "Đã nộp, chờ tiếp nhận")
        XCTAssertEqual(home.dossiers.first?.procedureName, hit.name.text)
        XCTAssertEqual(home.drafts, [])

        // The desk accepts it through the portal's API; the phone syncs.
        try await Desk.login(portal, as: "tiepnhan").act(code, "accept", note: "Hồ sơ đầy đủ")
        await home.refresh()
        let line = try XCTUnwrap(home.dossiers.first)
        XCTAssertEqual(line.status, "Đã tiếp nhận")
        let appointment = try XCTUnwrap(line.appointment, "the desk set an appointment")
        XCTAssertTrue(appointment.hasPrefix("Hẹn trả kết quả: "), appointment)
        XCTAssertFalse(line.overdue)

        // The timeline, newest first, with the officer's note.
        let dossier = DossierDetailModel(tracking: app.tracking, actions: app.actions, code: code, lang: .vi)
        await dossier.load()
        var shown = try dossier.shown()
        XCTAssertEqual(shown.timeline.map(\.label), ["Đã tiếp nhận", "Đã nộp, chờ tiếp nhận"])
        XCTAssertTrue(shown.timeline.first?.details.contains("Hồ sơ đầy đủ") ?? false, "\(shown.timeline)")
        XCTAssertEqual(shown.deadline, appointment)
        // What the citizen may do is the core's answer for the dossier it holds, as it says it.
        let received = try await app.tracking.dossier(code: code)
        let tracked = try XCTUnwrap(received)
        XCTAssertEqual(tracked.actions, [.showReceipt, .withdraw], "a received dossier, its receipt synced")
        XCTAssertEqual(tracked.primary, .showReceipt)
        XCTAssertEqual(shown.actions, tracked.actions)
        XCTAssertEqual(shown.primary, .showReceipt)
        XCTAssertTrue(shown.withdrawable)
        XCTAssertNil(shown.unavailable)
        XCTAssertNil(shown.banner)

        // The receipt, drawn on the phone from what the sync brought.
        let receipt = ReceiptModel(receipts: app.receipts, catalog: app.catalog, dossierCode: code, lang: .vi)
        await receipt.load()
        guard case .shown(let sheet) = receipt.state else { return XCTFail("receipt: \(receipt.state)") }
        XCTAssertTrue(sheet.slip.qrText.hasPrefix("MC1:"), sheet.slip.qrText)
        XCTAssertEqual(sheet.slip.modules.dark.count, sheet.slip.modules.size * sheet.slip.modules.size)
        XCTAssertEqual(Array(sheet.slip.qrPNG.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
        XCTAssertTrue(sheet.slip.qrSVG.contains("<svg"))
        XCTAssertEqual(sheet.slip.details.dossierCode, code)
        XCTAssertTrue(sheet.slip.details.carriesApplicant)
        XCTAssertEqual(sheet.lines.first, ReceiptField(label: "Mã hồ sơ", value: code))
        XCTAssertEqual(sheet.lines[1].value, "\(hit.name.text) (\(maritalStatus))")
        XCTAssertEqual(sheet.lines.last?.value, appointment.replacingOccurrences(of: "Hẹn trả kết quả: ", with: ""))

        // The desk's own phone: no trust list yet, then one fetched; the verdicts.
        let deskApp = try deskPhone.open(portal)
        let desk = DeskScanModel(receipts: deskApp.receipts, catalog: deskApp.catalog, lang: .vi)
        await desk.scanned(sheet.slip.qrText)
        guard case .failed(_, let needsTrustList) = desk.state, needsTrustList else {
            return XCTFail("without a trust list: \(desk.state)")
        }
        await desk.refreshTrustList()
        XCTAssertEqual(desk.state, .scanning)
        XCTAssertNotNil(desk.trustListNote)
        await desk.scanned(sheet.slip.qrText)
        guard case .verdict(let valid) = desk.state else { return XCTFail("verdict: \(desk.state)") }
        XCTAssertEqual(valid.kind, .valid)
        XCTAssertFalse(valid.headline.isEmpty, "the core's sentence")
        XCTAssertEqual(valid.lines.first, ReceiptField(label: "Mã hồ sơ", value: code))
        XCTAssertTrue(valid.canCheckApplicant)
        await desk.checkApplicant(idNumber: " \(personalID) ")
        XCTAssertEqual(desk.applicant, .answered(match: .matches, message: texts.applicant(.matches)))
        await desk.checkApplicant(idNumber: "001099000001")
        XCTAssertEqual(desk.applicant, .answered(match: .doesNotMatch, message: texts.applicant(.doesNotMatch)))

        // Altered after signing (the procedure code's last digit), re-encoded: tampered.
        let tampered = try tamperedReceipt(sheet.slip.qrText)
        desk.scanAgain()
        await desk.scanned(tampered)
        guard case .verdict(let altered) = desk.state else { return XCTFail("verdict: \(desk.state)") }
        XCTAssertEqual(altered.kind, .tampered)
        XCTAssertEqual(altered.lines, [], "an altered receipt's lines are not shown")
        XCTAssertFalse(altered.canCheckApplicant)
        desk.scanAgain()
        await desk.scanned("hello")
        guard case .verdict(let garbage) = desk.state else { return XCTFail("verdict: \(desk.state)") }
        XCTAssertEqual(garbage.kind, .malformed)

        // The specialist asks for a supplement; the background refresh notifies it.
        let specialist = try await Desk.login(portal, as: "chuyenvien")
        try await specialist.act(code, "start_processing")
        let asked = "Bản sao giấy chứng nhận ly hôn"
        try await specialist.act(code, "request_supplement", missing: [asked])
        let notices = await BackgroundRefreshJob(dossiers: app.dossiers, tracking: app.tracking, lang: .vi).run()
        // The core's policy and words: one notice per dossier, for its latest change, with the
        // appointment as the home screen's line writes it.
        XCTAssertEqual(notices.map(\.title), [texts.dossierChanged(code)])
        let body = try XCTUnwrap(notices.last?.body)
        XCTAssertTrue(body.hasPrefix("Yêu cầu bổ sung hồ sơ. \(appointment)"), body)
        XCTAssertTrue(body.hasSuffix("Cần bổ sung: \(asked)"), body)
        await dossier.load()
        shown = try dossier.shown()
        XCTAssertEqual(shown.status, "Yêu cầu bổ sung hồ sơ")
        XCTAssertEqual(shown.missing, [asked])
        XCTAssertEqual(shown.primary, .answerSupplement)
        let supplementRequested = try await app.tracking.dossier(code: code)
        XCTAssertEqual(shown.actions, try XCTUnwrap(supplementRequested).actions)
        XCTAssertTrue(shown.actions.contains(.answerSupplement))

        // The answer: the note and a document; empty, the core's words say what is missing.
        let answer = DraftFormModel(origin: .supplementAnswer(dossierCode: code), dossiers: app.dossiers,
                                    actions: app.actions, lang: .vi)
        await answer.load()
        var answerForm = try answer.editingForm()
        XCTAssertEqual(answerForm.answersDossier, code)
        XCTAssertEqual(answerForm.requested, [asked])
        XCTAssertEqual(answerForm.title, texts.supplementFor(code))
        XCTAssertEqual(answerForm.fields.map(\.id), [FormView.supplementNoteField])
        XCTAssertFalse(answerForm.documents.contains { $0.required }, "an answer may bring any document")
        await answer.submit()
        answerForm = try answer.editingForm()
        XCTAssertEqual(answerForm.submit, .idle)
        let emptyAnswer = try XCTUnwrap(answerForm.message)
        XCTAssertNotEqual(emptyAnswer, texts.problemsToFix(1), "the core's own sentence for an empty answer")
        await answer.type("Gửi bổ sung bản sao", into: FormView.supplementNoteField)
        await answer.attach(requirement: "previous_certificate", fileName: "ly-hon.pdf", bytes: samplePDF(seed: 2))
        await answer.submit()
        guard case .submitted(let answered, _) = try answer.editingForm().submit else {
            return XCTFail("answer not submitted: \(try answer.editingForm())")
        }
        XCTAssertEqual(answered, code)
        await dossier.load()
        XCTAssertEqual(try dossier.shown().status, "Đang xử lý", "the answer resumed processing")

        // Withdrawal asked by the citizen: nothing left to ask, the receipt still shown.
        await dossier.withdraw(note: "Không còn nhu cầu")
        shown = try dossier.shown()
        XCTAssertNil(shown.banner)
        XCTAssertEqual(shown.status, "Xin rút hồ sơ")
        XCTAssertFalse(shown.withdrawable)
        let afterWithdrawal = try await app.tracking.dossier(code: code)
        let withdrawalRequested = try XCTUnwrap(afterWithdrawal)
        XCTAssertEqual(shown.actions, withdrawalRequested.actions)
        XCTAssertEqual(shown.primary, withdrawalRequested.primary)
        XCTAssertEqual(shown.primary, .showReceipt, "the core: the receipt is on the phone until the desk decides")
        XCTAssertEqual(shown.timeline.first?.label, "Xin rút hồ sơ")

        // Offline: the portal is gone. What is on the phones still works, and says so.
        portal.stop()
        await home.refresh()
        XCTAssertEqual(home.banner, texts.offlineStatus)
        XCTAssertEqual(home.dossiers.map(\.status), ["Xin rút hồ sơ"])
        await dossier.load()
        XCTAssertEqual(try dossier.shown().banner, texts.offlineStatus)
        XCTAssertEqual(try dossier.shown().timeline.count, shown.timeline.count)
        await search.refresh()
        XCTAssertEqual(search.banner, texts.offlineCatalog)
        XCTAssertEqual(search.results.first?.code, maritalStatus, "search works offline")
        let offlineReceipt = ReceiptModel(receipts: app.receipts, catalog: app.catalog, dossierCode: code, lang: .vi)
        await offlineReceipt.load()
        XCTAssertEqual(offlineReceipt.state, receipt.state, "the receipt is on the phone")
        // The desk verifies with no network, against the list it fetched.
        desk.scanAgain()
        await desk.scanned(sheet.slip.qrText)
        guard case .verdict(let offlineVerdict) = desk.state else { return XCTFail("offline: \(desk.state)") }
        XCTAssertEqual(offlineVerdict.kind, .valid)
        XCTAssertEqual(offlineVerdict.trustList, valid.trustList)
        await desk.refreshTrustList()
        XCTAssertNotEqual(desk.trustListNote, nil)
        XCTAssertEqual(desk.state, .verdict(offlineVerdict), "a failed refresh leaves the verdict alone")
    }

    /// `qrText` with the last digit of the procedure code changed inside the signed content.
    private func tamperedReceipt(_ qrText: String) throws -> String {
        var signed = try Base45.decode(String(qrText.dropFirst("MC1:".count)))
        XCTAssertEqual("MC1:" + Base45.encode(signed), qrText, "Base45 round trip")
        let needle = Array(maritalStatus.utf8)
        guard let at = (0...(signed.count - needle.count)).first(where: { Array(signed[$0..<$0 + needle.count]) == needle }) else {
            throw HarnessFailure("the procedure code is not in the receipt's payload")
        }
        let last = at + needle.count - 1
        signed[last] = signed[last] == UInt8(ascii: "9") ? UInt8(ascii: "8") : UInt8(ascii: "9")
        return "MC1:" + Base45.encode(signed)
    }
}
