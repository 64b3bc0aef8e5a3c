import SwiftUI
import MotCuaModels

/// A procedure: what it costs (and the online discount), how long it takes, whether the
/// citizen must still go to the desk, which papers are needed. One primary action: file.
@MainActor
struct ProcedureView: View {
    @Environment(\.tr) private var tr
    let model: ProcedureModel
    let file: (String) -> Void

    var body: some View {
        Group {
            switch model.state {
            case .loading:
                LoadingView()
            case .notFound:
                Banner(text: tr("procedure.notFound"), kind: .problem).padding()
            case .failed(let problem):
                ProblemView(problem: problem) { await model.load() }
            case .loaded(let detail):
                content(detail)
            }
        }
        .navigationTitle(tr("procedure.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
    }

    private func content(_ d: ProcedureDetail) -> some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 20) {
                Text(d.name)
                    .font(.title2.bold())
                    .fixedSize(horizontal: false, vertical: true)
                    .accessibilityAddTraits(.isHeader)
                Label {
                    Text(d.serviceLevel).fixedSize(horizontal: false, vertical: true)
                } icon: {
                    Image(systemName: d.fullyOnline ? "iphone" : "building.2")
                }
                .accessibilityElement(children: .combine)
                VStack(alignment: .leading, spacing: 12) {
                    LabeledLine(label: tr("procedure.fee"), value: d.fee ?? tr("procedure.unknown"))
                    if let online = d.onlineFee, let saving = d.onlineSaving {
                        LabeledLine(label: tr("procedure.onlineFee"), value: online)
                        Text(saving).font(.body.bold()).foregroundStyle(.green)
                    }
                    if let note = d.feeNote {
                        Text(note).font(.subheadline).foregroundStyle(.secondary)
                    }
                    LabeledLine(label: tr("procedure.time"), value: d.processingTime ?? tr("procedure.unknown"))
                    LabeledLine(label: tr("procedure.agency"), value: d.agency)
                }
                if d.needsLevel2 {
                    Banner(text: tr("procedure.level2"))
                }
                VStack(alignment: .leading, spacing: 8) {
                    Text(tr("procedure.documents")).font(.title3.bold()).accessibilityAddTraits(.isHeader)
                    ForEach(Array(d.documents.enumerated()), id: \.offset) { _, document in
                        HStack(alignment: .top, spacing: 8) {
                            Image(systemName: document.required ? "checkmark.circle.fill" : "circle")
                                .accessibilityHidden(true)
                            VStack(alignment: .leading) {
                                Text(document.name).fixedSize(horizontal: false, vertical: true)
                                Text(document.required ? tr("procedure.required") : tr("procedure.optional"))
                                    .font(.subheadline).foregroundStyle(.secondary)
                            }
                        }
                        .accessibilityElement(children: .combine)
                    }
                }
                Button(tr("procedure.file")) { file(d.code) }
                    .buttonStyle(PrimaryButtonStyle())
            }
            .padding()
        }
    }
}
