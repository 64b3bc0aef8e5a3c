package vn.motcua.app.ui

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import kotlinx.coroutines.CoroutineScope

/**
 * Keeps a presentation-layer state holder across configuration changes: the holder lives
 * as long as the navigation entry, its coroutines in `viewModelScope`.
 */
class Holder<T>(create: (CoroutineScope) -> T) : ViewModel() {
    val value: T = create(viewModelScope)
}

/** The state holder of this navigation entry under [key], created once. */
@Composable
inline fun <reified T> rememberHolder(key: String, noinline create: (CoroutineScope) -> T): T =
    viewModel<Holder<T>>(key = key) { Holder(create) }.value
