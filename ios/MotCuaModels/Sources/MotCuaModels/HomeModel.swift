import Foundation
import Observation

/// A dossier line on the home screen.
public struct DossierItem: Equatable, Sendable, Identifiable {
    public let code: String
    public let procedureName: String
    /// "Đã tiếp nhận", from the core.
    public let status: String
    /// "Hẹn trả kết quả: Thứ Ba, 03/03/2026", when the desk gave one.
    public let appointment: String?
    public let overdue: Bool

    public var id: String { code }
}

/// A draft line on the home screen.
public struct DraftItem: Equatable, Sendable, Identifiable {
    public let id: String
    public let procedureName: String
    /// Frozen in the outbox, sent by itself when there is a connection.
    public let waitingToSend: Bool
}

/// Home: my dossiers, then my drafts. What is on the phone shows at once (offline too),
/// then a sync brings the portal's changes and sends what waits in the outbox.
@MainActor
@Observable
public final class HomeModel {
    public private(set) var loading = true
    public private(set) var dossiers: [DossierItem] = []
    public private(set) var drafts: [DraftItem] = []
    /// Offline or a sync problem: what is shown and what will happen.
    public private(set) var banner: String? = nil
    /// The session ended: the app goes back to the login screen with this. Cleared by the
    /// next refresh that is not refused for it (after logging in again).
    public private(set) var loggedOut: Problem? = nil

    private let dossierPort: DossierPort
    private let tracking: TrackingPort
    private let catalog: CatalogPort
    private let lang: Lang
    private let texts: Texts

    public init(dossiers: DossierPort, tracking: TrackingPort, catalog: CatalogPort, lang: Lang) {
        self.dossierPort = dossiers
        self.tracking = tracking
        self.catalog = catalog
        self.lang = lang
        self.texts = Texts(lang: lang)
    }

    /// Pull to refresh, and on every return to the screen.
    public func refresh() async {
        await load(banner: nil)
        var next: String?
        do {
            _ = try await dossierPort.runOutbox(force: true)
            _ = try await tracking.sync()
        } catch {
            let problem = Problem.from(error, texts: texts)
            if problem.loggedOut {
                loggedOut = problem
                return
            }
            if problem.offline {
                let waiting = (try? await dossierPort.pendingSubmissions()) ?? 0
                next = waiting > 0 ? "\(texts.offlineStatus) \(texts.offlineDraftQueued)" : texts.offlineStatus
            } else {
                next = problem.message
            }
        }
        loggedOut = nil
        await load(banner: next)
    }

    private func load(banner: String?) async {
        do {
            var names: [String: String] = [:]
            var mine: [DossierItem] = []
            for line in try await tracking.dossiers() {
                let record = try await tracking.dossier(code: line.code)
                let procedureName = await name(of: line.procedureCode, cache: &names)
                mine.append(DossierItem(
                    code: line.code,
                    procedureName: procedureName,
                    status: record?.label ?? line.label,
                    appointment: record?.appointmentDate.map { appointment($0) },
                    overdue: record?.overdue ?? false
                ))
            }
            var waiting: [DraftItem] = []
            for draft in try await dossierPort.drafts() where draft.phase != .submitted {
                let procedureName: String
                if let answered = draft.answersDossier {
                    procedureName = texts.supplementFor(answered)
                } else {
                    procedureName = await name(of: draft.procedureCode, cache: &names)
                }
                waiting.append(DraftItem(
                    id: draft.id,
                    procedureName: procedureName,
                    waitingToSend: draft.phase == .submitting
                ))
            }
            dossiers = mine
            drafts = waiting
            self.banner = banner
        } catch {
            dossiers = []
            drafts = []
            self.banner = Problem.from(error, texts: texts).message
        }
        loading = false
    }

    /// The procedure's name from the saved catalog; its code when unknown.
    private func name(of code: String, cache: inout [String: String]) async -> String {
        if let known = cache[code] { return known }
        let procedure = try? await catalog.procedure(code: code)
        let found = procedure.map { lang == .vi ? $0.nameVi : $0.nameEn } ?? code
        cache[code] = found
        return found
    }

    private func appointment(_ date: String) -> String {
        texts.resultDue(Format(lang: lang).date(date))
    }
}
