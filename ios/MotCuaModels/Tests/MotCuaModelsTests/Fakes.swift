import Foundation
@testable import MotCuaModels

/*
 * Fakes of the ports: in-memory, scripted per test. They stand for the core only in these
 * tests of the models' own decisions (what to show, when, in which words); the core itself
 * is tested in Rust and through the Kotlin bindings against a real portal.
 */

/// A value shared with the core's threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func get() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&value)
    }
}

let offline = Problem(kind: .network, code: "network_unavailable", message: "Không kết nối được")
let sessionEnded = Problem(kind: .loggedOut, code: "session_ended", message: "Phiên đăng nhập đã hết")

let citizen = Citizen(fullName: "Nguyễn Văn An", personalID: "056090000123", birthDate: "1990-01-02",
                      address: "Nha Trang", tier: .level2)

final class FakeIdentity: IdentityPort, @unchecked Sendable {
    var saved: Citizen?
    var failure: Problem?
    var loggedOutCalls = 0

    func beginLogin() async throws -> LoginStart {
        if let failure { throw failure }
        return LoginStart(url: URL(string: "https://id.example/authorize?state=s")!, redirectURI: "vn.motcua.app:/oauth2redirect")
    }

    func completeLogin(callbackURL: String) async throws -> Citizen {
        if let failure { throw failure }
        guard callbackURL.hasPrefix("vn.motcua.app:/oauth2redirect?code=") else {
            throw Problem(kind: .notAllowed, code: "state_mismatch", message: "Phiên đăng nhập không khớp")
        }
        saved = citizen
        return citizen
    }

    func profile() async throws -> Citizen? {
        saved
    }

    func logout() async throws {
        loggedOutCalls += 1
        saved = nil
        if let failure { throw failure }
    }

    var undelivered = 0
    var erasedCalls = 0

    func eraseWarning() async throws -> String? {
        undelivered > 0 ? "Còn \(undelivered) hồ sơ chưa gửi được." : nil
    }

    func logoutAndErase() async throws {
        erasedCalls += 1
        undelivered = 0
        saved = nil
    }
}

let birthRegistration = ProcedureSheet(
    code: "1.001193", nameVi: "Đăng ký khai sinh", nameEn: "Birth registration",
    fieldVi: "Hộ tịch", agencyVi: "UBND cấp xã", fullyOnline: false, processingDays: 3,
    feeVnd: 8000, onlineFeeVnd: 4000, feeNoteVi: "Miễn phí nếu đúng hạn", feeNoteEn: "Free on time",
    requiredTier: .level2,
    documents: [
        DocumentSpec(id: "birth_certificate", nameVi: "Giấy chứng sinh", nameEn: "Birth certificate", required: true),
        DocumentSpec(id: "marriage", nameVi: "Giấy đăng ký kết hôn", nameEn: "Marriage certificate", required: false),
    ],
    form: [
        FormFieldSpec(id: "applicant_name", type: .text, labelVi: "Họ tên người yêu cầu", labelEn: "Applicant", required: true, options: [], helpVi: nil, helpEn: nil),
        FormFieldSpec(id: "phone", type: .phone, labelVi: "Số điện thoại", labelEn: "Phone", required: true, options: [], helpVi: "10 chữ số", helpEn: "10 digits"),
        FormFieldSpec(id: "sex", type: .select, labelVi: "Giới tính", labelEn: "Sex", required: true,
                      options: [OptionSpec(value: "f", labelVi: "Nữ", labelEn: "Female"), OptionSpec(value: "m", labelVi: "Nam", labelEn: "Male")],
                      helpVi: nil, helpEn: nil),
    ]
)

final class FakeCatalog: CatalogPort, @unchecked Sendable {
    var procedures: [String: ProcedureSheet] = ["1.001193": birthRegistration]
    var downloaded = true
    var refreshFailure: Problem?
    var searches: [String] = []

    func refreshCatalog() async throws {
        if let refreshFailure { throw refreshFailure }
        downloaded = true
    }

