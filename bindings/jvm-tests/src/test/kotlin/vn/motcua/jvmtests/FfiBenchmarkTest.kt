package vn.motcua.jvmtests

import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import vn.motcua.DossierStatus
import vn.motcua.MotCua

/**
 * Round-trip cost of calls through the generated Kotlin, JNA and the library: what an app
 * pays per call on top of the core's own work. Prints figures; asserts only results.
 *
 * Tagged `bench`: excluded from the default run, run with
 * `mvn -B -ntp -f bindings/jvm-tests/pom.xml test -Pbench` (after
 * `bash scripts/bindings.sh --release` for the figures of the shipped profile).
 */
@Tag("bench")
class FfiBenchmarkTest {
    /** Median of [rounds] rounds of [calls] calls each, in nanoseconds per call. */
    private inline fun measure(name: String, calls: Int, rounds: Int = 7, call: () -> Unit): Double {
        repeat(calls) { call() } // warm-up: JIT, JNA's method lookup, SQLite caches
        val perCall = (1..rounds).map {
            val start = System.nanoTime()
            repeat(calls) { call() }
            (System.nanoTime() - start).toDouble() / calls
        }.sorted()
        val median = perCall[rounds / 2]
        println("BENCH %-58s %12.0f ns/call (min %.0f, max %.0f; %d x %d calls)".format(
            name, median, perCall.first(), perCall.last(), rounds, calls,
        ))
        return median
    }

    @Test
    fun `round trip of sync, async and record-returning calls`() {
        Portal.start().use { portal ->
            val dir = Files.createTempDirectory("motcua-bench-")
            try {
                MotCua.open(appConfig(portal, dir.resolve("profile")), MemoryPlatform()).use { core ->
                    val tracking = core.tracking()
                    val dossier = core.dossier()
                    val catalog = core.catalog()
                    runBlocking { catalog.refreshCatalog() }

                    // Sync, trivial: an enum in, a short string out; no I/O.
                    measure("sync  tracking.statusLabel(enum) -> String", 5_000) {
                        tracking.statusLabel(DossierStatus.RECEIVED)
                    }
                    // Sync, one SQLite read: an unsigned integer out.
                    measure("sync  dossier.pendingSubmissions() -> UInt (1 SQLite read)", 5_000) {
                        dossier.pendingSubmissions()
                    }
                    // Async: suspend, a task on the bindings' runtime, the poll/wake protocol
                    // of uniffi's futures; the work is one SQLite read of an empty outbox.
                    measure("async dossier.runOutbox(false) -> List (empty outbox)", 2_000) {
                        runBlocking { dossier.runOutbox(false) }
                    }
                    // A record list: 20 search hits with highlight ranges (includes the
                    // search itself; the core's own search bench gives its share).
                    val query = "giấy chứng nhận"
                    assertEquals(20, catalog.searchProcedures(query, 20u).size)
                    measure("sync  catalog.searchProcedures(\"$query\", 20) -> 20 records", 1_000) {
                        catalog.searchProcedures(query, 20u)
                    }
                    // The same with a record of a procedure with its form.
                    measure("sync  catalog.procedure(code) -> record with form", 2_000) {
                        catalog.procedure(MARITAL_STATUS)
                    }
                    listOf(tracking, dossier, catalog).forEach { it.close() }
                }
            } finally {
                dir.toFile().deleteRecursively()
            }
        }
    }
}
