import Foundation

/// Something went wrong, in words for the person: the core's localised message, and
/// whether it is only the network (then the screen says what will happen meanwhile).
public struct Problem: Error, Equatable, Sendable {
    /// The core's stable machine code (for logs and tests, never shown).
    public let code: String
    /// What to show, in the configured language.
    public let message: String
    /// No connection to the portal: what is on the phone still works.
    public let offline: Bool
    /// The session ended: the screen offers to log in again.
    public let loggedOut: Bool

    public init(code: String, message: String, offline: Bool = false, loggedOut: Bool = false) {
        self.code = code
        self.message = message
        self.offline = offline
        self.loggedOut = loggedOut
    }

    /// The same problem with another message (e.g. what happens offline).
    public func saying(_ message: String) -> Problem {
        Problem(code: code, message: message, offline: offline, loggedOut: loggedOut)
    }

    /// The problem a failed port call stands for. The adapters over the bindings throw
    /// `Problem` itself (built from the core's typed exceptions); anything else is a
    /// defect of ours, shown as "unexpected", never hidden.
    public static func from(_ error: Error, texts: Texts) -> Problem {
        if let problem = error as? Problem { return problem }
        return Problem(code: "unexpected", message: texts.unexpected)
    }
}
