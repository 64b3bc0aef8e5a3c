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

let offline = Problem(code: "network_unavailable", message: "Không kết nối được", offline: true)
let sessionEnded = Problem(code: "session_ended", message: "Phiên đăng nhập đã hết", loggedOut: true)

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
            throw Problem(code: "state_mismatch", message: "Phiên đăng nhập không khớp")
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
        guard downloaded else { throw Problem(code: "catalog_not_downloaded", message: "Chưa tải danh mục") }
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

final class FakeDossiers: DossierPort, @unchecked Sendable {
    var current: DraftSnapshot = DraftSnapshot(
        id: "d1", procedureCode: "1.001193", procedureName: "Đăng ký khai sinh", phase: .editing,
        fields: [
            FieldValue(fieldID: "applicant_name", value: "Nguyễn Văn An", prefilled: true, error: nil),
            FieldValue(fieldID: "phone", value: nil, prefilled: false, error: "Cần nhập số điện thoại"),
            FieldValue(fieldID: "sex", value: nil, prefilled: false, error: "Cần chọn giới tính"),
        ],
        attachments: [], failure: nil, dossierCode: nil)
    var issues: [FieldIssue] = []
    var delivery: Delivery = .delivered(dossierCode: "000.00.14.H56-260302-0001")
    var outbox: [OutboxResult] = []
    var failure: Problem?
    var pending = 0
    var savedValues: [String] = []
    let listeners = Locked<[@Sendable (UploadStep) -> Void]>([])

    func createDraft(procedureCode: String) async throws -> DraftSnapshot {
        if let failure { throw failure }
        return current
    }

    func setField(draftID: String, fieldID: String, value: String) async throws -> FieldValue {
        savedValues.append(value)
        let error: String? = fieldID == "phone" && value.count != 10 ? "Số điện thoại không đúng" : nil
        return FieldValue(fieldID: fieldID, value: value, prefilled: false, error: error)
    }

    func addAttachment(draftID: String, requirement: String, fileName: String, bytes: Data) async throws -> AttachedFile {
        if bytes.isEmpty { throw Problem(code: "attachment_empty", message: "Tệp trống") }
        let file = AttachedFile(id: Int64(current.attachments.count + 1), requirement: requirement, fileName: fileName,
                                size: UInt64(bytes.count), uploaded: false)
        current = DraftSnapshot(id: current.id, procedureCode: current.procedureCode, procedureName: current.procedureName,
                              phase: current.phase, fields: current.fields, attachments: current.attachments + [file],
                              failure: current.failure, dossierCode: current.dossierCode)
        return file
    }

    func removeAttachment(draftID: String, attachmentID: Int64) async throws {}

    func draft(id: String) async throws -> DraftSnapshot {
        current
    }

    func drafts() async throws -> [DraftLine] {
        [DraftLine(id: current.id, procedureCode: current.procedureCode, phase: current.phase, updatedAt: 0, dossierCode: nil)]
    }

    func deleteDraft(id: String) async throws {}

    func validate(draftID: String) async throws -> [FieldIssue] {
        issues
    }

    func submit(draftID: String) async throws -> Delivery {
        if let failure { throw failure }
        for attachment in current.attachments {
            for listener in listeners.get() {
                listener(UploadStep(draftID: draftID, requirement: attachment.requirement, sent: attachment.size / 2, total: attachment.size))
                listener(UploadStep(draftID: draftID, requirement: attachment.requirement, sent: attachment.size, total: attachment.size))
            }
        }
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

func event(_ status: String, _ label: String, at: String = "2026-03-02T02:30:00Z", missing: [String] = [],
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

final class FakeReceipts: ReceiptPort, @unchecked Sendable {
    var verdicts: [String: ReceiptVerdict] = [:]

    func receipt(dossierCode: String) async throws -> ReceiptSlip {
        ReceiptSlip(qrText: "MC1:ABC", qrSVG: "<svg/>", qrModules: [[true, false], [false, true]],
                    fields: [ReceiptField(label: "Mã hồ sơ", value: dossierCode)])
    }

    func verifyReceipt(scannedText: String) async throws -> ReceiptVerdict {
        verdicts[scannedText] ?? .malformed
    }
}

final class FakeAssist: AssistPort, @unchecked Sendable {
    var active = false
    var helped = 0
    var eraseFailure: Problem?

    func beginAssistedSession() async throws {
        active = true
    }

    func endAssistedSession() async throws {
        if let eraseFailure { throw eraseFailure }
        active = false
        helped += 1
    }

    func assistSummary() async throws -> Int {
        helped
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

    func answerSupplement(code: String) async throws -> DraftSnapshot {
        DraftSnapshot(id: "answer-1", procedureCode: "1.001193", procedureName: "Đăng ký khai sinh", phase: .editing,
                      fields: [FieldValue(fieldID: "supplement_note", value: nil, prefilled: false, error: nil)],
                      attachments: [], failure: nil, dossierCode: code, answersDossier: code, requested: ["Bản sao CCCD"])
    }
}
