package vn.motcua.presentation

import java.awt.Color
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.net.URI
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import javax.imageio.ImageIO
import kotlin.random.Random
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.http

/**
 * An officer at the one-stop desk, over the portal's desk API (docs/api.md, "Desk"):
 * logs in as a demo staff account and takes lifecycle actions on a dossier.
 */
class Desk(private val portal: Portal, username: String) {
    private val token: String = run {
        val response = post("/api/v1/desk/session", """{"username":"$username","password":"motcua-dev"}""", bearer = null)
        check(response.statusCode() == 200) { "desk login ${response.statusCode()}: ${response.body()}" }
        Regex("\"access_token\"\\s*:\\s*\"([^\"]+)\"").find(response.body())!!.groupValues[1]
    }

    /** Takes [action] (`accept`, `start_processing`, `request_supplement`...) on [code]. */
    fun act(code: String, action: String, extra: String = "") {
        val body = """{"action":"$action"$extra}"""
        val response = post("/api/v1/desk/dossiers/$code/actions", body, bearer = token)
        check(response.statusCode() == 200) { "$action on $code: ${response.statusCode()} ${response.body()}" }
    }

    private fun post(path: String, json: String, bearer: String?): HttpResponse<String> {
        val request = HttpRequest.newBuilder(URI(portal.baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
        bearer?.let { request.header("Authorization", "Bearer $it") }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString())
    }
}

/**
 * A photographed page: a 1600×1200 PNG of noisy grey text lines, large enough that the core
 * shrinks and re-encodes it and the upload takes several progress steps.
 */
fun photographedPage(seed: Int = 7): ByteArray {
    val random = Random(seed)
    val image = BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB)
    for (y in 0 until 1200) for (x in 0 until 1600) {
        val ink = (y / 40) % 2 == 0 && x in 100..1500 && random.nextInt(3) == 0
        val v = if (ink) 40 + random.nextInt(40) else 215 + random.nextInt(40)
        image.setRGB(x, y, Color(v, v, v).rgb)
    }
    return ByteArrayOutputStream().also { ImageIO.write(image, "png", it) }.toByteArray()
}
