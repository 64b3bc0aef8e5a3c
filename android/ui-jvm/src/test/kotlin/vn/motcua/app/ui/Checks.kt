package vn.motcua.app.ui

import androidx.compose.ui.geometry.Rect
import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.isRoot
import androidx.compose.ui.text.TextLayoutResult
import java.io.File
import java.util.Locale
import javax.imageio.ImageIO
import vn.motcua.app.jvm.JvmResources
import vn.motcua.presentation.Lang

/**
 * One look at the screens: a language and Android's font scale, at 360 dp wide. A journey
 * is driven in one look ([JOURNEYS]: each language at the largest scale, where the most
 * has to wrap and scroll) and every screen on the way is checked and photographed at
 * every scale of [SCALES] ([checkScreen]).
 */
data class Look(val lang: Lang, val fontScale: Float) {
    val locale: Locale get() = Locale.forLanguageTag(lang.tag)

    /** The app's string [id] in this look's language, as the screens show it. */
    fun text(id: Int, vararg args: Any): String = if (args.isEmpty()) JvmResources.string(id, locale) else JvmResources.string(id, locale, *args)

    /** Which demo citizen (of the portal's level-2 ones) this look's journeys log in as: one per language, so that runs on one portal do not see each other's dossiers. */
    val citizen: Int get() = Lang.entries.indexOf(lang)

    override fun toString() = "${lang.tag}-${(fontScale * 100).toInt()}"

    companion object {
        /** Android's font scale 1.0, 1.5 and 2.0 (the largest it offers). */
        val SCALES = listOf(1.0f, 1.5f, 2.0f)

        /** Every language the app speaks, driven at font scale 2.0. */
        val JOURNEYS: List<Look> = Lang.entries.map { Look(it, 2.0f) }
    }
}

/** The phone's screen: 360 × 720 dp at 2 pixels a dp (a 720 × 1440 px PNG). */
const val SCREEN_WIDTH_DP = 360
const val SCREEN_HEIGHT_DP = 720
const val DENSITY = 2f

/** Half a pixel or so of rounding between a layout's size and its bounds. */
private const val TOLERANCE_PX = 1.5f

/**
 * What a person using the screen would notice, found through the semantics tree and the
 * text layouts:
 * - a text cut or ellipsised: its lines need more room than its box has ([isCut]),
 *   or something other than a scrolling container (whose hidden part scrolls into view)
 *   cuts its bounds, or it reaches past the screen's edge;
 * - two texts, icons or fields drawn over each other;
 * - a clickable element TalkBack cannot name, or smaller than 48 × 48 dp.
 * Returns the problems, one sentence each, the screen [name]d.
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.layoutProblems(name: String): List<String> {
    val problems = mutableListOf<String>()
    val minTouch = 48 * density.density - TOLERANCE_PX
    for (root in onAllNodes(isRoot(), useUnmergedTree = true).fetchSemanticsNodes()) {
        val screen = root.boundsInRoot
        val nodes = root.descendantsAndSelf()
        val seen = mutableListOf<Pair<SemanticsNode, Rect>>()
        for (node in nodes) {
            val text = node.config.getOrNull(SemanticsProperties.Text)?.joinToString(" ") { it.text }
            val editable = node.config.getOrNull(SemanticsProperties.EditableText) != null
            val described = node.config.getOrNull(SemanticsProperties.ContentDescription)?.isNotEmpty() == true
            val visible = node.boundsInRoot
            if (text != null && !editable) {
                val layout = node.textLayout()
                if (layout != null && layout.isCut()) problems += "$name: \"$text\" is cut (its text does not fit its box: ${layout.describe()})"
                val whole = Rect(node.positionInRoot, androidx.compose.ui.geometry.Size(node.size.width.toFloat(), node.size.height.toFloat()))
                var expected = whole.intersect(screen)
                for (scroller in node.ancestors().filter { it.isScrollContainer() }) expected = expected.intersect(scroller.boundsInRoot)
                if (!expected.isEmpty && (visible.width < expected.width - TOLERANCE_PX || visible.height < expected.height - TOLERANCE_PX)) {
                    problems += "$name: \"$text\" is cut by its container (shown ${visible.size}, needs ${expected.size})"
                }
                if (whole.right > screen.right + TOLERANCE_PX || whole.left < screen.left - TOLERANCE_PX) {
                    problems += "$name: \"$text\" runs past the screen's edge"
                }
            }
            if ((text != null || described || editable) && visible.width > TOLERANCE_PX && visible.height > TOLERANCE_PX) {
                for ((other, otherBounds) in seen) {
                    if (other.isAncestorOf(node) || node.isAncestorOf(other)) continue
                    val overlap = visible.intersect(otherBounds)
                    if (overlap.width > TOLERANCE_PX && overlap.height > TOLERANCE_PX) {
                        problems += "$name: \"${node.label()}\" overlaps \"${other.label()}\""
                    }
                }
                seen += node to visible
            }
        }
    }
    for (root in onAllNodes(isRoot(), useUnmergedTree = false).fetchSemanticsNodes()) {
        for (node in root.descendantsAndSelf()) {
            val clickable = node.config.getOrNull(SemanticsActions.OnClick) != null
            val field = node.config.getOrNull(SemanticsActions.SetText) != null
            if (!clickable && !field) continue
            val label = node.label()
            if (label.isBlank()) problems += "$name: a ${if (field) "text field" else "clickable element"} at ${node.boundsInRoot} has no label a screen reader reads"
            if (node.size.width < minTouch || node.size.height < minTouch) {
                problems += "$name: \"$label\" is a touch target of ${node.size.width / density.density} × ${node.size.height / density.density} dp, under 48 × 48 dp"
            }
        }
    }
    return problems.distinct()
}

/** What TalkBack reads for a node: its description, else its text (and a field's text). */
fun SemanticsNode.label(): String {
    val description = config.getOrNull(SemanticsProperties.ContentDescription)?.joinToString(" ").orEmpty()
    val text = config.getOrNull(SemanticsProperties.Text)?.joinToString(" ") { it.text }.orEmpty()
    return listOf(description, text).filter { it.isNotBlank() }.joinToString(" ")
}

