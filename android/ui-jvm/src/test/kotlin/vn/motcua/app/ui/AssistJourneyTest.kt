package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.performClick
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import vn.motcua.app.R
import vn.motcua.jvmtests.Portal

/**
 * A volunteer's assisted session by clicks, on a phone whose owner is not logged in:
 * settings → assist → the consent read to the person → accepted → the session's login
 * (an ephemeral login page) → the person files a dossier on the session's core → the
 * hand-off (the code, shared without the name) → the end, which erases the person and
 * gives the volunteer's phone back. Every screen on the way checked at every font scale.
 */
@OptIn(ExperimentalTestApi::class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AssistJourneyTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    fun looks() = Look.JOURNEYS

    @ParameterizedTest(name = "{0}")
    @MethodSource("looks")
    fun `consent, the person logs in and files, hand-off, end`(look: Look) = TestPhone(portal, look.lang).use { phone ->
        onScreen(phone, look) {
            val shots = Screenshots("assisted-session", look)
            click(look.text(R.string.settings_title))
            click(look.text(R.string.assist_title))
            waitFor("the start", hasClickAction() and hasLabel(look.text(R.string.assist_start)))
            checkScreen(phone, shots, look, "assist-start")
            click(look.text(R.string.assist_start))
            waitFor("the consent", hasClickAction() and hasLabel(look.text(R.string.assist_consent_accept)))
            checkScreen(phone, shots, look, "assist-consent")
            click(look.text(R.string.assist_consent_accept))

            waitFor("the session's login", hasText(look.text(R.string.assist_login_explanation)))
            waitUntilTrue("the window secure") { phone.windowSecure }
            waitFor("the session's banner", hasClickAction() and hasLabel(look.text(R.string.assist_end)))
            checkScreen(phone, shots, look, "assist-login")
            val name = logIn(phone, look, skip = look.citizen)
            assertTrue(phone.device.loginPages.last().ephemeral, "the person's login page keeps nothing")
            checkScreen(phone, shots, look, "assist-home")

            fillAndSubmitMaritalStatus(phone, look)
            click(look.text(R.string.action_home))
            waitFor("the hand-off", hasClickAction() and hasLabel(look.text(R.string.handoff_share)))
            checkScreen(phone, shots, look, "handoff")
            click(look.text(R.string.handoff_share))
            val shared = phone.device.shared.last()
            val code = shared.subject
            assertTrue(shared.text.contains(code), shared.text)
            assertFalse(shared.text.contains(name), "no name in what is shared: ${shared.text}")

            click(look.text(R.string.action_done))
            waitFor("the session's home with the dossier", hasLabel(code))
            click(look.text(R.string.assist_end))
            waitFor("what ending does", hasText(look.text(R.string.assist_end_explanation)))
            checkScreen(phone, shots, look, "assist-end")
            clickLowest(look.text(R.string.assist_end))
            waitFor("the session ended", hasClickAction() and hasLabel(look.text(R.string.action_done)))
            waitUntilTrue("the window no longer secure") { !phone.windowSecure }
            assertFalse(shows(hasLabel(name)), "nothing of the person on screen")
            checkScreen(phone, shots, look, "assist-ended")
            assertEquals(null, phone.graph.assistHolder!!.areas.value, "the session's areas are gone")
            click(look.text(R.string.action_done))
        }
    }
}

/** Clicks the lowest on screen of the clickable elements labelled [label] (the primary button under a banner's). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.clickLowest(label: String) {
    val matcher = hasClickAction() and hasLabel(label)
    waitFor("a button \"$label\"", matcher)
    val nodes = onAllNodes(matcher).fetchSemanticsNodes()
    val lowest = nodes.indices.maxBy { nodes[it].boundsInRoot.top }
    onAllNodes(matcher)[lowest].performClick()
    waitForIdle()
}
