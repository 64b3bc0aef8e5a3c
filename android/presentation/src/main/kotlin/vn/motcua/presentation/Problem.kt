package vn.motcua.presentation

import vn.motcua.AssistException
import vn.motcua.CatalogException
import vn.motcua.DossierException
import vn.motcua.IdentityException
import vn.motcua.ReceiptException
import vn.motcua.TrackingException

/**
 * Something went wrong, in words for the person: the core's localised message, and
 * whether it is only the network (then the screen says what will happen meanwhile).
 */
data class Problem(
    /** The core's stable machine code (for logs and tests, never shown). */
    val code: String,
    /** What to show, in the configured language. */
    val message: String,
    /** No connection to the portal: what is on the phone still works. */
    val offline: Boolean = false,
    /** The session ended: the screen offers to log in again. */
    val loggedOut: Boolean = false,
)

/** The [Problem] a failed core call stands for; anything unknown is not hidden. */
fun Throwable.toProblem(texts: Texts): Problem = when (this) {
    is IdentityException.Network -> Problem(code, userMessage, offline = true)
    is IdentityException.LoggedOut -> Problem(code, userMessage, loggedOut = true)
    is IdentityException.Cancelled -> Problem(code, userMessage)
    is IdentityException.LoginRejected -> Problem(code, userMessage)
    is IdentityException.Storage -> Problem(code, userMessage)
    is IdentityException.Other -> Problem(code, userMessage)
    is CatalogException.Network -> Problem(code, userMessage, offline = true)
    is CatalogException.NotDownloaded -> Problem(code, userMessage, offline = true)
    is CatalogException.Other -> Problem(code, userMessage)
    is DossierException.Network -> Problem(code, userMessage, offline = true)
    is DossierException.LoggedOut -> Problem(code, userMessage, loggedOut = true)
    is DossierException.NotFound -> Problem(code, userMessage)
    is DossierException.NotEditable -> Problem(code, userMessage)
    is DossierException.NotAllowed -> Problem(code, userMessage)
    is DossierException.Invalid -> Problem(code, userMessage)
    is DossierException.AttachmentRejected -> Problem(code, userMessage)
    is DossierException.IdentityLevelTooLow -> Problem(code, userMessage)
    is DossierException.Refused -> Problem(code, userMessage)
    is DossierException.Storage -> Problem(code, userMessage)
    is DossierException.Other -> Problem(code, userMessage)
    is TrackingException.Network -> Problem(code, userMessage, offline = true)
    is TrackingException.LoggedOut -> Problem(code, userMessage, loggedOut = true)
    is TrackingException.NotFound -> Problem(code, userMessage)
    is TrackingException.RateLimited -> Problem(code, userMessage)
    is TrackingException.Storage -> Problem(code, userMessage)
    is TrackingException.Other -> Problem(code, userMessage)
    is AssistException.ConsentRequired -> Problem(code, userMessage)
    is AssistException.SessionOpen -> Problem(code, userMessage)
    is AssistException.NoSession -> Problem(code, userMessage)
    is AssistException.SubmissionsPending -> Problem(code, userMessage)
    is AssistException.Storage -> Problem(code, userMessage)
    is ReceiptException.Network -> Problem(code, userMessage, offline = true)
    is ReceiptException.NoTrustAnchor -> Problem(code, userMessage)
    is ReceiptException.NoTrustList -> Problem(code, userMessage)
    is ReceiptException.TrustListRefused -> Problem(code, userMessage)
    is ReceiptException.NotIssued -> Problem(code, userMessage)
    is ReceiptException.NotAnIdNumber -> Problem(code, userMessage)
    is ReceiptException.NotValid -> Problem(code, userMessage)
    is ReceiptException.Storage -> Problem(code, userMessage)
    is ReceiptException.Other -> Problem(code, userMessage)
    // A port without the call (a test double, an older build): the feature is not there.
    is UnsupportedOperationException -> Problem("not_supported", texts.notYetAvailable)
    else -> coreProblem(this) ?: Problem("unexpected", texts.unexpected)
}

/**
 * Errors of areas the presentation layer reaches through its own ports (dossier,
 * tracking, receipts) carry a [Problem] themselves.
 */
class ProblemException(val problem: Problem) : Exception(problem.code)

private fun coreProblem(error: Throwable): Problem? = (error as? ProblemException)?.problem
