// The Android-only members of androidx.compose.ui.res that the screens call with R ids,
// for the JVM: Compose's desktop build has none of them. Same package and signatures as
// Android's, so that the screens compile here unchanged.
package androidx.compose.ui.res

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.ui.graphics.painter.Painter
import vn.motcua.app.jvm.JvmResources
import vn.motcua.app.jvm.LocalResourceLocale

/** The string [id] in the screens' locale, as Android's `stringResource(id)`. */
@Composable
@ReadOnlyComposable
fun stringResource(id: Int): String = JvmResources.string(id, LocalResourceLocale.current)

/** The string [id] formatted with [formatArgs] in the screens' locale, as Android's `stringResource(id, …)`. */
@Composable
@ReadOnlyComposable
fun stringResource(id: Int, vararg formatArgs: Any): String = JvmResources.string(id, LocalResourceLocale.current, *formatArgs)

/** The drawable [id]: the app's vector drawable, parsed by Compose's desktop reader of Android vector XML. */
@Suppress("DEPRECATION")
@Composable
fun painterResource(id: Int): Painter = painterResource(JvmResources.drawablePath(id))