/**
 * Whether the laid-out text does not show whole: lines past `maxLines`, an ellipsis, lines
 * taller or wider than the box the text got. (Not [TextLayoutResult.hasVisualOverflow]: it
 * compares the box with the paragraph's *constraint* width, so every text narrower than its
 * parent would count.)
 */
fun TextLayoutResult.isCut(): Boolean =
    multiParagraph.didExceedMaxLines ||
        (0 until lineCount).any { isLineEllipsized(it) || getLineRight(it) > size.width + TOLERANCE_PX } ||
        multiParagraph.height > size.height + TOLERANCE_PX

private fun TextLayoutResult.describe() =
    "laid out ${size}, needs ${multiParagraph.width} x ${multiParagraph.height}, ${layoutInput.constraints}, maxLines ${layoutInput.maxLines}"

private fun SemanticsNode.textLayout(): TextLayoutResult? {
    val action = config.getOrNull(SemanticsActions.GetTextLayoutResult) ?: return null
    val results = mutableListOf<TextLayoutResult>()
    action.action?.invoke(results)
    return results.firstOrNull()
}

private fun SemanticsNode.isScrollContainer(): Boolean =
    config.getOrNull(SemanticsProperties.VerticalScrollAxisRange) != null ||
        config.getOrNull(SemanticsProperties.HorizontalScrollAxisRange) != null

private fun SemanticsNode.ancestors(): Sequence<SemanticsNode> = generateSequence(parent) { it.parent }

private fun SemanticsNode.isAncestorOf(other: SemanticsNode): Boolean = other.ancestors().any { it.id == id }

private fun SemanticsNode.descendantsAndSelf(): List<SemanticsNode> = listOf(this) + children.flatMap { it.descendantsAndSelf() }

/** Where a test's screenshots go: `target/screenshots/<test>/<lang>-<scale>/NN-name.png`. */
class Screenshots(private val test: String, private val look: Look) {
    private val dirs = Look.SCALES.associateWith { scale ->
        File(System.getProperty("motcua.screenshots") ?: "target/screenshots", "$test/${look.copy(fontScale = scale)}").apply {
            deleteRecursively()
            mkdirs()
        }
    }
    private var count = 0

    /** The number of the next screen. */
    fun next(): Int = ++count

    /** Writes what the screen shows now, at [scale], as screen number [number] named [name]; returns the file. */
    @OptIn(ExperimentalTestApi::class)
    fun take(test: SkikoComposeUiTest, number: Int, name: String, scale: Float): File {
        val file = File(dirs.getValue(scale), "%02d-%s.png".format(number, name))
        ImageIO.write(test.captureToImage().toAwtImage(), "png", file)
        return file
    }
}

/** Every screen checked so far in this JVM: "name (lang)" → the scales it was checked at. */
val screensChecked = java.util.concurrent.ConcurrentHashMap<String, MutableSet<Float>>()

/**
 * Shows the screen at each font scale of [Look.SCALES] (Android's font size changing, as a
 * person does in the system settings), waits for it to settle, writes its screenshot and
 * checks it ([layoutProblems]); fails with every problem found, at every scale; then goes
 * back to the scale the journey is driven at.
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.checkScreen(phone: TestPhone, shots: Screenshots, look: Look, name: String) {
    val number = shots.next()
    val problems = mutableListOf<String>()
    val files = mutableListOf<File>()
    try {
        for (scale in Look.SCALES) {
            phone.fontScale = scale
            waitForIdle()
            files += shots.take(this, number, name, scale)
            problems += layoutProblems("$name (${look.copy(fontScale = scale)})")
            screensChecked.getOrPut("$name (${look.lang.tag})") { java.util.concurrent.ConcurrentHashMap.newKeySet() } += scale
        }
    } finally {
        phone.fontScale = look.fontScale
        waitForIdle()
    }
    if (problems.isNotEmpty()) throw AssertionError("${problems.size} problem(s) on $name (${files.joinToString { it.path }}):\n" + problems.joinToString("\n"))
}

/** Nodes whose (merged) text or description contains [text]. */
fun hasLabel(text: String): SemanticsMatcher = SemanticsMatcher("label contains \"$text\"") { it.label().contains(text) }
