import BackgroundTasks
import Foundation
import MotCuaModels

/// Work done while the app is not on screen, with BGTaskScheduler:
/// - `refresh` (app refresh): syncs the statuses and posts a notification for each change;
/// - `deliver` (processing, only with a network): sends the dossiers and withdrawals that
///   wait in the core's outbox, so that a dossier filed without a connection leaves as soon
///   as there is one, even if the app is not opened again.
/// Both identifiers are in Info.plist's BGTaskSchedulerPermittedIdentifiers.
enum BackgroundWork {
    static let refreshID = "vn.motcua.app.refresh"
    static let deliverID = "vn.motcua.app.deliver"

    /// Registers the handlers; must run before the app finishes launching.
    static func register() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: refreshID, using: nil) { task in
            run(task) { env in
                guard let job = env.refreshJob() else { return false }
                await Notifier.post(await job.run())
                return true
            }
        }
        BGTaskScheduler.shared.register(forTaskWithIdentifier: deliverID, using: nil) { task in
            run(task) { env in
                guard let job = env.refreshJob() else { return false }
                // The delivery job is the same run: outbox first, then the statuses.
                await Notifier.post(await job.run())
                return true
            }
        }
    }

    /// Asks for the next runs; called whenever the app goes to the background.
    static func schedule(pendingSubmissions: Bool) {
        let refresh = BGAppRefreshTaskRequest(identifier: refreshID)
        refresh.earliestBeginDate = Date(timeIntervalSinceNow: 30 * 60)
        try? BGTaskScheduler.shared.submit(refresh)
        if pendingSubmissions {
            let deliver = BGProcessingTaskRequest(identifier: deliverID)
            deliver.requiresNetworkConnectivity = true
            deliver.requiresExternalPower = false
            try? BGTaskScheduler.shared.submit(deliver)
        }
    }

    private static func run(_ task: BGTask, work: @escaping @MainActor (AppEnvironment) async -> Bool) {
        let completion = Completion(task)
        let job = Task { @MainActor in
            let env = AppEnvironment.shared
            await env.openIfNeeded()
            let done = await work(env)
            schedule(pendingSubmissions: await env.hasPendingSubmissions())
            completion.finish(success: done)
        }
        // Out of time: the system needs the answer now. A cancelled Swift task does not stop
        // the Rust call under way, which is safe to abandon: the core's outbox and sync
        // cursor keep what was done, and the next run goes on from there.
        task.expirationHandler = {
            job.cancel()
            completion.finish(success: false)
        }
    }
}

/// Tells the system once that a background task is over, whichever comes first: the work
/// or the expiry.
private final class Completion: @unchecked Sendable {
    private let lock = NSLock()
    private var task: BGTask?

    init(_ task: BGTask) {
        self.task = task
    }

    func finish(success: Bool) {
        lock.lock()
        let pending = task
        task = nil
        lock.unlock()
        pending?.setTaskCompleted(success: success)
    }
}
