import Foundation

/*
 * What the screens need from the core, as small protocols owned by the models. The app
 * implements them over the generated bindings (MotCuaKit's `MotCuaCore` target: conversions
 * only); the tests implement them with fakes. For an area the bindings do not export, the
 * app passes nil and the screen says the feature is not in this version. Nothing here is a
 * stand-in result. The receipt and assist shapes follow the core's (`core/src/receipt`,
 * `core/src/assist`).
 *
 * Failures are thrown as `Problem`: the core's kind of failure (and the case it names,
 * if any) and its localised message; screens branch on the kind and reason, never on a
 * machine code, and on the core's view data, never on a status. Every call is
 * `async`: the models are main-actor isolated and a nonisolated async call runs off the
 * main thread (SE-0338), so SQLite and sealing never block the UI.
 */

// MARK: - Identity

/// What the app opens in the system browser to log in.
public struct LoginStart: Equatable, Sendable {
    public let url: URL
    /// Where the provider sends the browser back (`vn.motcua.app:/oauth2redirect`).
    public let redirectURI: String

    public init(url: URL, redirectURI: String) {
        self.url = url
        self.redirectURI = redirectURI
    }

    /// The custom scheme the browser session waits for (`vn.motcua.app`).
    public var callbackScheme: String? {
        guard let colon = redirectURI.firstIndex(of: ":") else { return nil }
        return String(redirectURI[..<colon])
    }
}

/// Electronic identity level (VNeID level 1 or 2).
public enum IdentityTier: Sendable, Equatable {
    case level1
    case level2
}

/// The logged-in citizen.
public struct Citizen: Equatable, Sendable {
    public let fullName: String
    /// The 12-digit personal ID number.
    public let personalID: String?
    /// `YYYY-MM-DD`.
    public let birthDate: String?
    public let address: String?
    public let tier: IdentityTier

    public init(fullName: String, personalID: String?, birthDate: String?, address: String?, tier: IdentityTier) {
        self.fullName = fullName
        self.personalID = personalID
        self.birthDate = birthDate
        self.address = address
        self.tier = tier
    }
}

/// Login with the electronic identity (the core does OIDC with PKCE and keeps the tokens
/// in the Keychain).
public protocol IdentityPort: Sendable {
    func beginLogin() async throws -> LoginStart
    /// The URL the browser came back to.
    func completeLogin(callbackURL: String) async throws -> Citizen
    /// Who is logged in on this phone (no network); nil when nobody.
    func profile() async throws -> Citizen?
    /// Forgets the session on the phone, and revokes it on the portal when reachable.
    func logout() async throws
    /// The core's warning of what erasing would lose, in the app's language; nil when
    /// nothing waits to be sent.
    func eraseWarning() async throws -> String?
    /// Logs out and erases the citizen's data from the phone (a shared phone).
    func logoutAndErase() async throws
}

// MARK: - Catalog

/// How a search result matched.
public enum MatchQuality: Sendable, Equatable {
    case exact
    case prefix
    case fuzzy
}

/// A range of Unicode scalar values (end exclusive), as the core counts them.
public struct ScalarRange: Equatable, Sendable {
    public let start: Int
    public let end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// One search result.
public struct ProcedureMatch: Equatable, Sendable {
    public let code: String
    public let nameVi: String
    public let nameEn: String
    public let quality: MatchQuality
    /// The everyday phrase that matched ("giấy độc thân"), if it was one.
    public let matchedAlias: String?
    /// Parts of `nameVi` to highlight.
    public let highlights: [ScalarRange]

    public init(code: String, nameVi: String, nameEn: String, quality: MatchQuality, matchedAlias: String?, highlights: [ScalarRange]) {
        self.code = code
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.quality = quality
        self.matchedAlias = matchedAlias
        self.highlights = highlights
    }
}

/// A document a dossier needs.
public struct DocumentSpec: Equatable, Sendable {
    public let id: String
    public let nameVi: String
    public let nameEn: String
    public let required: Bool

    public init(id: String, nameVi: String, nameEn: String, required: Bool) {
        self.id = id
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.required = required
    }
}

/// The type of a form field: the widget the form shows.
public enum FieldType: Sendable, Equatable, CaseIterable {
    case text
    case longText
    case number
    case date
    case select
    case checkbox
    case phone
    case email
    case personalID
    case adminUnit
}

/// A choice of a select field.
public struct OptionSpec: Equatable, Sendable {
    public let value: String
    public let labelVi: String
    public let labelEn: String

