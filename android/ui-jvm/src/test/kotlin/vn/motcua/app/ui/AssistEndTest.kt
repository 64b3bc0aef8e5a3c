package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasText
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import vn.motcua.app.R
import vn.motcua.jvmtests.Portal
import vn.motcua.presentation.AssistState
import vn.motcua.presentation.Lang

/**
 * The end of an assisted session as the screens see it: the session's areas and the
 * state "ended" come from two flows, collected apart, so the screens may see the areas go
 * a frame before the end. The journey once stayed on the end screen then ("Đang tải…", no
 * button: the navigation had looked at the state when the areas changed, saw Ending, and
 * nothing looked again). Here that frame is made to happen every time: the holder is held
 * between its two writes until the screens are back on the volunteer's areas.
 */
@OptIn(ExperimentalTestApi::class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AssistEndTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    @Test
    fun `the end is shown when the screens see the areas go before the state says ended`() {
        val look = Look(Lang.VI, 1.0f)
        TestPhone(portal, look.lang).use { phone ->
            onScreen(phone, look) {
                click(look.text(R.string.settings_title))
                click(look.text(R.string.assist_title))
                click(look.text(R.string.assist_start))
                click(look.text(R.string.assist_consent_accept))
                waitUntilTrue("the window secure") { phone.windowSecure }
                click(look.text(R.string.assist_end))
                waitFor("what ending does", hasText(look.text(R.string.assist_end_explanation)))

                val assist = phone.graph.assistHolder!!
                val held = CountDownLatch(1)
                val release = CountDownLatch(1)
                // Unconfined: runs in the holder's own thread as it clears the areas, before
                // it publishes the end (the screens' collector, subscribed first, is already
                // woken).
                val hold = CoroutineScope(Dispatchers.Unconfined).launch {
                    assist.areas.first { it == null }
                    held.countDown()
                    release.await(WAIT_MS, TimeUnit.MILLISECONDS)
                }
                try {
                    clickLowest(look.text(R.string.assist_end))
                    waitUntilTrue("the session's areas cleared") { held.count == 0L }
                    waitUntilTrue("the screens back on the volunteer's areas") { !phone.windowSecure }
                    assertTrue(assist.state.value is AssistState.Ending, "${assist.state.value}")
                } finally {
                    release.countDown()
                }
                waitFor("the session ended", hasClickAction() and hasLabel(look.text(R.string.action_done)))
                hold.cancel()
            }
        }
    }
}
