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
                }
            }
        }
        .navigationTitle(tr("settings.title"))
    }
}