    public init(value: String, labelVi: String, labelEn: String) {
        self.value = value
        self.labelVi = labelVi
        self.labelEn = labelEn
    }
}

/// A field of a procedure's form.
public struct FormFieldSpec: Equatable, Sendable {
    public let id: String
    public let type: FieldType
    public let labelVi: String
    public let labelEn: String
    public let required: Bool
    public let options: [OptionSpec]
    public let helpVi: String?
    public let helpEn: String?

    public init(id: String, type: FieldType, labelVi: String, labelEn: String, required: Bool, options: [OptionSpec], helpVi: String?, helpEn: String?) {
        self.id = id
        self.type = type
        self.labelVi = labelVi
        self.labelEn = labelEn
        self.required = required
        self.options = options
        self.helpVi = helpVi
        self.helpEn = helpEn
    }
}

/// A procedure of the catalog.
public struct ProcedureSheet: Equatable, Sendable {
    public let code: String
    public let nameVi: String
    public let nameEn: String
    public let fieldVi: String
    public let agencyVi: String
    public let fullyOnline: Bool
    /// Working days, when established.
    public let processingDays: Int?
    /// Fee at the desk in đồng, when established (0: free).
    public let feeVnd: UInt64?
    /// Fee when filed online, when a discount applies.
    public let onlineFeeVnd: UInt64?
    public let feeNoteVi: String?
    public let feeNoteEn: String?
    public let requiredTier: IdentityTier
    public let documents: [DocumentSpec]
    public let form: [FormFieldSpec]

    public init(code: String, nameVi: String, nameEn: String, fieldVi: String, agencyVi: String, fullyOnline: Bool,
                processingDays: Int?, feeVnd: UInt64?, onlineFeeVnd: UInt64?, feeNoteVi: String?, feeNoteEn: String?,
                requiredTier: IdentityTier, documents: [DocumentSpec], form: [FormFieldSpec]) {
        self.code = code
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.fieldVi = fieldVi
        self.agencyVi = agencyVi
        self.fullyOnline = fullyOnline
        self.processingDays = processingDays
        self.feeVnd = feeVnd
        self.onlineFeeVnd = onlineFeeVnd
        self.feeNoteVi = feeNoteVi
        self.feeNoteEn = feeNoteEn
        self.requiredTier = requiredTier
        self.documents = documents
        self.form = form
    }
}

/// The procedure catalog: downloaded when it changed, searched offline.
public protocol CatalogPort: Sendable {
    func refreshCatalog() async throws
    func searchProcedures(_ query: String, limit: Int) async throws -> [ProcedureMatch]
    func procedure(code: String) async throws -> ProcedureSheet?
}

// MARK: - Dossier

/// A draft's state.
public enum DraftPhase: Sendable, Equatable {
    case editing
    case submitting
    case submitted
}

/// An attachment of a draft.
public struct AttachedFile: Equatable, Sendable, Identifiable {
    public let id: Int64
    public let requirement: String
    public let fileName: String
    public let size: UInt64
    public let uploaded: Bool

    public init(id: Int64, requirement: String, fileName: String, size: UInt64, uploaded: Bool) {
        self.id = id
        self.requirement = requirement
        self.fileName = fileName
        self.size = size
        self.uploaded = uploaded
    }
}

/// Where a form's submission stands, with the core's sentence for it.
public enum SubmissionState: Equatable, Sendable {
    /// Being filled in.
    case editing
    /// Kept in the outbox, sent by itself when there is a connection.
    case queued(message: String)
    /// Delivered: the dossier's code (for a supplement answer, the dossier answered).
    case submitted(dossierCode: String, message: String)
}

/// A draft's form as the core gives it (its view data): the fields with their labels, help,
/// pre-fill marks and the errors to show now, the documents with their files, the
/// supplement-answer mode, the submission and what the form says. The model adds only what
/// is on screen meanwhile; it decides none of this.
public struct FormView: Equatable, Sendable {
    public var draftID: String
    public var procedureCode: String
    /// The procedure's name, or "Bổ sung hồ sơ …" for a supplement answer.
    public var title: String
    /// For a supplement answer: the dossier it answers (its only field is the note, no
    /// document is required).
    public var answersDossier: String?
    /// For a supplement answer: what the desk asked for.
    public var requested: [String]
    public var fields: [FieldUI]
    public var documents: [DocumentUI]
    public var submission: SubmissionState
    /// Nothing the phone knows of stops a submission.
    public var ready: Bool
    /// What the form says above its button (a refusal, what is left to fix).
    public var message: String?
    /// The person the draft is filed for, when not the logged-in citizen.
    public var onBehalf: OnBehalfPerson?
    /// Whether the form offers filing on behalf of someone else.
    public var onBehalfOffered: Bool

