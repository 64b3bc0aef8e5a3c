import Foundation
import MotCuaBindings
import MotCuaCore
import MotCuaModels
import XCTest

/*
 * "The core decides, the apps display": what the citizen may do with a dossier comes from
 * the core's rule (`dossierActions(status:holdsReceipt:fee:)`, the lifecycle's), and an error
 * of the core reaches the screens as its kind and reason. Both through MotCuaCore's
 * conversions and the app's models, against the real library.
 */

/// Every status of the lifecycle; the switch breaks the build when the core adds one.
private let everyStatus: [MotCuaBindings.DossierStatus] = [
    .submitted, .received, .notAccepted, .processing, .supplementRequested, .paymentRequested,
    .withdrawalRequested, .stopped, .resultReady, .returned, .withdrawn, .rejected,
]

private func listed(_ status: MotCuaBindings.DossierStatus) -> Bool {
    switch status {
    case .submitted, .received, .notAccepted, .processing, .supplementRequested, .paymentRequested,
         .withdrawalRequested, .stopped, .resultReady, .returned, .withdrawn, .rejected:
        return everyStatus.contains(status)
    }
}

/// The models' action for the core's, written out here (not MotCuaCore's conversion) so
/// that the test checks that conversion too.
private func expected(_ action: MotCuaBindings.CitizenAction) -> MotCuaModels.CitizenAction {
    switch action {
    case .showReceipt: return .showReceipt
    case .answerSupplement: return .answerSupplement
    case .payFee: return .payFee
    case .showFeeReceipt: return .showFeeReceipt
    case .withdraw: return .withdraw
    }
}

/// One dossier, as the core's tracking would hand it over; nothing else.
private final class OneDossier: TrackingPort, @unchecked Sendable {
    let record: DossierRecord

    init(_ record: DossierRecord) {
        self.record = record
    }

    func sync() async throws -> [StatusEvent] { [] }
    func syncNotices(delivered: [String]) async throws -> [MotCuaModels.Notice] { [] }
    func dossiers() async throws -> [DossierLine] { [] }
    func dossier(code: String) async throws -> DossierRecord? { code == record.code ? record : nil }
    func watchStatus(_ onChange: @escaping @Sendable (StatusEvent) -> Void) -> ListenerToken { NoToken() }
}

private struct NoToken: ListenerToken {
    func cancel() {}
}

/// A citizen-actions port that is wired but never called by loading a screen.
private struct UncalledActions: CitizenActionsPort {
    func withdraw(code: String, note: String?) async throws -> Delivery {
        throw Problem(kind: .unexpected, code: "not_called", message: "")
    }

    func answerSupplement(code: String) async throws -> FormView {
        throw Problem(kind: .unexpected, code: "not_called", message: "")
    }
}

private struct UncalledPayments: PaymentPort {
    func payment(dossierCode: String) async throws -> PaymentSheet {
        throw Problem(kind: .unexpected, code: "not_called", message: "")
    }

    func refresh(dossierCode: String) async throws -> PaymentSheet {
        throw Problem(kind: .unexpected, code: "not_called", message: "")
    }

    func feeReceipt(dossierCode: String) async throws -> FeeReceiptSheet {
        throw Problem(kind: .unexpected, code: "not_called", message: "")
    }
}

private let everyFeeStanding: [FeeStanding] = [.nothing, .due, .paid]

@MainActor
final class CoreDecidesTests: XCTestCase {
    // Computed: XCTest makes the test instances before `setUp()` installs the wording.
    private var texts: Texts { Texts(lang: .vi) }

    override class func setUp() {
        super.setUp()
        // The models' sentences are the core's, as in the app (the app installs it at launch).
        CoreWording.install()
    }

