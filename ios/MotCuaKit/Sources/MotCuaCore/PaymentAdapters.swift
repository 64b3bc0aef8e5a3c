import Foundation
import MotCuaBindings
import MotCuaModels

/*
 * The payments port over the bindings' `Payments`: conversions only. The sentences, the
 * amount as people write it, the e-receipt's labelled lines and whether there is a code to
 * scan are the core's. The bindings' calls are async (SQLite on the core's blocking pool,
 * the portal over the network).
 */

final class CorePayments: PaymentPort {
    private let core: Payments

    init(_ core: Payments) {
        self.core = core
    }

    func payment(dossierCode: String) async throws -> PaymentSheet {
        sheet(try await mappedAsync { try await core.payment(code: dossierCode) })
    }

    func refresh(dossierCode: String) async throws -> PaymentSheet {
        sheet(try await mappedAsync { try await core.refresh(code: dossierCode) })
    }

    func feeReceipt(dossierCode: String) async throws -> FeeReceiptSheet {
        let view = try await mappedAsync { try await core.feeReceipt(code: dossierCode) }
        return FeeReceiptSheet(qrText: view.qr.text, modules: modules(view.qr.modules), qrPNG: view.qr.png,
                               lines: view.lines.map { ReceiptField(label: $0.label, value: $0.value) },
                               verdictLine: view.verdictLine)
    }
}

private func sheet(_ p: FeePayment) -> PaymentSheet {
    PaymentSheet(code: p.code, amountVND: p.amountVnd, amountLabel: p.amountLabel, reference: p.reference,
                 account: p.beneficiary.map { PaymentAccount(bankName: $0.bankName, account: $0.account, holder: $0.accountName) },
                 qrText: p.qr?.text, qrModules: p.qr.map { modules($0.modules) }, qrPNG: p.qr?.png,
                 headline: p.headline, detail: p.detail, hasFeeReceipt: p.hasFeeReceipt, offline: p.offline,
                 offlineNote: p.offlineNote)
}

private func modules(_ m: QrModules) -> QRModules {
    QRModules(size: Int(m.size), dark: m.dark)
}
