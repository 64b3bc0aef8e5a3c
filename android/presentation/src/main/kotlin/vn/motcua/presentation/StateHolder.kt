package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/**
 * A screen's state holder: one immutable [state] the UI renders, changed only here.
 *
 * Plain Kotlin on purpose: the app wraps each holder in an `androidx.lifecycle.ViewModel`
 * and passes `viewModelScope`; the JVM tests pass their own scope. [io] is where calls into
 * the core that block (SQLite, sealing) run, never the main thread.
 */
abstract class StateHolder<S>(
    initial: S,
    protected val scope: CoroutineScope,
    protected val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val mutable = MutableStateFlow(initial)

    /** What the screen shows now. */
    val state: StateFlow<S> = mutable.asStateFlow()

    /** Changes the state atomically. */
    protected fun update(change: (S) -> S) = mutable.update(change)
}
