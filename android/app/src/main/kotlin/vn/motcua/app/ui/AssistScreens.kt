package vn.motcua.app.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.AssistState
import vn.motcua.presentation.AssistSummaryViewModel
import vn.motcua.presentation.AssistViewModel
import vn.motcua.presentation.HandoffState
import vn.motcua.presentation.HandoffViewModel
import vn.motcua.presentation.SummaryState

/*
 * The volunteer's assisted session (docs/decisions/0003): start with the person's consent,
 * the ordinary screens on the session's core (AppNavigation), hand-off, end, summary.
 */

/**
 * "Hỗ trợ người dân": what an assisted session is, then the consent statement from the
 * core in large text with one button, "Người được hỗ trợ đồng ý"; after an end, what was
 * erased and counted. Once the session is open the app shows the session's login.
 */
@Composable
fun AssistStartScreen(assist: AssistViewModel?, onBack: () -> Unit, onSummary: () -> Unit) {
    if (assist == null) {
        Screen(title = stringResource(R.string.assist_title), onBack = onBack) {
            Banner(stringResource(R.string.feature_not_in_version), offline = false)
        }
        return
    }
    val state by assist.state.collectAsStateWithLifecycle()
    val primary: (@Composable () -> Unit)? = when (val s = state) {
        is AssistState.NoSession -> primaryAction(stringResource(R.string.assist_start), onClick = assist::start)
        is AssistState.Consent -> primaryAction(stringResource(R.string.assist_consent_accept), enabled = !s.starting) {
            assist.accept(s.version)
        }
        is AssistState.Ended -> primaryAction(stringResource(R.string.action_done), onClick = assist::dismiss)
        else -> null
    }
    Screen(
        title = stringResource(R.string.assist_title),
        onBack = if (state is AssistState.Consent) assist::cancel else onBack,
        primary = primary,
    ) {
        when (val s = state) {
            is AssistState.NoSession -> {
                Text(stringResource(R.string.assist_explanation), style = MaterialTheme.typography.bodyLarge)
                s.problem?.let { ErrorText(it.message) }
                SecondaryButton(stringResource(R.string.assist_summary_title), onSummary)
            }
            AssistState.Preparing -> Waiting(stringResource(R.string.loading))
            is AssistState.Consent -> {
                SectionTitle(stringResource(R.string.assist_consent_title))
                // Read aloud to the person, or by them: the largest text style of the theme.
                Text(s.statement, style = MaterialTheme.typography.headlineSmall)
                if (s.starting) Waiting(stringResource(R.string.assist_starting))
                s.problem?.let { ErrorText(it.message) }
            }
            is AssistState.Ended -> {
                Text(s.message, style = MaterialTheme.typography.titleMedium)
                for (line in s.lines) Text(line, style = MaterialTheme.typography.bodyLarge)
                SecondaryButton(stringResource(R.string.assist_summary_title), onSummary)
            }
            // Open, ending: the navigation shows the session's screens or the end screen.
            else -> Waiting(stringResource(R.string.loading))
        }
    }
}

/**
 * Ending the session: what ending does (the person's data is erased; the code and the
 * receipt stay with them), then, when submissions still wait for the network, the warning
 * with two choices: keep the session (primary, nothing lost) or end anyway.
 */
@Composable
fun AssistEndScreen(assist: AssistViewModel, onBack: () -> Unit) {
    val state by assist.state.collectAsStateWithLifecycle()
    val primary: (@Composable () -> Unit)? = when (state) {
        is AssistState.Open -> primaryAction(stringResource(R.string.assist_end), onClick = assist::end)
        is AssistState.ConfirmEnd -> primaryAction(stringResource(R.string.assist_keep_open)) {
            assist.keepOpen()
            onBack()
        }
        else -> null
    }
    Screen(title = stringResource(R.string.assist_end_title), onBack = onBack, primary = primary) {
        when (val s = state) {
            is AssistState.Open -> {
                Text(stringResource(R.string.assist_end_explanation), style = MaterialTheme.typography.bodyLarge)
                s.problem?.let { ErrorText(it.message) }
            }
            is AssistState.Ending -> Waiting(stringResource(R.string.assist_ending))
            is AssistState.ConfirmEnd -> {
                ErrorText(s.warning)
                Text(stringResource(R.string.assist_pending_advice), style = MaterialTheme.typography.bodyLarge)
                SecondaryButton(stringResource(R.string.assist_end_anyway), assist::endAnyway)
            }
            else -> Waiting(stringResource(R.string.loading))
        }
    }
}

