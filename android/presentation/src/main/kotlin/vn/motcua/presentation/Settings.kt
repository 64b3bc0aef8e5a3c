package vn.motcua.presentation

import java.io.File
import java.util.Properties
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch

/** The person's choices. Nothing here is secret; it is kept in a plain file. */
data class AppSettings(
    /** Vietnamese unless changed. */
    val lang: Lang = Lang.VI,
    /** Multiplies the system text size: 1.0, 1.3, 1.6 or 2.0. */
    val textScale: Float = 1.0f,
    /** Ask for the phone's screen lock (PIN, pattern or fingerprint) when the app opens. */
    val appLock: Boolean = false,
) {
    companion object {
        /** The text sizes offered, smallest first. */
        val TEXT_SCALES = listOf(1.0f, 1.3f, 1.6f, 2.0f)
    }
}

/** Settings in a properties file in the app's private directory. */
class SettingsFile(private val file: File) {
    /** The saved settings, or the defaults. */
    fun load(): AppSettings {
        if (!file.exists()) return AppSettings()
        val p = Properties().apply { file.reader(Charsets.UTF_8).use { load(it) } }
        return AppSettings(
            lang = Lang.of(p.getProperty("lang")),
            textScale = p.getProperty("textScale")?.toFloatOrNull()
                ?.takeIf { it in AppSettings.TEXT_SCALES } ?: 1.0f,
            appLock = p.getProperty("appLock") == "true",
        )
    }

    /** Saves [settings]: written next to the file, then renamed over it. */
    fun save(settings: AppSettings) {
        val p = Properties()
        p.setProperty("lang", settings.lang.tag)
        p.setProperty("textScale", settings.textScale.toString())
        p.setProperty("appLock", settings.appLock.toString())
        file.parentFile?.mkdirs()
        val tmp = File(file.path + ".tmp")
        tmp.writer(Charsets.UTF_8).use { p.store(it, null) }
        if (!tmp.renameTo(file)) {
            file.delete()
            check(tmp.renameTo(file)) { "settings could not be saved" }
        }
    }
}

/**
 * The settings screen. Changing the language reopens the core in that language (the app
 * restarts its activity); the text size applies at once; the app lock needs the phone to
 * have a screen lock, which the app checks before calling [setAppLock].
 */
class SettingsViewModel(
    private val store: SettingsFile,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<AppSettings>(store.load(), scope, io) {

    fun setLanguage(lang: Lang) = change { it.copy(lang = lang) }

    fun setTextScale(scale: Float) {
        require(scale in AppSettings.TEXT_SCALES) { "unsupported text scale $scale" }
        change { it.copy(textScale = scale) }
    }

    fun setAppLock(enabled: Boolean) = change { it.copy(appLock = enabled) }

    private fun change(edit: (AppSettings) -> AppSettings) {
        update(edit)
        val snapshot = state.value
        scope.launch(io) { store.save(snapshot) }
    }
}
