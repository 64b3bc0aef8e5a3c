import Foundation
import Observation

/// A dossier's payment screen.
public enum PaymentState: Equatable, Sendable {
    case loading
    /// The app is built without the payments area: said plainly, nothing invented.
    case notAvailable(message: String)
    /// The payment as the core decided it. `refreshing`: the portal is being asked (what is
    /// shown is what the phone has); `problem`: the last refresh failed (what is shown is
    /// still the phone's).
    case shown(PaymentSheet, refreshing: Bool, problem: Problem?)
    /// Nothing on the phone, and the portal could not tell.
    case failed(Problem)
}

/// The fee of a dossier: what the phone kept shows at once (offline too), then the portal
/// is asked; `refresh` asks again (after paying in a banking app: the screen goes from
/// waiting to paid as the core reports it). Nothing here looks at where the fee stands:
/// the screen shows the core's headline, detail and what it gave (VietQR code, account,
/// e-receipt).
@MainActor
@Observable
public final class PaymentModel {
    public private(set) var state: PaymentState

    public let dossierCode: String
    private let payments: PaymentPort?
    private let texts: Texts

    public init(payments: PaymentPort?, dossierCode: String, lang: Lang) {
        self.payments = payments
        self.dossierCode = dossierCode
        texts = Texts(lang: lang)
        state = payments == nil ? .notAvailable(message: Texts(lang: lang).notYetAvailable) : .loading
    }

    /// What the phone kept, if anything, then the portal.
    public func load() async {
        guard let payments else { return }
        // None is kept before the first fetch: the refresh below then says what there is.
        if let kept = try? await payments.payment(dossierCode: dossierCode) {
            state = .shown(kept, refreshing: true, problem: nil)
        }
        await ask(payments)
    }

    /// Asks the portal again ("Cập nhật").
    public func refresh() async {
        guard let payments else { return }
        if case .shown(let sheet, let refreshing, _) = state {
            if refreshing { return }
            state = .shown(sheet, refreshing: true, problem: nil)
        }
        await ask(payments)
    }

    private func ask(_ payments: PaymentPort) async {
        do {
            state = .shown(try await payments.refresh(dossierCode: dossierCode), refreshing: false, problem: nil)
        } catch {
            let problem = Problem.from(error, texts: texts)
            if case .shown(let sheet, _, _) = state {
                state = .shown(sheet, refreshing: false, problem: problem)
            } else {
                state = .failed(problem)
            }
        }
    }
}

/// The fee's e-receipt screen.
public enum FeeReceiptState: Equatable, Sendable {
    case loading
    case notAvailable(message: String)
    case shown(FeeReceiptSheet)
    /// Includes "no e-receipt yet" (the fee is not paid, or the phone has not learnt it).
    case failed(Problem)
}

/// The fee's e-receipt of a paid dossier, from the phone (no network): its QR code, its
/// lines and the verdict of the trust list on the phone, in the core's words. The screen
/// shows it at full brightness and shares it.
@MainActor
@Observable
public final class FeeReceiptModel {
    public private(set) var state: FeeReceiptState = .loading

    public let dossierCode: String
    private let payments: PaymentPort?
    private let texts: Texts

    public init(payments: PaymentPort?, dossierCode: String, lang: Lang) {
        self.payments = payments
        self.dossierCode = dossierCode
        texts = Texts(lang: lang)
    }

    public func load() async {
        guard let payments else {
            state = .notAvailable(message: texts.notYetAvailable)
            return
        }
        do {
            state = .shown(try await payments.feeReceipt(dossierCode: dossierCode))
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }
}
