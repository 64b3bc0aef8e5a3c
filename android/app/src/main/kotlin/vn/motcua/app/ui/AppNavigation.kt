package vn.motcua.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.rememberUpdatedState
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import vn.motcua.presentation.AssistState
import vn.motcua.presentation.AssistSummaryViewModel
import vn.motcua.presentation.AssistedSessionPort
import vn.motcua.presentation.Branding
import vn.motcua.presentation.CoreAreas
import vn.motcua.presentation.DeskScanViewModel
import vn.motcua.presentation.DossierDetailViewModel
import vn.motcua.presentation.DraftFormState
import vn.motcua.presentation.DraftFormViewModel
import vn.motcua.presentation.FeeReceiptViewModel
import vn.motcua.presentation.HandoffViewModel
import vn.motcua.presentation.HomeViewModel
import vn.motcua.presentation.Lang
import vn.motcua.presentation.PaymentViewModel
import vn.motcua.presentation.ProcedureViewModel
import vn.motcua.presentation.ReceiptViewModel
import vn.motcua.presentation.SearchViewModel
import vn.motcua.presentation.SessionState
import vn.motcua.presentation.SessionViewModel
import vn.motcua.presentation.SettingsViewModel
import vn.motcua.presentation.SubmitUi

/** Routes. Settings, desk mode and the volunteer's assist screens work without a citizen's login. */
private object Route {
    const val LOGIN = "login"
    const val HOME = "home"
    const val SEARCH = "search"
    const val PROCEDURE = "procedure/{code}"
    const val NEW_DRAFT = "draft/new/{code}"
    const val DRAFT = "draft/{id}"
    const val DOSSIER = "dossier/{code}"
    const val RECEIPT = "receipt/{code}"
    const val PAYMENT = "payment/{code}"
    const val FEE_RECEIPT = "fee-receipt/{code}"
    const val DESK = "desk"
    const val SETTINGS = "settings"
    const val ASSIST = "assist"
    const val ASSIST_END = "assist/end"
    const val ASSIST_SUMMARY = "assist/summary"
    const val HANDOFF = "assist/handoff/{code}"
    val PUBLIC = setOf(LOGIN, DESK, SETTINGS, ASSIST, ASSIST_END, ASSIST_SUMMARY)
}

/**
 * The app's screens and the way between them. [redirects] are the login callbacks the
 * activity receives (custom scheme or app link); [openDossier] a dossier a notification
 * asked to open.
 *
 * "Which core": the screens run on [CoreAreas], the owner's (`graph.own`) or, while a
 * volunteer's assisted session is open, the session's. The same screens serve both; their
 * state holders are keyed by the profile (`areas.key`), so nothing of one is shown in the
 * other, and all of the session's are dropped with it. While a session is open every screen
 * shows the session banner ([LocalAssistBanner]) and the window is secure
 * ([onAssisting]: no screenshots, no recent-apps thumbnail).
 */
