import Foundation
import MotCuaCore
import MotCuaModels
import XCTest

/// The volunteer: Lê Hoàng Minh, a youth-union member (level 1).
let volunteerSubject = "demo-0003"
/// The person helped: Trần Văn Bình, born 1952 (level 2).
let elderSubject = "demo-0002"
/// What the elder types that the volunteer never does.
let elderPhone = "0987654321"

/// An assisted session as the app runs it: `AssistModel` over the real assist adapter, the
/// citizen's isolated profile driving the normal screens' models, and afterwards nothing
/// of the citizen on the volunteer's phone (decision 0003).
@MainActor
final class AssistedSessionTests: XCTestCase {
    // Computed: XCTest makes the test instances before `setUp()` installs the wording.
    private var texts: Texts { Texts(lang: .vi) }

    override class func setUp() {
        super.setUp()
        // The models' sentences are the core's, as in the app (the app installs it at launch).
        CoreWording.install()
    }

    func testFromConsentToEndNothingOfThePersonIsLeft() async throws {
        let portal = try await Portal.start()
        let phone = try Phone()
        addTeardownBlock {
            portal.close()
            phone.remove()
        }
        let app = try phone.open(portal)
        let volunteer = SessionModel(identity: app.identity, texts: texts)
        try await Browser.logIn(volunteer) { $0.subject == volunteerSubject }
        let me = try XCTUnwrap(volunteer.citizen)
        await SearchModel(catalog: app.catalog, texts: texts).refresh()

        // Consent: the core's statement, nothing begins without the person's agreement.
        let assist = AssistModel(assist: app.assist, lang: .vi)
        XCTAssertEqual(assist.stage, .consent)
        await assist.load()
        let statement = try XCTUnwrap(assist.statement)
        XCTAssertTrue(statement.text.hasPrefix("Tôi đồng ý"), statement.text)
        XCTAssertFalse(statement.version.isEmpty)
        XCTAssertEqual(assist.helped, texts.helpedCount(0))
        XCTAssertEqual(assist.days, [])
        await assist.begin(citizenConsented: false)
        XCTAssertEqual(assist.stage, .consent)
        XCTAssertNil(assist.workspace)
        await assist.begin(citizenConsented: true)
        XCTAssertEqual(assist.stage, .active)
        XCTAssertNil(assist.problem)
        XCTAssertTrue(assist.privateBrowsing)
        let citizenSession = try XCTUnwrap(assist.citizen)
        XCTAssertEqual(citizenSession.state, .loggedOut(nil), "nobody logged in in the new profile")

        // The person logs in with their own identity and files with the normal screens.
        var elder: Citizen
        var code: String
        do {
            let workspace = try XCTUnwrap(assist.workspace)
            try await Browser.logIn(citizenSession) { $0.subject == elderSubject }
            elder = try XCTUnwrap(citizenSession.citizen)
            XCTAssertNotEqual(elder.fullName, me.fullName)

            // The catalog came with the session: searched before any network call of its own.
            let search = SearchModel(catalog: workspace.catalog, texts: texts)
            search.queryChanged("xac nhan tinh trang hon nhan")
            await search.search()
            XCTAssertEqual(search.results.first?.code, maritalStatus)

            let form = DraftFormModel(origin: .newDraft(procedureCode: maritalStatus), dossiers: workspace.dossiers,
                                      actions: workspace.actions, lang: .vi)
            await form.load()
            XCTAssertEqual(try form.editingForm().field("applicant_name")?.value, elder.fullName)
            XCTAssertEqual(try form.editingForm().field("applicant_name")?.prefilled, true, "from the elder's own identity")
            for (field, value) in [("applicant_birth_date", try XCTUnwrap(elder.birthDate)),
                                   ("current_status", "never_married"), ("purpose", "marriage_vn"),
                                   ("registration_unit", "00004"), ("phone", elderPhone)] {
                await form.type(value, into: field)
            }
            await form.attach(requirement: "declaration_form", fileName: "to-khai.pdf", bytes: samplePDF(seed: 52))
            await form.submit()
            guard case .submitted(let submitted, _) = try form.editingForm().submit else {
                throw HarnessFailure("not submitted: \(try form.editingForm())")
            }
            code = submitted
            // A second draft, left unfinished.
            let unfinished = DraftFormModel(origin: .newDraft(procedureCode: maritalStatus), dossiers: workspace.dossiers,
                                            lang: .vi)
            await unfinished.load()
            XCTAssertNotNil(unfinished.draftID)

            // The volunteer's own profile saw none of it.
            XCTAssertEqual(volunteer.state, .loggedIn(me))
            let volunteersDrafts = try await app.dossiers.drafts()
            XCTAssertEqual(volunteersDrafts, [], "no draft of the elder's in the volunteer's profile")

            try await Desk.login(portal, as: "tiepnhan").act(code, "accept")
            let home = HomeModel(dossiers: workspace.dossiers, tracking: workspace.tracking, catalog: workspace.catalog, lang: .vi)
            await home.refresh()
            XCTAssertEqual(home.dossiers.map(\.status), ["Đã tiếp nhận"])
            XCTAssertEqual(home.drafts.count, 1, "the unfinished draft")
        }

        // The hand-off: code, appointment, how to look it up, the receipt; no personal data.
        await assist.showHandoff(dossierCode: code)
        let handoff = try XCTUnwrap(assist.handoff, "\(String(describing: assist.problem))")
        XCTAssertEqual(handoff.handoff.dossierCode, code)
        XCTAssertTrue(handoff.handoff.instructions.contains(code), handoff.handoff.instructions)
        XCTAssertNotNil(handoff.appointment)
        XCTAssertEqual(handoff.receipt?.slip.details.dossierCode, code, "accepted and synced: the receipt is shown")
        XCTAssertTrue(handoff.shareText.contains(code))
        for needle in [elder.fullName, try XCTUnwrap(elder.personalID), elderPhone] {
            XCTAssertFalse(handoff.shareText.contains(needle), "the hand-off carries \(needle)")
        }
        assist.closeHandoff()

        // Before the end the person's profile is on the phone, so the scan below sees files.
        XCTAssertFalse(phone.regularFiles(under: "profile/assisted").isEmpty)
        XCTAssertFalse(phone.filesContaining(maritalStatus).isEmpty, "the scan reads what is there")
        XCTAssertTrue(phone.keystore.contents.keys.contains { $0.hasPrefix("motcua.assist.") })

        await assist.end()
        XCTAssertEqual(assist.stage, .ended(message: texts.assistErased,
                                            outcome: ["Đã nộp: 1 hồ sơ", "Bỏ dở: 1 hồ sơ"]), "the core's words")
        XCTAssertNil(assist.workspace)
        XCTAssertNil(assist.citizen)
        XCTAssertNil(assist.problem)

        // Nothing of the person on the phone: no file, no secret.
        let needles = [elder.fullName, try XCTUnwrap(elder.personalID), try XCTUnwrap(elder.birthDate),
                       try XCTUnwrap(elder.address), elderPhone]
        for needle in needles {
            XCTAssertEqual(phone.filesContaining(needle), [], "\(needle) is left on the phone")
            XCTAssertFalse(phone.keystore.contents.values.contains { $0.range(of: Data(needle.utf8)) != nil },
                           "\(needle) is left in the keystore")
        }
        XCTAssertFalse(phone.keystore.contents.keys.contains { $0.hasPrefix("motcua.assist.") }, "a scoped secret is left")
        XCTAssertFalse(phone.regularFiles(under: "profile").isEmpty, "the volunteer's profile is still there")

        // The volunteer keeps counts only, and is still logged in.
        XCTAssertEqual(assist.helped, texts.helpedCount(1))
        XCTAssertEqual(assist.days.count, 1)
        XCTAssertEqual(assist.days.first?.helped, "Đã hỗ trợ 1 người")
        XCTAssertEqual(assist.days.first?.details, ["\(maritalStatus) · Đã nộp: 1 hồ sơ · Bỏ dở: 1 hồ sơ"])
        let exported = await assist.summaryCSV()
        let csv = try XCTUnwrap(exported, "\(String(describing: assist.problem))")
        XCTAssertTrue(csv.contains(",1,0,\(maritalStatus),1,0,1"), csv)
        for needle in needles + [code] {
            XCTAssertFalse(csv.contains(needle), "\(needle) is in the report")
        }
        assist.next()
        XCTAssertEqual(assist.stage, .consent)
        let again = SessionModel(identity: app.identity, texts: texts)
        await again.restore()
        XCTAssertEqual(again.state, .loggedIn(me))
    }

