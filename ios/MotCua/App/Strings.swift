import Foundation
import MotCuaModels

/// The app's static texts from Localizable.xcstrings, in the language chosen in the app's
/// settings (Vietnamese by default), whatever the phone's language: an elderly citizen's
/// phone may be set to English by whoever sold it. Keys are semantic (`home.title`); every
/// key used in code is in the catalog with vi and en (ios/scripts/check-strings.py).
struct Tr {
    let lang: Lang
    private let bundle: Bundle

    init(lang: Lang) {
        self.lang = lang
        // The compiled String Catalog is one .lproj per language in the app bundle.
        if let path = Bundle.main.path(forResource: lang.rawValue, ofType: "lproj"),
           let bundle = Bundle(path: path) {
            self.bundle = bundle
        } else {
            self.bundle = .main
        }
    }

    func callAsFunction(_ key: String) -> String {
        bundle.localizedString(forKey: key, value: nil, table: "Localizable")
    }

    /// A text with one `%@` filled in.
    func callAsFunction(_ key: String, _ argument: String) -> String {
        self(key).replacingOccurrences(of: "%@", with: argument)
    }

    /// The locale for dates and numbers the system formats.
    var locale: Locale {
        Locale(identifier: lang == .vi ? "vi_VN" : "en_GB")
    }
}
