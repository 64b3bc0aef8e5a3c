import SwiftUI
import UIKit
import MotCuaModels

/// The receipt full screen at maximum brightness, for the desk's scanner: the QR code drawn
/// module by module from the core (sharp at any size), the slip's lines, share and print.
@MainActor
struct ReceiptScreen: View {
    @Environment(\.tr) private var tr
    @Environment(\.displayScale) private var displayScale
    let model: ReceiptModel

    var body: some View {
        Group {
            switch model.state {
            case .loading:
                LoadingView()
            case .notAvailable(let message):
                Banner(text: message).padding()
            case .failed(let problem):
                ProblemView(problem: problem) { await model.load() }
            case .shown(let slip):
                content(slip)
            }
        }
        .navigationTitle(tr("receipt.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
        .fullBrightness()
    }

    private func content(_ slip: ReceiptSlip) -> some View {
        ScrollView {
            VStack(spacing: 20) {
                ReceiptSlipView(slip: slip)
                HStack(spacing: 12) {
                    if let image = render(slip) {
                        ShareLink(item: Image(uiImage: image),
                                  preview: SharePreview(tr("receipt.title"), image: Image(uiImage: image))) {
                            Label(tr("receipt.share"), systemImage: "square.and.arrow.up")
                        }
                        .buttonStyle(SecondaryButtonStyle())
                        if Printing.isAvailable {
                            Button {
                                Printing.print(image, jobName: model.dossierCode)
                            } label: {
                                Label(tr("receipt.print"), systemImage: "printer")
                            }
                            .buttonStyle(SecondaryButtonStyle())
                        }
                    }
                }
            }
            .padding()
        }
        .background(Color.white)
        .environment(\.colorScheme, .light)
    }

    /// The slip as an image, for sharing and printing.
    @MainActor
    private func render(_ slip: ReceiptSlip) -> UIImage? {
        let renderer = ImageRenderer(content: ReceiptSlipView(slip: slip).frame(width: 600).padding(24).background(Color.white))
        renderer.scale = max(displayScale, 2)
        return renderer.uiImage
    }
}

/// The QR code and the slip's lines; dark on white whatever the phone's appearance.
@MainActor
struct ReceiptSlipView: View {
    @Environment(\.tr) private var tr
    let slip: ReceiptSlip

    var body: some View {
        VStack(spacing: 16) {
            QRCodeView(modules: slip.qrModules)
                .frame(maxWidth: 360)
                .accessibilityLabel(tr("receipt.qrLabel"))
            VStack(alignment: .leading, spacing: 10) {
                ForEach(Array(slip.fields.enumerated()), id: \.offset) { _, field in
                    LabeledLine(label: field.label, value: field.value)
                }
            }
        }
        .foregroundStyle(.black)
    }
}

/// A QR code from its modules, with the four-module quiet zone scanners need.
@MainActor
struct QRCodeView: View {
    let modules: [[Bool]]

    var body: some View {
        Canvas { context, size in
            let count = modules.count + 8
            let side = min(size.width, size.height) / CGFloat(max(count, 1))
            context.fill(Path(CGRect(origin: .zero, size: size)), with: .color(.white))
            for (y, row) in modules.enumerated() {
                for (x, dark) in row.enumerated() where dark {
                    let rect = CGRect(x: CGFloat(x + 4) * side, y: CGFloat(y + 4) * side, width: side, height: side)
                    context.fill(Path(rect), with: .color(.black))
                }
            }
        }
        .aspectRatio(1, contentMode: .fit)
    }
}