    func testEndingWhileASubmissionWaitsAsksThenGivesItUpWhenForced() async throws {
        let portal = try await Portal.start()
        let phone = try Phone()
        addTeardownBlock {
            portal.close()
            phone.remove()
        }
        let app = try phone.open(portal)
        try await Browser.logIn(SessionModel(identity: app.identity, texts: texts)) { $0.subject == volunteerSubject }
        await SearchModel(catalog: app.catalog, texts: texts).refresh()
        let assist = AssistModel(assist: app.assist, lang: .vi)
        await assist.load()
        await assist.begin(citizenConsented: true)
        let citizenSession = try XCTUnwrap(assist.citizen)
        var elder: Citizen
        do {
            let workspace = try XCTUnwrap(assist.workspace)
            try await Browser.logIn(citizenSession) { $0.subject == elderSubject }
            elder = try XCTUnwrap(citizenSession.citizen)
            let form = DraftFormModel(origin: .newDraft(procedureCode: maritalStatus), dossiers: workspace.dossiers,
                                      lang: .vi)
            await form.load()
            for (field, value) in [("applicant_birth_date", try XCTUnwrap(elder.birthDate)),
                                   ("current_status", "never_married"), ("purpose", "marriage_vn"),
                                   ("registration_unit", "00004"), ("phone", elderPhone)] {
                await form.type(value, into: field)
            }
            await form.attach(requirement: "declaration_form", fileName: "to-khai.pdf", bytes: samplePDF(seed: 53))

            // The network goes: the submission is kept in the session's outbox.
            portal.stop()
            await form.submit()
            XCTAssertEqual(try form.editingForm().submit, .queued(message: texts.offlineDraftQueued))
        }

        // Ending would lose it: the core refuses, the volunteer chooses.
        await assist.end()
        guard case .confirmForcedEnd(let warning) = assist.stage else {
            return XCTFail("not asked before losing a submission: \(assist.stage)")
        }
        XCTAssertFalse(warning.isEmpty)
        XCTAssertNotNil(assist.workspace, "the session stays open while the volunteer decides")
        assist.keepSession()
        XCTAssertEqual(assist.stage, .active)
        await assist.end()
        guard case .confirmForcedEnd = assist.stage else { return XCTFail("asked again: \(assist.stage)") }
        await assist.end(force: true)
        XCTAssertEqual(assist.stage, .ended(message: texts.assistErased, outcome: ["Không gửi được: 1 hồ sơ"]))
        for needle in [elder.fullName, try XCTUnwrap(elder.personalID), elderPhone] {
            XCTAssertEqual(phone.filesContaining(needle), [], "\(needle) is left on the phone")
        }
        XCTAssertFalse(phone.keystore.contents.keys.contains { $0.hasPrefix("motcua.assist.") })
    }
}
