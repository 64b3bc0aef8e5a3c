package vn.motcua.app.jvm

import androidx.compose.runtime.staticCompositionLocalOf
import java.util.Locale

/**
 * The locale the app's resources are read in: on Android the activity's configuration
 * (MainActivity sets it from the person's language setting); on the JVM whoever hosts the
 * screens provides it, as the tests do.
 */
val LocalResourceLocale = staticCompositionLocalOf<Locale> { Locale.forLanguageTag("vi") }

/**
 * The app's resources on the JVM, looked up as Android does: the string of the locale's
 * `values-<language>` when the app has that language, else the default `values`.
 */
object JvmResources {
    /** The text of [id] (an `R.string` id) in [locale]. */
    fun string(id: Int, locale: Locale): String {
        val index = id - GeneratedResources.STRING_BASE
        require(index in GeneratedResources.stringNames.indices) { "not an R.string id: 0x${id.toString(16)}" }
        val table = GeneratedResources.strings[locale.language] ?: GeneratedResources.strings.getValue("")
        return table[index]
    }

    /** The text of [id] with [formatArgs], formatted as `Resources.getString(id, args)` does. */
    fun string(id: Int, locale: Locale, vararg formatArgs: Any): String = String.format(locale, string(id, locale), *formatArgs)

    /** The class-path name of the drawable [id] (an `R.drawable` id): the app's vector XML. */
    fun drawablePath(id: Int): String {
        val index = id - GeneratedResources.DRAWABLE_BASE
        require(index in GeneratedResources.drawables.indices) { "not an R.drawable id: 0x${id.toString(16)}" }
        return GeneratedResources.drawables[index]
    }
}
