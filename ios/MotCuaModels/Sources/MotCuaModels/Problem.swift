import Foundation

/// What kind of failure a problem is: the core's own classification (its `CoreException`
/// case), which the screens branch on; never a machine code.
public enum ProblemKind: Sendable, Equatable {
    /// The portal or the provider could not be reached: what is on the phone still works,
    /// queued actions are sent later.
    case network
    /// Not logged in, or the session ended: the screen offers to log in.
    case loggedOut
    /// No such draft, dossier, procedure, receipt or trust list.
    case notFound
    /// What the person entered is not acceptable.
    case invalidInput
    /// The rules do not allow it now.
    case notAllowed
    /// Too many requests: wait a moment.
    case rateLimited
    /// The phone's database, files or keystore failed.
    case storage
    /// The person stopped it (a cancelled or superseded login): not an error to show.
    case cancelled
    /// Anything else, a defect of ours included.
    case unexpected
    /// The port has no such call in this build (a fake, an older build): the feature is
    /// not in this version. The models' own kind; the core never says it.
    case notSupported
}

/// The case a screen handles on its own, when the core names one (its `ErrorReason`).
public enum ProblemReason: Sendable, Equatable {
    /// No catalog was ever downloaded on this phone.
    case catalogNotDownloaded
    /// Receipts cannot be verified before the trust list is fetched once.
    case trustListMissing
    /// An assisted session cannot end: `count` submissions have not reached the portal.
    case submissionsPending(count: Int)
    /// The procedure needs a stronger electronic identity (level 1 or 2).
    case identityLevelTooLow(required: Int)
    /// The person helped must consent to the current statement (this version) first.
    case consentRequired(statement: String)
    /// The previous citizen of this profile still has `count` actions waiting to be delivered.
    case previousCitizenUndelivered(count: Int)
}

/// Something went wrong, in words for the person: the core's kind, the case it names (if
/// any), and its localised message.
public struct Problem: Error, Equatable, Sendable {
    public let kind: ProblemKind
    /// The case the screen handles on its own, if the core names one.
    public let reason: ProblemReason?
    /// The core's stable machine code (for logs and tests, never shown, never compared).
    public let code: String
    /// What to show, in the configured language.
    public let message: String
    /// For diagnostics; no personal data, never shown.
    public let detail: String

    public init(kind: ProblemKind, code: String, message: String, detail: String = "", reason: ProblemReason? = nil) {
        self.kind = kind
        self.reason = reason
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// No connection to the portal: what is on the phone still works.
    public var offline: Bool { kind == .network }
    /// The session ended: the screen offers to log in again.
    public var loggedOut: Bool { kind == .loggedOut }

    /// The same problem with another message (e.g. what happens offline).
    public func saying(_ message: String) -> Problem {
        Problem(kind: kind, code: code, message: message, detail: detail, reason: reason)
    }

    /// A call the port does not have in this build: the feature is not in this version.
    public static func notSupported(_ message: String) -> Problem {
        Problem(kind: .notSupported, code: "not_supported", message: message)
    }

    /// The problem a failed port call stands for. The adapters over the bindings throw
    /// `Problem` itself (built from the core's `CoreException`); anything else is a defect
    /// of ours, shown as "unexpected", never hidden.
    public static func from(_ error: Error, texts: Texts) -> Problem {
        if let problem = error as? Problem { return problem }
        return Problem(kind: .unexpected, code: "unexpected", message: texts.unexpected, detail: String(describing: type(of: error)))
    }
}
