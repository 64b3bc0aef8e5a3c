package vn.motcua.presentation

import java.io.Reader
import java.util.Properties

/**
 * One province's white label: its name, colours and logo, and where its portal and
 * identity provider are. Read from the app's `branding.properties` asset, so a province
 * build changes a file, not code.
 */
data class Branding(
    /** Shown in the top bar and on the login screen ("Tỉnh Khánh Hòa"). */
    val provinceName: String,
    /** The app's name under the logo ("Dịch vụ công Khánh Hòa"). */
    val appName: String,
    /** Main colour, `0xAARRGGBB`. */
    val primaryColor: Long,
    /** Text and icons on the main colour, `0xAARRGGBB`. */
    val onPrimaryColor: Long,
    /** Accent colour, `0xAARRGGBB`. */
    val secondaryColor: Long,
    /** Name of the logo image among the app's drawables. */
    val logo: String,
    /** The province portal's base URL. */
    val portalUrl: String,
    /** The OpenID issuer citizens log in with. */
    val issuer: String,
    /** The app's client id at the issuer. */
    val clientId: String,
    /** The registered redirect (an app link or the custom scheme); null for the default. */
    val redirectUri: String?,
    /**
     * The province's receipt root key (`ed25519:…`), pinned in the build: the trust anchor
     * the desk checks the downloaded trust list against. Null: desk verification says the
     * app has no trust anchor.
     */
    val receiptRootKey: String? = null,
) {
    companion object {
        /**
         * Reads the properties file. A missing or malformed entry is a build mistake of the
         * province's app, reported with the key's name.
         */
        fun read(reader: Reader): Branding {
            val p = Properties().apply { load(reader) }
            fun text(key: String): String =
                p.getProperty(key)?.trim()?.takeIf { it.isNotEmpty() }
                    ?: throw IllegalArgumentException("branding: $key is missing")
            fun colour(key: String): Long {
                val hex = text(key).removePrefix("#")
                require(hex.length == 6 && hex.all { it.isDigit() || it.lowercaseChar() in 'a'..'f' }) {
                    "branding: $key must be #RRGGBB"
                }
                return 0xFF000000L or hex.toLong(16)
            }
            return Branding(
                provinceName = text("province.name"),
                appName = text("app.name"),
                primaryColor = colour("color.primary"),
                onPrimaryColor = colour("color.onPrimary"),
                secondaryColor = colour("color.secondary"),
                logo = text("logo"),
                portalUrl = text("portal.url"),
                issuer = text("oidc.issuer"),
                clientId = text("oidc.clientId"),
                redirectUri = p.getProperty("oidc.redirectUri")?.trim()?.takeIf { it.isNotEmpty() },
                receiptRootKey = p.getProperty("receipt.rootKey")?.trim()?.takeIf { it.isNotEmpty() }?.also {
                    require(it.startsWith("ed25519:")) { "branding: receipt.rootKey must be ed25519:…" }
                },
            )
        }
    }
}
