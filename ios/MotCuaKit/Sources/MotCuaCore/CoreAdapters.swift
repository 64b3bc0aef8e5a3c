import Foundation
import MotCuaBindings
import MotCuaModels

/*
 * The models' ports over the generated bindings: conversions only, no decisions (the same
 * as Android's CoreAdapters.kt). The bindings' synchronous calls (SQLite, sealing) run here
 * inside nonisolated async functions, so never on the main thread.
 */

// MARK: - Identity

final class CoreIdentity: IdentityPort {
    private let core: Identity

    init(_ core: Identity) {
        self.core = core
    }

    func beginLogin() async throws -> LoginStart {
        let request = try await mappedAsync { try await core.beginLogin() }
        guard let url = URL(string: request.url) else {
            throw Problem(kind: .unexpected, code: "invalid_login_url", message: request.url)
        }
        return LoginStart(url: url, redirectURI: request.redirectUri)
    }

    func completeLogin(callbackURL: String) async throws -> Citizen {
        citizen(try await mappedAsync { try await core.completeLogin(callbackUrl: callbackURL) })
    }

    func profile() async throws -> Citizen? {
        try mapped { try core.profile() }.map(citizen)
    }

    func logout() async throws {
        _ = try await mappedAsync { try await core.logout() }
    }

    func eraseWarning() async throws -> String? {
        try mapped { try core.eraseWarning() }
    }

    func logoutAndErase() async throws {
        _ = try await mappedAsync { try await core.logoutAndErase() }
    }
}

private func citizen(_ p: Profile) -> Citizen {
    Citizen(fullName: p.fullName, personalID: p.personalId, birthDate: p.birthDate, address: p.address,
            tier: tier(p.identityLevel))
}

private func tier(_ level: IdentityLevel) -> IdentityTier {
    switch level {
    case .level1: return .level1
    case .level2: return .level2
    }
}

// MARK: - Catalog

final class CoreCatalog: CatalogPort {
    private let core: Catalog

    init(_ core: Catalog) {
        self.core = core
    }

    func refreshCatalog() async throws {
        _ = try await mappedAsync { try await core.refreshCatalog() }
    }

    func searchProcedures(_ query: String, limit: Int) async throws -> [ProcedureMatch] {
        let hits = try mapped { try core.searchProcedures(query: query, limit: UInt32(clamping: limit)) }
        return hits.map { hit in
            ProcedureMatch(
                code: hit.code,
                nameVi: hit.nameVi,
                nameEn: hit.nameEn,
                quality: quality(hit.kind),
                matchedAlias: hit.matchedAlias,
                highlights: hit.highlights.map { ScalarRange(start: Int($0.start), end: Int($0.end)) }
            )
        }
    }

    func procedure(code: String) async throws -> ProcedureSheet? {
        try mapped { try core.procedure(code: code) }.map(sheet)
    }
}

private func quality(_ kind: MatchKind) -> MatchQuality {
    switch kind {
    case .exact: return .exact
    case .prefix: return .prefix
    case .fuzzy: return .fuzzy
    }
}

private func fieldType(_ kind: FieldKind) -> FieldType {
    switch kind {
    case .text: return .text
    case .longText: return .longText
    case .number: return .number
    case .date: return .date
    case .select: return .select
    case .checkbox: return .checkbox
    case .phone: return .phone
    case .email: return .email
    case .personalId: return .personalID
    case .adminUnit: return .adminUnit
    }
}

