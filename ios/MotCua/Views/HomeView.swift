import SwiftUI
import MotCuaModels

/// Home: my dossiers with their status and appointment date, then my drafts. One primary
/// action: file a new dossier (goes to the search).
@MainActor
struct HomeView: View {
    @Environment(\.tr) private var tr
    @Environment(\.theme) private var theme
    let model: HomeModel
    let fileNew: () -> Void
    let sessionEnded: (Problem) -> Void

    var body: some View {
        List {
            if let banner = model.banner {
                Banner(text: banner)
                    .listRowSeparator(.hidden)
            }
            Section {
                Button(tr("home.fileNew"), action: fileNew)
                    .buttonStyle(PrimaryButtonStyle())
                    .listRowSeparator(.hidden)
            }
            Section {
                if model.loading {
                    LoadingView()
                } else if model.dossiers.isEmpty {
                    Text(tr("home.noDossiers"))
                        .foregroundStyle(.secondary)
                } else {
                    ForEach(model.dossiers) { item in
                        NavigationLink(value: Route.dossier(item.code)) {
                            DossierRow(item: item)
                        }
                    }
                }
            } header: {
                Text(tr("home.dossiers")).font(.title3.bold()).accessibilityAddTraits(.isHeader)
            }
            if !model.drafts.isEmpty {
                Section {
                    ForEach(model.drafts) { draft in
                        NavigationLink(value: Route.draft(draft.id)) {
                            VStack(alignment: .leading, spacing: 4) {
                                Text(draft.procedureName).font(.headline)
                                Text(draft.waitingToSend ? tr("home.draftWaiting") : tr("home.draftEditing"))
                                    .font(.subheadline)
                                    .foregroundStyle(.secondary)
                            }
                            .padding(.vertical, 6)
                            .accessibilityElement(children: .combine)
                        }
                    }
                } header: {
                    Text(tr("home.drafts")).font(.title3.bold()).accessibilityAddTraits(.isHeader)
                }
            }
        }
        .listStyle(.insetGrouped)
        .navigationTitle(tr("home.title"))
        .refreshable { await model.refresh() }
        .task { await model.refresh() }
        .onChange(of: model.loggedOut) { _, problem in
            if let problem { sessionEnded(problem) }
        }
    }
}

@MainActor
private struct DossierRow: View {
    @Environment(\.tr) private var tr
    let item: DossierItem

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(item.procedureName).font(.headline)
            HStack(spacing: 6) {
                Image(systemName: item.overdue ? "clock.badge.exclamationmark" : "doc.text")
                    .accessibilityHidden(true)
                Text(item.status)
            }
            .font(.body)
            if let appointment = item.appointment {
                Text(appointment).font(.subheadline)
            }
            if item.overdue {
                Text(tr("dossier.overdue"))
                    .font(.subheadline.bold())
                    .foregroundStyle(.red)
            }
            Text(item.code)
                .font(.footnote.monospaced())
                .foregroundStyle(.secondary)
                .accessibilityLabel(tr("dossier.codeLabel", item.code))
        }
        .padding(.vertical, 6)
        .accessibilityElement(children: .combine)
    }
}
