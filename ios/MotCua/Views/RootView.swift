import SwiftUI
import MotCuaModels

/// The app lock, then the login, then the three tabs: my dossiers, find a procedure,
/// settings (with the helpers' modes).
@MainActor
struct RootView: View {
    @Environment(AppEnvironment.self) private var env
    @Environment(\.tr) private var tr

    var body: some View {
        ZStack {
            content
                .id(env.generation)
            if env.lock.locked {
                LockScreen()
            }
        }
        .task { await env.openIfNeeded() }
        .onChange(of: env.settings.settings.lang) { _, _ in
            Task { await env.languageChanged() }
        }
    }

    @ViewBuilder
    private var content: some View {
        if let branding = env.branding {
            switch env.phase {
            case .opening:
                LoadingView()
            case .failed(let problem):
                ProblemView(problem: problem) { await env.openIfNeeded() }
            case .ready:
                switch env.session.state {
                case .loggedIn, .confirmErase:
                    MainTabs()
                case .checking, .erasing:
                    LoadingView()
                default:
                    LoginView(session: env.session, branding: branding)
                }
            }
        } else {
            // A province build with a broken Branding.json: a build mistake, named plainly.
            Banner(text: env.brandingError ?? "", kind: .problem).padding()
        }
    }
}

/// Covers the app until the owner is confirmed.
@MainActor
private struct LockScreen: View {
    @Environment(AppEnvironment.self) private var env
    @Environment(\.tr) private var tr

    var body: some View {
        VStack(spacing: 24) {
            Image(systemName: "lock.fill")
                .font(.system(size: 56))
                .accessibilityHidden(true)
            Text(tr("lock.title")).font(.title2.bold())
            Button(tr("lock.unlock")) {
                Task { await env.lock.unlock(reason: tr("lock.reason")) }
            }
            .buttonStyle(PrimaryButtonStyle())
        }
        .padding(32)
        .frame(maxWidth: .infinity, maxHeight: .infinity)
        .background(.background)
    }
}

@MainActor
private struct MainTabs: View {
    @Environment(AppEnvironment.self) private var env
    @Environment(\.tr) private var tr
    @State private var tab = 0
    @State private var homePath: [Route] = []
    @State private var searchPath: [Route] = []
    @State private var settingsPath: [Route] = []

    var body: some View {
        TabView(selection: $tab) {
            NavigationStack(path: $homePath) {
                if let home = env.home {
                    HomeView(model: home, fileNew: { tab = 1 }, sessionEnded: { env.session.sessionEnded($0) })
                        .navigationDestination(for: Route.self) { destination($0, path: $homePath) }
                }
            }
            .tabItem { Label(tr("tab.home"), systemImage: "folder") }
            .tag(0)
            NavigationStack(path: $searchPath) {
                if let search = env.search {
                    SearchView(model: search)
                        .navigationDestination(for: Route.self) { destination($0, path: $searchPath) }
                }
            }
            .tabItem { Label(tr("tab.search"), systemImage: "magnifyingglass") }
            .tag(1)
            NavigationStack(path: $settingsPath) {
                SettingsView(settings: env.settings, logout: { Task { await env.session.logout() } })
                    .navigationDestination(for: Route.self) { destination($0, path: $settingsPath) }
            }
            .tabItem { Label(tr("tab.settings"), systemImage: "gearshape") }
            .tag(2)
        }
    }

    @ViewBuilder
    private func destination(_ route: Route, path: Binding<[Route]>) -> some View {
        switch route {
        case .assist:
            AssistView(model: env.assist)
        case .desk:
            if let screens = env.screens {
                Hosted(screens.desk()) { DeskScanView(model: $0) }
            }
        default:
            if let screens = env.screens {
                RouteScreen(route: route, screens: screens, path: path)
            }
        }
    }
}

/// The screen of a route over one profile's models: the volunteer's, or an assisted
/// citizen's inside the session. `filed` is told the code of a dossier just filed (the
/// normal app opens its detail; an assisted session shows the hand-off).
@MainActor
struct RouteScreen: View {
    let route: Route
    let screens: ScreenFactory
    @Binding var path: [Route]
    var filed: ((String) -> Void)? = nil

    var body: some View {
        switch route {
        case .search:
            Hosted(screens.search()) { SearchView(model: $0) }
        case .procedure(let code):
            Hosted(screens.procedure(code)) { ProcedureView(model: $0) { path.append(.newDraft(procedureCode: $0)) } }
        case .newDraft(let code):
            Hosted(screens.draftForm(.newDraft(procedureCode: code))) { DraftFormView(model: $0, openDossier: submitted) }
        case .draft(let id):
            Hosted(screens.draftForm(.existing(draftID: id))) { DraftFormView(model: $0, openDossier: submitted) }
        case .supplement(let code):
            Hosted(screens.draftForm(.supplementAnswer(dossierCode: code))) { DraftFormView(model: $0, openDossier: submitted) }
        case .dossier(let code):
            Hosted(screens.dossier(code)) { DossierDetailView(model: $0) { path.append($0) } }
        case .receipt(let code):
            Hosted(screens.receipt(code)) { ReceiptScreen(model: $0) }
        case .payment(let code):
            Hosted(screens.payment(code)) { PaymentScreen(model: $0) { path.append($0) } }
        case .feeReceipt(let code):
            Hosted(screens.feeReceipt(code)) { FeeReceiptScreen(model: $0) }
        case .desk:
            Hosted(screens.desk()) { DeskScanView(model: $0) }
        case .assist:
            // The helpers' modes belong to the phone owner's settings, never to a session.
            EmptyView()
        }
    }

    private func submitted(_ code: String) {
        if let filed {
            filed(code)
        } else {
            path.append(.dossier(code))
        }
    }
}

/// Keeps a screen's model for as long as the screen is in the navigation stack: SwiftUI
/// rebuilds views often, `@State` keeps the first model made (the documented way to own an
/// `@Observable` object).
@MainActor
struct Hosted<Model: AnyObject, Content: View>: View {
    @State private var model: Model
    private let content: (Model) -> Content

    init(_ model: Model, @ViewBuilder content: @escaping (Model) -> Content) {
        _model = State(wrappedValue: model)
        self.content = content
    }

    var body: some View {
        content(model)
    }
}