private func sheet(_ p: Procedure) -> ProcedureSheet {
    ProcedureSheet(
        code: p.code,
        nameVi: p.nameVi,
        nameEn: p.nameEn,
        fieldVi: p.fieldVi,
        agencyVi: p.agencyVi,
        fullyOnline: p.fullyOnline,
        processingDays: p.processingDays.map { Int($0) },
        feeVnd: p.feeVnd,
        onlineFeeVnd: p.onlineFeeVnd,
        feeNoteVi: p.feeNoteVi,
        feeNoteEn: p.feeNoteEn,
        requiredTier: tier(p.requiredIdentityLevel),
        documents: p.documents.map { DocumentSpec(id: $0.id, nameVi: $0.nameVi, nameEn: $0.nameEn, required: $0.required) },
        form: p.form.map { f in
            FormFieldSpec(
                id: f.id,
                type: fieldType(f.kind),
                labelVi: f.labelVi,
                labelEn: f.labelEn,
                required: f.required,
                options: f.options.map { OptionSpec(value: $0.value, labelVi: $0.labelVi, labelEn: $0.labelEn) },
                helpVi: f.helpVi,
                helpEn: f.helpEn
            )
        }
    )
}

// MARK: - Dossier

final class CoreDossiers: DossierPort, CitizenActionsPort {
    private let core: Dossiers

    init(_ core: Dossiers) {
        self.core = core
    }

    func createDraft(procedureCode: String) async throws -> FormView {
        try mapped {
            let draft = try core.createDraft(procedureCode: procedureCode)
            return formView(try core.form(draftId: draft.id))
        }
    }

    func setField(draftID: String, fieldID: String, value: String) async throws -> FieldUI {
        fieldUI(try mapped { try core.setField(draftId: draftID, fieldId: fieldID, value: value) })
    }

    func addAttachment(draftID: String, requirement: String, fileName: String, bytes: Data) async throws -> AttachedFile {
        attached(try await mappedAsync {
            try await core.addAttachmentBytes(draftId: draftID, requirement: requirement, fileName: fileName, bytes: bytes)
        })
    }

    func removeAttachment(draftID: String, attachmentID: Int64) async throws {
        try mapped { try core.removeAttachment(draftId: draftID, attachmentId: attachmentID) }
    }

    func setOnBehalf(draftID: String, person: OnBehalfPerson?) async throws -> OnBehalfChange {
        // `basisLabel` is the core's words on the way out; it is not read on the way in.
        let record = person.map {
            OnBehalf(fullName: $0.fullName, personalId: $0.personalID, basis: bindingsBasis($0.basis), detail: $0.detail, basisLabel: "")
        }
        do {
            _ = try core.setOnBehalf(draftId: draftID, onBehalf: record)
            return .recorded(formView(try core.form(draftId: draftID)))
        } catch CoreException.InvalidInput(_, _, _, _, let problems) where !problems.isEmpty {
            // Problems are named `on_behalf_of.<member>`.
            return .invalid(problems.map { problem in
                let member = problem.field.hasPrefix("on_behalf_of.") ? String(problem.field.dropFirst("on_behalf_of.".count)) : problem.field
                return FieldIssue(fieldID: member, message: problem.userMessage)
            })
        } catch {
            throw problem(from: error)
        }
    }

    func form(draftID: String) async throws -> FormView {
        formView(try mapped { try core.form(draftId: draftID) })
    }

    func check(draftID: String) async throws -> FormView {
        formView(try mapped { try core.check(draftId: draftID) })
    }

    func drafts() async throws -> [DraftLine] {
        try mapped { try core.drafts() }.map {
            DraftLine(id: $0.id, procedureCode: $0.procedureCode, phase: phase($0.state), updatedAt: $0.updatedAt,
                      dossierCode: $0.dossierCode, answersDossier: $0.answersDossier)
        }
    }

    func deleteDraft(id: String) async throws {
        try mapped { try core.deleteDraft(draftId: id) }
    }

    func submit(draftID: String) async throws -> Delivery {
        delivery(try await mappedAsync { try await core.submit(draftId: draftID) })
    }

    func runOutbox(force: Bool) async throws -> [OutboxResult] {
        // `key` is the draft (a submission or a supplement answer), or the dossier code of a
        // queued withdrawal.
        try await mappedAsync { try await core.runOutbox(force: force) }.map {
            OutboxResult(draftID: $0.key, delivery: delivery($0.outcome))
        }
    }

