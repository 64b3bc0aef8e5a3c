import Foundation
import MotCuaBindings
import MotCuaModels

/*
 * The assist port over the bindings' `Assist` and `AssistedSession`: conversions only.
 * The bindings and the models both name records `Handoff`, `SessionOutcome` and
 * `AssistDay`; here they are qualified with their module.
 */

final class CoreAssist: AssistPort {
    private let core: Assist
    /// "vi" or "en": the consent statement's language.
    private let language: String
    /// The receipts of a session's profile (nil while the bindings do not export them).
    private let receipts: @Sendable (MotCua) -> ReceiptPort?

    init(_ core: Assist, language: String, receipts: @escaping @Sendable (MotCua) -> ReceiptPort?) {
        self.core = core
        self.language = language
        self.receipts = receipts
    }

    func consentStatement() async throws -> ConsentStatement {
        ConsentStatement(text: MotCuaBindings.consentStatement(language: language),
                         version: MotCuaBindings.consentStatementVersion())
    }

    func begin(consentVersion: String) async throws -> AssistedSessionPort {
        let session = try mapped { try core.beginAssistedSession(consentVersion: consentVersion) }
        let citizenCore = try mapped { try session.core() }
        return CoreAssistedSession(session, services: profileServices(of: citizenCore, receipts: receipts(citizenCore)))
    }

    func end(_ session: AssistedSessionPort, force: Bool) async throws -> MotCuaModels.SessionOutcome {
        guard let session = session as? CoreAssistedSession else {
            throw Problem(kind: .unexpected, code: "no_assisted_session", message: "")
        }
        let outcome = try await mappedAsync { try await core.endAssistedSession(session: session.core, force: force) }
        return MotCuaModels.SessionOutcome(helped: outcome.helped, submitted: outcome.submitted, notSent: outcome.notSent,
                                           abandonedDrafts: outcome.abandonedDrafts, lines: outcome.lines)
    }

    func summary() async throws -> [MotCuaModels.AssistDay] {
        try mapped { try core.assistSummary() }.map { day in
            MotCuaModels.AssistDay(
                day: day.day,
                peopleHelped: Int(day.peopleHelped),
                interruptedSessions: Int(day.interruptedSessions),
                procedures: day.procedures.map {
                    ProcedureTally(procedureCode: $0.procedureCode, submitted: Int($0.submitted), notSent: Int($0.notSent),
                                   abandonedDrafts: Int($0.abandonedDrafts), lines: $0.lines)
                },
                peopleHelpedLabel: day.peopleHelpedLabel,
                interruptedLabel: day.interruptedLabel
            )
        }
    }

    func summaryCSV() async throws -> String {
        try mapped { try core.assistSummaryCsv() }
    }
}

/// An open session: the bindings' object and the ports of the citizen's core.
final class CoreAssistedSession: AssistedSessionPort {
    let core: AssistedSession
    let services: ProfileServices

    init(_ core: AssistedSession, services: ProfileServices) {
        self.core = core
        self.services = services
    }

    func handoff(dossierCode: String) async throws -> MotCuaModels.Handoff {
        let h = try mapped { try core.handoff(code: dossierCode) }
        return MotCuaModels.Handoff(dossierCode: h.dossierCode, procedureName: h.procedureName,
                                    appointmentDate: h.appointmentDate, instructions: h.instructions)
    }
}
