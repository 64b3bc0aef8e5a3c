import Foundation
import Observation

/// Where a volunteer's assisted session is.
public enum AssistStage: Equatable, Sendable {
    /// The app is built without assisted sessions (the bindings do not export them yet).
    case notAvailable(message: String)
    /// Before starting: the volunteer reads out what will happen; the citizen agrees.
    case consent
    /// Under way: the citizen logs in with their own identity (in a private browser
    /// session, so nothing of theirs stays in the browser) and the dossier is filed.
    case active
    /// Ended: everything of the citizen was erased from the phone.
    case ended(message: String)
}

/// An assisted session on a volunteer's phone: begin only with the citizen's consent, the
/// citizen logs in with their own identity, file, hand off the receipt (share or print),
/// end = erase. Only the count of people helped stays, without personal data.
@MainActor
@Observable
public final class AssistModel {
    public private(set) var stage: AssistStage
    /// "12 people helped on this phone".
    public private(set) var helped: String? = nil
    public private(set) var problem: Problem? = nil

    private let assist: AssistPort?
    private let texts: Texts

    public init(assist: AssistPort?, lang: Lang) {
        self.assist = assist
        self.texts = Texts(lang: lang)
        stage = assist == nil ? .notAvailable(message: Texts(lang: lang).notYetAvailable) : .consent
    }

    /// The count of people helped.
    public func load() async {
        guard let assist else { return }
        if let count = try? await assist.assistSummary() {
            helped = texts.helpedCount(count)
        }
    }

    /// Starts the session; only once the citizen has agreed (the screen's checkbox).
    public func begin(citizenConsented: Bool) async {
        guard let assist, citizenConsented, stage == .consent else { return }
        problem = nil
        do {
            try await assist.beginAssistedSession()
            stage = .active
        } catch {
            problem = Problem.from(error, texts: texts)
        }
    }

    /// Whether the login must use a private browser session (no cookies kept).
    public var privateBrowsing: Bool {
        stage == .active
    }

    /// Ends the session and erases the citizen's data. If erasing fails, the session stays
    /// open and says why, so that the volunteer tries again rather than walking away.
    public func end() async {
        guard let assist, stage == .active else { return }
        problem = nil
        do {
            try await assist.endAssistedSession()
            stage = .ended(message: texts.assistErased)
            await load()
        } catch {
            problem = Problem.from(error, texts: texts)
        }
    }

    /// Back to the consent step, for the next person.
    public func next() {
        if case .ended = stage { stage = .consent }
    }
}
