import AuthenticationServices
import UIKit

/// The login page in the system browser (RFC 8252): ASWebAuthenticationSession, which
/// shares nothing with the app but the final redirect to the custom scheme.
@MainActor
final class WebLogin: NSObject, ASWebAuthenticationPresentationContextProviding {
    enum Outcome {
        case callback(URL)
        /// The person closed the browser.
        case closed
        case failed(Error)
    }

    private var session: ASWebAuthenticationSession?

    /// Opens `url` and waits for the redirect to `scheme`. `privateSession` keeps no
    /// cookies: used in a volunteer's assisted session, so that the next person does not
    /// find the previous one still logged in at the identity provider.
    func start(url: URL, scheme: String, privateSession: Bool) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            // Resumed once, whether the session answers through its handler or fails to start.
            var answered = false
            let answer: (Outcome) -> Void = { outcome in
                guard !answered else { return }
                answered = true
                continuation.resume(returning: outcome)
            }
            let session = ASWebAuthenticationSession(url: url, callbackURLScheme: scheme) { callback, error in
                DispatchQueue.main.async {
                    if let callback {
                        answer(.callback(callback))
                    } else if let error = error as? ASWebAuthenticationSessionError, error.code == .canceledLogin {
                        answer(.closed)
                    } else {
                        answer(.failed(error ?? ASWebAuthenticationSessionError(.presentationContextInvalid)))
                    }
                }
            }
            session.presentationContextProvider = self
            session.prefersEphemeralWebBrowserSession = privateSession
            self.session = session
            if !session.start() {
                self.session = nil
                answer(.failed(ASWebAuthenticationSessionError(.presentationContextNotProvided)))
            }
        }
    }

    nonisolated func presentationAnchor(for session: ASWebAuthenticationSession) -> ASPresentationAnchor {
        MainActor.assumeIsolated {
            let scene = UIApplication.shared.connectedScenes
                .compactMap { $0 as? UIWindowScene }
                .first { $0.activationState == .foregroundActive }
            return scene?.windows.first { $0.isKeyWindow } ?? ASPresentationAnchor()
        }
    }
}
