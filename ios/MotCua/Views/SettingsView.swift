import SwiftUI
import MotCuaModels

/// Settings: language (Vietnamese or English), text size, the app lock; and the two modes
/// for helpers: the volunteer's assisted session and the desk's receipt check.
@MainActor
struct SettingsView: View {
    @Environment(AppEnvironment.self) private var env
    @Environment(\.tr) private var tr
    let settings: SettingsModel
    let logout: () -> Void

    /// The core's warning that erasing now loses what is not sent yet; nil when not asking.
    private var eraseWarning: String? {
        if case .confirmErase(_, let warning) = env.session.state { return warning }
        return nil
    }

    var body: some View {
        Form {
            Section(tr("settings.language")) {
                Picker(tr("settings.language"), selection: Binding(get: { settings.settings.lang }, set: { settings.setLanguage($0) })) {
                    Text("Tiếng Việt").tag(Lang.vi)
                    Text("English").tag(Lang.en)
                }
                .pickerStyle(.inline)
                .labelsHidden()
            }
            Section {
                Picker(tr("settings.textSize"), selection: Binding(get: { settings.settings.textSize }, set: { settings.setTextSize($0) })) {
                    Text(tr("settings.textStandard")).tag(TextSize.standard)
                    Text(tr("settings.textLarge")).tag(TextSize.large)
                    Text(tr("settings.textLarger")).tag(TextSize.larger)
                    Text(tr("settings.textLargest")).tag(TextSize.largest)
                }
                .pickerStyle(.inline)
                .labelsHidden()
                Text(tr("settings.textSample")).font(.body)
            } header: {
                Text(tr("settings.textSize"))
            }
            Section {
                Toggle(isOn: Binding(get: { settings.settings.appLock }, set: { on in
                    Task { await settings.setAppLock(on, reason: tr("lock.reason")) }
                })) {
                    Text(tr("settings.appLock"))
                }
                .frame(minHeight: 44)
                if let message = settings.message {
                    Text(message).font(.subheadline).foregroundStyle(.red)
                }
            } footer: {
                Text(tr("settings.appLockExplain"))
            }
            Section(tr("settings.helpers")) {
                NavigationLink(value: Route.assist) { Text(tr("assist.title")) }
                NavigationLink(value: Route.desk) { Text(tr("desk.title")) }
            }
            if env.session.citizen != nil {
                Section {
                    Button(tr("settings.logout"), role: .destructive, action: logout)
                        .frame(minHeight: 44)
                    // For a phone shared in a family: nothing of this citizen stays behind.
                    Button(tr("settings.logoutErase"), role: .destructive) {
                        Task { await env.session.logoutAndErase() }
                    }
                    .frame(minHeight: 44)
                } footer: {
                    Text(tr("settings.logoutEraseExplain"))
                }
            }
        }
        .navigationTitle(tr("settings.title"))
        .alert(tr("settings.logoutErase"), isPresented: Binding(get: { eraseWarning != nil }, set: { shown in
            if !shown { env.session.keepData() }
        })) {
            // The safe choice is the default one.
            Button(tr("settings.keepData"), role: .cancel) { env.session.keepData() }
            Button(tr("settings.eraseAnyway"), role: .destructive) {
                Task { await env.session.logoutAndErase(confirmed: true) }
            }
        } message: {
            Text(eraseWarning ?? "")
        }
    }
}
