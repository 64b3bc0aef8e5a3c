import Foundation
import Observation

/// Where a volunteer's assisted session is.
public enum AssistStage: Equatable, Sendable {
    /// The app is built without assisted sessions.
    case notAvailable(message: String)
    /// Before starting: the consent statement (from the core) is read out; the citizen
    /// agrees. `statement` is nil until loaded (or when loading failed: `problem` says so).
    case consent
    case starting
    /// Under way: the citizen's own profile is open (`workspace`); they log in with their
    /// own identity in a private browser session and the dossier is filed with the normal
    /// screens.
    case active
    /// Ending was refused because submissions still wait for the network: the core's
    /// words, and the choice to keep trying or to end anyway (they are then given up).
    case confirmForcedEnd(message: String)
    case ending
    /// Ended: everything of the citizen was erased; what is kept, in counts.
    case ended(message: String, outcome: [String])
}

/// The hand-off shown to the citizen for a dossier filed in the session.
public struct HandoffSheet: Equatable, Sendable {
    public let handoff: Handoff
    /// The appointment in words (`Thứ Ba, 03/03/2026`).
    public let appointment: String?
    /// The receipt, once the desk accepted the dossier and it was synced; nil before.
    public let receipt: ReceiptSheet?
    /// Why there is no receipt yet, in the core's words (nil when there is one).
    public let receiptNote: String?
    /// The hand-off as text to share (no personal data): the core's instructions, as the
    /// Android app shares them.
    public var shareText: String { handoff.instructions }
}

/// One day of the volunteer's summary, in words.
public struct AssistDayLine: Equatable, Sendable, Identifiable {
    public let day: String
    public let helped: String
    public let details: [String]

    public var id: String { day }
}

/// A volunteer's assisted session: the consent statement from the core, begin with its
/// version, the citizen's own login and filing in an isolated profile, the hand-off (code,
/// appointment, how to look it up, the receipt QR when issued), end = erase (refused while
/// submissions wait, unless forced), and the volunteer's summary by day with a CSV to share.
@MainActor
@Observable
public final class AssistModel {
    public private(set) var stage: AssistStage
    public private(set) var statement: ConsentStatement? = nil
    /// The citizen's profile while a session is open: the normal screens run on it.
    public private(set) var workspace: ProfileServices? = nil
    /// The citizen's login inside the session.
    public private(set) var citizen: SessionModel? = nil
    public private(set) var handoff: HandoffSheet? = nil
    /// "12 people helped on this phone".
    public private(set) var helped: String? = nil
    public private(set) var days: [AssistDayLine] = []
    public private(set) var problem: Problem? = nil

    private let assist: AssistPort?
    private let lang: Lang
    private let texts: Texts
    @ObservationIgnored private var session: AssistedSessionPort? = nil

    public init(assist: AssistPort?, lang: Lang) {
        self.assist = assist
        self.lang = lang
        self.texts = Texts(lang: lang)
        stage = assist == nil ? .notAvailable(message: Texts(lang: lang).notYetAvailable) : .consent
    }

    /// The consent statement and the summary.
    public func load() async {
        guard let assist else { return }
        if statement == nil {
            do {
                statement = try await assist.consentStatement()
                problem = nil
            } catch {
                problem = Problem.from(error, texts: texts)
            }
        }
        await loadSummary()
    }

    /// Starts the session; only once the citizen has agreed to the statement shown.
    public func begin(citizenConsented: Bool) async {
        guard let assist, citizenConsented, stage == .consent else { return }
        guard let statement else {
            problem = Problem(kind: .notAllowed, code: "consent_required", message: texts.consentMissing)
            return
        }
        problem = nil
        stage = .starting
        do {
            let session = try await assist.begin(consentVersion: statement.version)
            self.session = session
            workspace = session.services
            let citizen = SessionModel(identity: session.services.identity, texts: texts)
            self.citizen = citizen
            stage = .active
            await citizen.restore()
        } catch {
            stage = .consent
            problem = Problem.from(error, texts: texts)
        }
    }

