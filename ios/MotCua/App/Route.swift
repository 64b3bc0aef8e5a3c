import Foundation

/// Where a screen leads; one navigation stack per tab.
enum Route: Hashable {
    /// The procedure search (a tab of its own in the normal app; pushed in an assisted
    /// session).
    case search
    case procedure(String)
    case newDraft(procedureCode: String)
    case draft(String)
    /// The answer to a supplement request of a dossier.
    case supplement(String)
    case dossier(String)
    case receipt(String)
    /// A dossier's fee: the payment screen.
    case payment(String)
    /// A paid fee's e-receipt.
    case feeReceipt(String)
    case assist
    case desk
}