    public init(draftID: String, procedureCode: String, title: String, answersDossier: String? = nil,
                requested: [String] = [], fields: [FieldUI], documents: [DocumentUI],
                submission: SubmissionState = .editing, ready: Bool = false, message: String? = nil,
                onBehalf: OnBehalfPerson? = nil, onBehalfOffered: Bool = false) {
        self.draftID = draftID
        self.procedureCode = procedureCode
        self.title = title
        self.answersDossier = answersDossier
        self.requested = requested
        self.fields = fields
        self.documents = documents
        self.submission = submission
        self.ready = ready
        self.message = message
        self.onBehalf = onBehalf
        self.onBehalfOffered = onBehalfOffered
    }

    /// The id of a supplement answer's note field.
    public static let supplementNoteField = "supplement_note"
}

/// The filer's relation to the person filed for, in the order the core offers them.
public enum RepresentationBasis: String, CaseIterable, Equatable, Sendable {
    case parent, child, spouse, sibling, guardian
    /// A written authorisation; the core then requires `OnBehalfPerson.detail`.
    case authorised
}

/// The person a draft is filed for ("nộp thay"), as the core records it.
public struct OnBehalfPerson: Equatable, Sendable {
    public let fullName: String
    /// The 12-digit personal ID number.
    public let personalID: String
    public let basis: RepresentationBasis
    /// The document behind it (required by the core for `.authorised`).
    public let detail: String?

    public init(fullName: String, personalID: String, basis: RepresentationBasis, detail: String?) {
        self.fullName = fullName
        self.personalID = personalID
        self.basis = basis
        self.detail = detail
    }
}

/// What `DossierPort.setOnBehalf` did.
public enum OnBehalfChange: Equatable, Sendable {
    /// Recorded: the draft's form as the core holds it now (its identity fields follow the choice).
    case recorded(FormView)
    /// Refused, nothing changed: each problem by member (`full_name`, `personal_id`, `detail`, `basis`).
    case invalid([FieldIssue])
}

/// A line of the drafts list.
public struct DraftLine: Equatable, Sendable {
    public let id: String
    public let procedureCode: String
    public let phase: DraftPhase
    /// Seconds since the epoch.
    public let updatedAt: Int64
    public let dossierCode: String?
    /// For a supplement answer: the dossier it answers.
    public let answersDossier: String?

    public init(id: String, procedureCode: String, phase: DraftPhase, updatedAt: Int64, dossierCode: String?,
                answersDossier: String? = nil) {
        self.id = id
        self.procedureCode = procedureCode
        self.phase = phase
        self.updatedAt = updatedAt
        self.dossierCode = dossierCode
        self.answersDossier = answersDossier
    }
}

/// A problem with the person filed for, by member (`full_name`, `personal_id`, `basis`, `detail`).
public struct FieldIssue: Equatable, Sendable {
    public let fieldID: String
    public let message: String

    public init(fieldID: String, message: String) {
        self.fieldID = fieldID
        self.message = message
    }
}

/// A submission's upload moved on: the core's count for the whole submission.
public struct UploadStep: Equatable, Sendable {
    public let draftID: String
    /// 0 to 100.
    public let percent: Int
    /// "Đang gửi giấy tờ: 40%", in the configured language.
    public let message: String

    public init(draftID: String, percent: Int, message: String) {
        self.draftID = draftID
        self.percent = percent
        self.message = message
    }
}

/// What a submission achieved.
public enum Delivery: Equatable, Sendable {
    /// The portal has it.
    case delivered(dossierCode: String)
    /// Saved on the phone, in the outbox; sent by itself later (no network, portal down).
    case queued(retryInSeconds: Int64)
    /// Refused for good; the draft is editable again.
    case refused(reason: String)
}

/// What became of one outbox entry.
public struct OutboxResult: Equatable, Sendable {
    public let draftID: String
    public let delivery: Delivery

