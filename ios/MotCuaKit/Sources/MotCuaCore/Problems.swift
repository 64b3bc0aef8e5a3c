import Foundation
import MotCuaBindings
import MotCuaModels

/// The core's one error type as the models' `Problem`: its case is the kind, its reason the
/// case a screen handles on its own; code, message and detail pass through. A translation,
/// one case each, no decision. Anything that is not a `CoreException` passes through
/// unchanged (and the models show it as unexpected).
func problem(from error: Error) -> Error {
    guard let e = error as? CoreException else { return error }
    switch e {
    case .Network(let code, let message, let detail, let reason):
        return Problem(kind: .network, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .LoggedOut(let code, let message, let detail, let reason):
        return Problem(kind: .loggedOut, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .NotFound(let code, let message, let detail, let reason):
        return Problem(kind: .notFound, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .InvalidInput(let code, let message, let detail, let reason, _):
        return Problem(kind: .invalidInput, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .NotAllowed(let code, let message, let detail, let reason):
        return Problem(kind: .notAllowed, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .RateLimited(let code, let message, let detail, let reason):
        return Problem(kind: .rateLimited, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .Storage(let code, let message, let detail, let reason):
        return Problem(kind: .storage, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .Cancelled(let code, let message, let detail, let reason):
        return Problem(kind: .cancelled, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    case .Unexpected(let code, let message, let detail, let reason):
        return Problem(kind: .unexpected, code: code, message: message, detail: detail, reason: reason.map(problemReason))
    }
}

private func problemReason(_ reason: ErrorReason) -> ProblemReason {
    switch reason {
    case .catalogNotDownloaded: return .catalogNotDownloaded
    case .trustListMissing: return .trustListMissing
    case .submissionsPending(let count): return .submissionsPending(count: Int(count))
    case .identityLevelTooLow(let required): return .identityLevelTooLow(required: Int(required))
    case .consentRequired(let statement): return .consentRequired(statement: statement)
    case .previousCitizenUndelivered(let count): return .previousCitizenUndelivered(count: Int(count))
    }
}

/// Runs a call into the bindings, its exceptions as `Problem`s.
func mapped<T>(_ call: () throws -> T) throws -> T {
    do {
        return try call()
    } catch {
        throw problem(from: error)
    }
}

/// Runs an async call into the bindings, its exceptions as `Problem`s.
func mappedAsync<T>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch {
        throw problem(from: error)
    }
}
