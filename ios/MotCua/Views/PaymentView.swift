import SwiftUI
import UIKit
import MotCuaModels

/// A dossier's fee: the core's headline and detail, the amount, the bank, the account, its
/// holder and the transfer's description, each with a copy button named for VoiceOver; the
/// VietQR code to scan with any banking app, and its PNG to save for a banking app on this
/// phone (the share sheet's "Save Image"); "Cập nhật" after paying; the e-receipt once
/// issued. Nothing here looks at where the fee stands: what the core gave is shown.
@MainActor
struct PaymentScreen: View {
    @Environment(\.tr) private var tr
    let model: PaymentModel
    let open: (Route) -> Void
    /// The part just copied, said once so that the person knows it worked.
    @State private var copied: String?

    var body: some View {
        Group {
            switch model.state {
            case .loading:
                LoadingView()
            case .notAvailable(let message):
                Banner(text: message).padding()
            case .failed(let problem):
                ProblemView(problem: problem) { await model.load() }
            case .shown(let sheet, let refreshing, let problem):
                content(sheet, refreshing: refreshing, problem: problem)
            }
        }
        .navigationTitle(tr("payment.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
    }

    private func content(_ p: PaymentSheet, refreshing: Bool, problem: Problem?) -> some View {
        List {
            if let note = p.offlineNote {
                Banner(text: note).listRowSeparator(.hidden)
            }
            if let problem {
                Banner(text: problem.message, kind: .problem).listRowSeparator(.hidden)
            }
            Section {
                VStack(alignment: .leading, spacing: 8) {
                    Text(p.headline).font(.title3.bold()).accessibilityAddTraits(.isHeader)
                    if let detail = p.detail {
                        Text(detail).font(.body)
                    }
                }
                .padding(.vertical, 6)
                .accessibilityElement(children: .combine)
                if p.hasFeeReceipt {
                    Button(tr("payment.openFeeReceipt")) { open(.feeReceipt(p.code)) }
                        .buttonStyle(PrimaryButtonStyle())
                        .listRowInsets(EdgeInsets(top: 8, leading: 16, bottom: 8, trailing: 16))
                }
            }
            if let modules = p.qrModules {
                Section {
                    QRCodeView(modules: modules)
                        .frame(maxWidth: 320)
                        .frame(maxWidth: .infinity)
                        .accessibilityLabel(tr("payment.qrLabel"))
                    Text(tr("payment.qrHint")).font(.subheadline)
                    if let png = p.qrPNG.flatMap(UIImage.init(data:)) {
                        ShareLink(item: Image(uiImage: png),
                                  preview: SharePreview(p.reference ?? p.code, image: Image(uiImage: png))) {
                            Label(tr("payment.saveCode"), systemImage: "square.and.arrow.down")
                        }
                        .buttonStyle(SecondaryButtonStyle())
                    }
                }
            }
            Section {
                if let amount = p.amountLabel {
                    copyable(tr("payment.amount"), shown: amount, copied: p.amountVND.map(String.init) ?? amount)
                }
                if let account = p.account {
                    LabeledLine(label: tr("payment.bank"), value: account.bankName)
                    copyable(tr("payment.account"), shown: account.account, copied: account.account)
                    copyable(tr("payment.holder"), shown: account.holder, copied: account.holder)
                }
                if let reference = p.reference {
                    copyable(tr("payment.reference"), shown: reference, copied: reference)
                }
                if let copied {
                    Text(tr("payment.copied", copied)).font(.subheadline).foregroundStyle(.secondary)
                }
            }
            Section {
                Button {
                    Task { await model.refresh() }
                } label: {
                    if refreshing {
                        ProgressView().accessibilityLabel(tr("payment.refreshing"))
                    } else {
                        Label(tr("payment.refresh"), systemImage: "arrow.clockwise")
                    }
                }
                .buttonStyle(SecondaryButtonStyle())
                .disabled(refreshing)
            }
        }
        .listStyle(.insetGrouped)
        .refreshable { await model.refresh() }
    }

    /// A line with a copy button; VoiceOver hears "Sao chép số tài khoản".
    private func copyable(_ label: String, shown: String, copied value: String) -> some View {
        HStack(alignment: .firstTextBaseline) {
            LabeledLine(label: label, value: shown)
            Spacer(minLength: 8)
            Button {
                UIPasteboard.general.string = value
                copied = label
            } label: {
                Image(systemName: "doc.on.doc").frame(minWidth: 44, minHeight: 44)
            }
            .buttonStyle(.borderless)
            .accessibilityLabel(tr("payment.copy", label))
        }
    }
}

/// The fee's e-receipt full screen at maximum brightness: the QR code, the core's verdict
/// line and labelled lines, shared as an image or as its text.
@MainActor
struct FeeReceiptScreen: View {
    @Environment(\.tr) private var tr
    @Environment(\.displayScale) private var displayScale
    let model: FeeReceiptModel

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
        .navigationTitle(tr("feeReceipt.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
        .fullBrightness()
    }

    private func content(_ sheet: FeeReceiptSheet) -> some View {
        ScrollView {
            VStack(spacing: 20) {
                FeeReceiptSlipView(sheet: sheet)
                if let image = render(sheet) {
                    ShareLink(item: Image(uiImage: image),
                              preview: SharePreview(tr("feeReceipt.title"), image: Image(uiImage: image))) {
                        Label(tr("feeReceipt.share"), systemImage: "square.and.arrow.up")
                    }
                    .buttonStyle(SecondaryButtonStyle())
                }
                ShareLink(item: sheet.qrText) {
                    Label(tr("feeReceipt.shareText"), systemImage: "text.quote")
                }
                .buttonStyle(SecondaryButtonStyle())
            }
            .padding()
        }
        .background(Color.white)
        .environment(\.colorScheme, .light)
    }

    private func render(_ sheet: FeeReceiptSheet) -> UIImage? {
        let renderer = ImageRenderer(content: FeeReceiptSlipView(sheet: sheet).frame(width: 600).padding(24)
            .background(Color.white))
        renderer.scale = max(displayScale, 2)
        return renderer.uiImage
    }
}

/// The e-receipt's QR code, verdict and lines; dark on white whatever the appearance.
@MainActor
struct FeeReceiptSlipView: View {
    @Environment(\.tr) private var tr
    let sheet: FeeReceiptSheet

    var body: some View {
        VStack(spacing: 16) {
            QRCodeView(modules: sheet.modules)
                .frame(maxWidth: 360)
                .accessibilityLabel(tr("feeReceipt.qrLabel"))
            Text(sheet.verdictLine).font(.body.bold()).multilineTextAlignment(.center)
            VStack(alignment: .leading, spacing: 10) {
                ForEach(Array(sheet.lines.enumerated()), id: \.offset) { _, line in
                    LabeledLine(label: line.label, value: line.value)
                }
            }
        }
        .foregroundStyle(.black)
    }
}