    public init(draftID: String, delivery: Delivery) {
        self.draftID = draftID
        self.delivery = delivery
    }
}

/// A registration that stops when cancelled (a listener of the core).
public protocol ListenerToken: Sendable {
    func cancel()
}

/// The dossier area: drafts, attachments, the exactly-once outbox. A draft is seen as its
/// form (`FormView`, the core's view data).
public protocol DossierPort: Sendable {
    /// Starts a draft of the procedure, pre-filled; its form.
    func createDraft(procedureCode: String) async throws -> FormView
    /// Saves one field; the field as the form shows it now.
    func setField(draftID: String, fieldID: String, value: String) async throws -> FieldUI
    func addAttachment(draftID: String, requirement: String, fileName: String, bytes: Data) async throws -> AttachedFile
    func removeAttachment(draftID: String, attachmentID: Int64) async throws
    /// Files the draft on behalf of `person`, or for the logged-in citizen again (nil). The
    /// core decides what follows: name and ID fields locked to the person, the birth date
    /// and address it filled from the citizen's identity cleared for typing.
    func setOnBehalf(draftID: String, person: OnBehalfPerson?) async throws -> OnBehalfChange
    /// The draft's form.
    func form(draftID: String) async throws -> FormView
    /// The person asked to submit: the form with every problem showing; submit when `ready`.
    func check(draftID: String) async throws -> FormView
    func drafts() async throws -> [DraftLine]
    func deleteDraft(id: String) async throws
    func submit(draftID: String) async throws -> Delivery
    /// Sends what waits in the outbox (the background task, or when the network returns).
    func runOutbox(force: Bool) async throws -> [OutboxResult]
    func pendingSubmissions() async throws -> Int
    /// Tells `onStep` about every upload (the core adds the submission up) until the token
    /// is cancelled. Called on the core's threads.
    func watchUploads(_ onStep: @escaping @Sendable (UploadStep) -> Void) -> ListenerToken
}

extension DossierPort {
    /// A port without the call (a fake of the tests, an older build): the feature is not
    /// in this version. The default keeps such ports compiling.
    public func setOnBehalf(draftID: String, person: OnBehalfPerson?) async throws -> OnBehalfChange {
        // No message here: the model says it in its language (`Texts.notYetAvailable`).
        throw Problem.notSupported("")
    }
}

// MARK: - Tracking

/// A dossier's status (the lifecycle's, `protocol::lifecycle`). The screens show the core's
/// label of it, never words of their own, and take what the citizen may do from the core
/// (`DossierRecord.actions`), never from the status.
public enum DossierStatus: Sendable, Equatable, Hashable, CaseIterable {
    case submitted
    case received
    case notAccepted
    case processing
    case supplementRequested
    case paymentRequested
    case withdrawalRequested
    case stopped
    case resultReady
    case returned
    case withdrawn
    case rejected
}

/// What the citizen may do with a dossier (the core's `CitizenAction`).
public enum CitizenAction: Equatable, Sendable, Hashable {
    /// Show the receipt at the desk.
    case showReceipt
    /// Send the papers the desk asked for.
    case answerSupplement
    /// Pay the fee that is due (the payment screen: `PaymentPort`).
    case payFee
    /// Open the paid fee's e-receipt (`PaymentPort.feeReceipt`): secondary, offered also
    /// once the dossier is closed.
    case showFeeReceipt
    /// Ask to withdraw the dossier: secondary, confirmed first.
    case withdraw
}

/// One event of a dossier's timeline.
public struct StatusEvent: Equatable, Sendable {
    public let code: String
    /// The status after the change.
    public let status: DossierStatus
    /// In words, from the core ("Đã tiếp nhận").
    public let label: String
    /// RFC 3339.
    public let at: String
    public let note: String?
    public let reason: String?
    public let missing: [String]
    public let appointmentDate: String?

    public init(code: String, status: DossierStatus, label: String, at: String, note: String?, reason: String?,
                missing: [String], appointmentDate: String?) {
        self.code = code
        self.status = status
        self.label = label
        self.at = at
        self.note = note
        self.reason = reason
        self.missing = missing
        self.appointmentDate = appointmentDate
    }
}

/// A dossier of the citizen, as last synced.
public struct DossierLine: Equatable, Sendable {
    public let code: String
    public let procedureCode: String
    public let status: DossierStatus
    /// The status in words, from the core.
    public let label: String
    public let submittedAt: String