    func testEveryStatusShowsExactlyTheCoresActionsAndPrimary() async throws {
        XCTAssertEqual(Set(everyStatus.map { "\($0)" }).count, 12)
        XCTAssertTrue(everyStatus.allSatisfy(listed))
        var answers: [String: [MotCuaModels.CitizenAction]] = [:]
        for status in everyStatus {
            for holdsReceipt in [true, false] { for fee in everyFeeStanding {
                let core = dossierActions(status: status, holdsReceipt: holdsReceipt, fee: fee)
                let label = "label of \(status)"
                let tracked = TrackedDossier(
                    code: "000.00.14.H56-260302-0001", procedureCode: maritalStatus, status: status, statusLabel: label,
                    appointmentDate: nil, timeline: [], overdue: false, actions: core,
                    missing: status == .supplementRequested ? ["Bản sao giấy xác nhận"] : []
                )
                let want = core.available.map(expected)
                let wantPrimary = core.primary.map(expected)
                answers["\(status) \(holdsReceipt) \(fee)"] = want
                let context = "\(status), holds a receipt: \(holdsReceipt), fee: \(fee)"

                // Wired as the app is: every action the core offers is on the screen.
                let model = DossierDetailModel(tracking: OneDossier(DossierRecord(core: tracked)), actions: UncalledActions(),
                                               payments: UncalledPayments(), code: tracked.code, lang: .vi)
                await model.load()
                let shown = try model.shown()
                XCTAssertEqual(shown.actions, want, context)
                XCTAssertEqual(shown.primary, wantPrimary, context)
                XCTAssertEqual(shown.withdrawable, want.contains(.withdraw), context)
                XCTAssertEqual(shown.payable, want.contains(.payFee), context)
                XCTAssertEqual(shown.hasFeeReceipt, want.contains(.showFeeReceipt), context)
                XCTAssertNil(shown.unavailable, context)
                XCTAssertEqual(shown.status, label, "the core's label: \(context)")
                XCTAssertEqual(shown.missing, tracked.missing, context)

                // Without the citizen-actions and payments ports: the receipt stays, the rest
                // is "not yet".
                let unwired = DossierDetailModel(tracking: OneDossier(DossierRecord(core: tracked)), actions: nil,
                                                 code: tracked.code, lang: .vi)
                await unwired.load()
                let partial = try unwired.shown()
                XCTAssertEqual(partial.actions, want.filter { $0 == .showReceipt }, context)
                XCTAssertEqual(partial.primary, wantPrimary, context)
                XCTAssertFalse(partial.withdrawable, context)
                XCTAssertEqual(partial.unavailable, want.contains { $0 != .showReceipt } ? texts.notYetAvailable : nil, context)
            } }
        }
        // The rule is not the status alone: the same status, with and without a receipt on
        // the phone, gets different answers (a screen that derived them from the status
        // would fail above).
        XCTAssertTrue(everyStatus.contains { answers["\($0) true nothing"] != answers["\($0) false nothing"] }, "\(answers)")
        XCTAssertTrue(everyStatus.contains { answers["\($0) true due"] != answers["\($0) true paid"] }, "\(answers)")
        XCTAssertTrue(answers.values.contains { $0.contains(.payFee) })
        XCTAssertTrue(answers.values.contains { $0.contains(.showFeeReceipt) })
        XCTAssertTrue(answers.values.contains { $0.contains(.withdraw) })
        XCTAssertTrue(answers.values.contains { $0.isEmpty })
    }

