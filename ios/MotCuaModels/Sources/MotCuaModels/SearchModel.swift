import Foundation
import Observation

/// A text with the parts to highlight; the screen shows them bold and underlined, not by
/// colour alone.
public struct Highlighted: Equatable, Sendable {
    public let text: String
    public let ranges: [Range<String.Index>]

    /// The core's ranges count Unicode scalar values; out-of-bounds ones are dropped.
    public init(text: String, scalarRanges: [ScalarRange]) {
        self.text = text
        let scalars = text.unicodeScalars
        let count = scalars.count
        ranges = scalarRanges.compactMap { r in
            guard r.start >= 0, r.end <= count, r.start < r.end else { return nil }
            let from = scalars.index(scalars.startIndex, offsetBy: r.start)
            let to = scalars.index(scalars.startIndex, offsetBy: r.end)
            return from..<to
        }
    }

    /// The highlighted parts, in order (for tests and for VoiceOver hints).
    public var parts: [String] {
        ranges.map { String(text.unicodeScalars[$0]) }
    }
}

/// One line of the results.
public struct SearchResult: Equatable, Sendable, Identifiable {
    public let code: String
    public let name: Highlighted
    /// `Matches "giấy độc thân"` when the person used the everyday name.
    public let note: String?
    public let quality: MatchQuality

    public var id: String { code }
}

/// Procedure search, offline over the saved catalog, as the person types (with or without
/// diacritics, everyday names, typos: all the core's work). The catalog is refreshed when
/// the screen opens; without a network the saved one is used and the banner says so.
@MainActor
@Observable
public final class SearchModel {
    /// What the person typed.
    public private(set) var query = ""
    /// The query `results` answer (the typed one may be a keystroke ahead).
    public private(set) var resultsFor = ""
    public private(set) var results: [SearchResult] = []
    /// "12 procedures found", announced by VoiceOver; nil before typing.
    public private(set) var summary: String? = nil
    /// Downloading the catalog.
    public private(set) var refreshing = false
    /// Offline or never downloaded: what still works.
    public private(set) var banner: String? = nil
    public private(set) var problem: Problem? = nil

    private let catalog: CatalogPort
    private let texts: Texts
    private let limit: Int
    @ObservationIgnored private var pending: Task<Void, Never>? = nil

    public init(catalog: CatalogPort, texts: Texts, limit: Int = 30) {
        self.catalog = catalog
        self.texts = texts
        self.limit = limit
    }

    /// Each keystroke: the search before it is abandoned.
    public func queryChanged(_ text: String) {
        query = text
        pending?.cancel()
        pending = Task { await self.search() }
    }

    /// Searches for the current query and shows the answer unless the person typed on.
    public func search() async {
        let q = query
        if q.trimmingCharacters(in: .whitespaces).isEmpty {
            show(q, .success([]))
            return
        }
        do {
            let hits = try await catalog.searchProcedures(q, limit: limit)
            if Task.isCancelled { return }
            show(q, .success(hits))
        } catch {
            show(q, .failure(Problem.from(error, texts: texts)))
        }
    }

    /// Downloads the catalog if it changed; offline, says that the saved one is used.
    public func refresh() async {
        refreshing = true
        var next: String?
        do {
            try await catalog.refreshCatalog()
        } catch {
            let problem = Problem.from(error, texts: texts)
            if problem.reason == .catalogNotDownloaded {
                next = texts.catalogNeverDownloaded
            } else if problem.offline {
                next = await hasSavedCatalog() ? texts.offlineCatalog : texts.catalogNeverDownloaded
            } else {
                next = problem.message
            }
        }
        refreshing = false
        banner = next
        // Search again: the catalog may have changed or arrived.
        await search()
    }

    private func hasSavedCatalog() async -> Bool {
        (try? await catalog.searchProcedures("a", limit: 1)) != nil
    }

    private func show(_ q: String, _ outcome: Result<[ProcedureMatch], Problem>) {
        guard query == q else { return }
        resultsFor = q
        switch outcome {
        case .success(let hits):
            results = hits.map { hit in
                SearchResult(
                    code: hit.code,
                    name: Highlighted(text: hit.nameVi, scalarRanges: hit.highlights),
                    note: hit.matchedAlias.map { texts.matchedAlias($0) },
                    quality: hit.quality
                )
            }
            summary = q.trimmingCharacters(in: .whitespaces).isEmpty ? nil : texts.searchResults(hits.count)
            problem = nil
        case .failure(let failure):
            results = []
            summary = nil
            problem = failure
        }
    }
}
