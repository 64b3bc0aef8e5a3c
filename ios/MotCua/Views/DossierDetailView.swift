import SwiftUI
import MotCuaModels

/// A dossier: its status, the appointment date, the timeline, and what the citizen may do
/// now, as the core says (show the receipt, answer a supplement request, pay the fee; the
/// fee's e-receipt and withdrawing as secondary actions, withdrawing confirmed first).
@MainActor
struct DossierDetailView: View {
    @Environment(\.tr) private var tr
    let model: DossierDetailModel
    let open: (Route) -> Void
    @State private var confirmWithdraw = false

    var body: some View {
        Group {
            switch model.state {
            case .loading:
                LoadingView()
            case .notFound:
                Banner(text: tr("dossier.notFound"), kind: .problem).padding()
            case .failed(let problem):
                ProblemView(problem: problem) { await model.load() }
            case .shown(let detail):
                content(detail)
            }
        }
        .navigationTitle(tr("dossier.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
    }

    private func content(_ d: DossierDetail) -> some View {
        List {
            if let banner = d.banner {
                Banner(text: banner).listRowSeparator(.hidden)
            }
            Section {
                VStack(alignment: .leading, spacing: 8) {
                    Text(d.status).font(.title2.bold()).accessibilityAddTraits(.isHeader)
                    if let deadline = d.deadline {
                        Text(deadline).font(.body)
                    }
                    if d.overdue {
                        Label(tr("dossier.overdue"), systemImage: "clock.badge.exclamationmark")
                            .font(.body.bold())
                            .foregroundStyle(.red)
                    }
                    Text(d.code).font(.footnote.monospaced()).foregroundStyle(.secondary)
                        .accessibilityLabel(tr("dossier.codeLabel", d.code))
                }
                .padding(.vertical, 6)
                .accessibilityElement(children: .combine)
                if !d.missing.isEmpty {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(tr("dossier.missing")).font(.headline)
                        ForEach(d.missing, id: \.self) { Text("• " + $0) }
                    }
                    .accessibilityElement(children: .combine)
                }
                primaryAction(d)
                if d.payable && d.primary != .payFee {
                    Button(tr("dossier.payFee")) { open(.payment(d.code)) }
                        .buttonStyle(SecondaryButtonStyle())
                }
                if d.hasFeeReceipt {
                    Button(tr("dossier.showFeeReceipt")) { open(.feeReceipt(d.code)) }
                        .buttonStyle(SecondaryButtonStyle())
                }
                if let unavailable = d.unavailable {
                    Text(unavailable).font(.subheadline).foregroundStyle(.secondary)
                }
            }
            Section(tr("dossier.timeline")) {
                ForEach(Array(d.timeline.enumerated()), id: \.offset) { _, item in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(item.label).font(.headline)
                        Text(item.at).font(.subheadline).foregroundStyle(.secondary)
                        ForEach(item.details, id: \.self) { Text($0).font(.body) }
                    }
                    .padding(.vertical, 4)
                    .accessibilityElement(children: .combine)
                }
            }
            if d.withdrawable {
                Section {
                    Button(tr("dossier.withdraw"), role: .destructive) { confirmWithdraw = true }
                        .frame(minHeight: 44)
                }
            }
        }
        .listStyle(.insetGrouped)
        .refreshable { await model.load() }
        .confirmationDialog(tr("dossier.withdrawConfirm"), isPresented: $confirmWithdraw, titleVisibility: .visible) {
            Button(tr("dossier.withdraw"), role: .destructive) {
                Task { await model.withdraw(note: nil) }
            }
            Button(tr("action.cancel"), role: .cancel) {}
        }
    }

    @ViewBuilder
    private func primaryAction(_ d: DossierDetail) -> some View {
        // The core's primary action, as a button when this build can take it.
        switch d.primary {
        case .showReceipt? where d.actions.contains(.showReceipt):
            Button(tr("dossier.showReceipt")) { open(.receipt(d.code)) }
                .buttonStyle(PrimaryButtonStyle())
                .listRowInsets(EdgeInsets(top: 8, leading: 16, bottom: 8, trailing: 16))
        case .payFee? where d.payable:
            Button(tr("dossier.payFee")) { open(.payment(d.code)) }
                .buttonStyle(PrimaryButtonStyle())
                .listRowInsets(EdgeInsets(top: 8, leading: 16, bottom: 8, trailing: 16))
        case .answerSupplement? where d.actions.contains(.answerSupplement):
            Button(tr("dossier.answerSupplement")) { open(.supplement(d.code)) }
                .buttonStyle(PrimaryButtonStyle())
                .listRowInsets(EdgeInsets(top: 8, leading: 16, bottom: 8, trailing: 16))
        default:
            EmptyView()
        }
    }
}
