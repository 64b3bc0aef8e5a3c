import Foundation
import Observation

/// One line of a receipt in words: a label and its value ("Mã hồ sơ",
/// "000.00.14.H56-260302-0001"), as the receipt screen and the desk's verdict list them.
public struct ReceiptField: Equatable, Sendable {
    public let label: String
    public let value: String

    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// A receipt's lines in words ("Mã hồ sơ" / "000.00.14.H56-260302-0001"), the same on the
/// citizen's screen and in the desk's verdict.
public func receiptLines(_ details: ReceiptDetails, procedureName: String?, lang: Lang) -> [ReceiptField] {
    let texts = Texts(lang: lang)
    let format = Format(lang: lang)
    var lines = [
        ReceiptField(label: texts.receiptDossierCode, value: details.dossierCode),
        ReceiptField(label: texts.receiptProcedure,
                     value: procedureName.map { "\($0) (\(details.procedureCode))" } ?? details.procedureCode),
        ReceiptField(label: texts.receiptAgency, value: details.agencyCode),
        ReceiptField(label: texts.receiptReceivedAt, value: format.dateTime(details.receivedAt)),
    ]
    if let appointment = details.appointmentDate {
        lines.append(ReceiptField(label: texts.receiptAppointment, value: format.date(appointment)))
    }
    return lines
}

/// A receipt ready for the screen: the core's slip and its lines in words.
public struct ReceiptSheet: Equatable, Sendable {
    public let slip: ReceiptSlip
    public let lines: [ReceiptField]

    public init(slip: ReceiptSlip, lines: [ReceiptField]) {
        self.slip = slip
        self.lines = lines
    }
}

/// The receipt shown full screen at the desk.
public enum ReceiptState: Equatable, Sendable {
    case loading
    /// The app is built without the receipt area: said plainly, nothing invented.
    case notAvailable(message: String)
    case shown(ReceiptSheet)
    /// Includes "no receipt yet" (`receipt_not_issued`: not accepted, or not synced).
    case failed(Problem)
}

/// The receipt slip of a dossier, from the phone (no network): its QR code drawn from the
/// core's module matrix and its lines. The screen raises the brightness to the maximum and
/// offers share and print.
@MainActor
@Observable
public final class ReceiptModel {
    public private(set) var state: ReceiptState = .loading

    public let dossierCode: String
    private let receipts: ReceiptPort?
    private let catalog: CatalogPort?
    private let lang: Lang
    private let texts: Texts

    public init(receipts: ReceiptPort?, catalog: CatalogPort? = nil, dossierCode: String, lang: Lang) {
        self.receipts = receipts
        self.catalog = catalog
        self.dossierCode = dossierCode
        self.lang = lang
        self.texts = Texts(lang: lang)
    }

    public func load() async {
        guard let receipts else {
            state = .notAvailable(message: texts.notYetAvailable)
            return
        }
        do {
            let slip = try await receipts.receipt(dossierCode: dossierCode)
            // The name is a nicety: a catalog failure leaves the code alone.
            let procedure = try? await catalog?.procedure(code: slip.details.procedureCode)
            let name = procedure.map { lang == .vi ? $0.nameVi : $0.nameEn }
            state = .shown(ReceiptSheet(slip: slip, lines: receiptLines(slip.details, procedureName: name, lang: lang)))
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }
}

/// How a QR code of `modules` modules per side (plus the four-module quiet zone on each
/// side) fits a square of `side` points on a screen of `scale` pixels per point: every
/// module a whole number of device pixels, so that no module is blurred or one pixel wider
/// than its neighbour (what makes a scaled QR code hard to read), centred.
public struct QRLayout: Equatable, Sendable {
    /// Points per module (a whole number of pixels).
    public let moduleSide: Double
    /// Points from the square's edge to the first module of the quiet zone.
    public let inset: Double
    /// Modules per side, quiet zone included.
    public let count: Int

    public static let quietZone = 4

    public init(modules: Int, side: Double, scale: Double) {
        let count = max(modules, 0) + 2 * Self.quietZone
        let safeScale = scale > 0 ? scale : 1
        let pixels = (side * safeScale).rounded(.down)
        // At least one pixel per module, even when the square is too small to scan.
        let modulePixels = max((pixels / Double(count)).rounded(.down), 1)
        moduleSide = modulePixels / safeScale
        inset = (((pixels - modulePixels * Double(count)) / 2).rounded(.down)) / safeScale
        self.count = count
    }

    /// The rectangle of `length` modules from column `x` of row `y` (matrix coordinates,
    /// without the quiet zone), in points.
    public func rect(x: Int, y: Int, length: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        (inset + Double(x + Self.quietZone) * moduleSide,
         inset + Double(y + Self.quietZone) * moduleSide,
         Double(length) * moduleSide,
         moduleSide)
    }
}

/// Which of the six verdicts.
public enum VerdictKind: Equatable, Sendable, CaseIterable {
    case valid
    case tampered
    case unknownKey
    case revokedKey
    case expiredKey
    case malformed
}

/// A verdict in words for the desk officer: the core's sentence (the verdict and what to
/// do, as the Android app shows it), what the receipt says (valid only), and how old the
/// trust list behind it is.
public struct DeskVerdict: Equatable, Sendable {
    public let kind: VerdictKind
    /// The core's sentence (`Verification.userMessage`): the verdict and what to do.
    public let headline: String
    public let lines: [ReceiptField]
    public let trustList: String
    /// Valid and carrying the applicant's digest: the officer may type the ID number.
    public let canCheckApplicant: Bool

