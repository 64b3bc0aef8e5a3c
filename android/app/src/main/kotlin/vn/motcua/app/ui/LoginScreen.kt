package vn.motcua.app.ui

import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.size
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.Branding
import vn.motcua.presentation.SessionState
import vn.motcua.presentation.SessionViewModel

/**
 * Login with the electronic identity (VNeID through the province's provider): one button;
 * the provider's page opens in a Custom Tab and comes back to the app through the
 * redirect (custom scheme or app link), which MainActivity hands to the session.
 *
 * [assisted]: the person a volunteer helps logs in here, on the volunteer's phone, into the
 * session's own core; the page then opens in an ephemeral Custom Tab where the browser
 * offers one (see [Device.openLoginPage]; MainActivity explains the limits).
 */
@Composable
fun LoginScreen(
    session: SessionViewModel,
    branding: Branding,
    logo: Int,
    assisted: Boolean = false,
    onSettings: () -> Unit,
) {
    val state by session.state.collectAsStateWithLifecycle()
    val device = LocalDevice.current
    val open = state as? SessionState.OpenBrowser
    LaunchedEffect(open) {
        if (open != null) {
            device.openLoginPage(open.url, ephemeral = assisted)
        }
    }
    Screen(
        title = branding.appName,
        onBack = null,
        primary = {
            PrimaryButton(
                text = stringResource(R.string.login_button),
                onClick = session::beginLogin,
                enabled = state is SessionState.LoggedOut || state is SessionState.OpenBrowser,
            )
        },
        actions = { SettingsAction(onSettings) },
    ) {
        Image(
            painter = painterResource(logo),
            contentDescription = stringResource(R.string.logo_description, branding.provinceName),
            modifier = Modifier.size(120.dp),
        )
        Text(branding.provinceName, style = MaterialTheme.typography.titleLarge)
        Text(
            stringResource(if (assisted) R.string.assist_login_explanation else R.string.login_explanation),
            style = MaterialTheme.typography.bodyLarge,
        )
        when (val s = state) {
            is SessionState.LoggedOut -> s.problem?.let { if (it.offline) Banner(it.message) else ErrorText(it.message) }
            SessionState.Starting, SessionState.Checking -> Waiting(stringResource(R.string.login_preparing))
            SessionState.Completing -> Waiting(stringResource(R.string.login_completing))
            is SessionState.OpenBrowser -> Text(
                stringResource(R.string.login_in_browser),
                style = MaterialTheme.typography.bodyLarge,
                textAlign = TextAlign.Start,
                modifier = Modifier.fillMaxWidth(),
            )
            is SessionState.LoggedIn, is SessionState.ConfirmErase -> Unit
            SessionState.Erasing -> Waiting(stringResource(R.string.settings_erasing))
        }
    }
}