    func testTheCoresErrorsArriveAsTheirKindAndReason() async throws {
        let portal = try await Portal.start()
        let phone = try Phone()
        addTeardownBlock {
            portal.close()
            phone.remove()
        }
        let app = try phone.open(portal)

        // A search before any catalog was downloaded: the core's reason, not a code.
        let search = SearchModel(catalog: app.catalog, texts: texts)
        search.queryChanged("khai sinh")
        await search.search()
        let noCatalog = try XCTUnwrap(search.problem, "\(search.results)")
        XCTAssertEqual(noCatalog.kind, .network)
        XCTAssertEqual(noCatalog.reason, .catalogNotDownloaded)
        XCTAssertFalse(noCatalog.message.isEmpty)
        XCTAssertTrue(noCatalog.offline)

        // A receipt verified before the trust list was ever fetched: the desk offers to fetch it.
        let receipts = try XCTUnwrap(app.receipts)
        do {
            _ = try await receipts.verifyReceipt(scannedText: "MC1:NOTHING")
            XCTFail("verified without a trust list")
        } catch let problem as Problem {
            XCTAssertEqual(problem.kind, .notFound)
            XCTAssertEqual(problem.reason, .trustListMissing)
            XCTAssertFalse(problem.message.isEmpty)
        }
        let desk = DeskScanModel(receipts: receipts, catalog: app.catalog, lang: .vi)
        await desk.scanned("MC1:NOTHING")
        guard case .failed(_, let needsTrustList) = desk.state else { return XCTFail("\(desk.state)") }
        XCTAssertTrue(needsTrustList)
        await desk.refreshTrustList()
        XCTAssertEqual(desk.state, .scanning, "the list fetched: \(String(describing: desk.trustListNote))")
        await desk.scanned("MC1:NOTHING")
        guard case .verdict(let verdict) = desk.state else { return XCTFail("\(desk.state)") }
        XCTAssertEqual(verdict.kind, .malformed)
        let check = try await receipts.verifyReceipt(scannedText: "MC1:NOTHING")
        XCTAssertEqual(verdict.headline, check.message, "the desk shows the core's verdict sentence")
        // The trust list's line is the core's sentence too, with the app's formatting of the time.
        XCTAssertEqual(verdict.trustList,
                       wordingTrustListUpdatedAt(language: "vi", at: Format(lang: .vi).dateTime(unixSeconds: check.trustListFetchedAt)))

        // Asked for what is not there: the kind says so.
        let receipt = ReceiptModel(receipts: receipts, catalog: app.catalog, dossierCode: "000.00.00.H00-000000-9999", lang: .vi)
        await receipt.load()
        guard case .failed(let notIssued) = receipt.state else { return XCTFail("\(receipt.state)") }
        XCTAssertEqual(notIssued.kind, .notFound)
        XCTAssertNil(notIssued.reason)
    }

    func testTheModelsSayTheCoresSentencesInBothLanguages() async throws {
        var deadlines: Set<String> = []
        for lang in Lang.allCases {
            let core = domainWording(language: lang.rawValue)
            let tracked = TrackedDossier(
                code: "000.00.14.H56-260302-0001", procedureCode: maritalStatus, status: .received, statusLabel: "label",
                appointmentDate: "2026-03-03", timeline: [], overdue: false,
                actions: dossierActions(status: .received, holdsReceipt: false, fee: .nothing), missing: []
            )
            let model = DossierDetailModel(tracking: OneDossier(DossierRecord(core: tracked)), actions: QueuedActions(),
                                           code: tracked.code, lang: lang)
            await model.load()
            let deadline = try XCTUnwrap(try model.shown().deadline)
            XCTAssertEqual(deadline, wordingResultDue(language: lang.rawValue, date: Format(lang: lang).date("2026-03-03")),
                           "\(lang): the result-due line")
            deadlines.insert(deadline)
            await model.withdraw(note: nil)
            XCTAssertEqual(try model.shown().banner, core.withdrawalQueued, "\(lang): the queued withdrawal")

            let texts = Texts(lang: lang)
            XCTAssertEqual(texts.offlineDraftQueued, core.offlineDraftQueued, "\(lang)")
            XCTAssertEqual(texts.supplementFor(tracked.code), wordingSupplementFor(language: lang.rawValue, code: tracked.code))
            XCTAssertEqual(texts.applicant(.matches), core.applicantMatches, "\(lang)")
            XCTAssertEqual(texts.receiptAfterIntake, core.receiptAfterIntake, "\(lang)")
        }
        XCTAssertEqual(deadlines.count, 2, "Vietnamese and English differ: \(deadlines)")
    }
}

/// A withdrawal that waits in the outbox, as the core answers offline.
private struct QueuedActions: CitizenActionsPort {
    func withdraw(code: String, note: String?) async throws -> Delivery {
        .queued(retryInSeconds: 30)
    }

    func answerSupplement(code: String) async throws -> FormView {
        throw Problem(kind: .unexpected, code: "not_called", message: "")
    }
}
