import Foundation
import Observation

/// A choice of a select field.
public struct Choice: Equatable, Sendable, Identifiable {
    public let value: String
    public let label: String

    public var id: String { value }

    public init(value: String, label: String) {
        self.value = value
        self.label = label
    }
}

/// One field of the form, ready to render: its widget follows `type`. The core's field (its
/// label, help, pre-fill mark, lock and the error to show now), with the value as typed.
public struct FieldUI: Equatable, Sendable, Identifiable {
    public let id: String
    public let type: FieldType
    public let label: String
    public let help: String?
    public let required: Bool
    public let choices: [Choice]
    public var value: String
    /// Filled in by the app from the electronic identity or an earlier dossier.
    public var prefilled: Bool
    /// Shown under the field, in red with an icon, and read by VoiceOver.
    public var error: String?
    /// Filled from the verified electronic identity (or the person filed for) and locked
    /// to it: render it read-only (the core refuses a change; `valueChanged` ignores one).
    public var readOnly: Bool = false

    public init(id: String, type: FieldType, label: String, help: String?, required: Bool, choices: [Choice],
                value: String, prefilled: Bool, error: String?, readOnly: Bool = false) {
        self.id = id
        self.type = type
        self.label = label
        self.help = help
        self.required = required
        self.choices = choices
        self.value = value
        self.prefilled = prefilled
        self.error = error
        self.readOnly = readOnly
    }
}

/// A required (or optional) document with what is attached to it.
public struct DocumentUI: Equatable, Sendable, Identifiable {
    public let requirement: String
    public let name: String
    public let required: Bool
    public let files: [AttachedFile]
    /// The core's problem to show now (a missing document, after a submission attempt).
    public let error: String?

    public var id: String { requirement }

    public init(requirement: String, name: String, required: Bool, files: [AttachedFile], error: String?) {
        self.requirement = requirement
        self.name = name
        self.required = required
        self.files = files
        self.error = error
    }
}

/// Filing on behalf of someone else ("Nộp thay"): the switch and the person as typed. What
/// the form then locks, and to which values, is the core's (`FieldUI.readOnly` and the values
/// of the draft it returns); nothing here decides it.
public struct OnBehalfUI: Equatable, Sendable {
    /// The switch: the person files for someone else.
    public var on = false
    /// The filer's relation to the person; chosen, never assumed.
    public var basis: RepresentationBasis? = nil
    public var fullName = ""
    public var personalID = ""
    /// The document behind it (the core requires one for `.authorised`).
    public var detail = ""
    /// The core's problems with what is typed, by member: `full_name`, `personal_id`, `basis`, `detail`.
    public var errors: [String: String] = [:]
    /// The core holds what the switch and the typing say (the person, or nobody when off).
    public var recorded = true
    /// The person the core has on the draft now (the form's name and ID are theirs), if any.
    public var held: OnBehalfPerson? = nil

    public init() {}

    /// The record the switch and the typing ask for: nil when off, or no relation chosen yet.
    public var person: OnBehalfPerson? {
        guard on, let basis else { return nil }
        let detail = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        return OnBehalfPerson(fullName: fullName.trimmingCharacters(in: .whitespacesAndNewlines),
                              personalID: personalID.trimmingCharacters(in: .whitespacesAndNewlines),
                              basis: basis, detail: detail.isEmpty ? nil : detail)
    }

    /// The same switch and typing, whatever the problems shown and the core's state.
    func same(_ other: OnBehalfUI) -> Bool {
        on == other.on && basis == other.basis && fullName == other.fullName && personalID == other.personalID && detail == other.detail
    }
}

/// The submission under way or done.
public enum SubmitUI: Equatable, Sendable {
    case idle
    /// `percent` of the submission's bytes sent (the core's count and words).
    case sending(percent: Int, message: String)
    /// Done: the dossier code to keep.
    case submitted(dossierCode: String, message: String)
    /// Saved on the phone; the outbox sends it by itself.
    case queued(message: String)
}

