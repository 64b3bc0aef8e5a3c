package vn.motcua.presentation

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout
import vn.motcua.MotCua
import vn.motcua.Profile
import vn.motcua.jvmtests.Browser
import vn.motcua.jvmtests.MemoryPlatform
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.appConfig

/**
 * A test phone: the real core (host library through JNA) with its own data directory and
 * an in-memory keystore, talking to a real portal; plus a scope for its view-models, as
 * `viewModelScope` would be. The portal fixture and the scripted browser are the bindings'
 * JVM test support (bindings/jvm-tests), compiled into this build.
 */
class Phone(val portal: Portal, val lang: Lang = Lang.VI) : AutoCloseable {
    val dir: Path = Files.createTempDirectory("motcua-android-phone-")
    val platform = MemoryPlatform()
    val core: MotCua = MotCua.open(appConfig(portal, dir.resolve("profile"), lang.tag), platform)
    val identity = core.identity()
    val catalog = core.catalog()
    val texts = Texts(lang)
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** Logs a level-2 demo citizen in through the core, as the login screen does. */
    suspend fun login(level: Int = 2): Profile {
        val request = identity.beginLogin()
        val citizen = Browser.citizens(request.url).first { it.level == level }
        return identity.completeLogin(Browser.submit(citizen))
    }

    override fun close() {
        scope.cancel()
        catalog.close()
        identity.close()
        core.close()
        dir.toFile().deleteRecursively()
    }
}

/** Polls [condition] (20 s at most) for what is not a state change, e.g. the core's storage. */
suspend fun eventually(what: String, condition: () -> Boolean) {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20)
    while (!condition()) {
        if (System.nanoTime() > deadline) throw AssertionError("not within 20 s: $what")
        kotlinx.coroutines.delay(20)
    }
}

/** Waits (20 s at most) for a state that satisfies [predicate]; fails with the last one seen. */
suspend fun <S> StateFlow<S>.await(what: String = "state", predicate: (S) -> Boolean): S = try {
    withTimeout(TimeUnit.SECONDS.toMillis(20)) { first(predicate) }
} catch (e: kotlinx.coroutines.TimeoutCancellationException) {
    throw AssertionError("no $what within 20 s; last: $value", e)
}
