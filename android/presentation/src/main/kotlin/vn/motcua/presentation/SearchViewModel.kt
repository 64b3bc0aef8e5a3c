package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.mapLatest
import kotlinx.coroutines.flow.launchIn
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.motcua.CatalogInterface
import vn.motcua.ErrorReason
import vn.motcua.MatchKind
import vn.motcua.SearchHit

/**
 * A text with the parts to highlight, as UTF-16 index ranges (what Compose's
 * `AnnotatedString` takes); the screen shows them bold and underlined, not by colour alone.
 */
data class Highlighted(val text: String, val ranges: List<IntRange>) {
    /** The highlighted parts, in order (for tests and for TalkBack hints). */
    val parts: List<String> get() = ranges.map { text.substring(it.first, it.last + 1) }
}

/** One line of the results. */
data class SearchResult(
    val code: String,
    val name: Highlighted,
    /** "Matches "giấy độc thân"" when the person used the everyday name. */
    val note: String?,
    val kind: MatchKind,
)

/** The search screen. */
data class SearchState(
    val query: String = "",
    /** The query [results] answer (the typed one may be a keystroke ahead). */
    val resultsFor: String = "",
    val results: List<SearchResult> = emptyList(),
    /** "12 procedures found" for TalkBack to announce; null before typing. */
    val summary: String? = null,
    /** Downloading the catalog. */
    val refreshing: Boolean = false,
    /** Offline or never downloaded: what still works. */
    val banner: String? = null,
    val problem: Problem? = null,
)

/**
 * Procedure search, offline over the saved catalog, as the person types (with or
 * without diacritics, everyday names, typos: all the core's work). The catalog is
 * refreshed when the screen opens; without a network the saved one is used and the
 * banner says so.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class SearchViewModel(
    private val catalog: CatalogInterface,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
    private val limit: UInt = 30u,
) : StateHolder<SearchState>(SearchState(), scope, io) {
    private val query = MutableStateFlow("")

    init {
        query.mapLatest { q -> q to search(q) }
            .onEach { (q, outcome) ->
                update { s ->
                    if (s.query != q) s else outcome.fold(
                        { hits -> s.copy(resultsFor = q, results = hits, summary = if (q.isBlank()) null else texts.searchResults(hits.size), problem = null) },
                        { e -> s.copy(resultsFor = q, results = emptyList(), summary = null, problem = e.toProblem(texts)) },
                    )
                }
            }
            .launchIn(scope)
        refresh()
    }

    /** Each keystroke. */
    fun onQueryChange(text: String) {
        update { it.copy(query = text) }
        query.value = text
    }

    /** Downloads the catalog if it changed; offline, says that the saved one is used. */
    fun refresh() {
        update { it.copy(refreshing = true) }
        scope.launch {
            val banner = try {
                catalog.refreshCatalog()
                null
            } catch (e: Exception) {
                val problem = e.toProblem(texts)
                when {
                    problem.reason is ErrorReason.CatalogNotDownloaded -> texts.catalogNeverDownloaded
                    problem.offline && hasSavedCatalog() -> texts.offlineCatalog
                    problem.offline -> texts.catalogNeverDownloaded
                    else -> problem.message
                }
            }
            update { it.copy(refreshing = false, banner = banner) }
            // Search again: the catalog may have changed or arrived.
            query.value.let { q -> search(q).onSuccess { hits -> update { s -> if (s.query == q) s.copy(resultsFor = q, results = hits, summary = if (q.isBlank()) null else texts.searchResults(hits.size)) else s } } }
        }
    }

    private suspend fun hasSavedCatalog(): Boolean = withContext(io) {
        runCatching { catalog.searchProcedures("a", 1u) }.isSuccess
    }

    private suspend fun search(q: String): Result<List<SearchResult>> {
        if (q.isBlank()) return Result.success(emptyList())
        return withContext(io) {
            runCatching { catalog.searchProcedures(q, limit).map { it.toResult() } }
        }
    }

    private fun SearchHit.toResult() = SearchResult(
        code = code,
        name = Highlighted(
            nameVi,
            highlights.mapNotNull { r -> utf16Range(nameVi, r.start.toInt(), r.end.toInt()) },
        ),
        note = matchedAlias?.let { texts.matchedAlias(it) },
        kind = kind,
    )
}

/**
 * The core's ranges count Unicode scalar values; Kotlin strings are UTF-16. Converts
 * `[start, end)` in code points to an inclusive UTF-16 range; null when out of bounds.
 */
internal fun utf16Range(text: String, start: Int, end: Int): IntRange? {
    val points = text.codePointCount(0, text.length)
    if (start < 0 || end > points || start >= end) return null
    val from = text.offsetByCodePoints(0, start)
    val to = text.offsetByCodePoints(0, end)
    return from until to
}
