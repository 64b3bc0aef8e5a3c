import SwiftUI
import MotCuaModels

/// Desk mode: the camera reads a receipt's QR code and the core checks it offline against
/// the cached trust list. The verdict in large words with a colour and an icon, what to do,
/// how old the key list is; under a valid verdict, the ID number on the card can be checked
/// against the applicant; then "scan the next one". The key list is refreshed when online.
@MainActor
struct DeskScanView: View {
    @Environment(\.tr) private var tr
    let model: DeskScanModel
    @State private var idNumber = ""

    var body: some View {
        VStack(spacing: 16) {
            switch model.state {
            case .notAvailable(let message):
                Banner(text: message).padding()
                Spacer()
            case .scanning, .checking:
                Text(tr("desk.instructions"))
                    .font(.title3)
                    .multilineTextAlignment(.center)
                    .padding(.horizontal)
                QRScanner { code in
                    Task { await model.scanned(code) }
                }
                .clipShape(RoundedRectangle(cornerRadius: 16))
                .padding(.horizontal)
                .accessibilityLabel(tr("desk.camera"))
                if case .checking = model.state {
                    ProgressView { Text(tr("desk.checking")) }
                }
            case .failed(let message, let needsTrustList):
                ScrollView {
                    VStack(alignment: .leading, spacing: 16) {
                        Banner(text: message, kind: .problem)
                        if needsTrustList { refreshButton }
                    }
                    .padding()
                }
                Button(tr("desk.next")) { model.scanAgain() }
                    .buttonStyle(SecondaryButtonStyle())
                    .padding()
            case .verdict(let verdict):
                ScrollView {
                    VStack(alignment: .leading, spacing: 16) {
                        Label(verdict.headline, systemImage: verdict.valid ? "checkmark.seal.fill" : "xmark.octagon.fill")
                            .font(.title.bold())
                            .foregroundStyle(verdict.valid ? .green : .red)
                            .fixedSize(horizontal: false, vertical: true)
                            .accessibilityAddTraits(.isHeader)
                        ForEach(Array(verdict.lines.enumerated()), id: \.offset) { _, line in
                            LabeledLine(label: line.label, value: line.value)
                        }
                        if verdict.canCheckApplicant { applicantCheck }
                        if verdict.kind == .unknownKey { refreshButton }
                        Text(verdict.trustList).font(.footnote).foregroundStyle(.secondary)
                    }
                    .padding()
                }
                Button(tr("desk.next")) {
                    idNumber = ""
                    model.scanAgain()
                }
                .buttonStyle(PrimaryButtonStyle())
                .padding()
            }
            if let note = model.trustListNote {
                Text(note).font(.footnote).foregroundStyle(.secondary).padding(.horizontal)
            }
        }
        .navigationTitle(tr("desk.title"))
        .navigationBarTitleDisplayMode(.inline)
        .toolbar {
            ToolbarItem(placement: .topBarTrailing) {
                Button {
                    Task { await model.refreshTrustList() }
                } label: {
                    Label(tr("desk.refreshList"), systemImage: "arrow.triangle.2.circlepath")
                }
                .disabled(model.refreshing)
            }
        }
        .onChange(of: model.state) { _, state in
            if case .verdict(let verdict) = state {
                AccessibilityNotification.Announcement(verdict.headline).post()
            }
        }
        .onChange(of: model.applicant) { _, applicant in
            if case .answered(_, let message) = applicant {
                AccessibilityNotification.Announcement(message).post()
            }
        }
    }

    private var refreshButton: some View {
        Button {
            Task { await model.refreshTrustList() }
        } label: {
            if model.refreshing {
                ProgressView()
            } else {
                Text(tr("desk.refreshList"))
            }
        }
        .buttonStyle(SecondaryButtonStyle())
        .disabled(model.refreshing)
    }

    /// The officer types the 12 digits from the person's ID card.
    private var applicantCheck: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(tr("desk.applicantTitle")).font(.headline)
            TextField(tr("desk.applicantField"), text: $idNumber)
                .keyboardType(.numberPad)
                .textContentType(.none)
                .autocorrectionDisabled()
                .font(.title3.monospacedDigit())
                .padding(12)
                .background(RoundedRectangle(cornerRadius: 10).stroke(Color.secondary))
            Button {
                Task { await model.checkApplicant(idNumber: idNumber) }
            } label: {
                if model.applicant == .checking {
                    ProgressView().accessibilityLabel(tr("desk.checkingApplicant"))
                } else {
                    Text(tr("desk.applicantCheck"))
                }
            }
            .buttonStyle(SecondaryButtonStyle())
            .disabled(idNumber.isEmpty || model.applicant == .checking)
            switch model.applicant {
            case .answered(let match, let message):
                Label(message, systemImage: match == .matches ? "person.fill.checkmark" : "person.fill.xmark")
                    .font(.headline)
                    .foregroundStyle(match == .matches ? .green : (match == .doesNotMatch ? .red : .primary))
                    .fixedSize(horizontal: false, vertical: true)
            case .failed(let message):
                Banner(text: message, kind: .problem)
            case .idle, .checking:
                EmptyView()
            }
        }
    }
}