    func pendingSubmissions() async throws -> Int {
        Int(try mapped { try core.pendingSubmissions() })
    }

    func watchUploads(_ onStep: @escaping @Sendable (UploadStep) -> Void) -> ListenerToken {
        let handle = core.addUploadListener(listener: UploadRelay(onStep))
        return HandleToken(handle)
    }

    // MARK: CitizenActionsPort

    func withdraw(code: String, note: String?) async throws -> Delivery {
        delivery(try await mappedAsync { try await core.withdraw(code: code, note: note) })
    }

    func answerSupplement(code: String) async throws -> FormView {
        try mapped {
            let answer = try core.answerSupplement(code: code)
            return formView(try core.form(draftId: answer.id))
        }
    }
}

/// The bindings' upload listener, handing each step to the model (on the core's thread).
private final class UploadRelay: UploadListener {
    private let onStep: @Sendable (UploadStep) -> Void

    init(_ onStep: @escaping @Sendable (UploadStep) -> Void) {
        self.onStep = onStep
    }

    func onUploadProgress(progress: UploadProgress) throws {
        onStep(UploadStep(draftID: progress.draftId, percent: Int(progress.percent), message: progress.message))
    }
}

/// A listener registration: cancelling stops the calls (so does releasing the handle).
private final class HandleToken: ListenerToken {
    private let handle: ListenerHandle

    init(_ handle: ListenerHandle) {
        self.handle = handle
    }

    func cancel() {
        handle.cancel()
    }
}

private func phase(_ state: DraftState) -> DraftPhase {
    switch state {
    case .editing: return .editing
    case .submitting: return .submitting
    case .submitted: return .submitted
    }
}

private func bindingsBasis(_ basis: MotCuaModels.RepresentationBasis) -> MotCuaBindings.RepresentationBasis {
    switch basis {
    case .parent: return .parent
    case .child: return .child
    case .spouse: return .spouse
    case .sibling: return .sibling
    case .guardian: return .guardian
    case .authorised: return .authorised
    }
}

private func modelBasis(_ basis: MotCuaBindings.RepresentationBasis) -> MotCuaModels.RepresentationBasis {
    switch basis {
    case .parent: return .parent
    case .child: return .child
    case .spouse: return .spouse
    case .sibling: return .sibling
    case .guardian: return .guardian
    case .authorised: return .authorised
    }
}

private func fieldUI(_ f: DraftField) -> FieldUI {
    FieldUI(id: f.id, type: fieldType(f.kind), label: f.label, help: f.help, required: f.required,
            choices: f.choices.map { Choice(value: $0.value, label: $0.label) }, value: f.value,
            prefilled: f.prefilled, error: f.error, readOnly: f.locked)
}

private func attached(_ a: Attachment) -> AttachedFile {
    AttachedFile(id: a.id, requirement: a.requirement, fileName: a.fileName, size: a.size, uploaded: a.uploaded)
}

private func formView(_ f: MotCuaBindings.DraftForm) -> FormView {
    let answer: (String, [String])?
    switch f.mode {
    case .filing: answer = nil
    case .supplementAnswer(let code, let requested): answer = (code, requested)
    }
    let submission: SubmissionState
    switch f.submission {
    case .editing: submission = .editing
    case .queued(let message): submission = .queued(message: message)
    case .submitted(let code, let message): submission = .submitted(dossierCode: code, message: message)
    }
    return FormView(
        draftID: f.draftId,
        procedureCode: f.procedureCode,
        title: f.title,
        answersDossier: answer?.0,
        requested: answer?.1 ?? [],
        fields: f.fields.map(fieldUI),
        documents: f.documents.map {
            DocumentUI(requirement: $0.requirement, name: $0.name, required: $0.required,
                       files: $0.attachments.map(attached), error: $0.error)
        },
        submission: submission,
        ready: f.ready,
        message: f.message,
        onBehalf: f.onBehalfOf.map {
            OnBehalfPerson(fullName: $0.fullName, personalID: $0.personalId, basis: modelBasis($0.basis), detail: $0.detail)
        },
        onBehalfOffered: f.onBehalfOffered
    )
}

