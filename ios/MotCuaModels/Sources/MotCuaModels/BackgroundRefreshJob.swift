import Foundation

/// A local notification to post.
public struct Notice: Equatable, Sendable {
    /// Also the notification's identifier: one per dossier and status, never repeated.
    public let id: String
    public let title: String
    public let body: String
}

/// What the background refresh does (the app runs it from BGTaskScheduler's app-refresh
/// task): sends what waits in the outbox, syncs the statuses, and says what changed. Every
/// failure is quiet: the next run tries again, and nothing is lost (the outbox and the
/// sync cursor are the core's).
public struct BackgroundRefreshJob: Sendable {
    private let dossiers: DossierPort
    private let tracking: TrackingPort
    private let texts: Texts

    public init(dossiers: DossierPort, tracking: TrackingPort, lang: Lang) {
        self.dossiers = dossiers
        self.tracking = tracking
        self.texts = Texts(lang: lang)
    }

    /// The notifications for what happened during this run.
    public func run() async -> [Notice] {
        var notices: [Notice] = []
        if let sent = try? await dossiers.runOutbox(force: false) {
            for result in sent {
                if case .delivered(let code) = result.delivery {
                    notices.append(Notice(id: "submitted-\(code)", title: texts.dossierChanged(code), body: texts.submitted(code)))
                }
            }
        }
        if let changes = try? await tracking.sync() {
            let format = Format(lang: texts.lang)
            for change in changes {
                var body = change.label
                if let date = change.appointmentDate {
                    body += texts.lang == .vi ? ". Hẹn trả kết quả: " : ". Result due: "
                    body += format.date(date)
                }
                if !change.missing.isEmpty {
                    body += texts.lang == .vi ? ". Cần bổ sung: " : ". Needed: "
                    body += change.missing.joined(separator: ", ")
                }
                notices.append(Notice(id: "status-\(change.code)-\(change.status)-\(change.at)", title: texts.dossierChanged(change.code), body: body))
            }
        }
        return notices
    }
}
