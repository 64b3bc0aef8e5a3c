package vn.motcua.presentation

import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import vn.motcua.jvmtests.Browser
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.withParam

/** The login screen's state holder over the real identity area and the portal's provider. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SessionViewModelTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    @Test
    fun `logged out, browser, back in the app, logged in, and still after re-creation`() = runBlocking<Unit> {
        Phone(portal).use { phone ->
            val vm = SessionViewModel(phone.identity, phone.texts, phone.scope)
            vm.state.await { it is SessionState.LoggedOut }

            vm.beginLogin()
            val open = vm.state.await { it is SessionState.OpenBrowser } as SessionState.OpenBrowser
            assertEquals("vn.motcua.app:/oauth2redirect", open.redirectUri)
            // The browser: the provider's login page, a level-2 citizen chosen.
            val citizen = Browser.citizens(open.url).first { it.level == 2 }
            val callback = Browser.submit(citizen)
            assertTrue(callback.startsWith(open.redirectUri), callback)

            vm.completeLogin(callback)
            val loggedIn = vm.state.await { it is SessionState.LoggedIn || it is SessionState.LoggedOut }
            loggedIn as SessionState.LoggedIn
            assertEquals(citizen.fullName, loggedIn.profile.fullName)
            assertTrue(loggedIn.level2)

            // The activity is re-created (rotation, process death): the session is on the phone.
            val again = SessionViewModel(phone.identity, phone.texts, phone.scope)
            val restored = again.state.await { it !is SessionState.Checking }
            assertEquals(citizen.fullName, (restored as SessionState.LoggedIn).profile.fullName)

            again.logout()
            again.state.await { it is SessionState.LoggedOut }
            assertNull(phone.identity.profile())
        }
    }

    @Test
    fun `a tampered answer is refused with a Vietnamese message, not a crash`() = runBlocking<Unit> {
        Phone(portal).use { phone ->
            val vm = SessionViewModel(phone.identity, phone.texts, phone.scope)
            vm.state.await { it is SessionState.LoggedOut }
            vm.beginLogin()
            val open = vm.state.await { it is SessionState.OpenBrowser } as SessionState.OpenBrowser
            val callback = Browser.submit(Browser.citizens(open.url).first())
            vm.completeLogin(withParam(callback, "state", "forged"))
            val out = vm.state.await { it is SessionState.LoggedOut && it.problem != null } as SessionState.LoggedOut
            assertEquals("state_mismatch", out.problem!!.code)
            assertTrue(out.problem!!.message.any { it in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ" }, out.problem!!.message)
        }
    }

    @Test
    fun `without a portal the login says to connect, in plain words`() = runBlocking<Unit> {
        val stopped = Portal.start()
        Phone(stopped).use { phone ->
            stopped.close()
            val vm = SessionViewModel(phone.identity, phone.texts, phone.scope)
            vm.state.await { it is SessionState.LoggedOut }
            vm.beginLogin()
            val out = vm.state.await { it is SessionState.LoggedOut && it.problem != null } as SessionState.LoggedOut
            assertTrue(out.problem!!.offline)
            assertEquals(Texts(Lang.VI).offlineLogin, out.problem!!.message)
        }
    }
}
