import Foundation
import Observation

/// Where the login is.
public enum SessionState: Equatable, Sendable {
    /// Reading the saved session from the phone.
    case checking
    /// Nobody is logged in: the login screen with its one button.
    case loggedOut(Problem?)
    /// Preparing the login page.
    case starting
    /// The app must open the URL in the system browser (ASWebAuthenticationSession); the
    /// provider then sends it back to the redirect URI, which the app hands to
    /// `completeLogin`.
    case openBrowser(LoginStart)
    /// The browser came back: checking the answer and opening the portal session.
    case completing
    case loggedIn(Citizen)
    /// "Log out and erase my data" while actions still wait to be sent: the screen shows
    /// the core's warning with "keep my data" (`keepData`) and "erase anyway"
    /// (`logoutAndErase(confirmed: true)`).
    case confirmErase(Citizen, warning: String)
    /// Erasing the citizen's data from the phone.
    case erasing
}

/// Login with the electronic identity (the core does OIDC with PKCE, checks the answer and
/// keeps the tokens in the Keychain); this model only tells the screen what to show.
@MainActor
@Observable
public final class SessionModel {
    public private(set) var state: SessionState = .checking

    private let identity: IdentityPort
    private let texts: Texts

    public init(identity: IdentityPort, texts: Texts) {
        self.identity = identity
        self.texts = texts
    }

    /// Shows who is logged in on this phone (no network needed).
    public func restore() async {
        do {
            if let citizen = try await identity.profile() {
                state = .loggedIn(citizen)
            } else {
                state = .loggedOut(nil)
            }
        } catch {
            state = .loggedOut(Problem.from(error, texts: texts))
        }
    }

    /// The login button: asks the core for the provider's URL.
    public func beginLogin() async {
        state = .starting
        do {
            state = .openBrowser(try await identity.beginLogin())
        } catch {
            let problem = Problem.from(error, texts: texts)
            state = .loggedOut(problem.offline ? problem.saying(texts.offlineLogin) : problem)
        }
    }

    /// The browser came back to the app with `callbackURL` (the custom scheme).
    public func completeLogin(callbackURL: String) async {
        state = .completing
        do {
            state = .loggedIn(try await identity.completeLogin(callbackURL: callbackURL))
        } catch {
            let problem = Problem.from(error, texts: texts)
            // A cancelled or superseded login is the person's own doing: nothing to show.
            state = .loggedOut(problem.kind == .cancelled ? nil : problem)
        }
    }

    /// The person closed the browser without finishing.
    public func browserClosed() {
        if case .openBrowser = state {
            state = .loggedOut(nil)
        }
    }

    /// Logs out. The phone forgets the session even when the portal cannot be told
    /// (offline): the core erases the tokens either way.
    public func logout() async {
        // The local session is gone whatever the portal answered; nothing to show.
        try? await identity.logout()
        state = .loggedOut(nil)
    }

    /// Settings → "Log out and erase my data from this phone", for a phone shared with
    /// others. The core says whether something would be lost: if not it erases at once;
    /// otherwise it asks first
    /// (`.confirmErase`) and erases only when called again with `confirmed`.
    public func logoutAndErase(confirmed: Bool = false) async {
        guard let citizen else { return }
        if !confirmed, let warning = (try? await identity.eraseWarning()) ?? nil {
            state = .confirmErase(citizen, warning: warning)
            return
        }
        state = .erasing
        do {
            try await identity.logoutAndErase()
            state = .loggedOut(nil)
        } catch {
            state = .loggedOut(Problem.from(error, texts: texts))
        }
    }

    /// The person chose to keep their data after the warning.
    public func keepData() {
        if case .confirmErase(let citizen, _) = state {
            state = .loggedIn(citizen)
        }
    }

    /// A call elsewhere found the session ended: back to the login screen, saying why.
    public func sessionEnded(_ problem: Problem) {
        state = .loggedOut(problem)
    }

    /// The logged-in citizen, if any.
    public var citizen: Citizen? {
        switch state {
        case .loggedIn(let citizen), .confirmErase(let citizen, _): return citizen
        default: return nil
        }
    }
}