/// The draft form screen while it is shown.
public struct DraftForm: Equatable, Sendable {
    public let draftID: String
    public let procedureCode: String
    /// The procedure's name, or "Bổ sung hồ sơ …" for a supplement answer.
    public let title: String
    /// For a supplement answer: the dossier it answers.
    public let answersDossier: String?
    /// For a supplement answer: what the desk asked for.
    public let requested: [String]
    public var fields: [FieldUI]
    public var documents: [DocumentUI]
    public var submit: SubmitUI = .idle
    /// The core's words above the button ("Còn 2 chỗ cần sửa trước khi nộp", a refusal), or
    /// a failed call's problem.
    public var message: String?
    /// A file is being prepared (straightened, shrunk) by the core.
    public var attaching = false
    /// Filing on behalf of someone else; nil when the draft does not offer it (a supplement
    /// answer, no field bound to an identity).
    public var onBehalf: OnBehalfUI? = nil
}

/// The draft form screen.
public enum DraftFormState: Equatable, Sendable {
    case loading
    case editing(DraftForm)
    case failed(Problem)
}

/// A draft's form as the core gives it (`FormView`: labels, the errors to show now, the
/// documents, the supplement-answer mode, the sentences); this model keeps only what is on
/// screen meanwhile (the value being typed, the on-behalf part being typed, the progress).
/// Every change is saved by the core at once (so killing the app loses nothing, and a
/// re-created screen is restored from the core by its draft id). Submitting freezes the
/// draft in the outbox: without a network it is kept and sent later, and the screen says so.
@MainActor
@Observable
public final class DraftFormModel {
    public private(set) var state: DraftFormState = .loading

    /// Where the draft comes from.
    public enum Origin: Equatable, Sendable {
        case newDraft(procedureCode: String)
        case existing(draftID: String)
        /// The answer to a supplement request of this dossier (started or reopened).
        case supplementAnswer(dossierCode: String)
    }

    private let origin: Origin
    private let dossiers: DossierPort
    private let actions: CitizenActionsPort?
    private let texts: Texts
    /// Field saves run one at a time, in typing order (the previous save is awaited first).
    @ObservationIgnored private var lastSave: Task<Void, Never>? = nil

    public init(origin: Origin, dossiers: DossierPort, actions: CitizenActionsPort? = nil, lang: Lang) {
        self.origin = origin
        self.dossiers = dossiers
        self.actions = actions
        self.texts = Texts(lang: lang)
    }

    /// The draft's id, once loaded: what the app keeps to re-create this screen.
    public var draftID: String? {
        if case .editing(let form) = state { return form.draftID }
        return nil
    }

