package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.motcua.CatalogInterface

/** A dossier line on the home screen. */
data class DossierItem(
    val code: String,
    val procedureName: String,
    /** "Đã tiếp nhận", from the core. */
    val status: String,
    /** "Hẹn trả: Thứ Ba, 03/03/2026", when the desk gave one. */
    val appointment: String?,
    val overdue: Boolean,
)

/** A draft line on the home screen. */
data class DraftItem(val id: String, val procedureName: String, val waitingToSend: Boolean)

/** The home screen: my dossiers, then my drafts. */
data class HomeState(
    val loading: Boolean = true,
    val dossiers: List<DossierItem> = emptyList(),
    val drafts: List<DraftItem> = emptyList(),
    /** Offline or a sync problem: what is shown and what will happen. */
    val banner: String? = null,
    val loggedOut: Problem? = null,
)

/**
 * Home: what is on the phone shows at once (offline too), then a sync brings the
 * portal's changes and sends what waits in the outbox.
 */
class HomeViewModel(
    private val dossiers: DossierPort,
    private val tracking: TrackingPort,
    private val catalog: CatalogInterface,
    private val lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<HomeState>(HomeState(), scope, io) {
    private val format = Format(lang)

    init {
        refresh()
    }

    /** Pull to refresh, and on every return to the screen. */
    fun refresh() {
        scope.launch {
            load(banner = null)
            val banner = try {
                dossiers.runOutbox(force = true)
                tracking.sync()
                null
            } catch (e: Exception) {
                val p = e.toProblem(texts)
                if (p.loggedOut) {
                    update { it.copy(loggedOut = p) }
                    return@launch
                }
                if (p.offline) {
                    val waiting = runCatching { withContext(io) { dossiers.pendingSubmissions() } }.getOrDefault(0)
                    if (waiting > 0) "${texts.offlineStatus} ${texts.offlineDraftQueued}" else texts.offlineStatus
                } else p.message
            }
            load(banner)
        }
    }

    private suspend fun load(banner: String?) {
        val next = try {
            withContext(io) {
                val names = HashMap<String, String>()
                fun name(code: String) = names.getOrPut(code) {
                    runCatching { catalog.procedure(code) }.getOrNull()
                        ?.let { if (lang == Lang.VI) it.nameVi else it.nameEn } ?: code
                }
                val mine = tracking.dossiers().map { line ->
                    val record = tracking.dossier(line.code)
                    DossierItem(
                        code = line.code,
                        procedureName = name(line.procedureCode),
                        status = record?.label ?: line.label,
                        appointment = record?.appointmentDate?.let { appointment(it) },
                        overdue = record?.overdue == true,
                    )
                }
                val drafts = dossiers.drafts().filter { it.phase != DraftPhase.SUBMITTED }.map {
                    val title = it.answersDossier?.let { code -> texts.supplementFor(code) } ?: name(it.procedureCode)
                    DraftItem(it.id, title, it.phase == DraftPhase.SUBMITTING)
                }
                HomeState(loading = false, dossiers = mine, drafts = drafts, banner = banner)
            }
        } catch (e: Exception) {
            HomeState(loading = false, banner = e.toProblem(texts).message)
        }
        update { next }
    }

    private fun appointment(date: String) =
        texts.resultDue(format.date(date))
}