/**
 * Hand-off: what the person leaves with. The code large, the appointment, the core's
 * instructions in plain words; share (to a relative's phone: no personal data in it) and
 * the receipt's QR code full screen (share, print) once the desk has issued it.
 */
@Composable
fun HandoffScreen(handoff: HandoffViewModel, onBack: () -> Unit, onReceipt: (String) -> Unit, onDone: () -> Unit) {
    val state by handoff.state.collectAsStateWithLifecycle()
    val device = LocalDevice.current
    Screen(
        title = stringResource(R.string.handoff_title),
        onBack = onBack,
        primary = primaryAction(stringResource(R.string.action_done), onClick = onDone),
    ) {
        when (val s = state) {
            HandoffState.Loading -> Waiting(stringResource(R.string.loading))
            is HandoffState.Failed -> ErrorText(s.problem.message)
            is HandoffState.Shown -> {
                Text(s.slip.dossierCode, style = MaterialTheme.typography.headlineMedium, fontWeight = FontWeight.Bold)
                s.appointment?.let { Text(stringResource(R.string.handoff_appointment, it), style = MaterialTheme.typography.titleMedium) }
                for (line in s.lines) Text(line, style = MaterialTheme.typography.bodyLarge)
                if (s.receipt != null) {
                    SecondaryButton(stringResource(R.string.handoff_show_receipt), { onReceipt(s.slip.dossierCode) })
                } else {
                    s.receiptNote?.let { Banner(it, offline = false) }
                }
                SecondaryButton(stringResource(R.string.handoff_share), { device.shareText(s.slip.dossierCode, s.shareText, "text/plain") })
                SecondaryButton(stringResource(R.string.handoff_refresh), handoff::refresh)
            }
        }
    }
}

/**
 * The volunteer's summary by day: people helped, procedures and how they ended; "share"
 * sends the CSV for the community digital team's report. Nothing personal is in it.
 */
@Composable
fun AssistSummaryScreen(summary: AssistSummaryViewModel, onBack: () -> Unit) {
    val state by summary.state.collectAsStateWithLifecycle()
    val device = LocalDevice.current
    val shown = state as? SummaryState.Shown
    Screen(
        title = stringResource(R.string.assist_summary_title),
        onBack = onBack,
        primary = shown?.takeIf { it.days.isNotEmpty() }?.let { s ->
            // The CSV as a text share (mail, chat, Drive all take text/csv as text).
            primaryAction(stringResource(R.string.assist_summary_share)) { device.shareText("motcua-ho-tro.csv", s.csv, "text/csv") }
        },
    ) {
        when (val s = state) {
            SummaryState.Loading -> Waiting(stringResource(R.string.loading))
            is SummaryState.Failed -> ErrorText(s.problem.message)
            is SummaryState.Shown -> {
                s.empty?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
                for (day in s.days) {
                    SectionTitle(day.day)
                    Text(day.people, style = MaterialTheme.typography.titleMedium)
                    day.interrupted?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                    for (p in day.procedures) {
                        Text(p.procedureName ?: p.procedureCode, style = MaterialTheme.typography.bodyLarge, fontWeight = FontWeight.Medium)
                        Text(p.counts.joinToString(" · "), style = MaterialTheme.typography.bodyLarge)
                    }
                }
            }
        }
    }
}