    /// The citizen's login must use a private browser session (no cookies kept, none of the
    /// volunteer's used).
    public var privateBrowsing: Bool {
        session != nil
    }

    /// What to give the citizen for `dossierCode` (after filing, or from the session's list).
    public func showHandoff(dossierCode: String) async {
        guard let session else { return }
        problem = nil
        do {
            let handoff = try await session.handoff(dossierCode: dossierCode)
            var receipt: ReceiptSheet? = nil
            var note: String? = nil
            // Before the desk accepts the dossier (no appointment yet) there is no receipt:
            // the core says when it comes; the instructions say how to look it up meanwhile.
            if handoff.appointmentDate == nil {
                note = texts.receiptAfterIntake
            } else if let receipts = session.services.receipts {
                do {
                    let slip = try await receipts.receipt(dossierCode: dossierCode)
                    let procedure = try? await session.services.catalog.procedure(code: slip.details.procedureCode)
                    receipt = ReceiptSheet(slip: slip, lines: receiptLines(
                        slip.details, procedureName: procedure.map { lang == .vi ? $0.nameVi : $0.nameEn }, lang: lang))
                } catch {
                    // Accepted but not synced yet, say: the core's message says so.
                    note = Problem.from(error, texts: texts).message
                }
            } else {
                note = texts.notYetAvailable
            }
            let format = Format(lang: lang)
            self.handoff = HandoffSheet(handoff: handoff, appointment: handoff.appointmentDate.map(format.date),
                                        receipt: receipt, receiptNote: note)
        } catch {
            problem = Problem.from(error, texts: texts)
        }
    }

    public func closeHandoff() {
        handoff = nil
    }

    /// Ends the session and erases the citizen's data. Submissions still waiting make the
    /// core refuse: the volunteer then chooses (`keepSession` or `end(force: true)`). If
    /// erasing fails, the session stays open and says why, so that the volunteer tries
    /// again rather than walking away.
    public func end(force: Bool = false) async {
        guard let assist, let session else { return }
        switch stage {
        case .active, .confirmForcedEnd: break
        default: return
        }
        problem = nil
        stage = .ending
        do {
            let outcome = try await assist.end(session, force: force)
            self.session = nil
            workspace = nil
            citizen = nil
            handoff = nil
            stage = .ended(message: texts.assistErased, outcome: outcome.lines)
            await loadSummary()
        } catch {
            let problem = Problem.from(error, texts: texts)
            if case .submissionsPending? = problem.reason, !force {
                stage = .confirmForcedEnd(message: problem.message)
            } else {
                stage = .active
                self.problem = problem
            }
        }
    }

    /// Keep the session open to try sending again (when the network is back).
    public func keepSession() {
        if case .confirmForcedEnd = stage { stage = .active }
    }

    /// Back to the consent step, for the next person.
    public func next() {
        if case .ended = stage { stage = .consent }
    }

    /// The summary as CSV for the team's report (counts only); nil when it failed (then
    /// `problem` says why).
    public func summaryCSV() async -> String? {
        guard let assist else { return nil }
        do {
            return try await assist.summaryCSV()
        } catch {
            problem = Problem.from(error, texts: texts)
            return nil
        }
    }

    private func loadSummary() async {
        guard let assist else { return }
        do {
            let summary = try await assist.summary()
            helped = texts.helpedCount(summary.reduce(0) { $0 + $1.peopleHelped })
            let format = Format(lang: lang)
            days = summary.map { day in
                // The core's lines after the procedure's code (layout only: the words are the core's).
                var details = day.procedures.map { ([$0.procedureCode] + $0.lines).joined(separator: " · ") }
                if let interrupted = day.interruptedLabel { details.append(interrupted) }
                return AssistDayLine(day: format.date(day.day), helped: day.peopleHelpedLabel, details: details)
            }
        } catch {
            // The summary is secondary to the session: a failure leaves the last one shown.
        }
    }
}
