package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.motcua.CatalogInterface
import vn.motcua.IdentityLevel
import vn.motcua.Procedure

/** A required or optional document, as listed on the detail screen. */
data class DocumentLine(val name: String, val required: Boolean)

/** What the detail screen shows, already in words. */
data class ProcedureDetail(
    val code: String,
    val name: String,
    val field: String,
    val agency: String,
    /** "Nộp và nhận kết quả trực tuyến" or "Cần đến bộ phận một cửa…". */
    val serviceLevel: String,
    val fullyOnline: Boolean,
    /** "7 ngày làm việc", or null when the catalog does not know. */
    val processingTime: String?,
    /** Fee at the desk ("20.000 đồng", "Miễn phí"), or null when unknown. */
    val fee: String?,
    /** Fee when filed online, when lower than at the desk. */
    val onlineFee: String?,
    /** "Tiết kiệm 10.000 đồng khi nộp trực tuyến". */
    val onlineSaving: String?,
    val feeNote: String?,
    val needsLevel2: Boolean,
    val documents: List<DocumentLine>,
    val formFields: Int,
)

/** The procedure detail screen. */
sealed interface ProcedureState {
    data object Loading : ProcedureState
    data class Loaded(val detail: ProcedureDetail, val procedure: Procedure) : ProcedureState
    data class NotFound(val code: String) : ProcedureState
    data class Failed(val problem: Problem) : ProcedureState
}

/** A procedure from the saved catalog (offline), with the fee and its online discount up front. */
class ProcedureViewModel(
    private val catalog: CatalogInterface,
    private val code: String,
    private val lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<ProcedureState>(ProcedureState.Loading, scope, io) {
    private val format = Format(lang)

    init {
        scope.launch {
            val next = try {
                withContext(io) { catalog.procedure(code) }
                    ?.let { ProcedureState.Loaded(describe(it), it) }
                    ?: ProcedureState.NotFound(code)
            } catch (e: Exception) {
                ProcedureState.Failed(e.toProblem(texts))
            }
            update { next }
        }
    }

    private fun describe(p: Procedure): ProcedureDetail {
        val vi = lang == Lang.VI
        val discounted = p.feeVnd != null && p.onlineFeeVnd != null && p.onlineFeeVnd!! < p.feeVnd!!
        return ProcedureDetail(
            code = p.code,
            name = if (vi) p.nameVi else p.nameEn,
            field = p.fieldVi,
            agency = p.agencyVi,
            serviceLevel = when {
                p.fullyOnline && vi -> "Toàn trình: nộp hồ sơ và nhận kết quả trực tuyến, không phải đến cơ quan."
                p.fullyOnline -> "Fully online: file and receive the result online, no visit needed."
                vi -> "Một phần: nộp trực tuyến, nhưng vẫn cần đến bộ phận một cửa (xuất trình bản chính, nộp phí hoặc nhận kết quả)."
                else -> "Partly online: file online, but you still go to the one-stop desk (to show originals, pay or collect the result)."
            },
            fullyOnline = p.fullyOnline,
            processingTime = p.processingDays?.let { format.workingDays(it) },
            fee = p.feeVnd?.let { format.money(it) },
            onlineFee = if (discounted) format.money(p.onlineFeeVnd!!) else null,
            onlineSaving = if (discounted) {
                val saving = format.money(p.feeVnd!! - p.onlineFeeVnd!!)
                if (vi) "Tiết kiệm $saving khi nộp trực tuyến" else "Save $saving by filing online"
            } else null,
            feeNote = if (vi) p.feeNoteVi else p.feeNoteEn,
            needsLevel2 = p.requiredIdentityLevel == IdentityLevel.LEVEL2,
            documents = p.documents.map { DocumentLine(if (vi) it.nameVi else it.nameEn, it.required) },
            formFields = p.form.size,
        )
    }
}
