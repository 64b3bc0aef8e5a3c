package vn.motcua.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.filled.CloudOff
import androidx.compose.material.icons.filled.Info
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBarDefaults
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.invisibleToUser
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.AnnotatedString
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.unit.dp
import vn.motcua.app.R
import vn.motcua.presentation.Highlighted

/**
 * While a volunteer's assisted session is open: the banner text and the way to end the
 * session. Every [Screen] shows it above its content, so no screen can forget it.
 */
data class AssistBanner(val text: String, val onEnd: () -> Unit)

/** The open session's banner, or null (provided by AppNavigation). */
val LocalAssistBanner = androidx.compose.runtime.staticCompositionLocalOf<AssistBanner?> { null }

/** Minimum height of the one primary button of a screen (Material asks 48 dp; we give 56). */
val PrimaryHeight = 56.dp

/** Minimum height of every other touch target. */
val TouchHeight = 48.dp

/**
 * A screen: a top bar with the title (a heading for TalkBack) and a back button, a
 * scrolling column that wraps whatever the text size, and at most one primary button
 * pinned at the bottom.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun Screen(
    title: String,
    onBack: (() -> Unit)?,
    primary: (@Composable () -> Unit)? = null,
    actions: @Composable () -> Unit = {},
    content: @Composable ColumnScope.() -> Unit,
) {
    val assisting = LocalAssistBanner.current
    // The pinned header (title, session banner) never takes more than 40 % of the height:
    // at 200 % text a long title and the banner once left the content no room at all (the
    // form could not be reached). Beyond that it scrolls within itself; nothing is cut.
    BoxWithConstraints(Modifier.fillMaxSize()) {
        val headerMax = maxHeight * 0.4f
        Scaffold(
            topBar = {
                Column(Modifier.heightIn(max = headerMax).verticalScroll(rememberScrollState())) {
                    TopBar(title, onBack, actions)
                    if (assisting != null) AssistBannerBar(assisting)
                }
            },
            bottomBar = {
                if (primary != null) {
                    Box(Modifier.fillMaxWidth().padding(16.dp).imePadding()) { primary() }
                }
            },
        ) { padding ->
            Column(
                modifier = Modifier
                    .fillMaxSize()
                    .padding(padding)
                    .verticalScroll(rememberScrollState())
                    .padding(horizontal = 16.dp, vertical = 12.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
                content = content,
            )
        }
    }
}

/**
 * The top bar: back, the title, the actions. Not Material's TopAppBar, whose fixed 64 dp
 * cut the title at large text sizes ("Tìm thủ tục" showed as "Tìm thủ" at 200%): this one
 * is at least 64 dp and grows with the title, which wraps onto as many lines as it needs.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun TopBar(title: String, onBack: (() -> Unit)?, actions: @Composable () -> Unit) {
    androidx.compose.material3.Surface(color = MaterialTheme.colorScheme.primary, contentColor = MaterialTheme.colorScheme.onPrimary) {
        Row(
            modifier = Modifier
                .fillMaxWidth()
                .windowInsetsPadding(TopAppBarDefaults.windowInsets)
                .heightIn(min = 64.dp)
                .padding(horizontal = 4.dp, vertical = 8.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            if (onBack != null) {
                IconButton(onClick = onBack, modifier = Modifier.size(TouchHeight)) {
                    Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = stringResource(R.string.action_back))
                }
            }
            Text(
                title,
                style = MaterialTheme.typography.titleLarge,
                modifier = Modifier
                    .weight(1f)
                    .padding(horizontal = if (onBack == null) 12.dp else 4.dp)
                    .semantics { heading() },
            )
            actions()
        }
    }
}

/**
 * A text field with its label above it, always shown, in body text, not Material's label
 * inside the outline: that label floats onto the outline and, at large text sizes, runs
 * into the outline and over what is above the field (seen at 200%). The label is the
 * field's name for TalkBack too ([contentDescription] of the field).
 */
@OptIn(androidx.compose.ui.ExperimentalComposeUiApi::class)
@Composable
fun LabelledField(
    value: String,
    onValueChange: (String) -> Unit,
    label: String,
    modifier: Modifier = Modifier,
    placeholder: String? = null,
    readOnly: Boolean = false,
    singleLine: Boolean = true,
    minLines: Int = 1,
    isError: Boolean = false,
    keyboardOptions: androidx.compose.foundation.text.KeyboardOptions = androidx.compose.foundation.text.KeyboardOptions.Default,
    semantics: androidx.compose.ui.semantics.SemanticsPropertyReceiver.() -> Unit = {},
) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        // Seen, not read twice: TalkBack reads the label as the field's name.
        Text(label, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.semantics { invisibleToUser() })
        androidx.compose.material3.OutlinedTextField(
            value = value,
            onValueChange = onValueChange,
            readOnly = readOnly,
            placeholder = placeholder?.let { { Text(it) } },
            textStyle = MaterialTheme.typography.bodyLarge,
            singleLine = singleLine,
            minLines = minLines,
            isError = isError,
            keyboardOptions = keyboardOptions,
            modifier = modifier.fillMaxWidth().heightIn(min = TouchHeight).semantics {
                contentDescription = label
                semantics()
            },
        )
    }
}

/**
 * A question before something that cannot be undone: the title, the explanation (it
 * scrolls when large text needs more room than the dialog has), and two choices stacked
 * full width, each at least 48 dp high (side by side they ran over each other at 150%).
 * [first] is the one on top; [danger] colours [second] as the destructive choice.
 */
