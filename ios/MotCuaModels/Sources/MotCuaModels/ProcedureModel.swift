import Foundation
import Observation

/// A required or optional document, as listed on the detail screen.
public struct DocumentLine: Equatable, Sendable {
    public let name: String
    public let required: Bool
}

/// What the detail screen shows, already in words.
public struct ProcedureDetail: Equatable, Sendable {
    public let code: String
    public let name: String
    public let field: String
    public let agency: String
    /// "Toàn trình: …" or "Một phần: … vẫn cần đến bộ phận một cửa".
    public let serviceLevel: String
    public let fullyOnline: Bool
    /// "7 ngày làm việc", or nil when the catalog does not know.
    public let processingTime: String?
    /// Fee at the desk ("20.000 đồng", "Miễn phí"), or nil when unknown.
    public let fee: String?
    /// Fee when filed online, when lower than at the desk.
    public let onlineFee: String?
    /// "Tiết kiệm 10.000 đồng khi nộp trực tuyến".
    public let onlineSaving: String?
    public let feeNote: String?
    public let needsLevel2: Bool
    public let documents: [DocumentLine]
    public let formFields: Int
}

/// The procedure detail screen.
public enum ProcedureState: Equatable, Sendable {
    case loading
    case loaded(ProcedureDetail)
    case notFound(code: String)
    case failed(Problem)
}

/// A procedure from the saved catalog (offline), with the fee and its online discount up
/// front. Its one primary action is "Nộp hồ sơ" (start a draft).
@MainActor
@Observable
public final class ProcedureModel {
    public private(set) var state: ProcedureState = .loading

    public let code: String
    private let catalog: CatalogPort
    private let lang: Lang
    private let texts: Texts

    public init(catalog: CatalogPort, code: String, lang: Lang) {
        self.catalog = catalog
        self.code = code
        self.lang = lang
        self.texts = Texts(lang: lang)
    }

    public func load() async {
        do {
            if let procedure = try await catalog.procedure(code: code) {
                state = .loaded(describe(procedure))
            } else {
                state = .notFound(code: code)
            }
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }

    private func describe(_ p: ProcedureSheet) -> ProcedureDetail {
        let vi = lang == .vi
        let format = Format(lang: lang)
        var onlineFee: String?
        var onlineSaving: String?
        if let fee = p.feeVnd, let online = p.onlineFeeVnd, online < fee {
            onlineFee = format.money(online)
            let saving = format.money(fee - online)
            onlineSaving = vi ? "Tiết kiệm \(saving) khi nộp trực tuyến" : "Save \(saving) by filing online"
        }
        let serviceLevel: String
        switch (p.fullyOnline, vi) {
        case (true, true):
            serviceLevel = "Toàn trình: nộp hồ sơ và nhận kết quả trực tuyến, không phải đến cơ quan."
        case (true, false):
            serviceLevel = "Fully online: file and receive the result online, no visit needed."
        case (false, true):
            serviceLevel = "Một phần: nộp trực tuyến, nhưng vẫn cần đến bộ phận một cửa (xuất trình bản chính, nộp phí hoặc nhận kết quả)."
        case (false, false):
            serviceLevel = "Partly online: file online, but you still go to the one-stop desk (to show originals, pay or collect the result)."
        }
        return ProcedureDetail(
            code: p.code,
            name: vi ? p.nameVi : p.nameEn,
            field: p.fieldVi,
            agency: p.agencyVi,
            serviceLevel: serviceLevel,
            fullyOnline: p.fullyOnline,
            processingTime: p.processingDays.map { format.workingDays($0) },
            fee: p.feeVnd.map { format.money($0) },
            onlineFee: onlineFee,
            onlineSaving: onlineSaving,
            feeNote: vi ? p.feeNoteVi : p.feeNoteEn,
            needsLevel2: p.requiredTier == .level2,
            documents: p.documents.map { DocumentLine(name: vi ? $0.nameVi : $0.nameEn, required: $0.required) },
            formFields: p.form.count
        )
    }
}
