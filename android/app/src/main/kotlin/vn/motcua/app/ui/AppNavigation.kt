package vn.motcua.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import kotlinx.coroutines.flow.Flow
import vn.motcua.app.AppGraph
import vn.motcua.presentation.Branding
import vn.motcua.presentation.DeskScanViewModel
import vn.motcua.presentation.DossierDetailViewModel
import vn.motcua.presentation.DraftFormViewModel
import vn.motcua.presentation.HomeViewModel
import vn.motcua.presentation.Lang
import vn.motcua.presentation.ProcedureViewModel
import vn.motcua.presentation.ReceiptViewModel
import vn.motcua.presentation.SearchViewModel
import vn.motcua.presentation.SessionState
import vn.motcua.presentation.SessionViewModel
import vn.motcua.presentation.SettingsViewModel

/** Routes. Settings and desk mode work without a citizen's login. */
private object Route {
    const val LOGIN = "login"
    const val HOME = "home"
    const val SEARCH = "search"
    const val PROCEDURE = "procedure/{code}"
    const val NEW_DRAFT = "draft/new/{code}"
    const val DRAFT = "draft/{id}"
    const val DOSSIER = "dossier/{code}"
    const val RECEIPT = "receipt/{code}"
    const val DESK = "desk"
    const val SETTINGS = "settings"
    val PUBLIC = setOf(LOGIN, DESK, SETTINGS)
}

/**
 * The app's screens and the way between them. [redirects] are the login callbacks the
 * activity receives (custom scheme or app link); [openDossier] a dossier a notification
 * asked to open.
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
) {
    val nav = rememberNavController()
    val session = rememberHolder("session") { SessionViewModel(graph.identity, graph.texts, it) }
    val sessionState by session.state.collectAsStateWithLifecycle()
    val entry by nav.currentBackStackEntryAsState()
    LaunchedEffect(redirects) { redirects.collect { session.completeLogin(it) } }
    LaunchedEffect(openDossier) { openDossier.collect { nav.navigate("dossier/$it") } }
    LaunchedEffect(sessionState, entry) {
        val route = entry?.destination?.route ?: return@LaunchedEffect
        when {
            sessionState is SessionState.LoggedIn && route == Route.LOGIN ->
                nav.navigate(Route.HOME) { popUpTo(Route.LOGIN) { inclusive = true } }
            sessionState is SessionState.LoggedOut && route !in Route.PUBLIC ->
                nav.navigate(Route.LOGIN) { popUpTo(nav.graph.id) { inclusive = true } }
        }
    }
    val lang = graph.lang
    NavHost(nav, startDestination = Route.LOGIN) {
        composable(Route.LOGIN) {
            LoginScreen(session, branding, logo, onSettings = { nav.navigate(Route.SETTINGS) })
        }
        composable(Route.HOME) {
            val home = rememberHolder("home") { HomeViewModel(graph.dossiers, graph.tracking, graph.catalog, lang, graph.texts, it) }
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
            val search = rememberHolder("search") { SearchViewModel(graph.catalog, graph.texts, it) }
            SearchScreen(search, onBack = { nav.popBackStack() }, onProcedure = { nav.navigate("procedure/$it") })
        }
        composable(Route.PROCEDURE) { e ->
            val code = e.arguments?.getString("code").orEmpty()
            val vm = rememberHolder("procedure/$code") { ProcedureViewModel(graph.catalog, code, lang, graph.texts, it) }
            ProcedureScreen(vm, onBack = { nav.popBackStack() }, onFile = { nav.navigate("draft/new/$it") })
        }
        composable(Route.NEW_DRAFT) { e ->
            val code = e.arguments?.getString("code").orEmpty()
            val form = rememberHolder("draft/new/$code") {
                DraftFormViewModel(graph.dossiers, graph.catalog, lang, graph.texts, it, procedureCode = code)
            }
            DraftFormScreen(form, lang, onBack = { nav.popBackStack() }, onDone = { nav.home() })
        }
        composable(Route.DRAFT) { e ->
            val id = e.arguments?.getString("id").orEmpty()
            val form = rememberHolder("draft/$id") {
                DraftFormViewModel(graph.dossiers, graph.catalog, lang, graph.texts, it, draftId = id)
            }
            DraftFormScreen(form, lang, onBack = { nav.popBackStack() }, onDone = { nav.home() })
        }
        composable(Route.DOSSIER) { e ->
            val code = e.arguments?.getString("code").orEmpty()
            val detail = rememberHolder("dossier/$code") {
                DossierDetailViewModel(graph.tracking, graph.citizenActions, code, lang, graph.texts, it)
            }
            DossierScreen(
                detail,
                canAct = true,
                onBack = { nav.popBackStack() },
                onReceipt = { nav.navigate("receipt/$it") },
                onOpenDraft = { nav.navigate("draft/$it") },
            )
        }
        composable(Route.RECEIPT) { e ->
            val code = e.arguments?.getString("code").orEmpty()
            val receipt = rememberHolder("receipt/$code") { ReceiptViewModel(graph.receipts, code, graph.texts, it) }
            ReceiptScreen(receipt, code, onBack = { nav.popBackStack() })
        }
        composable(Route.DESK) {
            val scan = rememberHolder("desk") { DeskScanViewModel(graph.receipts, lang, graph.texts, it) }
            DeskScanScreen(scan, onBack = { nav.popBackStack() })
        }
        composable(Route.SETTINGS) {
            SettingsScreen(
                settings = settingsHolder,
                deviceHasLock = deviceHasLock,
                loggedIn = sessionState is SessionState.LoggedIn,
                onLanguageChanged = onLanguageChanged,
                onDeskMode = { nav.navigate(Route.DESK) },
                onLogout = { session.logout() },
                onBack = { nav.popBackStack() },
            )
        }
    }
}

/** Back to home, forgetting the way there (after a submission). */
private fun NavHostController.home() = navigate(Route.HOME) { popUpTo(Route.HOME) { inclusive = true } }
