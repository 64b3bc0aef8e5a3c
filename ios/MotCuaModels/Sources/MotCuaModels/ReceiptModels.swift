import Foundation
import Observation

/// The receipt shown full screen at the desk.
public enum ReceiptState: Equatable, Sendable {
    case loading
    /// The app is built without the receipt area: said plainly, nothing invented.
    case notAvailable(message: String)
    case shown(ReceiptSlip)
    case failed(Problem)
}

/// The receipt slip of a dossier: its QR code (from the core, drawn module by module) and
/// its lines. The screen raises the brightness to the maximum and offers share and print.
@MainActor
@Observable
public final class ReceiptModel {
    public private(set) var state: ReceiptState = .loading

    public let dossierCode: String
    private let receipts: ReceiptPort?
    private let texts: Texts

    public init(receipts: ReceiptPort?, dossierCode: String, lang: Lang) {
        self.receipts = receipts
        self.dossierCode = dossierCode
        self.texts = Texts(lang: lang)
    }

    public func load() async {
        guard let receipts else {
            state = .notAvailable(message: texts.notYetAvailable)
            return
        }
        do {
            state = .shown(try await receipts.receipt(dossierCode: dossierCode))
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }
}

/// The desk's scan screen.
public enum DeskScanState: Equatable, Sendable {
    /// The camera is on, waiting for a code.
    case scanning
    /// Checking a code just read.
    case checking
    case notAvailable(message: String)
    /// The verdict, in words, with the receipt's lines when valid.
    case verdict(valid: Bool, headline: String, fields: [ReceiptField])
}

/// Desk mode: a receipt's QR code scanned with the camera and verified offline by the core
/// against the province's trust list; one of six verdicts, never a bare yes/no.
@MainActor
@Observable
public final class DeskScanModel {
    public private(set) var state: DeskScanState

    private let receipts: ReceiptPort?
    private let lang: Lang
    private let texts: Texts

    public init(receipts: ReceiptPort?, lang: Lang) {
        self.receipts = receipts
        self.lang = lang
        self.texts = Texts(lang: lang)
        state = receipts == nil ? .notAvailable(message: Texts(lang: lang).notYetAvailable) : .scanning
    }

    /// The camera read `text`. Codes read while a verdict is shown are ignored: the officer
    /// taps "scan the next one" first.
    public func scanned(_ text: String) async {
        guard let receipts, case .scanning = state else { return }
        state = .checking
        do {
            state = describe(try await receipts.verifyReceipt(scannedText: text))
        } catch {
            state = .verdict(valid: false, headline: Problem.from(error, texts: texts).message, fields: [])
        }
    }

    /// Scan the next receipt.
    public func scanAgain() {
        if receipts != nil { state = .scanning }
    }

    private func describe(_ verdict: ReceiptVerdict) -> DeskScanState {
        let vi = lang == .vi
        func say(_ viText: String, _ en: String) -> String { vi ? viText : en }
        switch verdict {
        case .valid(let fields):
            return .verdict(valid: true, headline: say("Giấy tiếp nhận hợp lệ", "Valid receipt"), fields: fields)
        case .tampered:
            return .verdict(valid: false, headline: say("Giấy tiếp nhận đã bị sửa: không hợp lệ", "The receipt was altered: not valid"), fields: [])
        case .unknownKey:
            return .verdict(valid: false, headline: say("Không nhận ra cơ quan ký: hãy cập nhật danh sách tin cậy", "Unknown signing key: update the trust list"), fields: [])
        case .keyRevoked:
            return .verdict(valid: false, headline: say("Khóa ký đã bị thu hồi: không hợp lệ", "The signing key was revoked: not valid"), fields: [])
        case .expired:
            return .verdict(valid: false, headline: say("Giấy tiếp nhận đã hết hạn", "The receipt has expired"), fields: [])
        case .malformed:
            return .verdict(valid: false, headline: say("Mã QR này không phải giấy tiếp nhận", "This QR code is not a receipt"), fields: [])
        }
    }
}
