package vn.motcua.app.ui

import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.SearchViewModel

/**
 * Procedure search in the person's own words ("giay doc than" finds the marital-status
 * certificate), offline over the saved catalog, the matched words bold and underlined.
 */
@Composable
fun SearchScreen(search: SearchViewModel, onBack: () -> Unit, onProcedure: (String) -> Unit) {
    val state by search.state.collectAsStateWithLifecycle()
    Screen(title = stringResource(R.string.search_title), onBack = onBack) {
        LabelledField(
            value = state.query,
            onValueChange = search::onQueryChange,
            label = stringResource(R.string.search_label),
            placeholder = stringResource(R.string.search_hint),
            keyboardOptions = KeyboardOptions(imeAction = ImeAction.Search),
        )
        state.banner?.let { Banner(it) }
        if (state.refreshing) Waiting(stringResource(R.string.search_refreshing))
        state.problem?.let { ErrorText(it.message) }
        state.summary?.let {
            Text(it, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite })
        }
        for (r in state.results) {
            ItemCard(onClick = { onProcedure(r.code) }, description = listOfNotNull(r.name.text, r.note).joinToString(". ")) {
                Text(r.name.annotated(), style = MaterialTheme.typography.bodyLarge)
                r.note?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            }
        }
    }
}
