import Foundation
import MotCuaBindings
import MotCuaModels

/// What the app needs to open the core (from its branding and settings).
public struct CoreConfiguration: Sendable {
    /// The app's private directory for the core's SQLite file.
    public let dataDirectory: String
    public let portalURL: String
    public let issuer: String
    public let clientID: String
    /// nil for the core's default (`vn.motcua.app:/oauth2redirect`).
    public let redirectURI: String?
    /// "vi" or "en": the language of the core's messages.
    public let language: String
    /// The province root key of the receipt-key list (`ed25519:...`), from the branding.
    public let receiptRootKey: String?

    public init(dataDirectory: String, portalURL: String, issuer: String, clientID: String, redirectURI: String?,
                language: String, receiptRootKey: String?) {
        self.dataDirectory = dataDirectory
        self.portalURL = portalURL
        self.issuer = issuer
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.language = language
        self.receiptRootKey = receiptRootKey
    }
}

/// The core, opened, as the models' ports.
public final class CoreServices: Sendable {
    /// The volunteer's (or citizen's) own profile: the normal screens run on it.
    public let profile: ProfileServices
    public let assist: AssistPort?
    /// Kept so that the core lives as long as the ports.
    private let core: MotCua

    private init(core: MotCua, language: String) {
        self.core = core
        profile = profileServices(of: core, receipts: CoreReceipts(core.receipts()))
        // A session's profile gets the same areas as this one.
        assist = CoreAssist(core.assist(), language: language, receipts: { CoreReceipts($0.receipts()) })
    }

    public var identity: IdentityPort { profile.identity }
    public var catalog: CatalogPort { profile.catalog }
    public var dossiers: DossierPort { profile.dossiers }
    public var tracking: TrackingPort { profile.tracking }
    public var actions: CitizenActionsPort? { profile.actions }
    public var receipts: ReceiptPort? { profile.receipts }
    public var payments: PaymentPort? { profile.payments }

    /// Opens the core (creating its database on first use). Blocks on SQLite and the
    /// keychain: call it off the main thread. Throws a `Problem`.
    public static func open(_ configuration: CoreConfiguration, platform: Platform) throws -> CoreServices {
        // The models' `Texts` read the core's sentences: installed with the services, so that
        // no caller of the ports can forget it (the app installs it earlier too, at launch).
        CoreWording.install()
        let config = AppConfig(
            dataDir: configuration.dataDirectory,
            portalUrl: configuration.portalURL,
            issuer: configuration.issuer,
            clientId: configuration.clientID,
            redirectUri: configuration.redirectURI,
            language: configuration.language,
            receiptRootKey: configuration.receiptRootKey
        )
        let core = try mapped { try MotCua.open(config: config, platform: platform) }
        return CoreServices(core: core, language: configuration.language)
    }
}

/// The ports of one opened profile of the core (the volunteer's, or an assisted session's).
func profileServices(of core: MotCua, receipts: ReceiptPort?) -> ProfileServices {
    let dossierArea = CoreDossiers(core.dossier())
    return ProfileServices(identity: CoreIdentity(core.identity()), catalog: CoreCatalog(core.catalog()),
                           dossiers: dossierArea, tracking: CoreTracking(core.tracking()), actions: dossierArea,
                           receipts: receipts, payments: CorePayments(core.payments()))
}
