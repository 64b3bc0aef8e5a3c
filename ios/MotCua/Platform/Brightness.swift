import SwiftUI
import UIKit

/// Full brightness while the receipt is on screen, so the desk's scanner reads the QR code
/// on a dim, cheap phone; the person's brightness comes back when the screen goes away or
/// the app leaves the foreground.
@MainActor
struct FullBrightness: ViewModifier {
    @Environment(\.scenePhase) private var phase
    @State private var saved: CGFloat?

    func body(content: Content) -> some View {
        content
            .onAppear { raise() }
            .onDisappear { restore() }
            .onChange(of: phase) { _, now in
                if now == .active { raise() } else { restore() }
            }
    }

    private var screen: UIScreen? {
        UIApplication.shared.connectedScenes
            .compactMap { $0 as? UIWindowScene }
            .first { $0.activationState == .foregroundActive }?
            .screen
    }

    private func raise() {
        guard let screen, saved == nil else { return }
        saved = screen.brightness
        screen.brightness = 1.0
    }

    private func restore() {
        guard let saved else { return }
        screen?.brightness = saved
        self.saved = nil
    }
}

extension View {
    func fullBrightness() -> some View {
        modifier(FullBrightness())
    }
}