    public init(code: String, procedureCode: String, status: DossierStatus, label: String, submittedAt: String) {
        self.code = code
        self.procedureCode = procedureCode
        self.status = status
        self.label = label
        self.submittedAt = submittedAt
    }
}

/// A dossier with its timeline, kept on the phone for offline viewing, and what the core
/// says the citizen may do with it now.
public struct DossierRecord: Equatable, Sendable {
    public let code: String
    public let procedureCode: String
    public let status: DossierStatus
    /// The status in words, from the core.
    public let label: String
    public let appointmentDate: String?
    public let overdue: Bool
    /// Oldest first.
    public let timeline: [StatusEvent]
    /// Every action the citizen may take, in the order to list them (the core decides).
    public let actions: [CitizenAction]
    /// The one action to put forward, if any (the core decides; never `.withdraw`).
    public let primary: CitizenAction?
    /// What the desk asks the citizen to supply now (empty unless a supplement request
    /// waits for its answer).
    public let missing: [String]

    public init(code: String, procedureCode: String, status: DossierStatus, label: String, appointmentDate: String?,
                overdue: Bool, timeline: [StatusEvent], actions: [CitizenAction], primary: CitizenAction?,
                missing: [String]) {
        self.code = code
        self.procedureCode = procedureCode
        self.status = status
        self.label = label
        self.appointmentDate = appointmentDate
        self.overdue = overdue
        self.timeline = timeline
        self.actions = actions
        self.primary = primary
        self.missing = missing
    }
}

/// The tracking area: sync with the portal and what is kept on the phone.
public protocol TrackingPort: Sendable {
    func sync() async throws -> [StatusEvent]
    /// A background run's sync: the changes since the last sync as the notifications worth
    /// posting for them and for `delivered` (codes of the dossiers the outbox just sent),
    /// with their words: the core's policy (one per dossier, the own submission only as
    /// sent).
    func syncNotices(delivered: [String]) async throws -> [Notice]
    func dossiers() async throws -> [DossierLine]
    func dossier(code: String) async throws -> DossierRecord?
    /// Tells `onChange` about every status change synced until the token is cancelled.
    func watchStatus(_ onChange: @escaping @Sendable (StatusEvent) -> Void) -> ListenerToken
}

/// The citizen's own actions on a dossier, delivered through the core's outbox like a
/// submission (so they too survive a lost connection). The bindings export them since the
/// lifecycle work (`Dossiers.withdraw`, `Dossiers.answerSupplement`); Android's port of the
/// same name predates that export and has older shapes.
public protocol CitizenActionsPort: Sendable {
    /// Asks the desk to withdraw the dossier.
    func withdraw(code: String, note: String?) async throws -> Delivery
    /// Starts (or reopens) the answer to a supplement request: a draft with a note and
    /// attachments, submitted with `DossierPort.submit`.
    func answerSupplement(code: String) async throws -> FormView
}

// MARK: - Receipts

/// A QR code's modules without the quiet zone: `size × size` entries, row by row, `true`
/// dark (the core's `QrMatrix`).
public struct QRModules: Equatable, Sendable {
    public let size: Int
    public let dark: [Bool]

    public init(size: Int, dark: [Bool]) {
        self.size = size
        self.dark = dark
    }

    /// Whether the module at column `x`, row `y` is dark; outside the matrix is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size, y * size + x < dark.count else { return false }
        return dark[y * size + x]
    }

    /// The dark runs of row `y` as `(start column, length)`: drawn as one rectangle each,
    /// so that neighbouring modules leave no hairline between them.
    public func darkRuns(row y: Int) -> [(start: Int, length: Int)] {
        var runs: [(start: Int, length: Int)] = []
        var x = 0
        while x < size {
            if isDark(x: x, y: y) {
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                runs.append((start, x - start))
            } else {
                x += 1
            }
        }
        return runs
    }
}

/// What a receipt says (the core's `ReceiptFields`), read from its signed content.
public struct ReceiptDetails: Equatable, Sendable {
    /// `<agency>-<YYMMDD>-<NNNN>`.
    public let dossierCode: String
    /// National procedure code (`1.001193`).
    public let procedureCode: String
    /// Electronic code of the receiving agency (`000.00.14.H56`).
    public let agencyCode: String
    /// When the desk accepted the dossier, RFC 3339.
    public let receivedAt: String
    /// `YYYY-MM-DD`, when the processing time is known.
    public let appointmentDate: String?
    /// Whether the receipt carries the applicant's ID-number digest (the desk can then
    /// check the person is the applicant).
    public let carriesApplicant: Bool