    /// Creates or reads the draft. Called once by the screen.
    public func load() async {
        guard case .loading = state else { return }
        do {
            let form: FormView
            switch origin {
            case .newDraft(let code): form = try await dossiers.createDraft(procedureCode: code)
            case .existing(let id): form = try await dossiers.form(draftID: id)
            case .supplementAnswer(let code):
                guard let actions else { throw Problem.notSupported(texts.notYetAvailable) }
                form = try await actions.answerSupplement(code: code)
            }
            state = .editing(render(form))
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }

    /// Each keystroke or choice: shown at once, saved by the core, error from the core.
    /// Returns the save, for callers that wait for it (tests); the screen does not.
    @discardableResult
    public func valueChanged(fieldID: String, value: String) -> Task<Void, Never> {
        guard case .editing(var form) = state else { return Task {} }
        // A field locked to the identity keeps its value: nothing to show, nothing to save.
        if form.fields.contains(where: { $0.id == fieldID && $0.readOnly }) { return Task {} }
        form.edit(fieldID) { field in
            field.value = value
            field.prefilled = false
        }
        state = .editing(form)
        let draftID = form.draftID
        let previous = lastSave
        let save = Task {
            await previous?.value
            do {
                let saved = try await dossiers.setField(draftID: draftID, fieldID: fieldID, value: value)
                update { form in
                    form.edit(fieldID) { field in
                        // A later keystroke wins: its own save brings its own error.
                        if field.value == value { field.error = saved.error }
                    }
                }
            } catch {
                let problem = Problem.from(error, texts: texts)
                update { $0.message = problem.message }
            }
        }
        lastSave = save
        return save
    }

    /// Turns filing on behalf of someone else on or off. Off, the core is told at once (the
    /// name and ID fields go back to the citizen's identity); on, as soon as a relation is
    /// chosen and the person typed (`onBehalfChanged`). Returns the save, for tests.
    @discardableResult
    public func fileOnBehalf(_ on: Bool) -> Task<Void, Never> {
        guard case .editing(var form) = state, var current = form.onBehalf, case .idle = form.submit, current.on != on else {
            return Task {}
        }
        current.on = on
        current.errors = [:]
        current.recorded = false
        form.onBehalf = current
        state = .editing(form)
        return queueOnBehalf()
    }

    /// The person filed for, as typed: each change is offered to the core, which records a
    /// valid person (and locks the form's name and ID to them) or says what is wrong. Only
    /// problems with something typed are shown before a submission attempt.
    @discardableResult
    public func onBehalfChanged(fullName: String? = nil, personalID: String? = nil,
                                basis: RepresentationBasis? = nil, detail: String? = nil) -> Task<Void, Never> {
        guard case .editing(var form) = state, var current = form.onBehalf, current.on, case .idle = form.submit else {
            return Task {}
        }
        if let fullName { current.fullName = fullName }
        if let personalID { current.personalID = personalID }
        if let basis { current.basis = basis }
        if let detail { current.detail = detail }
        current.recorded = false
        form.onBehalf = current
        state = .editing(form)
        return queueOnBehalf()
    }

    /// Records the on-behalf choice after the saves before it, in order.
    private func queueOnBehalf() -> Task<Void, Never> {
        let previous = lastSave
        let save = Task {
            await previous?.value
            _ = await recordOnBehalf(showAll: false)
        }
        lastSave = save
        return save
    }

    /// Tells the core what the switch and the typing ask for; whether it now holds it.
    /// `showAll`: every problem (a submission attempt), not only those with something typed.
    private func recordOnBehalf(showAll: Bool) async -> Bool {
        guard case .editing(let form) = state, let asked = form.onBehalf else { return true }
        let person = asked.person
        if asked.on && person == nil {
            // No relation chosen yet: nothing the core could record.
            if showAll { editOnBehalf(asked) { $0.errors = ["basis": self.texts.onBehalfChooseBasis] } }
            return false
        }
        let change: OnBehalfChange
        do {
            change = try await dossiers.setOnBehalf(draftID: form.draftID, person: person)
        } catch {
            let problem = Problem.from(error, texts: texts)
            update { $0.message = problem.kind == .notSupported ? self.texts.notYetAvailable : problem.message }
            return false
        }
        switch change {
        case .recorded(let recorded):
            update { form in
                let fresh = self.render(recorded)
                // The fields bound to an identity (locked before or after) are the core's now;
                // the others keep what is on screen, saves of theirs may be pending.
                let wasLocked = Set(form.fields.filter(\.readOnly).map(\.id))
                let byID = Dictionary(fresh.fields.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                form.fields = form.fields.map { f in
                    guard let new = byID[f.id], new.readOnly || wasLocked.contains(f.id) else { return f }
                    return new
                }
                if var current = form.onBehalf {
                    if current.same(asked) {
                        current.errors = [:]
                        current.recorded = true
                    }
                    current.held = recorded.onBehalf
                    form.onBehalf = current
                }
            }
            return true
        case .invalid(let issues):
            editOnBehalf(asked) { ob in
                let typed = ["full_name": ob.fullName, "personal_id": ob.personalID, "detail": ob.detail]
                let shown = issues.filter { showAll || !(typed[$0.fieldID] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
                ob.errors = Dictionary(shown.map { ($0.fieldID, $0.message) }, uniquingKeysWith: { first, _ in first })
            }
            return false
        }
    }

    /// Changes the on-behalf part, unless the person typed on meanwhile (a newer save follows).
    private func editOnBehalf(_ asked: OnBehalfUI, _ change: (inout OnBehalfUI) -> Void) {
        update { form in
            guard var current = form.onBehalf, current.same(asked) else { return }
            change(&current)
            form.onBehalf = current
        }
    }

    /// A photo from the camera or a file chosen (bytes read by the app).
    public func attach(requirement: String, fileName: String, bytes: Data) async {
        guard let draftID else { return }
        update { $0.attaching = true }
        var message: String?
        do {
            _ = try await dossiers.addAttachment(draftID: draftID, requirement: requirement, fileName: fileName, bytes: bytes)
        } catch {
            message = Problem.from(error, texts: texts).message
        }
        await reload(message: message)
    }

    /// Removes an attached file.
    public func removeAttachment(_ attachmentID: Int64) async {
        guard let draftID else { return }
        var message: String?
        do {
            try await dossiers.removeAttachment(draftID: draftID, attachmentID: attachmentID)
        } catch {
            message = Problem.from(error, texts: texts).message
        }
        await reload(message: message)
    }

    /// The one primary action: checks the draft (problems shown inline), then submits with
    /// upload progress.
    public func submit() async {
        guard case .editing(let form) = state else { return }
        if case .sending = form.submit { return }
        await lastSave?.value
        // What the switch says is what is filed: recorded first, or its problems shown.
        if case .editing(let now) = state, now.onBehalf?.recorded == false, !(await recordOnBehalf(showAll: true)) {
            update { form in form.message = self.texts.problemsToFix(max(form.onBehalf?.errors.count ?? 0, 1)) }
            return
        }
        // The core shows every problem from now on; it says whether anything is left.
        let checked: FormView
        do {
            checked = try await dossiers.check(draftID: form.draftID)
        } catch {
            let problem = Problem.from(error, texts: texts)
            update { $0.message = problem.message }
            return
        }
        if !checked.ready {
            show(checked)
            return
        }
        update {
            $0.submit = .sending(percent: 0, message: self.texts.uploading(0))
            $0.message = nil
        }
        let draftID = form.draftID
        let watch = dossiers.watchUploads { step in
            guard step.draftID == draftID else { return }
            Task { @MainActor [weak self] in self?.showProgress(step) }
        }
        defer { watch.cancel() }
        do {
            _ = try await dossiers.submit(draftID: form.draftID)
        } catch {
            await reload(message: Problem.from(error, texts: texts).message)
            return
        }
        // Delivered, queued or refused: the core's form says which, in its words.
        await reload()
    }

    private func showProgress(_ step: UploadStep) {
        update { form in
            guard case .sending(let shown, _) = form.submit, step.percent > shown else { return }
            form.submit = .sending(percent: step.percent, message: step.message)
        }
    }

    /// Reads the form back from the core (after attachments, refusals, deliveries).
    private func reload(message: String? = nil) async {
        guard let draftID else { return }
        do {
            show(try await dossiers.form(draftID: draftID), message: message)
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }

    /// Shows the core's form, keeping the on-behalf part as on screen (the person may be
    /// typing ahead of the core).
    private func show(_ view: FormView, message: String? = nil) {
        var form = render(view)
        if case .editing(let shown) = state, var typed = shown.onBehalf, form.onBehalf != nil {
            typed.held = form.onBehalf?.held
            form.onBehalf = typed
        }
        if let message { form.message = message }
        state = .editing(form)
    }

    private func update(_ change: (inout DraftForm) -> Void) {
        guard case .editing(var form) = state else { return }
        change(&form)
        state = .editing(form)
    }

    /// The screen's state from the core's form: a conversion, the rules are the core's.
    private func render(_ view: FormView) -> DraftForm {
        let submit: SubmitUI
        switch view.submission {
        case .editing: submit = .idle
        case .queued(let message): submit = .queued(message: message)
        case .submitted(let code, let message): submit = .submitted(dossierCode: code, message: message)
        }
        return DraftForm(
            draftID: view.draftID,
            procedureCode: view.procedureCode,
            title: view.title,
            answersDossier: view.answersDossier,
            requested: view.requested,
            fields: view.fields,
            documents: view.documents,
            submit: submit,
            message: view.message,
            onBehalf: onBehalf(of: view)
        )
    }

    /// The on-behalf part as the core holds it, when the core offers it
    /// (`FormView.onBehalfOffered`).
    private func onBehalf(of draft: FormView) -> OnBehalfUI? {
        guard draft.onBehalfOffered else { return nil }
        var ui = OnBehalfUI()
        if let person = draft.onBehalf {
            ui.on = true
            ui.basis = person.basis
            ui.fullName = person.fullName
            ui.personalID = person.personalID
            ui.detail = person.detail ?? ""
            ui.held = person
        }
        return ui
    }
}

extension DraftForm {
    mutating func edit(_ fieldID: String, _ change: (inout FieldUI) -> Void) {
        guard let index = fields.firstIndex(where: { $0.id == fieldID }) else { return }
        change(&fields[index])
    }
}
