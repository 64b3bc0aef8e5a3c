import SwiftUI
import MotCuaModels

/// The front door: the province's name and logo, one button to log in with the electronic
/// identity (VNeID) in the system browser.
@MainActor
struct LoginView: View {
    @Environment(\.tr) private var tr
    @Environment(\.theme) private var theme
    let session: SessionModel
    let branding: Branding
    /// An assisted citizen's login: an ephemeral browser session, so that none of the
    /// volunteer's cookies at the identity provider are used and none of the citizen's stay.
    var privateSession = false
    @State private var webLogin = WebLogin()

    var body: some View {
        ScrollView {
            VStack(spacing: 24) {
                ProvinceLogo(name: branding.logo)
                    .frame(width: 96, height: 96)
                    .foregroundStyle(theme.primary)
                    .accessibilityHidden(true)
                VStack(spacing: 8) {
                    Text(branding.appName)
                        .font(.largeTitle.bold())
                        .accessibilityAddTraits(.isHeader)
                    Text(branding.provinceName)
                        .font(.title3)
                        .foregroundStyle(.secondary)
                }
                .multilineTextAlignment(.center)
                Text(tr("login.explain"))
                    .font(.body)
                    .multilineTextAlignment(.center)
                    .fixedSize(horizontal: false, vertical: true)
                if case .loggedOut(let problem?) = session.state {
                    Banner(text: problem.message, kind: problem.offline ? .info : .problem)
                }
                Button {
                    Task { await login() }
                } label: {
                    if busy {
                        ProgressView().tint(theme.onPrimary)
                            .accessibilityLabel(tr("login.busy"))
                    } else {
                        Text(tr("login.button"))
                    }
                }
                .buttonStyle(PrimaryButtonStyle())
                .disabled(busy)
                .accessibilityHint(tr("login.hint"))
            }
            .padding(24)
            .frame(maxWidth: 560)
            .frame(maxWidth: .infinity)
        }
    }

    private var busy: Bool {
        switch session.state {
        case .checking, .starting, .openBrowser, .completing, .erasing: return true
        case .loggedOut, .loggedIn, .confirmErase: return false
        }
    }

    private func login() async {
        await session.beginLogin()
        guard case .openBrowser(let start) = session.state, let scheme = start.callbackScheme else { return }
        switch await webLogin.start(url: start.url, scheme: scheme, privateSession: privateSession) {
        case .callback(let url):
            await session.completeLogin(callbackURL: url.absoluteString)
            // Notifications are the phone owner's; an assisted citizen's session ends here.
            if session.citizen != nil && !privateSession {
                await Notifier.requestPermission()
            }
        case .closed, .failed:
            session.browserClosed()
        }
    }
}