    public init(dossierCode: String, procedureCode: String, agencyCode: String, receivedAt: String,
                appointmentDate: String?, carriesApplicant: Bool) {
        self.dossierCode = dossierCode
        self.procedureCode = procedureCode
        self.agencyCode = agencyCode
        self.receivedAt = receivedAt
        self.appointmentDate = appointmentDate
        self.carriesApplicant = carriesApplicant
    }
}

/// A receipt to show full screen (the core's `ReceiptView`).
public struct ReceiptSlip: Equatable, Sendable {
    /// What the QR code encodes (`MC1:...`).
    public let qrText: String
    /// The QR code as SVG, quiet zone included, for printing.
    public let qrSVG: String
    /// The QR code as PNG (8 pixels per module, quiet zone included), for sharing.
    public let qrPNG: Data
    /// The modules, drawn on screen.
    public let modules: QRModules
    public let details: ReceiptDetails

    public init(qrText: String, qrSVG: String, qrPNG: Data, modules: QRModules, details: ReceiptDetails) {
        self.qrText = qrText
        self.qrSVG = qrSVG
        self.qrPNG = qrPNG
        self.modules = modules
        self.details = details
    }
}

/// The verdict on a scanned receipt: one of six, never a bare boolean.
public enum ReceiptVerdict: Equatable, Sendable {
    /// Signed by a trusted key in its signing period.
    case valid(ReceiptDetails)
    /// A trusted key's id, but the content does not match the signature: altered.
    case tampered
    /// A key the trust list does not have (another province, a forgery, or a list not
    /// refreshed since a new key).
    case unknownKey
    /// Signed by a revoked key.
    case revokedKey
    /// Signed by a trusted key outside its signing period.
    case expiredKey
    /// Not a receipt at all.
    case malformed
}

/// A verification: the verdict and the trust list behind it (a desk offline for long may
/// miss a revocation, so the screen says how old the list is).
public struct ReceiptCheck: Equatable, Sendable {
    public let verdict: ReceiptVerdict
    /// The verdict in a sentence with what to do, from the core, in the configured language.
    public let message: String
    public let trustListSequence: UInt64
    /// Unix seconds.
    public let trustListFetchedAt: Int64

    public init(verdict: ReceiptVerdict, message: String, trustListSequence: UInt64, trustListFetchedAt: Int64) {
        self.verdict = verdict
        self.message = message
        self.trustListSequence = trustListSequence
        self.trustListFetchedAt = trustListFetchedAt
    }
}

/// Whether the person at the desk is the applicant (ID number typed from the card).
public enum ApplicantMatch: Equatable, Sendable {
    case matches
    case doesNotMatch
    /// The receipt carries no ID-number digest.
    case noDigest
}

/// The trust list of receipt-signing keys now cached on the phone.
public struct TrustListStatus: Equatable, Sendable {
    public let sequence: UInt64
    public let keys: Int
    /// Unix seconds.
    public let fetchedAt: Int64

    public init(sequence: UInt64, keys: Int, fetchedAt: Int64) {
        self.sequence = sequence
        self.keys = keys
        self.fetchedAt = fetchedAt
    }
}

/// Receipts: the citizen's own (from the phone, no network) and the desk's offline check.
/// Failures are `Problem`s; the reason `.trustListMissing` means the desk must fetch the
/// list once, online.
public protocol ReceiptPort: Sendable {
    func receipt(dossierCode: String) async throws -> ReceiptSlip
    func verifyReceipt(scannedText: String) async throws -> ReceiptCheck
    /// Deliberately slow in the core (PBKDF2); the receipt must verify first.
    func checkApplicant(scannedText: String, idNumber: String) async throws -> ApplicantMatch
    func refreshTrustList() async throws -> TrustListStatus
}

// MARK: - Payments

/// The account a fee is paid into, each part shown with a copy button.
public struct PaymentAccount: Equatable, Sendable {
    public let bankName: String
    public let account: String
    /// The holder's name as the bank shows it.
    public let holder: String

