import Foundation
import MotCuaBindings
import Security

/// The core's secure storage (its `Platform` foreign trait) over the iOS Keychain: the
/// portal session's tokens and the data key that seals personal data in the database.
/// Items are generic passwords of this app's service, readable after the first unlock
/// (background refresh runs with the phone locked) and never leave this device (no iCloud
/// keychain, no backup): deleting the data key is how an assisted session erases a person.
final class KeychainSecureStore: Platform {
    private let service: String

    init(service: String) {
        self.service = service
    }

    private func query(_ key: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: key,
        ]
    }

    func secureGet(key: String) throws -> Data? {
        var search = query(key)
        search[kSecReturnData as String] = true
        search[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(search as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let data = result as? Data else { throw failure("unexpected item type", status) }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw failure("read", status)
        }
    }

    func secureSet(key: String, value: Data) throws {
        let attributes: [String: Any] = [
            kSecValueData as String: value,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]
        let status = SecItemUpdate(query(key) as CFDictionary, attributes as CFDictionary)
        switch status {
        case errSecSuccess:
            return
        case errSecItemNotFound:
            var item = query(key)
            item.merge(attributes) { _, new in new }
            let added = SecItemAdd(item as CFDictionary, nil)
            guard added == errSecSuccess else { throw failure("add", added) }
        default:
            throw failure("update", status)
        }
    }

    func secureDelete(key: String) throws {
        let status = SecItemDelete(query(key) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw failure("delete", status)
        }
    }

    /// The reason goes to the core's logs: the operation and the OSStatus, never the key's
    /// value.
    private func failure(_ operation: String, _ status: OSStatus) -> PlatformError {
        let text = SecCopyErrorMessageString(status, nil) as String? ?? "OSStatus \(status)"
        return PlatformError.Failed(reason: "keychain \(operation): \(text)")
    }
}
