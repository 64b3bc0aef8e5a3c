package vn.motcua.jvmtests

import java.io.File
import java.net.ServerSocket
import java.net.URI
import java.net.URLDecoder
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.Properties
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import vn.motcua.AppConfig
import vn.motcua.PlatformException
import vn.motcua.Platform

/**
 * A real portal: the `motcua` binary built by cargo, `portal serve` on a free loopback
 * port with its own data directory and its built-in OpenID provider.
 */
class Portal private constructor(
    private val process: Process,
    val baseUrl: String,
    private val dataDir: Path,
    private val log: File,
) : AutoCloseable {
    /** The issuer and client id the portal tells apps to use (`/api/v1/client-config`). */
    val issuer: String
    val clientId: String

    /** The province root key of receipts (`ed25519:…`): what the app's branding carries. */
    val receiptRootKey: String

    init {
        val body = http.send(
            HttpRequest.newBuilder(URI("$baseUrl/api/v1/client-config")).GET().build(),
            HttpResponse.BodyHandlers.ofString(),
        ).body()
        issuer = jsonString(body, "issuer")
        clientId = jsonString(body, "client_id")
        receiptRootKey = jsonString(body, "receipt_root_key")
    }

    /** What the portal wrote to stdout and stderr, for failure messages. */
    fun log(): String = log.readText()

    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        dataDir.toFile().deleteRecursively()
    }

    companion object {
        fun start(): Portal {
            val binary = motcuaBinary()
            val dataDir = Files.createTempDirectory("motcua-portal-")
            val port = ServerSocket(0).use { it.localPort }
            val log = dataDir.resolve("portal.log").toFile()
            val process = ProcessBuilder(
                binary, "portal", "serve",
                "--data-dir", dataDir.resolve("db").toString(),
                "--listen", "127.0.0.1:$port",
            ).redirectErrorStream(true).redirectOutput(log).start()
            val baseUrl = "http://127.0.0.1:$port"
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            while (true) {
                check(process.isAlive) { "the portal exited (${process.exitValue()}):\n${log.readText()}" }
                val ready = runCatching {
                    http.send(
                        HttpRequest.newBuilder(URI("$baseUrl/healthz"))
                            .timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(),
                    )
                }.getOrNull()?.let { it.statusCode() == 200 && it.body().contains("\"ok\"") } ?: false
                if (ready) break
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly()
                    error("the portal did not answer /healthz within 30 s:\n${log.readText()}")
                }
                Thread.sleep(50)
            }
            return Portal(process, baseUrl, dataDir, log)
        }

        /** `-Dmotcua.bin=...`, else the path scripts/bindings.sh recorded. */
        private fun motcuaBinary(): String {
            System.getProperty("motcua.bin")?.let { return it }
            val props = Properties()
            val stream = Portal::class.java.getResourceAsStream("/motcua-test.properties")
                ?: error("motcua-test.properties missing: run scripts/bindings.sh first")
            stream.use { props.load(it) }
            val path = props.getProperty("motcua.bin") ?: error("motcua.bin not set")
            check(File(path).canExecute()) { "$path is not an executable: run scripts/bindings.sh" }
            return path
        }
    }
}

/** An HTTP client that never follows redirects: the app's callback is a custom scheme. */
val http: HttpClient = HttpClient.newBuilder()
    .followRedirects(HttpClient.Redirect.NEVER)
    .connectTimeout(Duration.ofSeconds(5))
    .build()

