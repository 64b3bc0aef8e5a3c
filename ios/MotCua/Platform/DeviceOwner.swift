import Foundation
import LocalAuthentication
import MotCuaModels

/// The app lock's check: Face ID, Touch ID or the phone's passcode
/// (`.deviceOwnerAuthentication` falls back to the passcode, so nobody is locked out when
/// biometrics fail).
struct DeviceOwner: DeviceOwnerCheck {
    func isAvailable() async -> Bool {
        var error: NSError?
        return LAContext().canEvaluatePolicy(.deviceOwnerAuthentication, error: &error)
    }

    func confirm(reason: String) async -> Bool {
        let context = LAContext()
        do {
            return try await context.evaluatePolicy(.deviceOwnerAuthentication, localizedReason: reason)
        } catch {
            // Cancelled, failed or no passcode: stays locked (the model decides).
            return false
        }
    }
}