    func searchProcedures(_ query: String, limit: Int) async throws -> [ProcedureMatch] {
        searches.append(query)
        guard downloaded else { throw Problem(kind: .network, code: "catalog_not_downloaded", message: "Chưa tải danh mục", reason: .catalogNotDownloaded) }
        let name = "Đăng ký khai sinh"
        guard "dang ky khai sinh".hasPrefix(query) || query == "giay khai sinh" else { return [] }
        return [ProcedureMatch(code: "1.001193", nameVi: name, nameEn: "Birth registration", quality: .prefix,
                               matchedAlias: query == "giay khai sinh" ? "giấy khai sinh" : nil,
                               highlights: [ScalarRange(start: 0, end: 7)])]
    }

    func procedure(code: String) async throws -> ProcedureSheet? {
        procedures[code]
    }
}

struct FakeToken: ListenerToken {
    let onCancel: @Sendable () -> Void

    func cancel() {
        onCancel()
    }
}

/// A field of a fake form.
func formField(_ id: String, _ type: FieldType, _ label: String, value: String = "", prefilled: Bool = false,
               error: String? = nil, locked: Bool = false, choices: [Choice] = []) -> FieldUI {
    FieldUI(id: id, type: type, label: label, help: nil, required: true, choices: choices, value: value,
            prefilled: prefilled, error: error, readOnly: locked)
}

/// The dossier port with a form it holds: what the core's form would say is set by the test
/// (`current`, `checked`); nothing here decides a rule of the form.
final class FakeDossiers: DossierPort, @unchecked Sendable {
    var current = FormView(
        draftID: "d1", procedureCode: "1.001193", title: "Đăng ký khai sinh",
        fields: [
            formField("applicant_name", .text, "Họ và tên", value: "Nguyễn Văn An", prefilled: true),
            formField("phone", .phone, "Số điện thoại"),
            formField("sex", .select, "Giới tính", choices: [Choice(value: "f", label: "Nữ"), Choice(value: "m", label: "Nam")]),
        ],
        documents: [
            DocumentUI(requirement: "birth_certificate", name: "Giấy chứng sinh", required: true, files: [], error: nil),
            DocumentUI(requirement: "marriage", name: "Giấy chứng nhận kết hôn", required: false, files: [], error: nil),
        ])
    /// What `check` answers: the form with every problem showing; nil: `current`, ready.
    var checked: FormView?
    var delivery: Delivery = .delivered(dossierCode: "000.00.14.H56-260302-0001")
    /// The form after a delivery, as the core would say it (set with `delivery`).
    var afterDelivery: SubmissionState = .submitted(dossierCode: "000.00.14.H56-260302-0001",
                                                   message: "Dossier submitted. Dossier code: 000.00.14.H56-260302-0001")
    var outbox: [OutboxResult] = []
    var failure: Problem?
    var pending = 0
    var savedValues: [String] = []
    let listeners = Locked<[@Sendable (UploadStep) -> Void]>([])

    func createDraft(procedureCode: String) async throws -> FormView {
        if let failure { throw failure }
        return current
    }

    func setField(draftID: String, fieldID: String, value: String) async throws -> FieldUI {
        savedValues.append(value)
        let error: String? = fieldID == "phone" && value.count != 10 ? "Số điện thoại không đúng" : nil
        var field = current.fields.first { $0.id == fieldID } ?? formField(fieldID, .text, fieldID)
        field.value = value
        field.prefilled = false
        field.error = error
        return field
    }

    func addAttachment(draftID: String, requirement: String, fileName: String, bytes: Data) async throws -> AttachedFile {
        if bytes.isEmpty { throw Problem(kind: .invalidInput, code: "attachment_empty", message: "Tệp trống") }
        let count = current.documents.reduce(0) { $0 + $1.files.count }
        let file = AttachedFile(id: Int64(count + 1), requirement: requirement, fileName: fileName,
                                size: UInt64(bytes.count), uploaded: false)
        current.documents = current.documents.map { d in
            d.requirement == requirement
                ? DocumentUI(requirement: d.requirement, name: d.name, required: d.required, files: d.files + [file], error: nil)
                : d
        }
        return file
    }

    func removeAttachment(draftID: String, attachmentID: Int64) async throws {}