@Composable
fun AppNavigation(
    graph: AppGraph,
    branding: Branding,
    logo: Int,
    deviceHasLock: Boolean,
    redirects: Flow<String>,
    openDossier: Flow<String>,
    onLanguageChanged: (Lang) -> Unit,
    settingsHolder: SettingsViewModel,
    onAssisting: (Boolean) -> Unit,
) {
    val nav = rememberNavController()
    val assist = graph.assistHolder
    val assistSession by (assist?.session ?: NoSession).collectAsStateWithLifecycle()
    val sessionAreas by (assist?.areas ?: NoAreas).collectAsStateWithLifecycle()
    val assistState by (assist?.state ?: NoAssist).collectAsStateWithLifecycle()
    val areas: CoreAreas = sessionAreas ?: graph.own
    val k = areas.key
    // The owner's login outlives configuration changes in the activity's store; a session's
    // login lives only as long as the session (its state holds the person's name), and is
    // restored from the session's core after a configuration change.
    val composition = rememberCoroutineScope()
    val session = if (areas.assisted) {
        remember(k) { SessionViewModel(areas.identity, graph.texts, composition) }
    } else {
        rememberHolder("$k/session") { SessionViewModel(areas.identity, graph.texts, it) }
    }
    val currentSession by rememberUpdatedState(session)
    val sessionState by session.state.collectAsStateWithLifecycle()
    val entry by nav.currentBackStackEntryAsState()
    LaunchedEffect(redirects) { redirects.collect { currentSession.completeLogin(it) } }
    // A notification is about the owner's dossiers: not opened over an assisted session.
    LaunchedEffect(openDossier, areas) { openDossier.collect { if (!areas.assisted) nav.navigate("dossier/$it") } }
    LaunchedEffect(sessionState, entry) {
        val route = entry?.destination?.route ?: return@LaunchedEffect
        when {
            sessionState is SessionState.LoggedIn && route == Route.LOGIN ->
                nav.navigate(Route.HOME) { popUpTo(Route.LOGIN) { inclusive = true } }
            sessionState is SessionState.LoggedOut && route !in Route.PUBLIC ->
                nav.navigate(Route.LOGIN) { popUpTo(nav.graph.id) { inclusive = true } }
        }
    }
    // The session opened: its login, with nothing of the volunteer's screens behind it.
    LaunchedEffect(k) {
        onAssisting(areas.assisted)
        if (areas.assisted) {
            nav.navigate(Route.LOGIN) { popUpTo(nav.graph.id) { inclusive = true } }
        }
    }
    // It ended: back to the assist screen (what was erased), over the volunteer's home. Once
    // both are seen, the end and the volunteer's areas: they come from two flows, collected
    // apart, so a frame may show the areas back while the state still says Ending (deciding
    // when the areas changed then left the end screen on, with no button).
    val ended = assistState is AssistState.Ended && !areas.assisted
    LaunchedEffect(ended) {
        if (ended) {
            nav.navigate(Route.HOME) { popUpTo(nav.graph.id) { inclusive = true } }
            nav.navigate(Route.ASSIST)
        }
    }
    val banner = assistState.banner?.let { text -> AssistBanner(text) { nav.navigate(Route.ASSIST_END) { launchSingleTop = true } } }
    val lang = graph.lang
    CompositionLocalProvider(LocalAssistBanner provides banner) {
        NavHost(nav, startDestination = Route.LOGIN) {
            composable(Route.LOGIN) {
                LoginScreen(session, branding, logo, assisted = areas.assisted, onSettings = { nav.navigate(Route.SETTINGS) })
            }
            composable(Route.HOME) {
                val home = rememberHolder("$k/home") { HomeViewModel(areas.dossiers, areas.tracking, areas.catalog, lang, graph.texts, it) }
                HomeScreen(
                    home = home,
                    userName = (sessionState as? SessionState.LoggedIn)?.profile?.fullName ?: "",
                    onNewDossier = { nav.navigate(Route.SEARCH) },
                    onDossier = { nav.navigate("dossier/$it") },
                    onDraft = { nav.navigate("draft/$it") },
                    onSettings = { nav.navigate(Route.SETTINGS) },
                    onLoggedOut = session::sessionEnded,
                )
            }
            composable(Route.SEARCH) {
                val search = rememberHolder("$k/search") { SearchViewModel(areas.catalog, graph.texts, it) }
                SearchScreen(search, onBack = { nav.popBackStack() }, onProcedure = { nav.navigate("procedure/$it") })
            }
            composable(Route.PROCEDURE) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val vm = rememberHolder("$k/procedure/$code") { ProcedureViewModel(areas.catalog, code, lang, graph.texts, it) }
                ProcedureScreen(vm, onBack = { nav.popBackStack() }, onFile = { nav.navigate("draft/new/$it") })
            }
            composable(Route.NEW_DRAFT) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val form = rememberHolder("$k/draft/new/$code") {
                    DraftFormViewModel(areas.dossiers, graph.texts, it, procedureCode = code)
                }
                DraftFormScreen(form, lang, onBack = { nav.popBackStack() }, onDone = { nav.afterSubmit(form, areas.assisted) })
            }
            composable(Route.DRAFT) { e ->
                val id = e.arguments?.getString("id").orEmpty()
                val form = rememberHolder("$k/draft/$id") {
                    DraftFormViewModel(areas.dossiers, graph.texts, it, draftId = id)
                }
                DraftFormScreen(form, lang, onBack = { nav.popBackStack() }, onDone = { nav.afterSubmit(form, areas.assisted) })
            }
            composable(Route.DOSSIER) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val detail = rememberHolder("$k/dossier/$code") {
                    DossierDetailViewModel(areas.tracking, areas.actions, code, lang, graph.texts, it)
                }
                DossierScreen(
                    detail,
                    canAct = true,
                    onBack = { nav.popBackStack() },
                    onReceipt = { nav.navigate("receipt/$it") },
                    onOpenDraft = { nav.navigate("draft/$it") },
                    onPay = { nav.navigate("payment/$it") },
                    onFeeReceipt = { nav.navigate("fee-receipt/$it") },
                    onHandoff = if (areas.assisted) ({ nav.navigate("assist/handoff/$it") }) else null,
                )
            }
            composable(Route.RECEIPT) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val receipt = rememberHolder("$k/receipt/$code") { ReceiptViewModel(areas.receipts, code, graph.texts, it) }
                ReceiptScreen(receipt, code, onBack = { nav.popBackStack() })
            }
            composable(Route.PAYMENT) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val payment = rememberHolder("$k/payment/$code") { PaymentViewModel(areas.payments, code, graph.texts, it) }
                PaymentScreen(payment, code, onBack = { nav.popBackStack() }, onFeeReceipt = { nav.navigate("fee-receipt/$it") })
            }
            composable(Route.FEE_RECEIPT) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val receipt = rememberHolder("$k/fee-receipt/$code") { FeeReceiptViewModel(areas.payments, code, graph.texts, it) }
                FeeReceiptScreen(receipt, code, onBack = { nav.popBackStack() })
            }
            composable(Route.DESK) {
                // Desk mode verifies with the phone owner's trust list, never a session's.
                val scan = rememberHolder("desk") { DeskScanViewModel(graph.own.receipts, lang, graph.texts, it) }
                DeskScanScreen(scan, onBack = { nav.popBackStack() })
            }
            composable(Route.SETTINGS) {
                SettingsScreen(
                    settings = settingsHolder,
                    deviceHasLock = deviceHasLock,
                    loggedIn = sessionState is SessionState.LoggedIn || sessionState is SessionState.ConfirmErase,
                    eraseWarning = (sessionState as? SessionState.ConfirmErase)?.warning,
                    assisting = areas.assisted,
                    onLanguageChanged = onLanguageChanged,
                    onDeskMode = { nav.navigate(Route.DESK) },
                    onAssist = { nav.navigate(if (areas.assisted) Route.ASSIST_END else Route.ASSIST) },
                    onLogout = { session.logout() },
                    onLogoutAndErase = { confirmed -> session.logoutAndErase(confirmed) },
                    onKeepData = { session.keepData() },
                    onBack = { nav.popBackStack() },
                )
            }
            composable(Route.ASSIST) {
                AssistStartScreen(assist, onBack = { nav.popBackStack() }, onSummary = { nav.navigate(Route.ASSIST_SUMMARY) })
            }
            composable(Route.ASSIST_END) {
                if (assist != null) AssistEndScreen(assist, onBack = { nav.popBackStack() })
            }
            composable(Route.ASSIST_SUMMARY) {
                val port = graph.assist
                if (port != null) {
                    val summary = rememberHolder("assist/summary") { AssistSummaryViewModel(port, graph.own.catalog, lang, graph.texts, it) }
                    LaunchedEffect(Unit) { summary.refresh() }
                    AssistSummaryScreen(summary, onBack = { nav.popBackStack() })
                }
            }
            composable(Route.HANDOFF) { e ->
                val code = e.arguments?.getString("code").orEmpty()
                val open = assistSession
                if (open != null) {
                    val handoff = rememberHolder("$k/handoff/$code") { HandoffViewModel(open, code, lang, graph.texts, it) }
                    HandoffScreen(
                        handoff,
                        onBack = { nav.popBackStack() },
                        onReceipt = { nav.navigate("receipt/$it") },
                        onDone = { nav.home() },
                    )
                }
            }
        }
    }
}

/** What the navigation observes when the app has no assist area. */
private val NoSession = MutableStateFlow<AssistedSessionPort?>(null)
private val NoAreas = MutableStateFlow<CoreAreas?>(null)
private val NoAssist = MutableStateFlow<AssistState>(AssistState.NoSession())

/** Back to home, forgetting the way there (after a submission). */
private fun NavHostController.home() = navigate(Route.HOME) { popUpTo(Route.HOME) { inclusive = true } }

/**
 * After a submission: home; in an assisted session, straight to the hand-off of the new
 * dossier (the code and what to do next, before the person leaves).
 */
private fun NavHostController.afterSubmit(form: DraftFormViewModel, assisted: Boolean) {
    val code = ((form.state.value as? DraftFormState.Editing)?.submit as? SubmitUi.Submitted)?.dossierCode
    if (assisted && code != null) {
        navigate("assist/handoff/$code") { popUpTo(Route.HOME) }
    } else {
        home()
    }
}
