import Foundation
import MotCuaBindings
import MotCuaModels

/// The core's typed exceptions as the models' `Problem`: its machine code, its message in
/// the configured language, and whether it is the network or an ended session (the two
/// cases the screens handle differently). Anything else passes through unchanged (and the
/// models show it as unexpected).
func problem(from error: Error) -> Error {
    switch error {
    case let e as IdentityException:
        switch e {
        case .Network(let code, let message):
            return Problem(code: code, message: message, offline: true)
        case .LoggedOut(let code, let message):
            return Problem(code: code, message: message, loggedOut: true)
        case .Cancelled(let code, let message), .LoginRejected(let code, let message),
             .Storage(let code, let message), .Other(let code, let message):
            return Problem(code: code, message: message)
        }
    case let e as CatalogException:
        switch e {
        case .Network(let code, let message), .NotDownloaded(let code, let message):
            return Problem(code: code, message: message, offline: true)
        case .Other(let code, let message):
            return Problem(code: code, message: message)
        }
    case let e as DossierException:
        switch e {
        case .Network(let code, let message):
            return Problem(code: code, message: message, offline: true)
        case .LoggedOut(let code, let message):
            return Problem(code: code, message: message, loggedOut: true)
        case .Invalid(let code, let message, _), .IdentityLevelTooLow(let code, let message, _):
            return Problem(code: code, message: message)
        case .NotFound(let code, let message), .NotAllowed(let code, let message), .NotEditable(let code, let message),
             .AttachmentRejected(let code, let message), .Refused(let code, let message),
             .Storage(let code, let message), .Other(let code, let message):
            return Problem(code: code, message: message)
        }
    case let e as TrackingException:
        switch e {
        case .Network(let code, let message):
            return Problem(code: code, message: message, offline: true)
        case .LoggedOut(let code, let message):
            return Problem(code: code, message: message, loggedOut: true)
        case .NotFound(let code, let message), .RateLimited(let code, let message),
             .Storage(let code, let message), .Other(let code, let message):
            return Problem(code: code, message: message)
        }
    case let e as ReceiptException:
        switch e {
        case .Network(let code, let message):
            return Problem(code: code, message: message, offline: true)
        // `receipt_no_trust_list` is told apart by its code (the desk offers to fetch it).
        case .NoTrustAnchor(let code, let message), .NoTrustList(let code, let message),
             .TrustListRefused(let code, let message), .NotIssued(let code, let message),
             .NotAnIdNumber(let code, let message), .NotValid(let code, let message),
             .Storage(let code, let message), .Other(let code, let message):
            return Problem(code: code, message: message)
        }
    case let e as AssistException:
        switch e {
        // `submissions_pending` is told apart by its code (the model asks to force).
        case .ConsentRequired(let code, let message, _), .SubmissionsPending(let code, let message, _),
             .SessionOpen(let code, let message), .NoSession(let code, let message), .Storage(let code, let message):
            return Problem(code: code, message: message)
        }
    default:
        return error
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