    /// Every on-behalf record asked for, in order.
    var onBehalfCalls: [OnBehalfPerson?] = []

    /// For one locked name field: a number that is not 12 digits is refused on
    /// `personal_id`; a valid person takes the name field, nil gives it back.
    func setOnBehalf(draftID: String, person: OnBehalfPerson?) async throws -> OnBehalfChange {
        onBehalfCalls.append(person)
        if let person, person.personalID.count != 12 {
            return .invalid([FieldIssue(fieldID: "personal_id", message: "Số định danh phải có 12 chữ số")])
        }
        current.fields = current.fields.map { f in
            f.id == "applicant_name"
                ? formField(f.id, f.type, f.label, value: person?.fullName ?? "Nguyễn Văn An", prefilled: true, locked: true)
                : f
        }
        current.onBehalf = person
        return .recorded(current)
    }

    func form(draftID: String) async throws -> FormView {
        current
    }

    func check(draftID: String) async throws -> FormView {
        if let checked { return checked }
        var ready = current
        ready.ready = true
        return ready
    }

    func drafts() async throws -> [DraftLine] {
        [DraftLine(id: current.draftID, procedureCode: current.procedureCode, phase: .editing, updatedAt: 0, dossierCode: nil)]
    }

    func deleteDraft(id: String) async throws {}

    func submit(draftID: String) async throws -> Delivery {
        if let failure { throw failure }
        for listener in listeners.get() {
            listener(UploadStep(draftID: draftID, percent: 50, message: "50%"))
            listener(UploadStep(draftID: draftID, percent: 100, message: "100%"))
        }
        current.submission = afterDelivery
        return delivery
    }

    func runOutbox(force: Bool) async throws -> [OutboxResult] {
        if let failure { throw failure }
        return outbox
    }

    func pendingSubmissions() async throws -> Int {
        pending
    }

    func watchUploads(_ onStep: @escaping @Sendable (UploadStep) -> Void) -> ListenerToken {
        listeners.set { $0.append(onStep) }
        return FakeToken { [listeners] in listeners.set { $0.removeAll() } }
    }
}

func event(_ status: DossierStatus, _ label: String, at: String = "2026-03-02T02:30:00Z", missing: [String] = [],
           appointment: String? = nil) -> StatusEvent {
    StatusEvent(code: "000.00.14.H56-260302-0001", status: status, label: label, at: at, note: nil, reason: nil,
                missing: missing, appointmentDate: appointment)
}

final class FakeTracking: TrackingPort, @unchecked Sendable {
    var records: [String: DossierRecord] = [:]
    var changes: [StatusEvent] = []
    var failure: Problem?

    func sync() async throws -> [StatusEvent] {
        if let failure { throw failure }
        return changes
    }

    /// The codes the job said were delivered, and what the core would answer.
    var deliveredSeen: [[String]] = []
    var notices: [Notice] = []

    func syncNotices(delivered: [String]) async throws -> [Notice] {
        if let failure { throw failure }
        deliveredSeen.append(delivered)
        return notices
    }

    func dossiers() async throws -> [DossierLine] {
        records.values.sorted { $0.code < $1.code }.map {
            DossierLine(code: $0.code, procedureCode: $0.procedureCode, status: $0.status, label: $0.label, submittedAt: "2026-03-02T02:00:00Z")
        }
    }

    func dossier(code: String) async throws -> DossierRecord? {
        records[code]
    }

    func watchStatus(_ onChange: @escaping @Sendable (StatusEvent) -> Void) -> ListenerToken {
        FakeToken {}
    }
}

let receiptDetails = ReceiptDetails(dossierCode: "000.00.14.H56-260302-0001", procedureCode: "1.001193",
                                    agencyCode: "000.00.14.H56", receivedAt: "2026-03-02T02:30:00Z",
                                    appointmentDate: "2026-03-05", carriesApplicant: true)

/// A 21-module matrix with a dark diagonal and a dark first row.
let sampleModules = QRModules(size: 21, dark: (0..<(21 * 21)).map { $0 < 21 || $0 % 22 == 0 })

