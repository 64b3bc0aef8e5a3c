package vn.motcua.app.ui

import android.net.Uri
import androidx.browser.customtabs.CustomTabsIntent
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.size
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
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
 */
@Composable
fun LoginScreen(session: SessionViewModel, branding: Branding, logo: Int, onSettings: () -> Unit) {
    val state by session.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    val open = state as? SessionState.OpenBrowser
    LaunchedEffect(open) {
        if (open != null) {
            CustomTabsIntent.Builder().setShowTitle(true).build().launchUrl(context, Uri.parse(open.url))
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
        Text(stringResource(R.string.login_explanation), style = MaterialTheme.typography.bodyLarge)
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
            is SessionState.LoggedIn -> Unit
        }
    }
}
