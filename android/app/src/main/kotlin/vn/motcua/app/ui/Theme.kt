package vn.motcua.app.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.Density
import androidx.compose.ui.unit.sp
import vn.motcua.presentation.Branding

/**
 * The province's colours over Material 3, with larger body text than Material's default
 * (18 sp: read by people who may not see well), and the person's text size on top of
 * the system's (up to 200%: every layout wraps and scrolls, none has a fixed text height).
 */
@Composable
fun MotCuaTheme(branding: Branding, textScale: Float, content: @Composable () -> Unit) {
    val colors = lightColorScheme(
        primary = Color(branding.primaryColor),
        onPrimary = Color(branding.onPrimaryColor),
        secondary = Color(branding.secondaryColor),
        onSecondary = Color.White,
        error = Color(0xFFB00020),
    )
    val base = Typography()
    val typography = base.copy(
        bodyLarge = TextStyle(fontSize = 18.sp, lineHeight = 26.sp),
        bodyMedium = TextStyle(fontSize = 16.sp, lineHeight = 24.sp),
        titleLarge = TextStyle(fontSize = 24.sp, lineHeight = 32.sp, fontWeight = FontWeight.SemiBold),
        titleMedium = TextStyle(fontSize = 20.sp, lineHeight = 28.sp, fontWeight = FontWeight.SemiBold),
        labelLarge = TextStyle(fontSize = 18.sp, lineHeight = 24.sp, fontWeight = FontWeight.SemiBold),
    )
    val density = LocalDensity.current
    CompositionLocalProvider(LocalDensity provides Density(density.density, density.fontScale * textScale)) {
        MaterialTheme(colorScheme = colors, typography = typography, content = content)
    }
}