final class FakeReceipts: ReceiptPort, @unchecked Sendable {
    /// Verdict by scanned text; anything else is malformed.
    var verdicts: [String: ReceiptVerdict] = [:]
    var issued: Set<String> = ["000.00.14.H56-260302-0001"]
    var trustList: TrustListStatus? = TrustListStatus(sequence: 3, keys: 2, fetchedAt: 1_772_418_600)
    var refreshFailure: Problem?
    /// The applicant's ID number on the receipts of `verdicts`.
    var applicantID = "056090000123"
    var applicantChecks: [String] = []

    func receipt(dossierCode: String) async throws -> ReceiptSlip {
        guard issued.contains(dossierCode) else {
            throw Problem(kind: .notFound, code: "receipt_not_issued", message: "Hồ sơ chưa có giấy tiếp nhận")
        }
        return ReceiptSlip(qrText: "MC1:ABC", qrSVG: "<svg/>", qrPNG: Data([0x89, 0x50]), modules: sampleModules,
                           details: ReceiptDetails(dossierCode: dossierCode, procedureCode: "1.001193",
                                                   agencyCode: "000.00.14.H56", receivedAt: "2026-03-02T02:30:00Z",
                                                   appointmentDate: "2026-03-05", carriesApplicant: true))
    }

    func verifyReceipt(scannedText: String) async throws -> ReceiptCheck {
        guard let trustList else {
            throw Problem(kind: .notFound, code: "receipt_no_trust_list", message: "Chưa có danh sách khóa ký", reason: .trustListMissing)
        }
        let verdict = verdicts[scannedText] ?? .malformed
        return ReceiptCheck(verdict: verdict, message: "core on \(scannedText)", trustListSequence: trustList.sequence,
                            trustListFetchedAt: trustList.fetchedAt)
    }

    func checkApplicant(scannedText: String, idNumber: String) async throws -> ApplicantMatch {
        applicantChecks.append(idNumber)
        guard idNumber.count == 12, idNumber.allSatisfy(\.isNumber) else {
            throw Problem(kind: .invalidInput, code: "not_an_id_number", message: "Số định danh cá nhân gồm đúng 12 chữ số.")
        }
        guard case .valid(let details)? = verdicts[scannedText] else {
            throw Problem(kind: .notAllowed, code: "receipt_tampered", message: "Giấy không hợp lệ")
        }
        if !details.carriesApplicant { return .noDigest }
        return idNumber == applicantID ? .matches : .doesNotMatch
    }

    func refreshTrustList() async throws -> TrustListStatus {
        if let refreshFailure { throw refreshFailure }
        let next = TrustListStatus(sequence: (trustList?.sequence ?? 0) + 1, keys: 3, fetchedAt: 1_772_422_200)
        trustList = next
        return next
    }
}

final class FakeSession: AssistedSessionPort, @unchecked Sendable {
    let id: String
    let services: ProfileServices
    let identity = FakeIdentity()
    let dossiers = FakeDossiers()
    let receipts = FakeReceipts()

    init(id: String) {
        self.id = id
        services = ProfileServices(identity: identity, catalog: FakeCatalog(), dossiers: dossiers, tracking: FakeTracking(),
                                   actions: nil, receipts: receipts)
    }

    func handoff(dossierCode: String) async throws -> Handoff {
        // As the core: the appointment once the desk accepted (the one dossier with a receipt).
        Handoff(dossierCode: dossierCode, procedureName: "Đăng ký khai sinh",
                appointmentDate: dossierCode == receiptDetails.dossierCode ? "2026-03-05" : nil,
                instructions: "Tra cứu bằng mã hồ sơ trên cổng dịch vụ công.")
    }
}

/// Follows the core's rules: the current consent version only, one session at a time,
/// ending refused while submissions wait unless forced, counts without personal data.
final class FakeAssist: AssistPort, @unchecked Sendable {
    static let version = "assist-consent-v1"
    var sessions = 0
    var open: FakeSession?
    var eraseFailure: Problem?
    var statementFailure: Problem?
    var days: [AssistDay] = []
    var endedWith: [Bool] = []

