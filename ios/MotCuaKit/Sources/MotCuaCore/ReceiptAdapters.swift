import Foundation
import MotCuaBindings
import MotCuaModels

/*
 * The receipt port over the bindings' `Receipts`: conversions only. The bindings' `receipt`
 * and `verifyReceipt` read SQLite and check a signature (no network); they run inside these
 * nonisolated async functions, so never on the main thread. `checkApplicant` (PBKDF2) and
 * `refreshTrustList` (network) are async in the bindings.
 */

final class CoreReceipts: ReceiptPort {
    private let core: Receipts

    init(_ core: Receipts) {
        self.core = core
    }

    func receipt(dossierCode: String) async throws -> ReceiptSlip {
        let view = try mapped { try core.receipt(dossierCode: dossierCode) }
        return ReceiptSlip(qrText: view.qrText, qrSVG: view.svg, qrPNG: view.png,
                           modules: QRModules(size: Int(view.modules.size), dark: view.modules.dark),
                           details: details(view.fields))
    }

    func verifyReceipt(scannedText: String) async throws -> ReceiptCheck {
        let verification = try mapped { try core.verifyReceipt(text: scannedText) }
        return ReceiptCheck(verdict: verdict(verification.verdict), message: verification.userMessage,
                            trustListSequence: verification.trustListSequence,
                            trustListFetchedAt: verification.trustListFetchedAt)
    }

    func checkApplicant(scannedText: String, idNumber: String) async throws -> ApplicantMatch {
        switch try await mappedAsync({ try await core.checkApplicant(receiptText: scannedText, idNumber: idNumber) }) {
        case .matches: return .matches
        case .doesNotMatch: return .doesNotMatch
        case .noDigest: return .noDigest
        }
    }

    func refreshTrustList() async throws -> TrustListStatus {
        let list = try await mappedAsync { try await core.refreshTrustList() }
        return TrustListStatus(sequence: list.sequence, keys: Int(list.keys), fetchedAt: list.fetchedAt)
    }
}

private func details(_ f: ReceiptFields) -> ReceiptDetails {
    ReceiptDetails(dossierCode: f.dossierCode, procedureCode: f.procedureCode, agencyCode: f.agencyCode,
                   receivedAt: f.receivedAt, appointmentDate: f.appointmentDate, carriesApplicant: f.hasApplicantDigest)
}

private func verdict(_ v: Verdict) -> ReceiptVerdict {
    switch v {
    case .valid(_, let fields): return .valid(details(fields))
    case .tampered: return .tampered
    case .unknownKey: return .unknownKey
    case .revokedKey: return .revokedKey
    case .expiredKey: return .expiredKey
    case .malformed: return .malformed
    }
}