    public init(bankName: String, account: String, holder: String) {
        self.bankName = bankName
        self.account = account
        self.holder = holder
    }
}

/// A dossier's payment screen (the core's `Payments.payment`/`refresh`), as the core decided
/// it: what is nil is not shown. The screen never looks at where the fee stands: the
/// `headline` and `detail` say it, the VietQR code is there only while the fee awaits its
/// payment, the e-receipt only once it is issued.
public struct PaymentSheet: Equatable, Sendable {
    public let code: String
    /// The amount in đồng, digits only (what a banking app's amount field takes).
    public let amountVND: UInt64?
    /// "7.000 đ".
    public let amountLabel: String?
    /// The transfer's description to type when not scanning.
    public let reference: String?
    public let account: PaymentAccount?
    /// The VietQR text (what a banking app reads).
    public let qrText: String?
    /// The VietQR code's modules, drawn on screen.
    public let qrModules: QRModules?
    /// The VietQR code as PNG (quiet zone included), to save for a banking app on this phone.
    public let qrPNG: Data?
    public let headline: String
    public let detail: String?
    public let hasFeeReceipt: Bool
    /// Shown from the phone: the portal was not reached just now; `offlineNote` says how
    /// current it is.
    public let offline: Bool
    public let offlineNote: String?

    public init(code: String, amountVND: UInt64?, amountLabel: String?, reference: String?, account: PaymentAccount?,
                qrText: String?, qrModules: QRModules?, qrPNG: Data?, headline: String, detail: String?,
                hasFeeReceipt: Bool, offline: Bool, offlineNote: String?) {
        self.code = code
        self.amountVND = amountVND
        self.amountLabel = amountLabel
        self.reference = reference
        self.account = account
        self.qrText = qrText
        self.qrModules = qrModules
        self.qrPNG = qrPNG
        self.headline = headline
        self.detail = detail
        self.hasFeeReceipt = hasFeeReceipt
        self.offline = offline
        self.offlineNote = offlineNote
    }
}

/// The fee's e-receipt (biên lai điện tử), to show and share.
public struct FeeReceiptSheet: Equatable, Sendable {
    /// What the QR code encodes (`MCF1:…`): what to share.
    public let qrText: String
    public let modules: QRModules
    public let qrPNG: Data
    /// What it says, labelled by the core in the configured language.
    public let lines: [ReceiptField]
    /// The verdict of the trust list on the phone, or that it is not checked yet (the
    /// core's sentence).
    public let verdictLine: String

    public init(qrText: String, modules: QRModules, qrPNG: Data, lines: [ReceiptField], verdictLine: String) {
        self.qrText = qrText
        self.modules = modules
        self.qrPNG = qrPNG
        self.lines = lines
        self.verdictLine = verdictLine
    }
}

/// Fees: a dossier's payment screen, from the phone or refreshed, and the fee's e-receipt.
public protocol PaymentPort: Sendable {
    /// The payment request kept on the phone (no network); throws when none was fetched yet.
    func payment(dossierCode: String) async throws -> PaymentSheet
    /// Asks the portal; offline, the one kept on the phone, marked `offline`.
    func refresh(dossierCode: String) async throws -> PaymentSheet
    /// The fee's e-receipt of a paid dossier, from the phone, verified with the cached
    /// trust list.
    func feeReceipt(dossierCode: String) async throws -> FeeReceiptSheet
}

// MARK: - Assisted sessions

/// The consent statement the citizen accepts, and the version passed back when beginning.
public struct ConsentStatement: Equatable, Sendable {
    public let text: String
    public let version: String

    public init(text: String, version: String) {
        self.text = text
        self.version = version
    }
}

/// What the citizen takes away: no personal data (it may be sent to a relative's phone).
public struct Handoff: Equatable, Sendable {
    public let dossierCode: String
    public let procedureName: String?
    /// `YYYY-MM-DD`.
    public let appointmentDate: String?
    /// How to look the dossier up, in plain words, from the core.
    public let instructions: String

    public init(dossierCode: String, procedureName: String?, appointmentDate: String?, instructions: String) {
        self.dossierCode = dossierCode
        self.procedureName = procedureName
        self.appointmentDate = appointmentDate
        self.instructions = instructions
    }
}

