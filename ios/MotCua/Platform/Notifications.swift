import Foundation
import MotCuaModels
import UserNotifications

/// Local notifications for status changes found by the background refresh.
enum Notifier {
    /// Asked once the citizen has filed something, when a notification makes sense to them.
    static func requestPermission() async {
        _ = try? await UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound, .badge])
    }

    /// Posts each notice now. The notice's id is the request's identifier, so the same
    /// change is never shown twice.
    static func post(_ notices: [Notice]) async {
        let center = UNUserNotificationCenter.current()
        for notice in notices {
            let content = UNMutableNotificationContent()
            content.title = notice.title
            content.body = notice.body
            content.sound = .default
            let request = UNNotificationRequest(identifier: notice.id, content: content, trigger: nil)
            try? await center.add(request)
        }
    }
}