@Composable
fun ConfirmDialog(
    title: String,
    text: String,
    first: String,
    onFirst: () -> Unit,
    second: String,
    onSecond: () -> Unit,
    onDismiss: () -> Unit,
    danger: Boolean = false,
) {
    androidx.compose.material3.AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(title) },
        text = { Text(text, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.verticalScroll(rememberScrollState())) },
        confirmButton = {
            Column(Modifier.fillMaxWidth()) {
                androidx.compose.material3.TextButton(onClick = onFirst, modifier = Modifier.fillMaxWidth().heightIn(min = TouchHeight)) {
                    Text(first, style = MaterialTheme.typography.bodyLarge)
                }
                androidx.compose.material3.TextButton(onClick = onSecond, modifier = Modifier.fillMaxWidth().heightIn(min = TouchHeight)) {
                    Text(second, style = MaterialTheme.typography.bodyLarge, color = if (danger) MaterialTheme.colorScheme.error else Color.Unspecified)
                }
            }
        },
    )
}

/** The screen's one primary action: full width, at least 56 dp high, text that wraps. */
@Composable
fun PrimaryButton(text: String, onClick: () -> Unit, enabled: Boolean = true) {
    Button(
        onClick = onClick,
        enabled = enabled,
        modifier = Modifier.fillMaxWidth().heightIn(min = PrimaryHeight),
    ) { Text(text, style = MaterialTheme.typography.labelLarge) }
}

/** A secondary action: outlined, at least 48 dp high. */
@Composable
fun SecondaryButton(text: String, onClick: () -> Unit, modifier: Modifier = Modifier.fillMaxWidth()) {
    OutlinedButton(onClick = onClick, modifier = modifier.heightIn(min = TouchHeight)) {
        Text(text, style = MaterialTheme.typography.bodyLarge)
    }
}

/**
 * A message across the screen: offline (what still works and what will happen) or
 * information. Announced by TalkBack when it appears or changes.
 */
@Composable
fun Banner(text: String, offline: Boolean = true) {
    Row(
        modifier = Modifier
            .fillMaxWidth()
            .background(
                if (offline) Color(0xFFFFF3CD) else MaterialTheme.colorScheme.secondaryContainer,
                RoundedCornerShape(8.dp),
            )
            .padding(12.dp)
            .semantics(mergeDescendants = true) { liveRegion = LiveRegionMode.Polite },
        verticalAlignment = Alignment.Top,
    ) {
        Icon(if (offline) Icons.Filled.CloudOff else Icons.Filled.Info, contentDescription = null)
        Spacer(Modifier.width(12.dp))
        Text(text, style = MaterialTheme.typography.bodyLarge, color = if (offline) Color(0xFF3D2E00) else Color.Unspecified)
    }
}

/** An error next to what it is about, in red, read at once by TalkBack. */
@Composable
fun ErrorText(text: String) {
    Text(
        text,
        color = MaterialTheme.colorScheme.error,
        style = MaterialTheme.typography.bodyMedium,
        modifier = Modifier.semantics { liveRegion = LiveRegionMode.Assertive },
    )
}

/** A spinner with what is being waited for, said in words too. */
@Composable
fun Waiting(what: String) {
    Column(
        Modifier.fillMaxWidth().padding(24.dp).semantics(mergeDescendants = true) { contentDescription = what },
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        CircularProgressIndicator()
        Text(what, style = MaterialTheme.typography.bodyLarge)
    }
}

/** A section title, a heading for TalkBack's heading navigation. */
@Composable
fun SectionTitle(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
}

/** Highlighted parts bold and underlined: seen without relying on colour. */
fun Highlighted.annotated(): AnnotatedString = buildAnnotatedString {
    append(text)
    for (range in ranges) {
        addStyle(SpanStyle(fontWeight = FontWeight.Bold, textDecoration = TextDecoration.Underline), range.first, range.last + 1)
    }
}

/** The settings button of the top bar. */
@Composable
fun SettingsAction(onClick: () -> Unit) {
    IconButton(onClick = onClick, modifier = Modifier.size(TouchHeight)) {
        Icon(Icons.Filled.Settings, contentDescription = stringResource(R.string.settings_title))
    }
}

/** A tappable card line: the whole card is one target with one spoken description. */
@Composable
fun ItemCard(onClick: () -> Unit, description: String, content: @Composable ColumnScope.() -> Unit) {
    androidx.compose.material3.OutlinedCard(
        onClick = onClick,
        modifier = Modifier
            .fillMaxWidth()
            .heightIn(min = TouchHeight)
            .semantics(mergeDescendants = true) { contentDescription = description },
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp), content = content)
    }
}

/**
 * A screen's primary button as the value of [Screen]'s `primary` slot, for screens whose
 * primary action depends on their state ([text] resolved by the caller).
 */
fun primaryAction(text: String, enabled: Boolean = true, onClick: () -> Unit): @Composable () -> Unit =
    { PrimaryButton(text, onClick, enabled) }

/**
 * The assisted-session banner under the top bar of every screen: a strong colour that
 * differs from the province's, the text (no name of the person: see AssistViewModel), and
 * the button that ends the session. Announced by TalkBack when it appears.
 */
@Composable
private fun AssistBannerBar(banner: AssistBanner) {
    // The text above the button, not beside it: side by side, at large text sizes the
    // button took the whole width and squeezed the text to a column of single letters.
    Column(
        modifier = Modifier
            .fillMaxWidth()
            .background(Color(0xFF5B2C83))
            .padding(horizontal = 16.dp, vertical = 8.dp)
            .semantics { liveRegion = LiveRegionMode.Polite },
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text(banner.text, color = Color.White, style = MaterialTheme.typography.bodyMedium)
        OutlinedButton(onClick = banner.onEnd, modifier = Modifier.align(Alignment.End).heightIn(min = TouchHeight)) {
            Text(stringResource(R.string.assist_end), color = Color.White)
        }
    }
}