/// How a session ended: procedure codes by outcome (no names, no dossier codes).
public struct SessionOutcome: Equatable, Sendable {
    /// Someone logged in during the session.
    public let helped: Bool
    public let submitted: [String]
    /// Given up when ending with `force`.
    public let notSent: [String]
    public let abandonedDrafts: [String]
    /// What the end-of-session screen says, line by line (the core's words: nobody logged
    /// in, filed, not sent, left unfinished; only the lines that apply).
    public let lines: [String]

    public init(helped: Bool, submitted: [String], notSent: [String], abandonedDrafts: [String], lines: [String]) {
        self.helped = helped
        self.submitted = submitted
        self.notSent = notSent
        self.abandonedDrafts = abandonedDrafts
        self.lines = lines
    }
}

/// One procedure's counts on one day of the volunteer's summary.
public struct ProcedureTally: Equatable, Sendable {
    public let procedureCode: String
    public let submitted: Int
    public let notSent: Int
    public let abandonedDrafts: Int
    /// The counts that are not zero, in the core's words ("Đã nộp: 2 hồ sơ").
    public let lines: [String]

    public init(procedureCode: String, submitted: Int, notSent: Int, abandonedDrafts: Int, lines: [String]) {
        self.procedureCode = procedureCode
        self.submitted = submitted
        self.notSent = notSent
        self.abandonedDrafts = abandonedDrafts
        self.lines = lines
    }
}

/// One day (in Vietnam) of the volunteer's summary: counts only.
public struct AssistDay: Equatable, Sendable {
    /// `YYYY-MM-DD`.
    public let day: String
    public let peopleHelped: Int
    /// Sessions cut short (the app was killed) and erased at the next start.
    public let interruptedSessions: Int
    public let procedures: [ProcedureTally]
    /// "Đã hỗ trợ 2 người" (the core's words).
    public let peopleHelpedLabel: String
    /// "1 phiên bị gián đoạn" when a session was cut short that day (the core's words).
    public let interruptedLabel: String?

    public init(day: String, peopleHelped: Int, interruptedSessions: Int, procedures: [ProcedureTally],
                peopleHelpedLabel: String, interruptedLabel: String?) {
        self.day = day
        self.peopleHelped = peopleHelped
        self.interruptedSessions = interruptedSessions
        self.procedures = procedures
        self.peopleHelpedLabel = peopleHelpedLabel
        self.interruptedLabel = interruptedLabel
    }
}

/// The ports of one profile: the volunteer's own, or an assisted citizen's isolated one.
/// The normal screens run on either.
public struct ProfileServices: Sendable {
    public let identity: IdentityPort
    public let catalog: CatalogPort
    public let dossiers: DossierPort
    public let tracking: TrackingPort
    public let actions: CitizenActionsPort?
    public let receipts: ReceiptPort?
    /// Fees (nil in a build without the payments area: the screens say so).
    public let payments: PaymentPort?

    public init(identity: IdentityPort, catalog: CatalogPort, dossiers: DossierPort, tracking: TrackingPort,
                actions: CitizenActionsPort?, receipts: ReceiptPort?, payments: PaymentPort? = nil) {
        self.identity = identity
        self.catalog = catalog
        self.dossiers = dossiers
        self.tracking = tracking
        self.actions = actions
        self.receipts = receipts
        self.payments = payments
    }
}

/// An open assisted session: the citizen's isolated profile on the volunteer's phone.
public protocol AssistedSessionPort: AnyObject, Sendable {
    /// The citizen's profile: log in, search, file, track, as in the normal screens.
    var services: ProfileServices { get }
    /// What to give the citizen for a dossier filed in the session.
    func handoff(dossierCode: String) async throws -> Handoff
}

/// A volunteer's assisted sessions (docs/decisions/0003-assisted-sessions.md).
public protocol AssistPort: Sendable {
    func consentStatement() async throws -> ConsentStatement
    /// Refused (a `Problem`) when `consentVersion` is not the current statement's.
    func begin(consentVersion: String) async throws -> AssistedSessionPort
    /// Logs the citizen out and erases their profile. Refused (`.notAllowed`, reason
    /// `.submissionsPending`) while submissions wait for the network, unless `force`.
    func end(_ session: AssistedSessionPort, force: Bool) async throws -> SessionOutcome
    /// The volunteer's summary by day: counts only.
    func summary() async throws -> [AssistDay]
    /// The same as CSV, for the team's report.
    func summaryCSV() async throws -> String
}
