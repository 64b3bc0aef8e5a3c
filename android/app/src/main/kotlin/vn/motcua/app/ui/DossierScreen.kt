package vn.motcua.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.CitizenAction
import vn.motcua.presentation.DossierDetailState
import vn.motcua.presentation.DossierDetailViewModel

/**
 * A dossier: status, deadline (overdue said in words), the timeline newest first, what
 * the desk asked for, and the one thing to do now (show the receipt, answer the request).
 * Withdrawal is a secondary action behind a confirmation.
 */
@Composable
fun DossierScreen(
    detail: DossierDetailViewModel,
    canAct: Boolean,
    onBack: () -> Unit,
    onReceipt: (String) -> Unit,
    onOpenDraft: (String) -> Unit,
    /** The payment screen of a dossier whose fee is due. */
    onPay: (String) -> Unit = {},
    /** The fee's e-receipt of a dossier whose fee is paid. */
    onFeeReceipt: (String) -> Unit = {},
    /** In an assisted session: the hand-off of this dossier to the person. */
    onHandoff: ((String) -> Unit)? = null,
) {
    val state by detail.state.collectAsStateWithLifecycle()
    // Each time the screen comes back into view (from the payment screen, say), what the
    // phone now knows: the fee may be paid.
    LaunchedEffect(Unit) { detail.reread() }
    val shown = state as? DossierDetailState.Shown
    var confirmWithdraw by rememberSaveable { mutableStateOf(false) }
    Screen(
        title = stringResource(R.string.dossier_title),
        onBack = onBack,
        primary = when {
            shown == null -> null
            shown.primary == CitizenAction.SHOW_RECEIPT ->
                primaryAction(stringResource(R.string.dossier_show_receipt)) { onReceipt(shown.code) }
            shown.primary == CitizenAction.PAY_FEE ->
                primaryAction(stringResource(R.string.dossier_pay_fee)) { onPay(shown.code) }
            shown.primary == CitizenAction.ANSWER_SUPPLEMENT && canAct ->
                primaryAction(stringResource(R.string.dossier_send_answer)) { detail.answerSupplement(onOpenDraft) }
            else -> null
        },
    ) {
        when (val s = state) {
            DossierDetailState.Loading -> Waiting(stringResource(R.string.loading))
            is DossierDetailState.NotFound -> ErrorText(stringResource(R.string.dossier_not_found, s.code))
            is DossierDetailState.Failed -> ErrorText(s.problem.message)
            is DossierDetailState.Shown -> {
                s.banner?.let { Banner(it) }
                Text(stringResource(R.string.dossier_code_label, s.code), style = MaterialTheme.typography.bodyLarge)
                onHandoff?.let { handoff -> SecondaryButton(stringResource(R.string.handoff_open), { handoff(s.code) }) }
                Text(s.status, style = MaterialTheme.typography.titleLarge)
                s.deadline?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
                if (s.payable && s.primary != CitizenAction.PAY_FEE) {
                    SecondaryButton(stringResource(R.string.dossier_pay_fee), { onPay(s.code) })
                }
                if (s.hasFeeReceipt) {
                    SecondaryButton(stringResource(R.string.dossier_show_fee_receipt), { onFeeReceipt(s.code) })
                }
                if (s.overdue) ErrorText(stringResource(R.string.dossier_overdue_explained))
                if (s.missing.isNotEmpty()) {
                    SectionTitle(stringResource(R.string.dossier_missing))
                    for (item in s.missing) Text("• $item", style = MaterialTheme.typography.bodyLarge)
                }
                s.unavailable?.let { Banner(it, offline = false) }
                SectionTitle(stringResource(R.string.dossier_timeline))
                for (item in s.timeline) {
                    val spoken = (listOf(item.label, item.at) + item.details).joinToString(". ")
                    Column(
                        Modifier.fillMaxWidth().padding(vertical = 4.dp).semantics(mergeDescendants = true) { contentDescription = spoken },
                        verticalArrangement = Arrangement.spacedBy(2.dp),
                    ) {
                        Text(item.label, style = MaterialTheme.typography.titleMedium)
                        Text(item.at, style = MaterialTheme.typography.bodyMedium)
                        for (d in item.details) Text(d, style = MaterialTheme.typography.bodyLarge)
                    }
                }
                if (canAct && s.withdrawable) {
                    SecondaryButton(stringResource(R.string.dossier_withdraw), { confirmWithdraw = true })
                }
            }
        }
    }
    if (confirmWithdraw) {
        ConfirmDialog(
            title = stringResource(R.string.dossier_withdraw_confirm_title),
            text = stringResource(R.string.dossier_withdraw_confirm_text),
            first = stringResource(R.string.action_cancel),
            onFirst = { confirmWithdraw = false },
            second = stringResource(R.string.dossier_withdraw),
            onSecond = { confirmWithdraw = false; detail.withdraw(null) },
            onDismiss = { confirmWithdraw = false },
            danger = true,
        )
    }
}
