import SwiftUI
import MotCuaModels

/// A volunteer's assisted session: what will happen is read out, the citizen agrees, the
/// citizen logs in with their own identity (privately: nothing stays in the browser), the
/// dossier is filed, the receipt handed over (share or print), and ending erases everything
/// of that person from the phone.
@MainActor
struct AssistView: View {
    @Environment(\.tr) private var tr
    let model: AssistModel
    let endSession: () async -> Void
    @State private var consent = false

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 20) {
                switch model.stage {
                case .notAvailable(let message):
                    Text(tr("assist.explain")).fixedSize(horizontal: false, vertical: true)
                    Banner(text: message)
                case .consent:
                    Text(tr("assist.readOut")).font(.title3).fixedSize(horizontal: false, vertical: true)
                    VStack(alignment: .leading, spacing: 8) {
                        Text("• " + tr("assist.step1"))
                        Text("• " + tr("assist.step2"))
                        Text("• " + tr("assist.step3"))
                    }
                    .accessibilityElement(children: .combine)
                    Toggle(isOn: $consent) { Text(tr("assist.consent")) }
                        .frame(minHeight: 44)
                    Button(tr("assist.begin")) {
                        Task { await model.begin(citizenConsented: consent) }
                    }
                    .buttonStyle(PrimaryButtonStyle())
                    .disabled(!consent)
                case .active:
                    Banner(text: tr("assist.active"))
                    Text(tr("assist.activeExplain")).fixedSize(horizontal: false, vertical: true)
                    Button(tr("assist.end")) {
                        Task {
                            await model.end()
                            await endSession()
                        }
                    }
                    .buttonStyle(PrimaryButtonStyle())
                case .ended(let message):
                    Label(message, systemImage: "checkmark.shield.fill")
                        .font(.title3.bold())
                        .foregroundStyle(.green)
                    Button(tr("assist.next")) {
                        consent = false
                        model.next()
                    }
                    .buttonStyle(PrimaryButtonStyle())
                }
                if let problem = model.problem {
                    Banner(text: problem.message, kind: .problem)
                }
                if let helped = model.helped {
                    Text(helped).font(.subheadline).foregroundStyle(.secondary)
                }
            }
            .padding()
        }
        .navigationTitle(tr("assist.title"))
        .task { await model.load() }
    }
}
