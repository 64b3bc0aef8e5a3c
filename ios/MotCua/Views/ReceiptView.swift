import SwiftUI
import UIKit
import MotCuaModels

/// The receipt full screen at maximum brightness, for the desk's scanner: the QR code drawn
/// from the core's module matrix (every module a whole number of pixels, no smoothing), the
/// slip's lines, share (the slip as an image, or the core's PNG of the code) and print.
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
            case .shown(let sheet):
                content(sheet)
            }
        }
        .navigationTitle(tr("receipt.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
        .fullBrightness()
    }

    private func content(_ sheet: ReceiptSheet) -> some View {
        ScrollView {
            VStack(spacing: 20) {
                ReceiptSlipView(sheet: sheet)
                HStack(spacing: 12) {
                    if let image = render(sheet) {
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
                if let png = UIImage(data: sheet.slip.qrPNG) {
                    // The code alone, as the core drew it (8 pixels per module), for a
                    // relative's phone or a chat.
                    ShareLink(item: Image(uiImage: png),
                              preview: SharePreview(sheet.slip.details.dossierCode, image: Image(uiImage: png))) {
                        Label(tr("receipt.shareCode"), systemImage: "qrcode")
                    }
                    .buttonStyle(SecondaryButtonStyle())
                }
            }
            .padding()
        }
        .background(Color.white)
        .environment(\.colorScheme, .light)
    }

    /// The slip as an image, for sharing and printing.
    private func render(_ sheet: ReceiptSheet) -> UIImage? {
        let renderer = ImageRenderer(content: ReceiptSlipView(sheet: sheet).frame(width: 600).padding(24).background(Color.white))
        renderer.scale = max(displayScale, 2)
        return renderer.uiImage
    }
}

/// The QR code and the slip's lines; dark on white whatever the phone's appearance.
@MainActor
struct ReceiptSlipView: View {
    @Environment(\.tr) private var tr
    let sheet: ReceiptSheet

    var body: some View {
        VStack(spacing: 16) {
            QRCodeView(modules: sheet.slip.modules)
                .frame(maxWidth: 360)
                .accessibilityLabel(tr("receipt.qrLabel"))
            VStack(alignment: .leading, spacing: 10) {
                ForEach(Array(sheet.lines.enumerated()), id: \.offset) { _, line in
                    LabeledLine(label: line.label, value: line.value)
                }
            }
        }
        .foregroundStyle(.black)
    }
}

/// A QR code from its modules with the four-module quiet zone scanners need. Each module is
/// a whole number of device pixels (`QRLayout`) and filled without antialiasing, so the
/// edges stay sharp at any size; the dark runs of a row are one rectangle each, so no
/// hairline shows between neighbouring modules.
@MainActor
struct QRCodeView: View {
    @Environment(\.displayScale) private var displayScale
    let modules: QRModules

    var body: some View {
        Canvas { context, size in
            context.fill(Path(CGRect(origin: .zero, size: size)), with: .color(.white))
            let layout = QRLayout(modules: modules.size, side: Double(min(size.width, size.height)), scale: Double(displayScale))
            var dark = Path()
            for y in 0..<modules.size {
                for run in modules.darkRuns(row: y) {
                    let r = layout.rect(x: run.start, y: y, length: run.length)
                    dark.addRect(CGRect(x: r.x, y: r.y, width: r.width, height: r.height))
                }
            }
            context.fill(dark, with: .color(.black), style: FillStyle(antialiased: false))
        }
        .aspectRatio(1, contentMode: .fit)
    }
}