    public var valid: Bool { kind == .valid }
}

/// The applicant check under a valid verdict.
public enum ApplicantCheckState: Equatable, Sendable {
    case idle
    case checking
    case answered(match: ApplicantMatch, message: String)
    case failed(message: String)
}

/// The desk's scan screen.
public enum DeskScanState: Equatable, Sendable {
    /// The camera is on, waiting for a code.
    case scanning
    /// Checking a code just read.
    case checking
    case notAvailable(message: String)
    case verdict(DeskVerdict)
    /// Not a verdict: the check could not run (no trust list yet, storage).
    /// `needsTrustList`: the officer should fetch the list once, online.
    case failed(message: String, needsTrustList: Bool)
}

/// Desk mode: a receipt's QR code scanned with the camera and verified offline by the core
/// against the cached trust list; one of six verdicts, never a bare yes/no. The officer can
/// then check the ID number on the card against the receipt, and refresh the trust list
/// when online.
@MainActor
@Observable
public final class DeskScanModel {
    public private(set) var state: DeskScanState
    public private(set) var applicant: ApplicantCheckState = .idle
    /// The last trust-list refresh, in words (done, or why not).
    public private(set) var trustListNote: String? = nil
    public private(set) var refreshing = false

    private let receipts: ReceiptPort?
    private let catalog: CatalogPort?
    private let lang: Lang
    private let texts: Texts
    /// The code behind the verdict shown, for the applicant check.
    @ObservationIgnored private var scannedText: String? = nil

    public init(receipts: ReceiptPort?, catalog: CatalogPort? = nil, lang: Lang) {
        self.receipts = receipts
        self.catalog = catalog
        self.lang = lang
        self.texts = Texts(lang: lang)
        state = receipts == nil ? .notAvailable(message: Texts(lang: lang).notYetAvailable) : .scanning
    }

    /// The camera read `text`. Codes read while a verdict is shown are ignored: the officer
    /// taps "scan the next one" first.
    public func scanned(_ text: String) async {
        guard let receipts, case .scanning = state else { return }
        state = .checking
        applicant = .idle
        do {
            let check = try await receipts.verifyReceipt(scannedText: text)
            scannedText = text
            state = .verdict(await describe(check))
        } catch {
            let problem = Problem.from(error, texts: texts)
            state = .failed(message: problem.message, needsTrustList: problem.reason == .trustListMissing)
        }
    }

    /// Scan the next receipt.
    public func scanAgain() {
        guard receipts != nil else { return }
        scannedText = nil
        applicant = .idle
        state = .scanning
    }

    /// The ID number typed from the person's card: are they the applicant?
    public func checkApplicant(idNumber: String) async {
        guard let receipts, let scannedText, case .verdict(let verdict) = state, verdict.canCheckApplicant,
              applicant != .checking else { return }
        applicant = .checking
        do {
            let match = try await receipts.checkApplicant(scannedText: scannedText,
                                                          idNumber: idNumber.trimmingCharacters(in: .whitespaces))
            applicant = .answered(match: match, message: texts.applicant(match))
        } catch {
            applicant = .failed(message: Problem.from(error, texts: texts).message)
        }
    }

    /// Fetches the province's trust list (online); verification itself stays offline.
    public func refreshTrustList() async {
        guard let receipts, !refreshing else { return }
        refreshing = true
        defer { refreshing = false }
        do {
            let list = try await receipts.refreshTrustList()
            trustListNote = texts.trustListFetched(list.fetchedAt, format: Format(lang: lang))
            if case .failed(_, true) = state { state = .scanning }
        } catch {
            trustListNote = Problem.from(error, texts: texts).message
        }
    }

    private func describe(_ check: ReceiptCheck) async -> DeskVerdict {
        let kind: VerdictKind
        var lines: [ReceiptField] = []
        var carriesApplicant = false
        switch check.verdict {
        case .valid(let details):
            kind = .valid
            let procedure = try? await catalog?.procedure(code: details.procedureCode)
            lines = receiptLines(details, procedureName: procedure.map { lang == .vi ? $0.nameVi : $0.nameEn }, lang: lang)
            carriesApplicant = details.carriesApplicant
        case .tampered: kind = .tampered
        case .unknownKey: kind = .unknownKey
        case .revokedKey: kind = .revokedKey
        case .expiredKey: kind = .expiredKey
        case .malformed: kind = .malformed
        }
        return DeskVerdict(kind: kind, headline: check.message, lines: lines,
                           trustList: texts.trustListFetched(check.trustListFetchedAt, format: Format(lang: lang)),
                           canCheckApplicant: carriesApplicant)
    }
}
