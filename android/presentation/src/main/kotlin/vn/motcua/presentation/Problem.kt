package vn.motcua.presentation

import vn.motcua.CoreException
import vn.motcua.ErrorReason

/**
 * Something went wrong, in words for the person: the core's localised message, what kind
 * of failure it is (what the screen does about it) and, for the few cases a screen
 * handles on its own, the core's reason. Screens branch on [kind] and [reason], never on
 * [code].
 */
data class Problem(
    /** The core's stable machine code (for logs and tests, never shown, never branched on). */
    val code: String,
    /** What to show, in the configured language. */
    val message: String,
    val kind: Kind = Kind.UNEXPECTED,
    /** The case a screen handles on its own, if it is one (the core's [ErrorReason]). */
    val reason: ErrorReason? = null,
    /** For diagnostics (logs, bug reports); the core keeps personal data out of it. */
    val detail: String = code,
) {
    /** The core's error kinds, and one of the app's own. */
    enum class Kind {
        NETWORK, LOGGED_OUT, NOT_FOUND, INVALID_INPUT, NOT_ALLOWED, RATE_LIMITED, STORAGE, CANCELLED, UNEXPECTED,

        /** A port without the call (a test double, an older build): the feature is not there. */
        NOT_SUPPORTED,
    }

    /** No connection to the portal: what is on the phone still works. */
    val offline: Boolean get() = kind == Kind.NETWORK

    /** The session ended: the screen offers to log in again. */
    val loggedOut: Boolean get() = kind == Kind.LOGGED_OUT
}

/** The [Problem] a failed core call stands for; anything unknown is not hidden. */
fun Throwable.toProblem(texts: Texts): Problem = when (this) {
    is CoreException -> problem()
    is ProblemException -> problem
    is UnsupportedOperationException -> Problem("not_supported", texts.notYetAvailable, Problem.Kind.NOT_SUPPORTED)
    else -> Problem("unexpected", texts.unexpected)
}

/** The core's error as a [Problem]: a translation, one line per kind. */
private fun CoreException.problem(): Problem = when (this) {
    is CoreException.Network -> Problem(code, userMessage, Problem.Kind.NETWORK, reason, detail)
    is CoreException.LoggedOut -> Problem(code, userMessage, Problem.Kind.LOGGED_OUT, reason, detail)
    is CoreException.NotFound -> Problem(code, userMessage, Problem.Kind.NOT_FOUND, reason, detail)
    is CoreException.InvalidInput -> Problem(code, userMessage, Problem.Kind.INVALID_INPUT, reason, detail)
    is CoreException.NotAllowed -> Problem(code, userMessage, Problem.Kind.NOT_ALLOWED, reason, detail)
    is CoreException.RateLimited -> Problem(code, userMessage, Problem.Kind.RATE_LIMITED, reason, detail)
    is CoreException.Storage -> Problem(code, userMessage, Problem.Kind.STORAGE, reason, detail)
    is CoreException.Cancelled -> Problem(code, userMessage, Problem.Kind.CANCELLED, reason, detail)
    is CoreException.Unexpected -> Problem(code, userMessage, Problem.Kind.UNEXPECTED, reason, detail)
}

/**
 * Errors of areas the presentation layer reaches through its own ports (dossier,
 * tracking, receipts) carry a [Problem] themselves.
 */
class ProblemException(val problem: Problem) : Exception(problem.code)