    func consentStatement() async throws -> ConsentStatement {
        if let statementFailure { throw statementFailure }
        return ConsentStatement(text: "Tôi đồng ý để tình nguyện viên giúp tôi nộp hồ sơ.", version: Self.version)
    }

    func begin(consentVersion: String) async throws -> AssistedSessionPort {
        guard consentVersion == Self.version else {
            throw Problem(kind: .notAllowed, code: "consent_required", message: "Cần người được hỗ trợ đồng ý trước khi bắt đầu.", reason: .consentRequired(statement: Self.version))
        }
        guard open == nil else { throw Problem(kind: .notAllowed, code: "assisted_session_open", message: "Đang có một phiên hỗ trợ.") }
        sessions += 1
        let session = FakeSession(id: "s\(sessions)")
        open = session
        return session
    }

    func end(_ session: AssistedSessionPort, force: Bool) async throws -> SessionOutcome {
        guard let open, open === session else { throw Problem(kind: .notAllowed, code: "no_assisted_session", message: "Không có phiên hỗ trợ nào đang mở.") }
        endedWith.append(force)
        let pending = open.dossiers.pending
        if pending > 0 && !force {
            throw Problem(kind: .notAllowed, code: "submissions_pending", message: "Còn \(pending) hồ sơ chưa gửi được (chưa có mạng).", reason: .submissionsPending(count: pending))
        }
        if let eraseFailure { throw eraseFailure }
        self.open = nil
        let helped = open.identity.saved != nil
        // The lines as the core words them (`SessionOutcome::lines`, `ProcedureCount::lines`).
        let counts = force ? ["Không gửi được: \(pending) hồ sơ"] : ["Đã nộp: 1 hồ sơ"]
        days = [AssistDay(day: "2026-03-02", peopleHelped: helped ? 1 : 0, interruptedSessions: 0,
                          procedures: [ProcedureTally(procedureCode: "1.001193", submitted: force ? 0 : 1,
                                                      notSent: force ? pending : 0, abandonedDrafts: 0, lines: counts)],
                          peopleHelpedLabel: "Đã hỗ trợ \(helped ? 1 : 0) người", interruptedLabel: nil)]
        return SessionOutcome(helped: helped, submitted: force ? [] : ["1.001193"],
                              notSent: Array(repeating: "1.001193", count: force ? pending : 0), abandonedDrafts: [],
                              lines: (helped ? [] : ["Không có ai đăng nhập trong phiên này."]) + counts)
    }

    func summary() async throws -> [AssistDay] {
        days
    }

    func summaryCSV() async throws -> String {
        "day,procedure_code,people_helped\n" + days.map { "\($0.day),1.001193,\($0.peopleHelped)" }.joined(separator: "\n")
    }
}

final class FakeOwner: DeviceOwnerCheck, @unchecked Sendable {
    var hasPasscode = true
    var confirms = true
    var asked = 0

    func isAvailable() async -> Bool {
        hasPasscode
    }

    func confirm(reason: String) async -> Bool {
        asked += 1
        return confirms
    }
}

final class MemorySettings: SettingsStore {
    var saved: AppSettings?

    func load() -> AppSettings {
        saved ?? AppSettings()
    }

    func save(_ settings: AppSettings) {
        saved = settings
    }
}

final class FakeActions: CitizenActionsPort, @unchecked Sendable {
    var withdrawal: Delivery = .queued(retryInSeconds: 30)
    var withdrawn: [(String, String?)] = []

    func withdraw(code: String, note: String?) async throws -> Delivery {
        withdrawn.append((code, note))
        return withdrawal
    }

    func answerSupplement(code: String) async throws -> FormView {
        answer(code)
    }

    /// A supplement answer's form as the core gives it.
    func answer(_ code: String, message: String? = nil) -> FormView {
        FormView(draftID: "answer-1", procedureCode: "1.001193", title: "Bổ sung hồ sơ \(code)", answersDossier: code,
                 requested: ["Bản sao CCCD"],
                 fields: [FieldUI(id: "supplement_note", type: .longText, label: "Lời nhắn cho cán bộ (không bắt buộc)",
                                  help: nil, required: false, choices: [], value: "", prefilled: false, error: nil)],
                 documents: [
                     DocumentUI(requirement: "birth_certificate", name: "Giấy chứng sinh", required: false, files: [], error: nil),
                     DocumentUI(requirement: "marriage", name: "Giấy chứng nhận kết hôn", required: false, files: [], error: nil),
                 ],
                 message: message)
    }
}

