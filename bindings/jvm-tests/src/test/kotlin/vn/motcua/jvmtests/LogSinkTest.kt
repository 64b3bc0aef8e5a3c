package vn.motcua.jvmtests

import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import vn.motcua.LogLevel
import vn.motcua.LogRecord
import vn.motcua.LogSink
import vn.motcua.MotCua
import vn.motcua.setLogSink

/**
 * The core's logs reach the app through its sink (a debug build's logcat, a diagnostics
 * screen), at the level it asked for, and stop when it removes the sink.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogSinkTest {
    @Test
    fun `the app receives the core's logs at its level and none after removing its sink`() = runBlocking {
        val received = Collections.synchronizedList(mutableListOf<LogRecord>())
        val sink = object : LogSink {
            override fun log(record: LogRecord) {
                received.add(record)
            }
        }
        Portal.start().use { portal ->
            val dir = Files.createTempDirectory("motcua-logs-")
            try {
                MotCua.open(appConfig(portal, dir.resolve("profile")), MemoryPlatform()).use { core ->
                    setLogSink(sink, LogLevel.INFO)
                    core.catalog().use { it.refreshCatalog() }
                    val updated = received.filter { it.message.startsWith("catalog updated") }
                    assertEquals(1, updated.size, "$received")
                    assertEquals(LogLevel.INFO, updated.single().level)
                    assertTrue(updated.single().target.startsWith("motcua_core"), updated.single().target)
                    assertFalse(received.any { it.level == LogLevel.DEBUG }, "$received")

                    setLogSink(null, LogLevel.INFO)
                    val before = received.size
                    core.catalog().use { it.refreshCatalog() }
                    assertEquals(before, received.size, "nothing after the sink is removed")
                }
            } finally {
                dir.toFile().deleteRecursively()
            }
        }
    }
}
