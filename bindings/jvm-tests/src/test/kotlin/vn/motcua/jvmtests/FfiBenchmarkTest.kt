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
                    // Heavy work through the boundary: a 12 MP photo of a page decoded,
                    // scaled, re-encoded and sealed on the runtime's blocking pool. What a
                    // person waits for after taking a picture (budget < 1 s on a desktop).
                    val photo = photo12mp()
                    val draft = dossier.createDraft(MARITAL_STATUS)
                    val attachment = runBlocking {
                        dossier.addAttachmentBytes(draft.id, "declaration_form", "anh.jpg", photo)
                    }
                    println("BENCH input %d KB 4000x3000 JPEG -> %s %d KB".format(
                        photo.size / 1024, attachment.mediaType, attachment.size.toLong() / 1024,
                    ))
                    measure("async dossier.addAttachmentBytes(12 MP JPEG)", calls = 1, rounds = 5) {
                        runBlocking {
                            dossier.addAttachmentBytes(draft.id, "declaration_form", "anh.jpg", photo)
                        }
                    }
                    listOf(tracking, dossier, catalog).forEach { it.close() }
                }
            } finally {
                dir.toFile().deleteRecursively()
            }
        }
    }
}

/** A phone camera's 4000×3000 JPEG (quality 0.92) of a printed page, with sensor noise. */
private fun photo12mp(): ByteArray {
    val width = 4000
    val height = 3000
    val image = java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB)
    val g = image.createGraphics()
    g.color = java.awt.Color(236, 232, 222)
    g.fillRect(0, 0, width, height)
    g.color = java.awt.Color(30, 30, 40)
    for (line in 0 until height / 60) g.fillRect(300, 200 + line * 60, width - 600 - (line * 97) % 900, 18)
    g.dispose()
    val random = java.util.Random(12)
    for (y in 0 until height) for (x in 0 until width step 3) {
        val rgb = image.getRGB(x, y)
        val n = random.nextInt(17) - 8
        val c = { shift: Int -> (((rgb shr shift) and 0xff) + n).coerceIn(0, 255) shl shift }
        image.setRGB(x, y, c(16) or c(8) or c(0))
    }
    val writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next()
    val params = writer.defaultWriteParam.apply {
        compressionMode = javax.imageio.ImageWriteParam.MODE_EXPLICIT
        compressionQuality = 0.92f
    }
    val out = java.io.ByteArrayOutputStream()
    javax.imageio.ImageIO.createImageOutputStream(out).use { stream ->
        writer.output = stream
        writer.write(null, javax.imageio.IIOImage(image, null, null), params)
    }
    writer.dispose()
    return out.toByteArray()
}
