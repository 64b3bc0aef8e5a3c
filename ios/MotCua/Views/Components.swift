import SwiftUI
import UIKit
import MotCuaModels

/// A message across the screen: offline states and what will happen, problems.
@MainActor
struct Banner: View {
    enum Kind {
        case info
        case problem
    }

    let text: String
    var kind: Kind = .info

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            Image(systemName: kind == .info ? "wifi.exclamationmark" : "exclamationmark.triangle.fill")
                .accessibilityHidden(true)
            Text(text)
                .fixedSize(horizontal: false, vertical: true)
            Spacer(minLength: 0)
        }
        .font(.body)
        .padding(14)
        .background(kind == .info ? Color.yellow.opacity(0.25) : Color.red.opacity(0.15),
                    in: RoundedRectangle(cornerRadius: 12))
        .accessibilityElement(children: .combine)
        .accessibilityAddTraits(.isStaticText)
    }
}

/// A screen that could not load, with a way to try again.
@MainActor
struct ProblemView: View {
    @Environment(\.tr) private var tr
    let problem: Problem
    let retry: () async -> Void

    var body: some View {
        VStack(spacing: 20) {
            Banner(text: problem.message, kind: problem.offline ? .info : .problem)
            Button(tr("action.retry")) {
                Task { await retry() }
            }
            .buttonStyle(PrimaryButtonStyle())
        }
        .padding()
    }
}

/// Loading, said in words for VoiceOver.
@MainActor
struct LoadingView: View {
    @Environment(\.tr) private var tr

    var body: some View {
        ProgressView {
            Text(tr("state.loading"))
        }
        .frame(maxWidth: .infinity, minHeight: 120)
    }
}

/// A label and its value, stacked so that long values wrap at large text sizes.
@MainActor
struct LabeledLine: View {
    let label: String
    let value: String

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(label)
                .font(.subheadline)
                .foregroundStyle(.secondary)
            Text(value)
                .font(.body)
                .fixedSize(horizontal: false, vertical: true)
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .accessibilityElement(children: .combine)
    }
}

/// The province's logo, or a building symbol when the build has none.
@MainActor
struct ProvinceLogo: View {
    let name: String

    var body: some View {
        if UIImage(named: name) != nil {
            Image(name)
                .resizable()
                .scaledToFit()
        } else {
            Image(systemName: "building.columns.fill")
                .resizable()
                .scaledToFit()
        }
    }
}
