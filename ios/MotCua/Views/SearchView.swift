import SwiftUI
import MotCuaModels

/// Procedure search as the person types, offline, with the matched words bold (not
/// shown by colour alone) and the count announced by VoiceOver.
@MainActor
struct SearchView: View {
    @Environment(\.tr) private var tr
    let model: SearchModel

    var body: some View {
        List {
            if let banner = model.banner {
                Banner(text: banner)
                    .listRowSeparator(.hidden)
            }
            if let problem = model.problem {
                Banner(text: problem.message, kind: .problem)
                    .listRowSeparator(.hidden)
            }
            if model.query.isEmpty {
                Text(tr("search.tip"))
                    .foregroundStyle(.secondary)
                    .listRowSeparator(.hidden)
            } else if model.results.isEmpty && model.resultsFor == model.query && model.problem == nil {
                Text(tr("search.none"))
                    .foregroundStyle(.secondary)
            }
            ForEach(model.results) { result in
                NavigationLink(value: Route.procedure(result.code)) {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(highlighted(result.name))
                            .font(.body)
                        if let note = result.note {
                            Text(note).font(.subheadline).foregroundStyle(.secondary)
                        }
                    }
                    .padding(.vertical, 6)
                    .accessibilityElement(children: .combine)
                }
            }
        }
        .listStyle(.plain)
        .navigationTitle(tr("search.title"))
        .searchable(text: Binding(get: { model.query }, set: { model.queryChanged($0) }),
                    placement: .navigationBarDrawer(displayMode: .always),
                    prompt: Text(tr("search.prompt")))
        .autocorrectionDisabled()
        .overlay(alignment: .top) {
            if model.refreshing {
                ProgressView().padding(.top, 8).accessibilityLabel(tr("search.refreshing"))
            }
        }
        .task { await model.refresh() }
        .onChange(of: model.summary) { _, summary in
            if let summary {
                AccessibilityNotification.Announcement(summary).post()
            }
        }
    }

    private func highlighted(_ name: Highlighted) -> AttributedString {
        var text = AttributedString(name.text)
        for range in name.ranges {
            guard let attributed = Range<AttributedString.Index>(range, in: text) else { continue }
            // Bold, not a colour: readable by everyone, and by VoiceOver as emphasis.
            text[attributed].inlinePresentationIntent = .stronglyEmphasized
        }
        return text
    }
}
