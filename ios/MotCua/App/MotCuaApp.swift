import SwiftUI
import UIKit
import MotCuaModels

@main
@MainActor
struct MotCuaApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @Environment(\.scenePhase) private var scenePhase
    private let env = AppEnvironment.shared

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(env)
                .environment(\.tr, env.tr)
                .environment(\.locale, env.tr.locale)
                .environment(\.theme, env.branding.map(Theme.init(branding:)) ?? EnvironmentValues().theme)
                .dynamicTypeSize(env.settings.settings.textSize.minimumDynamicType...)
                .tint(env.branding.map { Color($0.primaryColor) } ?? .accentColor)
        }
        .onChange(of: scenePhase) { _, phase in
            switch phase {
            case .background:
                env.lock.wentToBackground()
                Task { BackgroundWork.schedule(pendingSubmissions: await env.hasPendingSubmissions()) }
            case .active:
                Task { await env.lock.unlock(reason: env.tr("lock.reason")) }
            default:
                break
            }
        }
    }
}

final class AppDelegate: NSObject, UIApplicationDelegate {
    func application(_ application: UIApplication,
                     didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil) -> Bool {
        // BGTaskScheduler wants its handlers before launching ends.
        BackgroundWork.register()
        return true
    }
}
