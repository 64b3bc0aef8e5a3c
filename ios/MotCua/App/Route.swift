import Foundation

/// Where a screen leads; one navigation stack per tab.
enum Route: Hashable {
    case procedure(String)
    case newDraft(procedureCode: String)
    case draft(String)
    /// The answer to a supplement request of a dossier.
    case supplement(String)
    case dossier(String)
    case receipt(String)
    case assist
    case desk
}
