import SwiftUI
import MotCuaModels

extension Color {
    init(_ colour: BrandColor) {
        self.init(.sRGB, red: colour.red, green: colour.green, blue: colour.blue, opacity: 1)
    }
}

/// The province's colours, handed down the view tree.
struct Theme {
    let primary: Color
    let onPrimary: Color
    let secondary: Color

    init(branding: Branding) {
        primary = Color(branding.primaryColor)
        onPrimary = Color(branding.onPrimaryColor)
        secondary = Color(branding.secondaryColor)
    }
}

private struct ThemeKey: EnvironmentKey {
    static let defaultValue = Theme(primary: .accentColor, onPrimary: .white, secondary: .orange)
}

extension Theme {
    init(primary: Color, onPrimary: Color, secondary: Color) {
        self.primary = primary
        self.onPrimary = onPrimary
        self.secondary = secondary
    }
}

private struct TrKey: EnvironmentKey {
    static let defaultValue = Tr(lang: .vi)
}

extension EnvironmentValues {
    var theme: Theme {
        get { self[ThemeKey.self] }
        set { self[ThemeKey.self] = newValue }
    }

    var tr: Tr {
        get { self[TrKey.self] }
        set { self[TrKey.self] = newValue }
    }
}

/// The one primary action of a screen: full width, at least 56 points high (larger than
/// Apple's 44-point minimum, for unsteady fingers), bold text that wraps instead of being
/// cut at the largest text sizes.
struct PrimaryButtonStyle: ButtonStyle {
    @Environment(\.theme) private var theme
    @Environment(\.isEnabled) private var isEnabled

    func makeBody(configuration: Configuration) -> some View {
        configuration.label
            .font(.headline)
            .multilineTextAlignment(.center)
            .fixedSize(horizontal: false, vertical: true)
            .frame(maxWidth: .infinity, minHeight: 56)
            .padding(.horizontal, 16)
            .foregroundStyle(theme.onPrimary)
            .background(theme.primary.opacity(isEnabled ? (configuration.isPressed ? 0.8 : 1) : 0.4),
                        in: RoundedRectangle(cornerRadius: 14))
            .contentShape(Rectangle())
    }
}

/// A secondary action: outlined, same size as the primary one.
struct SecondaryButtonStyle: ButtonStyle {
    @Environment(\.theme) private var theme

    func makeBody(configuration: Configuration) -> some View {
        configuration.label
            .font(.headline)
            .multilineTextAlignment(.center)
            .fixedSize(horizontal: false, vertical: true)
            .frame(maxWidth: .infinity, minHeight: 56)
            .padding(.horizontal, 16)
            .foregroundStyle(theme.primary)
            .background(RoundedRectangle(cornerRadius: 14).strokeBorder(theme.primary, lineWidth: 2))
            .opacity(configuration.isPressed ? 0.7 : 1)
            .contentShape(Rectangle())
    }
}

extension TextSize {
    /// The smallest Dynamic Type size the app shows with this choice; the system's own
    /// size is kept when larger (up to the accessibility sizes).
    var minimumDynamicType: DynamicTypeSize {
        switch self {
        case .standard: return .xSmall
        case .large: return .xxLarge
        case .larger: return .accessibility2
        case .largest: return .accessibility4
        }
    }
}
