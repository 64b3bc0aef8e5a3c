import SwiftUI
import MotCuaModels

/// A volunteer's assisted session. Before: the core's consent statement is read out and
/// the citizen agrees. During: the citizen's own profile fills the screen (`AssistedWorkspace`),
/// marked as a session, where they log in privately and file with the normal screens.
/// After: what was erased and what is kept (counts only), and the team's summary by day
/// with a CSV to share.
@MainActor
struct AssistView: View {
    @Environment(\.tr) private var tr
    @Environment(AppEnvironment.self) private var env
    let model: AssistModel
    @State private var consent = false
    @State private var csvFile: URL? = nil

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 20) {
                switch model.stage {
                case .notAvailable(let message):
                    Text(tr("assist.explain")).fixedSize(horizontal: false, vertical: true)
                    Banner(text: message)
                case .consent, .starting:
                    Text(tr("assist.explain")).fixedSize(horizontal: false, vertical: true)
                    Text(tr("assist.readOut")).font(.title3.bold()).fixedSize(horizontal: false, vertical: true)
                    if let statement = model.statement {
                        // The core's text, in the app's language: what the citizen agrees to.
                        Text(statement.text)
                            .font(.title3)
                            .padding()
                            .frame(maxWidth: .infinity, alignment: .leading)
                            .background(RoundedRectangle(cornerRadius: 12).fill(Color.secondary.opacity(0.12)))
                            .fixedSize(horizontal: false, vertical: true)
                        Toggle(isOn: $consent) { Text(tr("assist.consent")) }
                            .frame(minHeight: 44)
                        Button {
                            Task { await model.begin(citizenConsented: consent) }
                        } label: {
                            if model.stage == .starting {
                                ProgressView().accessibilityLabel(tr("assist.starting"))
                            } else {
                                Text(tr("assist.begin"))
                            }
                        }
                        .buttonStyle(PrimaryButtonStyle())
                        .disabled(!consent || model.stage == .starting)
                    } else if model.problem == nil {
                        LoadingView()
                    }
                case .active, .confirmForcedEnd, .ending:
                    // The workspace covers the screen; this shows only while it opens or closes.
                    Banner(text: tr("assist.active"))
                case .ended(let message, let outcome):
                    Label(message, systemImage: "checkmark.shield.fill")
                        .font(.title3.bold())
                        .foregroundStyle(.green)
                        .fixedSize(horizontal: false, vertical: true)
                    ForEach(outcome, id: \.self) { Text("• " + $0) }
                    Button(tr("assist.next")) {
                        consent = false
                        model.next()
                    }
                    .buttonStyle(PrimaryButtonStyle())
                }
                if let problem = model.problem {
                    Banner(text: problem.message, kind: .problem)
                }
                summary
            }
            .padding()
        }
        .navigationTitle(tr("assist.title"))
        .task { await model.load() }
        .fullScreenCover(isPresented: Binding(get: { model.workspace != nil }, set: { _ in })) {
            if let services = model.workspace, let citizen = model.citizen, let branding = env.branding {
                AssistedWorkspace(model: model, screens: ScreenFactory(services: services, lang: env.lang),
                                  citizen: citizen, branding: branding)
                    .environment(\.tr, env.tr)
            }
        }
    }

    /// The community digital team's report: counts by day, no personal data.
    @ViewBuilder
    private var summary: some View {
        if available {
            Divider()
            Text(tr("assist.summary")).font(.title3.bold()).accessibilityAddTraits(.isHeader)
            if let helped = model.helped {
                Text(helped).font(.headline)
            }
            if model.days.isEmpty {
                Text(tr("assist.noSummary")).foregroundStyle(.secondary)
            }
            ForEach(model.days) { day in
                VStack(alignment: .leading, spacing: 4) {
                    Text(day.day).font(.headline)
                    Text(day.helped)
                    ForEach(day.details, id: \.self) { Text($0).font(.subheadline).foregroundStyle(.secondary) }
                }
                .accessibilityElement(children: .combine)
            }
            if !model.days.isEmpty {
                if let csvFile {
                    ShareLink(item: csvFile) {
                        Label(tr("assist.shareCSV"), systemImage: "square.and.arrow.up")
                    }
                    .buttonStyle(SecondaryButtonStyle())
                } else {
                    Button(tr("assist.exportCSV")) {
                        Task { await exportCSV() }
                    }
                    .buttonStyle(SecondaryButtonStyle())
                }
            }
        }
    }

    private var available: Bool {
        if case .notAvailable = model.stage { return false }
        return true
    }

    /// The CSV as a file in the app's temporary directory (counts only), to share.
    private func exportCSV() async {
        guard let csv = await model.summaryCSV() else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-assist-summary.csv")
        do {
            try Data(csv.utf8).write(to: file, options: .atomic)
            csvFile = file
        } catch {
            csvFile = nil
        }
    }
}

/// The citizen's own profile during an assisted session: their login (in an ephemeral
/// browser session), their dossiers, search and forms, always marked as a session, with
/// "end" (erase) at hand. A dossier filed here opens the hand-off.
@MainActor
struct AssistedWorkspace: View {
    @Environment(\.tr) private var tr
    let model: AssistModel
    let screens: ScreenFactory
    let citizen: SessionModel
    let branding: Branding
    @State private var path: [Route] = []
    @State private var home: HomeModel? = nil

