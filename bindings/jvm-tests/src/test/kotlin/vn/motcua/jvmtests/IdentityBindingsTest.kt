package vn.motcua.jvmtests

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import vn.motcua.CoreException
import vn.motcua.Identity
import vn.motcua.IdentityLevel
import vn.motcua.MotCua
import vn.motcua.Platform
import vn.motcua.Profile

/**
 * The identity area through the generated Kotlin bindings, on the JVM, against a real
 * portal: what an Android app does, minus the UI and the Keystore.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdentityBindingsTest {
    private lateinit var portal: Portal
    private val dirs = mutableListOf<Path>()

    @BeforeAll
    fun startPortal() {
        portal = Portal.start()
    }

    @AfterAll
    fun stopPortal() {
        portal.close()
    }

    @AfterEach
    fun removeDirs() {
        dirs.forEach { it.toFile().deleteRecursively() }
        dirs.clear()
    }

    private fun tempDir(): Path = Files.createTempDirectory("motcua-phone-").also { dirs.add(it) }

    /** Opens a core ("a phone") with its own data directory and keystore. */
    private fun open(platform: Platform = MemoryPlatform()): MotCua {
        val dir = tempDir()
        return MotCua.open(appConfig(portal, dir.resolve("profile")), platform)
    }

    /** A level-2 citizen of the built-in provider, as its login page shows them. */
    private fun level2(loginUrl: String): CitizenForm =
        Browser.citizens(loginUrl).first { it.level == 2 }

    /** The whole login: begin, the browser, complete. */
    private suspend fun login(identity: Identity): Pair<CitizenForm, Profile> {
        val request = identity.beginLogin()
        val citizen = level2(request.url)
        val callback = Browser.submit(citizen)
        return citizen to identity.completeLogin(callback)
    }

    @Test
    fun `login, whoami, refresh and logout through the bindings`() = runBlocking {
        val platform = MemoryPlatform()
        open(platform).use { core ->
            core.identity().use { identity ->
                assertNull(identity.profile())
                assertNull(identity.identityLevel())

                val request = identity.beginLogin()
                assertEquals("vn.motcua.app:/oauth2redirect", request.redirectUri)
                assertTrue(request.url.startsWith(portal.issuer), request.url)
                assertEquals("S256", queryParam(request.url, "code_challenge_method"))
                val citizen = level2(request.url)
                val callback = Browser.submit(citizen)
                assertTrue(callback.startsWith("vn.motcua.app:/oauth2redirect?"), callback)
                assertNotNull(queryParam(callback, "code"))
                assertEquals(queryParam(request.url, "state"), queryParam(callback, "state"))
                assertEquals(portal.issuer, queryParam(callback, "iss"))

                val profile = identity.completeLogin(callback)
                assertEquals(citizen.fullName, profile.fullName)
                assertEquals(IdentityLevel.LEVEL2, profile.identityLevel)
                assertEquals(12, profile.personalId?.length)
                assertEquals(profile, identity.profile())
                assertEquals(IdentityLevel.LEVEL2, identity.identityLevel())
                assertTrue(platform.secrets.isNotEmpty(), "the session is in the keystore")

                val me = identity.whoami()
                assertEquals(profile.fullName, me.fullName)
                assertEquals(profile.personalId, me.personalId)

                identity.refresh()
                assertEquals(profile.fullName, identity.whoami().fullName)

                assertTrue(identity.logout(), "the portal confirmed the revocation")
                assertNull(identity.profile())
                assertNull(identity.identityLevel())
                assertEquals(
                    setOf("motcua.identity.profile_owner.v1"),
                    platform.secrets.keys,
                    "logout erases every secret but the digest naming whose data the phone holds",
                )
            }
        }
    }

    @Test
    fun `a tampered state is LoginRejected with state_mismatch and the real callback still works`() =
        runBlocking {
            open().use { core ->
                core.identity().use { identity ->
                    val request = identity.beginLogin()
                    val citizen = level2(request.url)
                    val callback = Browser.submit(citizen)
                    val forged = withParam(callback, "state", "forged-" + queryParam(callback, "state"))

                    val error =
                        assertFails<CoreException.NotAllowed> { identity.completeLogin(forged) }
                    assertEquals("state_mismatch", error.code)
                    assertTrue(error.userMessage.isNotBlank())
                    assertNull(identity.profile(), "nothing stored on a refused callback")

                    assertEquals(citizen.fullName, identity.completeLogin(callback).fullName)
                }
            }
        }

    @Test
    fun `a callback without a login in progress is LoginRejected`() = runBlocking {
        open().use { core ->
            core.identity().use { identity ->
                val error = assertFails<CoreException.NotAllowed> {
                    identity.completeLogin("vn.motcua.app:/oauth2redirect?code=x&state=y")
                }
                assertEquals("no_login_in_progress", error.code)
            }
        }
    }

    @Test
    fun `whoami when logged out is LoggedOut with not_logged_in`() = runBlocking {
        open().use { core ->
            core.identity().use { identity ->
                val error = assertFails<CoreException.LoggedOut> { identity.whoami() }
                assertEquals("not_logged_in", error.code)
                assertTrue(error.userMessage.isNotBlank())
                // The sealed class lets the app branch exhaustively.
                val screen = when (error as CoreException) {
                    is CoreException.LoggedOut -> "login"
                    is CoreException.Network -> "retry"
                    is CoreException.Cancelled -> "login"
                    is CoreException.NotFound, is CoreException.InvalidInput, is CoreException.NotAllowed,
                    is CoreException.RateLimited, is CoreException.Storage, is CoreException.Unexpected -> "error"
                }
                assertEquals("login", screen)
            }
        }
    }

    @Test
    fun `messages are in the configured language`() = runBlocking {
        val vi = tempDir()
        MotCua.open(appConfig(portal, vi.resolve("profile"), language = "vi"), MemoryPlatform())
            .use { core ->
                core.identity().use { identity ->
                    val inVietnamese = assertFails<CoreException.LoggedOut> { identity.whoami() }
                    open().use { en ->
                        en.identity().use { other ->
                            val inEnglish = assertFails<CoreException.LoggedOut> { other.whoami() }
                            assertEquals(inEnglish.code, inVietnamese.code)
                            assertFalse(inEnglish.userMessage == inVietnamese.userMessage)
                        }
                    }
                }
            }
    }

    @Test
    fun `a keystore that fails is a Storage exception, not a crash`() = runBlocking {
        // A declared PlatformException and an arbitrary exception from the app's code.
        for (failure in listOf<() -> Exception>(::keystoreLocked, { IllegalStateException("Keystore unavailable") })) {
            open(LockedKeystore(failure)).use { core ->
                core.identity().use { identity ->
                    val error = assertThrows<CoreException.Storage> { identity.profile() }
                    assertEquals("secure_storage_failed", error.code)
                    assertFails<CoreException.Storage> { identity.whoami() }
                }
            }
        }
    }

    @Test
    fun `an invalid portal address is a typed exception at open`() {
        val dir = tempDir()
        val config = appConfig(portal, dir).copy(portalUrl = "not a url")
        val error = assertThrows<CoreException.InvalidInput> { MotCua.open(config, MemoryPlatform()) }
        assertEquals("invalid_config", error.code)
    }

    @Test
    fun `fifty coroutines call profile and whoami concurrently`() = runBlocking {
        open().use { core ->
            core.identity().use { identity ->
                val (citizen, _) = login(identity)
                val results = (1..50).map { i ->
                    async(Dispatchers.Default) {
                        // Half share the Identity object, half take their own handle.
                        if (i % 2 == 0) {
                            identity.profile()!!.fullName to identity.whoami().fullName
                        } else {
                            core.identity().use { mine ->
                                mine.profile()!!.fullName to mine.whoami().fullName
                            }
                        }
                    }
                }.awaitAll()
                assertEquals(50, results.size)
                assertTrue(results.all { it == citizen.fullName to citizen.fullName }, "$results")
                assertEquals(citizen.fullName, identity.whoami().fullName)
            }
        }
    }

    @Test
    fun `cancelled calls leave no half state behind`() = runBlocking {
        open().use { core ->
            core.identity().use { identity ->
                // A login started and abandoned mid-flight, several times over.
                var cancelled = 0
                repeat(10) {
                    if (withTimeoutOrNull(1) { identity.beginLogin() } == null) cancelled++
                }
                val job = launch(Dispatchers.Default) { identity.beginLogin() }
                yield()
                job.cancel()
                job.join()
                // A fresh login still goes through.
                val (citizen, profile) = login(identity)
                assertEquals(citizen.fullName, profile.fullName)

                // whoami cancelled at various points of its request.
                repeat(20) { i ->
                    if (withTimeoutOrNull(1L + i % 5) { identity.whoami() } == null) cancelled++
                }
                val jobs = (1..10).map { launch(Dispatchers.Default) { identity.whoami() } }
                jobs.forEach { it.cancel() }
                jobs.forEach { it.join() }
                assertTrue(cancelled > 0, "no call was cancelled mid-flight; the test proves nothing")

                // The core is whole: the same session answers.
                assertEquals(citizen.fullName, identity.whoami().fullName)
                assertEquals(citizen.fullName, identity.profile()?.fullName)
                assertTrue(identity.logout())
                assertNull(identity.profile())
            }
        }
    }

    /**
     * A `refresh()` dropped after the portal rotated the refresh token but before the answer
     * was stored must not leave the spent token on the phone (the portal would take its next
     * use for theft): the core finishes a started refresh on its own task, whoever gave up.
     */
    @Test
    fun `cancelling refresh does not end the session`() = runBlocking {
        var cancelled = 0
        repeat(30) { i ->
            open().use { core ->
                core.identity().use { identity ->
                    val (citizen, _) = login(identity)
                    if (withTimeoutOrNull(1L + (i % 6)) { identity.refresh() } == null) cancelled++
                    assertEquals(citizen.fullName, identity.whoami().fullName, "attempt $i")
                }
            }
        }
        assertTrue(cancelled > 0, "no refresh was cancelled mid-flight")
    }

    @Test
    fun `a closed object refuses calls instead of crashing`() {
        val core = open()
        val identity = core.identity()
        core.close()
        // The Identity handle keeps the core alive on the Rust side.
        assertNull(identity.profile())
        identity.close()
        assertThrows<IllegalStateException> { identity.profile() }
        assertThrows<IllegalStateException> { core.identity() }
    }
}