/// The core's sentences for these tests, word for word as `core::wording` says them today:
/// the models read whatever is installed (`DomainWording.install`), and here nothing of the
/// core runs. LinuxTests check the models against the real core's wording.
func installTestWording() {
    DomainWording.install { lang in
        @Sendable func pick(_ vi: String, _ en: String) -> String { lang == .vi ? vi : en }
        return DomainWording(
            offlineCatalog: pick("Không có mạng. Đang dùng danh mục thủ tục đã lưu trên máy.",
                                 "No connection. Using the list of procedures saved on this phone."),
            catalogNeverDownloaded: pick("Cần kết nối mạng một lần để tải danh mục thủ tục. Hãy bật Wi-Fi hoặc dữ liệu di động.",
                                         "Connect once to download the list of procedures. Turn on Wi-Fi or mobile data."),
            offlineDraftQueued: pick("Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
                                     "The dossier is saved on this phone and will be sent by itself when there is a connection."),
            offlineStatus: pick("Không có mạng. Đang hiển thị trạng thái đã cập nhật lần trước; ứng dụng sẽ tự cập nhật khi có mạng.",
                                "No connection. Showing the status from the last update; the app updates by itself when there is a connection."),
            offlineLogin: pick("Không có mạng nên chưa đăng nhập được. Hãy bật Wi-Fi hoặc dữ liệu di động rồi bấm Thử lại.",
                               "No connection, so you cannot log in yet. Turn on Wi-Fi or mobile data, then tap Try again."),
            offlineAction: pick("Không có mạng nên chưa gửi được. Chưa có gì thay đổi; hãy thử lại khi có mạng.",
                                "No connection, so nothing was sent and nothing changed. Try again when there is a connection."),
            withdrawalQueued: pick("Yêu cầu rút hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
                                   "The request to withdraw is saved on this phone and will be sent by itself when there is a connection."),
            receiptAfterIntake: pick("Giấy tiếp nhận (mã QR) sẽ có khi bộ phận một cửa tiếp nhận hồ sơ.",
                                     "The receipt (QR code) is issued when the one-stop desk accepts the dossier."),
            noTrustList: pick("Chưa có danh sách khóa ký số trên máy.", "No signing-key list on this phone yet."),
            applicantMatches: pick("Đúng người đứng tên hồ sơ.", "This is the applicant."),
            applicantDiffers: pick("Số định danh không khớp với người đứng tên hồ sơ.", "The ID number does not match the applicant."),
            applicantUnknown: pick("Giấy này không có số định danh để đối chiếu.", "This receipt carries no ID number to compare."),
            assistErased: pick("Đã kết thúc phiên hỗ trợ. Thông tin của người được hỗ trợ đã được xóa khỏi máy này.",
                               "The assisted session has ended. The person's information has been erased from this phone."),
            assistInterrupted: pick("Phiên hỗ trợ trước bị gián đoạn và đã được xóa khỏi máy.",
                                    "The previous assisted session was interrupted and has been erased."),
            assistNobodyLoggedIn: pick("Không có ai đăng nhập trong phiên này nên phiên không được tính là đã hỗ trợ.",
                                       "Nobody logged in during this session, so it does not count as someone helped."),
            resultDue: { pick("Hẹn trả kết quả: \($0)", "Result due: \($0)") },
            supplementFor: { pick("Bổ sung hồ sơ \($0)", "Documents for dossier \($0)") },
            supplementSent: { pick("Đã gửi bổ sung hồ sơ \($0)", "Documents sent for dossier \($0)") },
            submitted: { pick("Đã nộp hồ sơ. Mã hồ sơ: \($0)", "Dossier submitted. Dossier code: \($0)") },
            refused: { pick("Hồ sơ chưa được nhận: \($0)", "The dossier was not accepted: \($0)") },
            uploading: { pick("Đang gửi giấy tờ: \($0)%", "Sending documents: \($0)%") },
            problemsToFix: { pick("Còn \($0) chỗ cần sửa trước khi nộp", "\($0) things to fix before submitting") },
            trustListUpdatedAt: { pick("Danh sách khóa ký số cập nhật lúc \($0)", "Signing-key list updated at \($0)") }
        )
    }
}