private func delivery(_ outcome: SubmitOutcome) -> Delivery {
    switch outcome {
    case .delivered(let dossierCode): return .delivered(dossierCode: dossierCode)
    case .pending(_, let retryInSecs): return .queued(retryInSeconds: retryInSecs)
    case .refused(let reason): return .refused(reason: reason)
    }
}

// MARK: - Tracking

final class CoreTracking: TrackingPort {
    private let core: Tracking

    init(_ core: Tracking) {
        self.core = core
    }

    func sync() async throws -> [StatusEvent] {
        try await mappedAsync { try await core.sync() }.map(statusEvent)
    }

    func syncNotices(delivered: [String]) async throws -> [MotCuaModels.Notice] {
        let changes = try await mappedAsync { try await core.sync() }
        return core.notices(changes: changes, delivered: delivered).map {
            MotCuaModels.Notice(id: "dossier-\($0.dossierCode)", title: $0.title, body: $0.body)
        }
    }

    func dossiers() async throws -> [DossierLine] {
        try mapped { try core.dossiers() }.map {
            DossierLine(code: $0.code, procedureCode: $0.procedureCode, status: modelStatus($0.status),
                        label: $0.statusLabel, submittedAt: $0.submittedAt)
        }
    }

    func dossier(code: String) async throws -> DossierRecord? {
        try mapped { try core.dossier(code: code) }.map(DossierRecord.init(core:))
    }

    func watchStatus(_ onChange: @escaping @Sendable (StatusEvent) -> Void) -> ListenerToken {
        HandleToken(core.addStatusListener(listener: StatusRelay(onChange)))
    }
}

extension DossierRecord {
    /// The core's view of a tracked dossier, as the models' record: its label, actions,
    /// primary action and what the desk asks for are the core's, converted, not derived.
    public init(core d: TrackedDossier) {
        self.init(code: d.code, procedureCode: d.procedureCode, status: modelStatus(d.status), label: d.statusLabel,
                  appointmentDate: d.appointmentDate, overdue: d.overdue, timeline: d.timeline.map(statusEvent),
                  actions: d.actions.available.map(modelAction), primary: d.actions.primary.map(modelAction),
                  missing: d.missing)
    }
}

private func statusEvent(_ c: StatusChange) -> StatusEvent {
    StatusEvent(code: c.code, status: modelStatus(c.status), label: c.label, at: c.at, note: c.note, reason: c.reason,
                missing: c.missing, appointmentDate: c.appointmentDate)
}

/// The bindings' status listener, handing each change to the app (on the core's thread).
private final class StatusRelay: StatusListener {
    private let onChange: @Sendable (StatusEvent) -> Void

    init(_ onChange: @escaping @Sendable (StatusEvent) -> Void) {
        self.onChange = onChange
    }

    func onStatusChange(change: StatusChange) throws {
        onChange(statusEvent(change))
    }
}

private func modelStatus(_ status: MotCuaBindings.DossierStatus) -> MotCuaModels.DossierStatus {
    switch status {
    case .submitted: return .submitted
    case .received: return .received
    case .notAccepted: return .notAccepted
    case .processing: return .processing
    case .supplementRequested: return .supplementRequested
    case .paymentRequested: return .paymentRequested
    case .withdrawalRequested: return .withdrawalRequested
    case .stopped: return .stopped
    case .resultReady: return .resultReady
    case .returned: return .returned
    case .withdrawn: return .withdrawn
    case .rejected: return .rejected
    }
}

private func modelAction(_ action: MotCuaBindings.CitizenAction) -> MotCuaModels.CitizenAction {
    switch action {
    case .showReceipt: return .showReceipt
    case .answerSupplement: return .answerSupplement
    case .payFee: return .payFee
    case .showFeeReceipt: return .showFeeReceipt
    case .withdraw: return .withdraw
    }
}
