package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.motcua.IdentityInterface
import vn.motcua.IdentityLevel
import vn.motcua.Profile

/** Where the login is. */
sealed interface SessionState {
    /** Reading the saved session from the phone. */
    data object Checking : SessionState

    /** Nobody is logged in: the login screen with its one button. */
    data class LoggedOut(val problem: Problem? = null) : SessionState

    /** Preparing the login page. */
    data object Starting : SessionState

    /**
     * The app must open [url] in the browser (Custom Tabs); the provider then sends the
     * browser back to [redirectUri], which the app hands to [SessionViewModel.completeLogin].
     */
    data class OpenBrowser(val url: String, val redirectUri: String) : SessionState

    /** The browser came back: checking the answer and opening the portal session. */
    data object Completing : SessionState

    /** Logged in. */
    data class LoggedIn(val profile: Profile) : SessionState {
        /** Level 2: may file every procedure. */
        val level2: Boolean get() = profile.identityLevel == IdentityLevel.LEVEL2
    }

    /**
     * "Log out and erase my data" was chosen while submissions or requests still wait to be
     * sent: erasing now loses them. The screen shows the core's [warning] with two buttons:
     * erase anyway ([SessionViewModel.logoutAndErase] with `confirmed`) or keep
     * ([SessionViewModel.keepData]).
     */
    data class ConfirmErase(val profile: Profile, val warning: String) : SessionState

    /** Erasing this citizen's data from the phone. */
    data object Erasing : SessionState
}

/**
 * Login with the electronic identity (the core does OIDC with PKCE, checks the answer and
 * keeps the tokens in the Keystore); this holder only tells the screen what to show.
 */
class SessionViewModel(
    private val identity: IdentityInterface,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<SessionState>(SessionState.Checking, scope, io) {

    init {
        scope.launch { restore() }
    }

    /** Shows who is logged in on this phone (no network needed). */
    private suspend fun restore() {
        val next = try {
            withContext(io) { identity.profile() }
                ?.let { SessionState.LoggedIn(it) } ?: SessionState.LoggedOut()
        } catch (e: Exception) {
            SessionState.LoggedOut(e.toProblem(texts))
        }
        update { next }
    }

    /** The login button: asks the core for the provider's URL. */
    fun beginLogin() {
        update { SessionState.Starting }
        scope.launch {
            val next = try {
                val request = identity.beginLogin()
                SessionState.OpenBrowser(request.url, request.redirectUri)
            } catch (e: Exception) {
                val problem = e.toProblem(texts)
                SessionState.LoggedOut(if (problem.offline) problem.copy(message = texts.offlineLogin) else problem)
            }
            update { next }
        }
    }

    /** The browser came back to the app with [callbackUrl] (app link or custom scheme). */
    fun completeLogin(callbackUrl: String) {
        update { SessionState.Completing }
        scope.launch {
            val next = try {
                SessionState.LoggedIn(identity.completeLogin(callbackUrl))
            } catch (e: Exception) {
                SessionState.LoggedOut(e.toProblem(texts))
            }
            update { next }
        }
    }

    /** The person closed the browser without finishing. */
    fun browserClosed() {
        update { current -> if (current is SessionState.OpenBrowser) SessionState.LoggedOut() else current }
    }

    /**
     * Logs out. The phone forgets the session even when the portal cannot be told
     * (offline): the core erases the tokens either way.
     */
    fun logout() {
        scope.launch {
            try {
                identity.logout()
            } catch (_: Exception) {
                // The local session is gone whatever the portal answered; nothing to show.
            }
            update { SessionState.LoggedOut() }
        }
    }

    /**
     * Settings → "Log out and erase my data from this phone", for a phone shared with
     * others. The core says whether something would be lost: if not it erases at once;
     * otherwise it first asks ([SessionState.ConfirmErase]), and erases only when called
     * again with [confirmed].
     */
    fun logoutAndErase(confirmed: Boolean = false) {
        val current = state.value
        val profile = when (current) {
            is SessionState.LoggedIn -> current.profile
            is SessionState.ConfirmErase -> current.profile
            else -> return
        }
        scope.launch {
            val warning = if (confirmed) null else try {
                withContext(io) { identity.eraseWarning() }
            } catch (e: Exception) {
                null
            }
            if (warning != null) {
                update { SessionState.ConfirmErase(profile, warning) }
                return@launch
            }
            update { SessionState.Erasing }
            val next = try {
                identity.logoutAndErase()
                SessionState.LoggedOut()
            } catch (e: Exception) {
                SessionState.LoggedOut(e.toProblem(texts))
            }
            update { next }
        }
    }

    /** The person chose to keep their data after the warning. */
    fun keepData() {
        update { current -> if (current is SessionState.ConfirmErase) SessionState.LoggedIn(current.profile) else current }
    }

    /** A call elsewhere found the session ended: back to the login screen, saying why. */
    fun sessionEnded(problem: Problem) {
        update { SessionState.LoggedOut(problem) }
    }
}