/// Follows the core's payments area: a request kept once fetched, a refresh that fails
/// offline (`offline`: the core then answers with the kept one, marked so), the e-receipt
/// only once paid.
final class FakePayments: PaymentPort, @unchecked Sendable {
    /// What the portal would answer now.
    var portal: PaymentSheet
    /// What the phone kept (nil before the first fetch).
    var kept: PaymentSheet?
    /// The portal cannot be reached.
    var offline = false
    /// Fails the refresh outright (a problem that is not the network).
    var failure: Problem?
    var refreshes = 0

    init(portal: PaymentSheet) {
        self.portal = portal
    }

    func payment(dossierCode: String) async throws -> PaymentSheet {
        guard let kept else {
            throw Problem(kind: .notFound, code: "payment_not_fetched", message: "Chưa có thông tin lệ phí")
        }
        return kept
    }

    func refresh(dossierCode: String) async throws -> PaymentSheet {
        refreshes += 1
        if let failure { throw failure }
        if offline {
            guard let kept else {
                throw Problem(kind: .network, code: "network", message: "Không kết nối được")
            }
            return kept.offlineCopy
        }
        kept = portal
        return portal
    }

    func feeReceipt(dossierCode: String) async throws -> FeeReceiptSheet {
        guard let kept, kept.hasFeeReceipt else {
            throw Problem(kind: .notFound, code: "no_fee_receipt", message: "Chưa có biên lai lệ phí")
        }
        return FeeReceiptSheet(qrText: "MCF1:ABC", modules: sampleModules, qrPNG: Data([0x89, 0x50]),
                               lines: [ReceiptField(label: "Mã hồ sơ", value: kept.code),
                                       ReceiptField(label: "Số tiền", value: kept.amountLabel ?? "")],
                               verdictLine: "Biên lai hợp lệ")
    }
}

/// A fee of 7.000 đ awaiting its payment, as the core shows it.
func awaitingFee(_ code: String) -> PaymentSheet {
    PaymentSheet(code: code, amountVND: 7_000, amountLabel: "7.000 đ", reference: "MCAB12CD34",
                 account: PaymentAccount(bankName: "Vietcombank", account: "MOTCUADEMO0001", holder: "UBND PHUONG DEMO"),
                 qrText: "000201010212…6304ABCD", qrModules: sampleModules, qrPNG: Data([0x89, 0x50]),
                 headline: "Cần nộp 7.000 đ trước ngày 09/12/2026.", detail: "Quét mã VietQR…", hasFeeReceipt: false,
                 offline: false, offlineNote: nil)
}

/// The same fee once paid: nothing to scan, the e-receipt issued.
func paidFee(_ code: String) -> PaymentSheet {
    PaymentSheet(code: code, amountVND: 7_000, amountLabel: "7.000 đ", reference: "MCAB12CD34",
                 account: PaymentAccount(bankName: "Vietcombank", account: "MOTCUADEMO0001", holder: "UBND PHUONG DEMO"),
                 qrText: nil, qrModules: nil, qrPNG: nil, headline: "Đã nộp 7.000 đ lúc 09:30 02/12/2026.",
                 detail: "Biên lai điện tử đã được cấp.", hasFeeReceipt: true, offline: false, offlineNote: nil)
}

extension PaymentSheet {
    /// As the core answers offline: the kept request, marked, with its note.
    var offlineCopy: PaymentSheet {
        PaymentSheet(code: code, amountVND: amountVND, amountLabel: amountLabel, reference: reference, account: account,
                     qrText: qrText, qrModules: qrModules, qrPNG: qrPNG, headline: headline, detail: detail,
                     hasFeeReceipt: hasFeeReceipt, offline: true,
                     offlineNote: "Không kết nối được; thông tin cập nhật lúc 09:00 02/12/2026.")
    }
}
