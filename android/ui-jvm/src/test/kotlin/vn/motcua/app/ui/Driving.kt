package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.printToString
import androidx.compose.ui.unit.Density
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.resetMain
import kotlinx.coroutines.test.setMain
import vn.motcua.app.R

/*
 * Driving the app as a person does: by what the screen shows and says, with clicks and
 * typing; waiting on what should appear, never on time.
 */

/** How long anything may take to appear: the core, the portal and the provider on a busy CI machine. */
const val WAIT_MS = 30_000L

/**
 * Runs [block] with the app of [phone] on a 360 dp screen in [look].
 *
 * `viewModelScope` (the app's state holders) runs on `Dispatchers.Main`, which a desktop
 * JVM does not have; the tests make it unconfined: a holder's coroutine starts on the thread
 * that composes (as on Android's main thread) and goes on where the core answered, as the
 * presentation tests' `Dispatchers.Default` scopes do. (The AWT thread as Main would not
 * do: Navigation moves its entries' lifecycles from the composing thread and the lifecycle
 * insists that this is Main.)
 */
@OptIn(ExperimentalTestApi::class, ExperimentalCoroutinesApi::class)
fun onScreen(phone: TestPhone, look: Look, block: SkikoComposeUiTest.() -> Unit) {
    val width = (SCREEN_WIDTH_DP * DENSITY).toInt()
    val height = (SCREEN_HEIGHT_DP * DENSITY).toInt()
    Dispatchers.setMain(Dispatchers.Unconfined)
    phone.fontScale = look.fontScale
    try {
        SkikoComposeUiTest(width, height, EmptyCoroutineContext, Density(DENSITY)).runTest {
            setContent { phone.App() }
            block()
        }
    } finally {
        Dispatchers.resetMain()
    }
}

/** Waits until something matching [matcher] is on screen; fails naming [what], with the tree. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.waitFor(what: String, matcher: SemanticsMatcher) =
    waitUntilTrue("on screen: $what") { onAllNodes(matcher).fetchSemanticsNodes().isNotEmpty() }

/**
 * Waits until [condition] holds, frame by frame; fails naming [what], with the tree.
 *
 * Not `SkikoComposeUiTest.waitUntil`: in Compose Multiplatform 1.7.3 it builds its timeout
 * message and never throws it, so a condition that never comes true loops for ever (what
 * made the journeys hang instead of failing with a message).
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.waitUntilTrue(what: String, condition: () -> Boolean) {
    val deadline = System.nanoTime() + WAIT_MS * 1_000_000
    while (!condition()) {
        if (System.nanoTime() > deadline) throw AssertionError("not within ${WAIT_MS / 1000} s: $what\n${screenTree()}")
        mainClock.advanceTimeByFrame()
        Thread.sleep(5)
    }
}

/** Whether something matching [matcher] is on screen now. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.shows(matcher: SemanticsMatcher): Boolean = onAllNodes(matcher).fetchSemanticsNodes().isNotEmpty()

/** The merged semantics tree, for failure messages. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.screenTree(): String =
    runCatching { onAllNodes(androidx.compose.ui.test.isRoot()).fetchSemanticsNodes().size.toString() + " root(s)\n" + onAllNodes(androidx.compose.ui.test.isRoot()).onFirst().printToString(maxDepth = 40) }
        .getOrElse { "(no tree: $it)" }

/** The first clickable element labelled with [label] (its text or description contains it). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.button(label: String): SemanticsNodeInteraction = onAllNodes(hasClickAction() and hasLabel(label)).onFirst()

/** Scrolls [label]'s clickable element into view and clicks it, once it is there. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.click(label: String) {
    waitFor("a button \"$label\"", hasClickAction() and hasLabel(label))
    button(label).scrollIntoView().performClick()
    waitForIdle()
}

/** Types [text] into the field labelled [label]. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.type(label: String, text: String) {
    waitFor("a field \"$label\"", hasSetTextAction() and hasLabel(label))
    onAllNodes(hasSetTextAction() and hasLabel(label)).onFirst().scrollIntoView().performTextInput(text)
    waitForIdle()
}

/** Scrolls the node into view when it is in a scrolling container (the bottom bar is not). */
fun SemanticsNodeInteraction.scrollIntoView(): SemanticsNodeInteraction = apply { runCatching { performScrollTo() } }

/**
 * Logs in from the login screen: the login button, the provider's page the device was
 * asked to open (a demo citizen at [level], the [skip]th), the redirect back. Returns the
 * citizen's name; waits for the home screen.
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.logIn(phone: TestPhone, look: Look, level: Int = 2, skip: Int = 0): String {
    val pagesBefore = phone.device.loginPages.size
    click(look.text(R.string.login_button))
    waitUntilTrue("the login page opened") { phone.device.loginPages.size > pagesBefore }
    val name = phone.logInAtProvider(phone.device.loginPages.last(), level, skip)
    waitFor("home after login", hasClickAction() and hasLabel(look.text(R.string.home_new_dossier)))
    return name
}