/** The string member [field] of a flat JSON object (enough for the portal's answers here). */
fun jsonString(json: String, field: String): String =
    Regex("\"${Regex.escape(field)}\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1)
        ?: error("no \"$field\" in $json")

/** A citizen's form on the built-in provider's login page. */
data class CitizenForm(
    val subject: String,
    val fullName: String,
    val level: Int,
    val action: URI,
    val fields: Map<String, String>,
)

/**
 * The system browser, scripted: opens the authorization URL, picks a citizen on the
 * built-in provider's login page, submits the form and returns where the provider
 * redirected to (the app's `vn.motcua.app:/oauth2redirect?...` callback).
 */
object Browser {
    private val formPattern = Regex(
        """<form method="post" action="([^"]*)" data-citizen="([^"]*)">(.*?)</form>""",
        RegexOption.DOT_MATCHES_ALL,
    )
    private val inputPattern = Regex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""")
    private val namePattern = Regex("""<span class="name">([^<]*)</span>""")
    private val levelPattern = Regex("""Level (\d)""")

    /** The citizens offered on the login page at [url]. */
    fun citizens(url: String): List<CitizenForm> {
        val response = http.send(
            HttpRequest.newBuilder(URI(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(response.statusCode() == 200) {
            "login page answered ${response.statusCode()}: ${response.body()}"
        }
        val page = response.body()
        return formPattern.findAll(page).map { form ->
            val (action, subject, inner) = form.destructured
            CitizenForm(
                subject = unescape(subject),
                fullName = unescape(namePattern.find(inner)?.groupValues?.get(1) ?: ""),
                level = levelPattern.find(inner)?.groupValues?.get(1)?.toInt() ?: 0,
                action = URI(url).resolve(unescape(action)),
                fields = inputPattern.findAll(inner)
                    .associate { unescape(it.groupValues[1]) to unescape(it.groupValues[2]) },
            )
        }.toList().also { check(it.isNotEmpty()) { "no citizen form on the login page:\n$page" } }
    }

    /** Submits [form]; returns the `Location` the provider redirected to. */
    fun submit(form: CitizenForm): String {
        val body = form.fields.entries.joinToString("&") { (k, v) ->
            URLEncoder.encode(k, UTF_8) + "=" + URLEncoder.encode(v, UTF_8)
        }
        val response = http.send(
            HttpRequest.newBuilder(form.action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(response.statusCode() in 300..399) {
            "expected a redirect to the app, got ${response.statusCode()}: ${response.body()}"
        }
        return response.headers().firstValue("Location").orElseThrow()
    }

    private fun unescape(s: String): String = s
        .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}

/** A query parameter of a URL (custom schemes included). */
fun queryParam(url: String, name: String): String? =
    url.substringAfter('?', "").split('&').map { it.split('=', limit = 2) }
        .firstOrNull { URLDecoder.decode(it[0], UTF_8) == name }
        ?.let { URLDecoder.decode(it.getOrElse(1) { "" }, UTF_8) }

/** [url] with query parameter [name] set to [value]. */
fun withParam(url: String, name: String, value: String): String {
    val base = url.substringBefore('?')
    val kept = url.substringAfter('?', "").split('&').filter {
        it.isNotEmpty() && URLDecoder.decode(it.substringBefore('='), UTF_8) != name
    }
    return base + "?" + (kept + "$name=${URLEncoder.encode(value, UTF_8)}").joinToString("&")
}

/** The Keystore / Keychain of a test phone: an in-memory map. */
open class MemoryPlatform : Platform {
    val secrets = ConcurrentHashMap<String, ByteArray>()

    override fun secureGet(key: String): ByteArray? = secrets[key]

    override fun secureSet(key: String, value: ByteArray) {
        secrets[key] = value
    }

    override fun secureDelete(key: String) {
        secrets.remove(key)
    }
}

/** A keystore that refuses to read, as a locked Keychain would. */
class LockedKeystore(private val failure: () -> Exception) : MemoryPlatform() {
    override fun secureGet(key: String): ByteArray? = throw failure()
}

/** A declared platform failure. */
fun keystoreLocked(): Exception = PlatformException.Failed("keystore locked")

/** The app's configuration against [portal], with a fresh data directory. */
fun appConfig(portal: Portal, dataDir: Path, language: String = "en") = AppConfig(
    dataDir = dataDir.toString(),
    portalUrl = portal.baseUrl,
    issuer = portal.issuer,
    clientId = portal.clientId,
    redirectUri = null,
    language = language,
    receiptRootKey = portal.receiptRootKey,
)

/**
 * The desk officer's side, over the portal's desk HTTP API (docs/api.md, "Desk"): what the
 * one-stop desk does with a dossier the citizen submitted.
 */
class Desk private constructor(private val portal: Portal, private val token: String) {
    /** Takes [action] on dossier [code]; returns the HTTP status and body. */
    fun act(
        code: String,
        action: String,
        note: String = "Đã kiểm tra",
        missing: List<String> = emptyList(),
    ): Pair<Int, String> {
        val items = missing.joinToString(",") { "\"$it\"" }
        val body = """{"action":"$action","note":"$note","missing":[$items]}"""
        val response = http.send(
            HttpRequest.newBuilder(URI("${portal.baseUrl}/api/v1/desk/dossiers/$code/actions"))
                .header("Authorization", "Bearer $token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        return response.statusCode() to response.body()
    }

    /**
     * Dossier [code] as the desk sees it: HTTP status and JSON body (the applicant, and
     * for a dossier filed on behalf of someone, `on_behalf_of` and `filing_notice_vi`/`_en`).
     */
    fun dossier(code: String): Pair<Int, String> {
        val response = http.send(
            HttpRequest.newBuilder(URI("${portal.baseUrl}/api/v1/desk/dossiers/$code"))
                .header("Authorization", "Bearer $token")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        return response.statusCode() to response.body()
    }

    companion object {
        /** Logs in a demo officer (`tiepnhan`: reception, `chuyenvien`: specialist). */
        fun login(portal: Portal, username: String): Desk {
            val response = http.send(
                HttpRequest.newBuilder(URI("${portal.baseUrl}/api/v1/desk/session"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            """{"username":"$username","password":"motcua-dev"}""",
                        ),
                    )
                    .build(),
                HttpResponse.BodyHandlers.ofString(),
            )
            check(response.statusCode() == 200) {
                "desk login answered ${response.statusCode()}: ${response.body()}"
            }
            return Desk(portal, jsonString(response.body(), "access_token"))
        }
    }
}

/**
 * A small valid PDF unique to [seed], padded with [padding] bytes of hex text inside its
 * content stream (to make uploads take several chunks).
 */
fun samplePdf(seed: Long, padding: Int = 0): ByteArray {
    val filler = buildString(padding) {
        val random = java.util.Random(seed)
        repeat(padding) { append("0123456789abcdef"[random.nextInt(16)]) }
    }
    val stream = "BT /F1 12 Tf 72 720 Td (MotCua JVM test $seed) Tj ET\n% $filler"
    return (
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
            "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
            "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n" +
            "4 0 obj << /Length ${stream.length} >> stream\n$stream\nendstream endobj\n" +
            "trailer << /Root 1 0 R >>\n%%EOF\n"
        ).toByteArray(UTF_8)
}

/** A photographed page, as a phone camera app might hand over a PNG: drawn with AWT. */
fun samplePng(width: Int = 900, height: Int = 1200): ByteArray {
    val image = java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB)
    val g = image.createGraphics()
    g.color = java.awt.Color.WHITE
    g.fillRect(0, 0, width, height)
    g.color = java.awt.Color.BLACK
    // Lines of "text" (no fonts needed on a headless machine).
    for (line in 0 until height / 40) g.fillRect(40, 40 + line * 40, width - 80 - (line * 37) % 200, 12)
    g.dispose()
    val out = java.io.ByteArrayOutputStream()
    javax.imageio.ImageIO.write(image, "png", out)
    return out.toByteArray()
}

/** `assertThrows` for suspending calls: the exception of type [T] that [block] threw. */
suspend inline fun <reified T : Throwable> assertFails(block: suspend () -> Any?): T {
    val outcome = try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionError("expected ${T::class.qualifiedName}, got $e", e)
    }
    throw AssertionError("expected ${T::class.qualifiedName}, got the result $outcome")
}

/** Base45 (RFC 9285), the encoding of receipt QR texts after `MC1:`. */
object Base45 {
    private const val ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

    fun decode(text: String): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        val values = text.map { ALPHABET.indexOf(it).also { v -> require(v >= 0) { "not Base45: $it" } } }
        for (chunk in values.chunked(3)) {
            val n = chunk.foldRight(0) { v, acc -> acc * 45 + v }
            if (chunk.size == 3) out.write(n shr 8)
            out.write(n and 0xff)
        }
        return out.toByteArray()
    }

    fun encode(bytes: ByteArray): String = buildString {
        for (pair in bytes.toList().chunked(2)) {
            var n = pair.fold(0) { acc, b -> acc * 256 + (b.toInt() and 0xff) }
            repeat(if (pair.size == 2) 3 else 2) {
                append(ALPHABET[n % 45])
                n /= 45
            }
        }
    }
}
