import Foundation

/// A local notification to post, as the core words it.
public struct Notice: Equatable, Sendable {
    /// Also the notification's identifier: one per dossier, so that a newer notice replaces
    /// the older one of the same dossier.
    public let id: String
    public let title: String
    public let body: String

    public init(id: String, title: String, body: String) {
        self.id = id
        self.title = title
        self.body = body
    }
}

/// What the background refresh does (the app runs it from BGTaskScheduler's app-refresh
/// task): sends what waits in the outbox, syncs the statuses, and posts what the core says
/// is worth telling (the same policy and words as Android's). Every failure is quiet: the
/// next run tries again, and nothing is lost (the outbox and the sync cursor are the core's).
public struct BackgroundRefreshJob: Sendable {
    private let dossiers: DossierPort
    private let tracking: TrackingPort

    public init(dossiers: DossierPort, tracking: TrackingPort, lang: Lang) {
        self.dossiers = dossiers
        self.tracking = tracking
    }

    /// The notifications for what happened during this run.
    public func run() async -> [Notice] {
        var delivered: [String] = []
        if let sent = try? await dossiers.runOutbox(force: false) {
            for result in sent {
                if case .delivered(let code) = result.delivery {
                    delivered.append(code)
                }
            }
        }
        return (try? await tracking.syncNotices(delivered: delivered)) ?? []
    }
}
