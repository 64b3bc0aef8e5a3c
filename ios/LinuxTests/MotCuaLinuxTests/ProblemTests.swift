import Foundation
import MotCuaCore
import MotCuaModels
import XCTest

/// The core's typed errors as the screens meet them: logged out, invalid input, offline
/// (and the network coming back), each a `Problem` with the core's kind and words, or the
/// models' own sentence for what will happen.
@MainActor
final class ProblemTests: XCTestCase {
    // Computed: XCTest makes the test instances before `setUp()` installs the wording.
    private var texts: Texts { Texts(lang: .vi) }

    override class func setUp() {
        super.setUp()
        // The models' sentences are the core's, as in the app (the app installs it at launch).
        CoreWording.install()
    }

    func testLoggedOutInvalidAndOfflineBecomeTheScreensProblems() async throws {
        let portal = try await Portal.start()
        let phone = try Phone()
        let secondPhone = try Phone()
        addTeardownBlock {
            portal.close()
            phone.remove()
            secondPhone.remove()
        }
        let app = try phone.open(portal)

        // Before any login: the home screen sends the person to the login screen.
        let session = SessionModel(identity: app.identity, texts: texts)
        await session.restore()
        XCTAssertEqual(session.state, .loggedOut(nil))
        let home = HomeModel(dossiers: app.dossiers, tracking: app.tracking, catalog: app.catalog, lang: .vi)
        await home.refresh()
        let notLoggedIn = try XCTUnwrap(home.loggedOut, "banner: \(String(describing: home.banner))")
        XCTAssertEqual(notLoggedIn.kind, .loggedOut)
        XCTAssertTrue(notLoggedIn.loggedOut)
        XCTAssertFalse(notLoggedIn.offline)
        XCTAssertFalse(notLoggedIn.message.isEmpty)
        // A procedure of a catalog never downloaded: the form says so.
        let tooEarly = DraftFormModel(origin: .newDraft(procedureCode: maritalStatus), dossiers: app.dossiers,
                                      lang: .vi)
        await tooEarly.load()
        guard case .failed(let noCatalog) = tooEarly.state else { return XCTFail("\(tooEarly.state)") }
        XCTAssertEqual(noCatalog.code, "unknown_procedure")

        try await Browser.logIn(session) { $0.level == 2 }
        XCTAssertNotNil(session.citizen)
        let search = SearchModel(catalog: app.catalog, texts: texts)
        await search.refresh()
        XCTAssertNil(search.banner)

        // Unknown things: the core's codes, its message naming what was asked for.
        let unknown = DraftFormModel(origin: .newDraft(procedureCode: "9.999999"), dossiers: app.dossiers,
                                     lang: .vi)
        await unknown.load()
        guard case .failed(let unknownProcedure) = unknown.state else { return XCTFail("\(unknown.state)") }
        XCTAssertEqual(unknownProcedure.code, "unknown_procedure")
        XCTAssertEqual(unknownProcedure.kind, .notFound)
        XCTAssertTrue(unknownProcedure.message.contains("9.999999"), unknownProcedure.message)
        let lost = DraftFormModel(origin: .existing(draftID: "no-such-draft"), dossiers: app.dossiers,
                                  lang: .vi)
        await lost.load()
        guard case .failed(let unknownDraft) = lost.state else { return XCTFail("\(lost.state)") }
        XCTAssertEqual(unknownDraft.code, "unknown_draft")
        XCTAssertEqual(unknownDraft.kind, .notFound)
        let nowhere = DossierDetailModel(tracking: app.tracking, actions: app.actions, code: "000.00.00.H00-000000-9999", lang: .vi)
        await nowhere.load()
        XCTAssertEqual(nowhere.state, .notFound(code: "000.00.00.H00-000000-9999"))

        // Invalid fields: kept with the core's problem; submitting lists every problem inline.
        let form = DraftFormModel(origin: .newDraft(procedureCode: maritalStatus), dossiers: app.dossiers,
                                  actions: app.actions, lang: .vi)
        await form.load()
        // The birth date is the verified identity's: pre-filled, and another one is refused.
        XCTAssertEqual(try form.editingForm().field("applicant_birth_date")?.prefilled, true)
        await form.type("12345", into: "phone")
        var draft = try form.editingForm()
        XCTAssertEqual(draft.field("phone")?.value, "12345")
        let badPhone = try XCTUnwrap(draft.field("phone")?.error)
        XCTAssertNil(draft.field("current_status")?.error, "not yet: nothing was submitted")
        await form.submit()
        draft = try form.editingForm()
        XCTAssertEqual(draft.submit, .idle)
        XCTAssertEqual(draft.field("phone")?.error, badPhone)
        XCTAssertNotNil(draft.field("current_status")?.error, "a required field left empty")
        XCTAssertNotNil(draft.document("declaration_form")?.error)
        let marked = draft.fields.filter { $0.error != nil }.count + draft.documents.filter { $0.error != nil }.count
        XCTAssertEqual(draft.message, texts.problemsToFix(marked))
        // A file that is not a document: refused by the core, nothing attached.
        await form.attach(requirement: "declaration_form", fileName: "x.docx", bytes: Data("PK\u{3}\u{4} not a pdf".utf8))
        draft = try form.editingForm()
        XCTAssertFalse(draft.message?.isEmpty ?? true)
        XCTAssertEqual(draft.document("declaration_form")?.files, [])

        for (field, value) in [("current_status", "never_married"),
                               ("purpose", "marriage_vn"), ("registration_unit", "00004"), ("phone", "0912345678")] {
            await form.type(value, into: field)
        }
        await form.attach(requirement: "declaration_form", fileName: "to-khai.pdf", bytes: samplePDF(seed: 9))

        // Offline: the submission waits on the phone and the screens say it will be sent.
        portal.stop()
        await form.submit()
        XCTAssertEqual(try form.editingForm().submit, .queued(message: texts.offlineDraftQueued))
        await home.refresh()
        XCTAssertNil(home.loggedOut)
        XCTAssertEqual(home.banner, "\(texts.offlineStatus) \(texts.offlineDraftQueued)")
        XCTAssertEqual(home.drafts.map(\.waitingToSend), [true])
        XCTAssertEqual(home.dossiers, [])
        // A phone that never had the catalog, and a login, without the network.
        let second = try secondPhone.open(portal)
        let newcomer = SearchModel(catalog: second.catalog, texts: texts)
        await newcomer.refresh()
        XCTAssertEqual(newcomer.banner, texts.catalogNeverDownloaded)
        let offlineLogin = SessionModel(identity: second.identity, texts: texts)
        await offlineLogin.beginLogin()
        guard case .loggedOut(let loginProblem?) = offlineLogin.state else { return XCTFail("\(offlineLogin.state)") }
        XCTAssertEqual(loginProblem.kind, .network)
        XCTAssertTrue(loginProblem.offline)
        XCTAssertEqual(loginProblem.message, texts.offlineLogin)

        // The network is back: the queued dossier is delivered once.
        try await portal.resume()
        await home.refresh()
        XCTAssertNil(home.banner)
        XCTAssertEqual(home.drafts, [])
        XCTAssertEqual(home.dossiers.map(\.status), ["Đã nộp, chờ tiếp nhận"])
        let code = try XCTUnwrap(home.dossiers.first?.code)
        let pending = try await app.dossiers.pendingSubmissions()
        XCTAssertEqual(pending, 0)

        // A withdrawal asked offline waits too, and is delivered when the network is back.
        let dossier = DossierDetailModel(tracking: app.tracking, actions: app.actions, code: code, lang: .vi)
        await dossier.load()
        XCTAssertTrue(try dossier.shown().withdrawable)
        portal.stop()
        await dossier.withdraw(note: "Nộp nhầm")
        XCTAssertEqual(try dossier.shown().banner, texts.withdrawalQueued)
        XCTAssertEqual(try dossier.shown().status, "Đã nộp, chờ tiếp nhận", "nothing changed before the portal knows")
        try await portal.resume()
        await home.refresh()
        XCTAssertEqual(home.dossiers.map(\.status), ["Xin rút hồ sơ"])

        // Logged out: the phone forgets the session, the home screen sends the person back.
        await session.logout()
        XCTAssertEqual(session.state, .loggedOut(nil))
        await home.refresh()
        let ended = try XCTUnwrap(home.loggedOut)
        XCTAssertEqual(ended.kind, .loggedOut)
        XCTAssertTrue(ended.loggedOut)
        XCTAssertFalse(ended.offline)
        XCTAssertEqual(ended.code, notLoggedIn.code)
    }

    func testAPortalAddressThatIsNoneIsAProblemAtOpen() async throws {
        let phone = try Phone()
        addTeardownBlock { phone.remove() }
        do {
            _ = try CoreServices.open(CoreConfiguration(
                dataDirectory: phone.directory.appendingPathComponent("profile").path, portalURL: "not a url",
                issuer: "http://127.0.0.1:1", clientID: "vn.motcua.app", redirectURI: nil, language: "vi",
                receiptRootKey: nil
            ), platform: phone.keystore)
            XCTFail("opened on a portal address that is none")
        } catch let problem as Problem {
            XCTAssertEqual(problem.kind, .invalidInput, "\(problem)")
            XCTAssertFalse(problem.code.isEmpty)
            XCTAssertFalse(problem.message.isEmpty)
        }
    }
}
