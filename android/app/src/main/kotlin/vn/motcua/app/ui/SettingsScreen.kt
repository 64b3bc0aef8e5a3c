package vn.motcua.app.ui

import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.layout.Column
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.AppSettings
import vn.motcua.presentation.Lang
import vn.motcua.presentation.SettingsViewModel

/**
 * Settings: language (Vietnamese by default), text size up to 200%, the app lock with
 * the phone's own screen lock, desk mode, and logging out.
 */
@Composable
fun SettingsScreen(
    settings: SettingsViewModel,
    deviceHasLock: Boolean,
    loggedIn: Boolean,
    /**
     * The core's warning that erasing now loses submissions not yet sent (the session
     * holder's [vn.motcua.presentation.SessionState.ConfirmErase]); null when not asking.
     */
    eraseWarning: String?,
    /** An assisted session is open: the language stays (changing it reopens the core). */
    assisting: Boolean,
    onLanguageChanged: (Lang) -> Unit,
    onDeskMode: () -> Unit,
    /** The volunteer's assist screens (start, or end while a session is open). */
    onAssist: () -> Unit,
    onLogout: () -> Unit,
    /** "Log out and erase my data"; `true` once the person confirmed after the warning. */
    onLogoutAndErase: (confirmed: Boolean) -> Unit,
    onKeepData: () -> Unit,
    onBack: () -> Unit,
) {
    val state by settings.state.collectAsStateWithLifecycle()
    Screen(title = stringResource(R.string.settings_title), onBack = onBack) {
        SectionTitle(stringResource(R.string.settings_language))
        Column(Modifier.selectableGroup()) {
            for ((lang, label) in listOf(Lang.VI to "Tiếng Việt", Lang.EN to "English")) {
                Choice(label, state.lang == lang) {
                    if (state.lang != lang && !assisting) {
                        settings.setLanguage(lang)
                        onLanguageChanged(lang)
                    }
                }
            }
        }
        if (assisting) Text(stringResource(R.string.assist_language_locked), style = MaterialTheme.typography.bodyMedium)
        SectionTitle(stringResource(R.string.settings_text_size))
        Column(Modifier.selectableGroup()) {
            for (scale in AppSettings.TEXT_SCALES) {
                Choice("${(scale * 100).toInt()}%", state.textScale == scale) { settings.setTextScale(scale) }
            }
        }
        SectionTitle(stringResource(R.string.settings_lock))
        Row(
            Modifier
                .fillMaxWidth()
                .heightIn(min = TouchHeight)
                .toggleable(value = state.appLock, enabled = deviceHasLock, role = Role.Switch) { settings.setAppLock(it) },
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Text(stringResource(R.string.settings_lock_switch), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
            Switch(checked = state.appLock, onCheckedChange = null, enabled = deviceHasLock)
        }
        if (!deviceHasLock) Text(stringResource(R.string.settings_lock_needs_device_lock), style = MaterialTheme.typography.bodyMedium)
        SectionTitle(stringResource(R.string.settings_desk))
        SecondaryButton(stringResource(R.string.settings_desk_open), onDeskMode)
        SectionTitle(stringResource(R.string.assist_settings_section))
        SecondaryButton(stringResource(if (assisting) R.string.assist_end else R.string.assist_title), onAssist)
        if (loggedIn) {
            SectionTitle(stringResource(R.string.settings_account))
            SecondaryButton(stringResource(R.string.settings_logout), onLogout)
            // For a phone shared in a family: nothing of this citizen stays behind.
            Text(stringResource(R.string.settings_logout_erase_explanation), style = MaterialTheme.typography.bodyMedium)
            SecondaryButton(stringResource(R.string.settings_logout_erase), onClick = { onLogoutAndErase(false) })
        }
    }
    if (eraseWarning != null) {
        // The safe choice is the first one.
        ConfirmDialog(
            title = stringResource(R.string.settings_logout_erase),
            text = eraseWarning,
            first = stringResource(R.string.settings_keep_data),
            onFirst = onKeepData,
            second = stringResource(R.string.settings_erase_anyway),
            onSecond = { onLogoutAndErase(true) },
            onDismiss = onKeepData,
            danger = true,
        )
    }
}

@Composable
private fun Choice(label: String, selected: Boolean, onClick: () -> Unit) {
    Row(
        Modifier
            .fillMaxWidth()
            .heightIn(min = TouchHeight)
            .selectable(selected = selected, role = Role.RadioButton, onClick = onClick),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        RadioButton(selected = selected, onClick = null)
        Text(label, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp))
    }
}
