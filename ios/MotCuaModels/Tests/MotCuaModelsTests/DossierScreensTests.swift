import XCTest
@testable import MotCuaModels

// Every test here is `async`, even those that await nothing: SwiftPM on Linux cannot call
// a synchronous test method of a @MainActor XCTestCase (its generated test list calls it
// from a nonisolated context); an async one it runs on the main actor, as Xcode does.
@MainActor
final class DossierScreensTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    private func editing(_ model: DraftFormModel, file: StaticString = #filePath, line: UInt = #line) -> DraftForm? {
        guard case .editing(let form) = model.state else {
            XCTFail("not editing: \(model.state)", file: file, line: line)
            return nil
        }
        return form
    }

    func testTheFormFollowsTheSchemaWithPrefilledValuesMarkedAndOnlyWrongValuesFlagged() async {
        let model = DraftFormModel(origin: .newDraft(procedureCode: "1.001193"), dossiers: FakeDossiers(), lang: .vi)
        await model.load()
        guard let form = editing(model) else { return }
        XCTAssertEqual(form.fields.map(\.type), [.text, .phone, .select])
        XCTAssertEqual(form.fields[0].prefilled, true)
        XCTAssertEqual(form.fields[0].value, "Nguyễn Văn An")
        XCTAssertNil(form.fields[1].error, "an empty field is not an error before submitting")
        XCTAssertEqual(form.fields[2].choices.map(\.label), ["Nữ", "Nam"])
        XCTAssertEqual(form.documents.map(\.requirement), ["birth_certificate", "marriage"])
    }

    func testFieldsLockedToTheIdentityAreReadOnlyAndTypingThereIsIgnored() async {
        let dossiers = FakeDossiers()
        dossiers.current.fields = [
            formField("applicant_name", .text, "Họ và tên", value: "Nguyễn Văn An", prefilled: true, locked: true),
            formField("phone", .phone, "Số điện thoại", value: "0912345678", prefilled: true),
        ]
        let model = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: dossiers, lang: .vi)
        await model.load()
        guard let loaded = editing(model) else { return }
        XCTAssertTrue(loaded.fields[0].readOnly, "the name comes from the identity")
        XCTAssertFalse(loaded.fields[1].readOnly, "an earlier dossier's phone stays editable")
        await model.valueChanged(fieldID: "applicant_name", value: "Nguyễn Văn Bình").value
        guard let form = editing(model) else { return }
        XCTAssertEqual(form.fields[0].value, "Nguyễn Văn An")
        XCTAssertTrue(form.fields[0].prefilled)
        XCTAssertEqual(dossiers.savedValues, [], "nothing sent to the core")
    }

    func testFilingOnBehalfAsksTheCoreAndTheFormFollowsItsAnswer() async {
        let dossiers = FakeDossiers()
        dossiers.current.fields = [
            formField("applicant_name", .text, "Họ và tên", value: "Nguyễn Văn An", prefilled: true, locked: true),
            formField("phone", .phone, "Số điện thoại", value: "0912345678", prefilled: true),
        ]
        dossiers.current.onBehalfOffered = true
        let model = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: dossiers, lang: .vi)
        await model.load()
        XCTAssertEqual(editing(model)?.onBehalf, OnBehalfUI(), "offered (a field is bound to the identity), off")

        // On, no relation chosen: nothing the core could record, and submitting says so.
        await model.fileOnBehalf(true).value
        XCTAssertEqual(dossiers.onBehalfCalls, [])
        await model.submit()
        guard let unchosen = editing(model) else { return }
        XCTAssertEqual(unchosen.onBehalf?.errors["basis"], Texts(lang: .vi).onBehalfChooseBasis)
        XCTAssertEqual(unchosen.message, "Còn 1 chỗ cần sửa trước khi nộp")
        XCTAssertEqual(unchosen.submit, .idle, "not filed in the citizen's name behind the switch")

        // Typing: the core's problem with the number; the name is not flagged; nothing held.
        await model.onBehalfChanged(basis: .child).value
        await model.onBehalfChanged(fullName: "Trần Văn Bình").value
        await model.onBehalfChanged(personalID: "0010").value
        guard let typing = editing(model) else { return }
        XCTAssertEqual(typing.onBehalf?.errors, ["personal_id": "Số định danh phải có 12 chữ số"])
        XCTAssertNil(typing.onBehalf?.held)
        XCTAssertEqual(typing.fields[0].value, "Nguyễn Văn An")

        // Recorded: the form's name is the person's, still locked (the core's answer).
        await model.onBehalfChanged(personalID: "001052007381").value
        guard let filed = editing(model) else { return }
        let binh = OnBehalfPerson(fullName: "Trần Văn Bình", personalID: "001052007381", basis: .child, detail: nil)
        XCTAssertEqual(filed.onBehalf?.held, binh)
        XCTAssertEqual(filed.onBehalf?.recorded, true)
        XCTAssertEqual(filed.onBehalf?.errors, [:])
        XCTAssertEqual(filed.fields[0].value, "Trần Văn Bình")
        XCTAssertTrue(filed.fields[0].readOnly)
        XCTAssertEqual(dossiers.onBehalfCalls.last, binh)

        // Off: told to the core at once, the citizen's name back.
        await model.fileOnBehalf(false).value
        guard let off = editing(model) else { return }
        XCTAssertEqual(dossiers.onBehalfCalls.last, .some(nil))
        XCTAssertNil(off.onBehalf?.held)
        XCTAssertEqual(off.fields[0].value, "Nguyễn Văn An")

        // A supplement answer or a form with nothing bound to an identity offers no switch.
        let plain = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: FakeDossiers(), lang: .vi)
        await plain.load()
        XCTAssertNil(editing(plain)?.onBehalf)
    }

    func testTypingClearsThePrefilledMarkAndShowsTheCoresError() async {
        let dossiers = FakeDossiers()
        let model = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: dossiers, lang: .vi)
        await model.load()
        await model.valueChanged(fieldID: "applicant_name", value: "Nguyễn Văn Bình").value
        await model.valueChanged(fieldID: "phone", value: "0912").value
        guard let form = editing(model) else { return }
        XCTAssertFalse(form.fields[0].prefilled)
        XCTAssertEqual(form.fields[1].error, "Số điện thoại không đúng")
        XCTAssertEqual(dossiers.savedValues, ["Nguyễn Văn Bình", "0912"], "saved in typing order")
    }

    func testSubmittingWithProblemsShowsTheCoresCheckedFormAndSendsNothing() async {
        let dossiers = FakeDossiers()
        var checked = dossiers.current
        checked.fields[1].error = "Cần nhập số điện thoại"
        checked.documents = [DocumentUI(requirement: "birth_certificate", name: "Giấy chứng sinh", required: true, files: [],
                                        error: "Thiếu giấy tờ này")]
        checked.message = "Còn 2 chỗ cần sửa trước khi nộp"
        dossiers.checked = checked
        let model = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: dossiers, lang: .vi)
        await model.load()
        await model.submit()
        guard let form = editing(model) else { return }
        XCTAssertEqual(form.message, "Còn 2 chỗ cần sửa trước khi nộp")
        XCTAssertEqual(form.fields[1].error, "Cần nhập số điện thoại")
        XCTAssertEqual(form.documents[0].error, "Thiếu giấy tờ này")
        XCTAssertEqual(form.submit, .idle)
        XCTAssertTrue(dossiers.listeners.get().isEmpty, "nothing was sent")
    }

    func testSubmittingDeliversWithTheDossierCodeOrQueuesOffline() async {
        let dossiers = FakeDossiers()
        let model = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: dossiers, lang: .en)
        await model.load()
        await model.attach(requirement: "birth_certificate", fileName: "giay-chung-sinh.jpg", bytes: Data(count: 1000))
        XCTAssertEqual(editing(model)?.documents[0].files.map(\.fileName), ["giay-chung-sinh.jpg"])
        await model.submit()
        XCTAssertEqual(editing(model)?.submit, .submitted(dossierCode: "000.00.14.H56-260302-0001",
                                                       message: "Dossier submitted. Dossier code: 000.00.14.H56-260302-0001"))
        XCTAssertTrue(dossiers.listeners.get().isEmpty, "the upload listener is cancelled after the submission")

        let queued = FakeDossiers()
        queued.delivery = .queued(retryInSeconds: 30)
        queued.afterDelivery = .queued(message: Texts(lang: .vi).offlineDraftQueued)
        let offlineModel = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: queued, lang: .vi)
        await offlineModel.load()
        await offlineModel.submit()
        XCTAssertEqual(editing(offlineModel)?.submit, .queued(message: Texts(lang: .vi).offlineDraftQueued))
    }

    func testARejectedFileSaysWhyAndTheFormStays() async {
        let model = DraftFormModel(origin: .existing(draftID: "d1"), dossiers: FakeDossiers(), lang: .vi)
        await model.load()
        await model.attach(requirement: "birth_certificate", fileName: "empty.pdf", bytes: Data())
        XCTAssertEqual(editing(model)?.message, "Tệp trống")
        XCTAssertEqual(editing(model)?.attaching, false)
    }

    func testHomeOfflineSaysTheStatusIsOldAndTheQueuedDossierWillBeSent() async {
        let dossiers = FakeDossiers()
        dossiers.failure = offline
        dossiers.pending = 1
        let tracking = FakeTracking()
        tracking.records["A"] = DossierRecord(code: "A", procedureCode: "1.001193", status: .received, label: "Đã tiếp nhận",
                                              appointmentDate: "2026-03-03", overdue: false, timeline: [],
                                              actions: [.showReceipt, .withdraw], primary: .showReceipt, missing: [])
        let home = HomeModel(dossiers: dossiers, tracking: tracking, catalog: FakeCatalog(), lang: .vi)
        await home.refresh()
        XCTAssertFalse(home.loading)
        XCTAssertEqual(home.dossiers.first?.procedureName, "Đăng ký khai sinh")
        XCTAssertEqual(home.dossiers.first?.appointment, "Hẹn trả kết quả: Thứ Ba, 03/03/2026")
        XCTAssertEqual(home.drafts.map(\.id), ["d1"])
        XCTAssertEqual(home.banner, "\(Texts(lang: .vi).offlineStatus) \(Texts(lang: .vi).offlineDraftQueued)")
    }

    func testHomeSendsBackToLoginWhenTheSessionEnded() async {
        let tracking = FakeTracking()
        tracking.failure = sessionEnded
        let home = HomeModel(dossiers: FakeDossiers(), tracking: tracking, catalog: FakeCatalog(), lang: .vi)
        await home.refresh()
        XCTAssertEqual(home.loggedOut, sessionEnded)
        // Logged in again: the next refresh clears it, so that the session ending once more
        // is a change the screen sees (it reacts to changes of `loggedOut`).
        tracking.failure = nil
        await home.refresh()
        XCTAssertNil(home.loggedOut)
    }

    func testASupplementRequestIsThePrimaryActionAndSaysWhenTheAppCannotAnswerYet() async {
        let tracking = FakeTracking()
        tracking.records["A"] = DossierRecord(
            code: "A", procedureCode: "1.001193", status: .supplementRequested, label: "Yêu cầu bổ sung",
            appointmentDate: "2026-03-03", overdue: true,
            timeline: [event(.submitted, "Đã nộp", at: "2026-03-02T02:00:00Z"),
                       event(.supplementRequested, "Yêu cầu bổ sung", at: "2026-03-02T03:00:00Z", missing: ["Bản sao CCCD"])],
            actions: [.answerSupplement, .withdraw], primary: .answerSupplement, missing: ["Bản sao CCCD"])
        let model = DossierDetailModel(tracking: tracking, actions: nil, code: "A", lang: .vi)
        await model.load()
        guard case .shown(let detail) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertEqual(detail.primary, .answerSupplement)
        XCTAssertEqual(detail.missing, ["Bản sao CCCD"])
        XCTAssertEqual(detail.timeline.map(\.label), ["Yêu cầu bổ sung", "Đã nộp"], "newest first")
        XCTAssertEqual(detail.timeline.first?.at, "10:00, Thứ Hai, 02/03/2026")
        XCTAssertEqual(detail.unavailable, Texts(lang: .vi).notYetAvailable)
        XCTAssertEqual(detail.actions, [], "without the citizen-actions port, neither answer nor withdrawal is offered")
        XCTAssertFalse(detail.withdrawable)
        XCTAssertTrue(detail.overdue)
    }

    func testDetailOfflineKeepsWhatIsOnThePhone() async {
        let tracking = FakeTracking()
        tracking.failure = offline
        tracking.records["A"] = DossierRecord(code: "A", procedureCode: "1.001193", status: .returned, label: "Đã trả kết quả",
                                              appointmentDate: nil, overdue: false, timeline: [],
                                              actions: [], primary: nil, missing: [])
        let model = DossierDetailModel(tracking: tracking, actions: nil, code: "A", lang: .en)
        await model.load()
        guard case .shown(let detail) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertEqual(detail.banner, Texts(lang: .en).offlineStatus)
        XCTAssertNil(detail.primary)
        XCTAssertNil(detail.unavailable)
    }

    func testASupplementAnswerIsANoteAndAnyDocumentWithWhatTheDeskAskedFor() async {
        let dossiers = FakeDossiers()
        let actions = FakeActions()
        dossiers.checked = actions.answer("A", message: "Cần thêm giấy tờ hoặc ghi chú bổ sung")
        let model = DraftFormModel(origin: .supplementAnswer(dossierCode: "A"), dossiers: dossiers, actions: actions,
                                   lang: .vi)
        await model.load()
        guard let form = editing(model) else { return }
        XCTAssertEqual(form.title, "Bổ sung hồ sơ A")
        XCTAssertEqual(form.requested, ["Bản sao CCCD"])
        XCTAssertEqual(form.fields.map(\.id), ["supplement_note"])
        XCTAssertEqual(form.fields.first?.type, .longText)
        XCTAssertEqual(form.documents.map(\.required), [false, false])
        await model.submit()
        XCTAssertEqual(editing(model)?.message, "Cần thêm giấy tờ hoặc ghi chú bổ sung")

        let withoutActions = DraftFormModel(origin: .supplementAnswer(dossierCode: "A"), dossiers: dossiers, lang: .vi)
        await withoutActions.load()
        XCTAssertEqual(withoutActions.state, .failed(Problem.notSupported(Texts(lang: .vi).notYetAvailable)))
    }

    func testAWithdrawalWithoutNetworkWaitsInTheOutboxAndSaysSo() async {
        let tracking = FakeTracking()
        tracking.records["A"] = DossierRecord(code: "A", procedureCode: "1.001193", status: .processing, label: "Đang giải quyết",
                                              appointmentDate: nil, overdue: false, timeline: [],
                                              actions: [.showReceipt, .withdraw], primary: .showReceipt, missing: [])
        let actions = FakeActions()
        let model = DossierDetailModel(tracking: tracking, actions: actions, code: "A", lang: .vi)
        await model.load()
        guard case .shown(let before) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertTrue(before.withdrawable)
        XCTAssertEqual(before.primary, .showReceipt)
        XCTAssertNil(before.unavailable)
        await model.withdraw(note: "Nộp nhầm thủ tục")
        guard case .shown(let after) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertEqual(after.banner, Texts(lang: .vi).withdrawalQueued)
        XCTAssertEqual(actions.withdrawn.first?.1, "Nộp nhầm thủ tục")
    }

    func testTheActionsAndThePrimaryAreTheCoresWhateverTheStatus() async {
        // Answers no status rule would give: the screen shows what the core says, nothing else.
        let tracking = FakeTracking()
        tracking.records["A"] = DossierRecord(code: "A", procedureCode: "1.001193", status: .received, label: "Đã tiếp nhận",
                                              appointmentDate: nil, overdue: false, timeline: [],
                                              actions: [.withdraw], primary: nil, missing: [])
        tracking.records["B"] = DossierRecord(code: "B", procedureCode: "1.001193", status: .returned, label: "Đã trả kết quả",
                                              appointmentDate: nil, overdue: false, timeline: [],
                                              actions: [.showReceipt], primary: .showReceipt, missing: ["Bản chính"])
        let a = DossierDetailModel(tracking: tracking, actions: FakeActions(), code: "A", lang: .vi)
        await a.load()
        guard case .shown(let onlyWithdraw) = a.state else { return XCTFail("\(a.state)") }
        XCTAssertEqual(onlyWithdraw.actions, [.withdraw])
        XCTAssertNil(onlyWithdraw.primary)
        XCTAssertTrue(onlyWithdraw.withdrawable)
        XCTAssertEqual(onlyWithdraw.missing, [])
        let b = DossierDetailModel(tracking: tracking, actions: nil, code: "B", lang: .vi)
        await b.load()
        guard case .shown(let receipt) = b.state else { return XCTFail("\(b.state)") }
        XCTAssertEqual(receipt.actions, [.showReceipt], "the receipt needs no citizen-actions port")
        XCTAssertEqual(receipt.primary, .showReceipt)
        XCTAssertFalse(receipt.withdrawable)
        XCTAssertNil(receipt.unavailable)
        XCTAssertEqual(receipt.missing, ["Bản chính"], "what the desk asks for is the core's")
    }
}