    var body: some View {
        NavigationStack(path: $path) {
            content
                .navigationTitle(tr("assist.title"))
                .navigationBarTitleDisplayMode(.inline)
                .toolbar {
                    ToolbarItem(placement: .topBarTrailing) {
                        Button(tr("assist.end")) { Task { await model.end() } }
                            .disabled(model.stage == .ending)
                    }
                    if let home, !home.dossiers.isEmpty {
                        ToolbarItem(placement: .topBarLeading) {
                            Menu(tr("assist.handoffMenu")) {
                                ForEach(home.dossiers) { item in
                                    Button(item.code) { Task { await model.showHandoff(dossierCode: item.code) } }
                                }
                            }
                        }
                    }
                }
                .navigationDestination(for: Route.self) { route in
                    RouteScreen(route: route, screens: screens, path: $path) { code in
                        path.removeAll()
                        Task { await model.showHandoff(dossierCode: code) }
                    }
                }
        }
        .safeAreaInset(edge: .top, spacing: 0) {
            // Never mistaken for the volunteer's own app.
            Label(tr("assist.workspaceBanner"), systemImage: "person.2.fill")
                .font(.subheadline.bold())
                .foregroundStyle(.white)
                .padding(10)
                .frame(maxWidth: .infinity, alignment: .leading)
                .background(Color.orange)
                .fixedSize(horizontal: false, vertical: true)
        }
        .overlay {
            if model.stage == .ending {
                ProgressView { Text(tr("assist.ending")) }
                    .padding(24)
                    .background(RoundedRectangle(cornerRadius: 16).fill(.regularMaterial))
            }
        }
        .sheet(isPresented: Binding(get: { model.handoff != nil }, set: { if !$0 { model.closeHandoff() } })) {
            if let sheet = model.handoff {
                HandoffView(sheet: sheet) { model.closeHandoff() }
                    .environment(\.tr, tr)
            }
        }
        .alert(tr("assist.pendingTitle"), isPresented: .constant(isConfirming)) {
            Button(tr("assist.keepTrying"), role: .cancel) { model.keepSession() }
            Button(tr("assist.endAnyway"), role: .destructive) { Task { await model.end(force: true) } }
        } message: {
            if case .confirmForcedEnd(let message) = model.stage { Text(message) }
        }
        .interactiveDismissDisabled()
    }

    @ViewBuilder
    private var content: some View {
        VStack(spacing: 0) {
            if let problem = model.problem {
                Banner(text: problem.message, kind: .problem).padding(.horizontal)
            }
            if citizen.citizen != nil, let home {
                HomeView(model: home, fileNew: { path.append(.search) }, sessionEnded: { citizen.sessionEnded($0) })
            } else {
                VStack(spacing: 0) {
                    Text(tr("assist.citizenLogin"))
                        .font(.headline)
                        .multilineTextAlignment(.center)
                        .fixedSize(horizontal: false, vertical: true)
                        .padding([.horizontal, .top])
                    LoginView(session: citizen, branding: branding, privateSession: true)
                }
            }
        }
        .task(id: citizen.citizen != nil) {
            // The citizen's home is made once they are logged in (their own dossiers).
            if citizen.citizen != nil && home == nil { home = screens.home() }
        }
    }

    private var isConfirming: Bool {
        if case .confirmForcedEnd = model.stage { return true }
        return false
    }
}

/// What the citizen takes away: the code in large type, the appointment, how to look the
/// dossier up, the receipt's QR code once issued; shared as text without personal data.
@MainActor
struct HandoffView: View {
    @Environment(\.tr) private var tr
    let sheet: HandoffSheet
    let done: () -> Void

    var body: some View {
        NavigationStack {
            ScrollView {
                VStack(alignment: .leading, spacing: 16) {
                    LabeledLine(label: tr("handoff.code"), value: sheet.handoff.dossierCode)
                        .font(.title2.monospaced())
                    if let name = sheet.handoff.procedureName {
                        LabeledLine(label: tr("handoff.procedure"), value: name)
                    }
                    if let appointment = sheet.appointment {
                        LabeledLine(label: tr("handoff.appointment"), value: appointment)
                    }
                    Text(sheet.handoff.instructions).fixedSize(horizontal: false, vertical: true)
                    if let receipt = sheet.receipt {
                        ReceiptSlipView(sheet: receipt)
                            .padding()
                            .background(Color.white)
                            .environment(\.colorScheme, .light)
                    } else if let note = sheet.receiptNote {
                        Banner(text: note)
                    }
                    ShareLink(item: sheet.shareText) {
                        Label(tr("handoff.share"), systemImage: "square.and.arrow.up")
                    }
                    .buttonStyle(PrimaryButtonStyle())
                    if Printing.isAvailable {
                        Button {
                            Printing.print(text: sheet.shareText, jobName: sheet.handoff.dossierCode)
                        } label: {
                            Label(tr("receipt.print"), systemImage: "printer")
                        }
                        .buttonStyle(SecondaryButtonStyle())
                    }
                }
                .padding()
            }
            .navigationTitle(tr("handoff.title"))
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .confirmationAction) { Button(tr("handoff.done"), action: done) }
            }
        }
        .fullBrightness()
    }
}
