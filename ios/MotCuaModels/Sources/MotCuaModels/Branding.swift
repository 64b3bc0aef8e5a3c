import Foundation

/// An sRGB colour from the branding file, 0...1 per channel.
public struct BrandColor: Equatable, Sendable {
    public let red: Double
    public let green: Double
    public let blue: Double

    /// `#RRGGBB`; nil for anything else.
    public init?(hex: String) {
        var digits = hex.trimmingCharacters(in: .whitespaces)
        if digits.hasPrefix("#") { digits.removeFirst() }
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else {
            return nil
        }
        red = Double((value >> 16) & 0xFF) / 255
        green = Double((value >> 8) & 0xFF) / 255
        blue = Double(value & 0xFF) / 255
    }
}

/// A branding file that cannot be used: a build mistake of the province's app, named by key.
public enum BrandingError: Error, Equatable, CustomStringConvertible {
    case notAnObject
    case missing(key: String)
    case badColour(key: String)
    case badURL(key: String)
    case badRootKey(key: String)

    public var description: String {
        switch self {
        case .notAnObject: return "branding: the file is not a JSON object"
        case .missing(let key): return "branding: \(key) is missing"
        case .badColour(let key): return "branding: \(key) must be #RRGGBB"
        case .badURL(let key): return "branding: \(key) must be an absolute URL"
        case .badRootKey(let key): return "branding: \(key) must be ed25519:<base64url>"
        }
    }
}

/// One province's white label: its name, colours and logo, and where its portal and
/// identity provider are. Read from the app bundle's `Branding.json`, so a province build
/// changes a file, not code (Android reads the same keys from `branding.properties`).
public struct Branding: Equatable, Sendable {
    /// Shown in the top bar and on the login screen ("Tỉnh Khánh Hòa").
    public let provinceName: String
    /// The app's name under the logo ("Dịch vụ công Khánh Hòa").
    public let appName: String
    public let primaryColor: BrandColor
    /// Text and icons on the primary colour.
    public let onPrimaryColor: BrandColor
    public let secondaryColor: BrandColor
    /// Name of the logo image in the asset catalog.
    public let logo: String
    public let portalURL: String
    /// The OpenID issuer citizens log in with.
    public let issuer: String
    /// The app's client id at the issuer.
    public let clientID: String
    /// The registered redirect; nil for the core's default (`vn.motcua.app:/oauth2redirect`).
    public let redirectURI: String?
    /// The province root key that signs the receipt-key list (`ed25519:<base64url>`),
    /// carried by the build, never fetched. nil: receipts are shown, the desk cannot
    /// verify them (the core says so).
    public var receiptRootKey: String? = nil

    /// Reads the JSON file's keys (`province.name`, `app.name`, `color.primary`,
    /// `color.onPrimary`, `color.secondary`, `logo`, `portal.url`, `oidc.issuer`,
    /// `oidc.clientId`, optional `oidc.redirectUri` and `receipt.rootKey`).
    public static func decode(_ data: Data) throws -> Branding {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BrandingError.notAnObject
        }
        func text(_ key: String) throws -> String {
            guard let value = (object[key] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !value.isEmpty
            else { throw BrandingError.missing(key: key) }
            return value
        }
        func colour(_ key: String) throws -> BrandColor {
            guard let colour = BrandColor(hex: try text(key)) else { throw BrandingError.badColour(key: key) }
            return colour
        }
        func url(_ key: String) throws -> String {
            let value = try text(key)
            guard let parsed = URL(string: value), parsed.scheme != nil, parsed.host != nil else {
                throw BrandingError.badURL(key: key)
            }
            return value
        }
        let redirect = (object["oidc.redirectUri"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        let rootKey = (object["receipt.rootKey"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let rootKey, !rootKey.isEmpty, !rootKey.hasPrefix("ed25519:") {
            throw BrandingError.badRootKey(key: "receipt.rootKey")
        }
        var branding = Branding(
            provinceName: try text("province.name"),
            appName: try text("app.name"),
            primaryColor: try colour("color.primary"),
            onPrimaryColor: try colour("color.onPrimary"),
            secondaryColor: try colour("color.secondary"),
            logo: try text("logo"),
            portalURL: try url("portal.url"),
            issuer: try url("oidc.issuer"),
            clientID: try text("oidc.clientId"),
            redirectURI: (redirect?.isEmpty ?? true) ? nil : redirect
        )
        branding.receiptRootKey = (rootKey?.isEmpty ?? true) ? nil : rootKey
        return branding
    }
}
