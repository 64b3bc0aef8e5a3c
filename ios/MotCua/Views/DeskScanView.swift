import SwiftUI
import MotCuaModels

/// Desk mode: the camera reads a receipt's QR code and the core checks it offline; the
/// verdict in large words and a colour and an icon, then "scan the next one".
@MainActor
struct DeskScanView: View {
    @Environment(\.tr) private var tr
    let model: DeskScanModel

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
            case .verdict(let valid, let headline, let fields):
                ScrollView {
                    VStack(alignment: .leading, spacing: 16) {
                        Label(headline, systemImage: valid ? "checkmark.seal.fill" : "xmark.octagon.fill")
                            .font(.title.bold())
                            .foregroundStyle(valid ? .green : .red)
                            .accessibilityAddTraits(.isHeader)
                        ForEach(Array(fields.enumerated()), id: \.offset) { _, field in
                            LabeledLine(label: field.label, value: field.value)
                        }
                    }
                    .padding()
                }
                Button(tr("desk.next")) { model.scanAgain() }
                    .buttonStyle(PrimaryButtonStyle())
                    .padding()
            }
        }
        .navigationTitle(tr("desk.title"))
        .navigationBarTitleDisplayMode(.inline)
        .onChange(of: model.state) { _, state in
            if case .verdict(_, let headline, _) = state {
                AccessibilityNotification.Announcement(headline).post()
            }
        }
    }
}
