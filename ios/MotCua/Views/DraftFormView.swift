import SwiftUI
import UniformTypeIdentifiers
import MotCuaModels

/// The dossier form, drawn from the procedure's schema: one widget per field type, values
/// filled in from the identity marked as such, the core's errors under each field,
/// attachments from the camera or files, and one primary action, submit, with progress.
@MainActor
struct DraftFormView: View {
    @Environment(\.tr) private var tr
    @Environment(\.theme) private var theme
    let model: DraftFormModel
    let openDossier: (String) -> Void

    var body: some View {
        Group {
            switch model.state {
            case .loading:
                LoadingView()
            case .failed(let problem):
                ProblemView(problem: problem) { await model.load() }
            case .editing(let form):
                content(form)
            }
        }
        .navigationTitle(tr("draft.title"))
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
    }

    private func content(_ form: DraftForm) -> some View {
        Form {
            Section {
                Text(form.title)
                    .font(.title3.bold())
                    .accessibilityAddTraits(.isHeader)
                if !form.requested.isEmpty {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(tr("draft.requested")).font(.headline)
                        ForEach(form.requested, id: \.self) { Text("• " + $0) }
                    }
                    .accessibilityElement(children: .combine)
                }
                if let message = form.message {
                    Banner(text: message, kind: .problem)
                }
            }
            // Who the dossier is for comes before the fields it decides.
            if let onBehalf = form.onBehalf {
                Section(tr("onBehalf.title")) {
                    OnBehalfEditor(onBehalf: onBehalf, locked: form.submit != .idle, model: model)
                }
            }
            Section(tr("draft.fields")) {
                ForEach(form.fields) { field in
                    FieldEditor(field: field, locked: form.submit != .idle) { value in
                        model.valueChanged(fieldID: field.id, value: value)
                    }
                }
            }
            Section(tr("draft.documents")) {
                ForEach(form.documents) { document in
                    DocumentEditor(document: document, locked: form.submit != .idle, attaching: form.attaching,
                                   attach: { name, bytes in
                                       Task { await model.attach(requirement: document.requirement, fileName: name, bytes: bytes) }
                                   },
                                   remove: { id in Task { await model.removeAttachment(id) } })
                }
            }
            Section {
                submitArea(form)
            }
        }
    }

    @ViewBuilder
    private func submitArea(_ form: DraftForm) -> some View {
        switch form.submit {
        case .idle:
            Button(tr("draft.submit")) {
                Task { await model.submit() }
            }
            .buttonStyle(PrimaryButtonStyle())
            .listRowInsets(EdgeInsets())
        case .sending(let percent, let message):
            VStack(alignment: .leading, spacing: 8) {
                Text(message)
                ProgressView(value: Double(percent), total: 100)
            }
            .accessibilityElement(children: .combine)
        case .submitted(let code, let message):
            VStack(alignment: .leading, spacing: 12) {
                Label(message, systemImage: "checkmark.seal.fill")
                    .font(.headline)
                    .foregroundStyle(.green)
                Button(tr("draft.openDossier")) { openDossier(code) }
                    .buttonStyle(PrimaryButtonStyle())
            }
        case .queued(let message):
            Banner(text: message)
        }
    }
}

/// One field of the form; its widget follows its type.
@MainActor
private struct FieldEditor: View {
    @Environment(\.tr) private var tr
    let field: FieldUI
    let locked: Bool
    let changed: (String) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(field.label + (field.required ? " *" : ""))
                .font(.headline)
                .accessibilityHidden(true)
            editor
                .disabled(locked || field.readOnly)  // locked to the identity by the core
                .accessibilityLabel(field.label)
                .accessibilityValue(accessibleValue)
                .accessibilityHint(field.help ?? "")
            if let help = field.help {
                Text(help).font(.subheadline).foregroundStyle(.secondary).accessibilityHidden(true)
            }
            if field.prefilled {
                Label(tr("draft.prefilled"), systemImage: "person.text.rectangle")
                    .font(.subheadline)
                    .foregroundStyle(.blue)
                    .accessibilityHidden(true)
            }
            if let error = field.error {
                Label(error, systemImage: "exclamationmark.circle.fill")
                    .font(.subheadline.bold())
                    .foregroundStyle(.red)
                    .accessibilityHidden(true)
            }
        }
        .padding(.vertical, 6)
    }

    /// What VoiceOver reads after the label: the value, whether the app filled it in, the
    /// error.
    private var accessibleValue: String {
        var parts = [field.value.isEmpty ? tr("draft.empty") : displayValue]
        if field.required { parts.append(tr("draft.requiredField")) }
        if field.prefilled { parts.append(tr("draft.prefilled")) }
        if let error = field.error { parts.append(error) }
        return parts.joined(separator: ", ")
    }

    private var displayValue: String {
        switch field.type {
        case .select: return field.choices.first { $0.value == field.value }?.label ?? field.value
        case .checkbox: return field.value == "true" ? tr("draft.yes") : tr("draft.no")
        default: return field.value
        }
    }

    @ViewBuilder
    private var editor: some View {
        switch field.type {
        case .text:
            textField(keyboard: .default, content: nil)
        case .longText:
            TextField("", text: binding, axis: .vertical)
                .lineLimit(3...8)
                .textFieldStyle(.roundedBorder)
        case .number, .adminUnit:
            textField(keyboard: .numberPad, content: nil)
        case .personalID:
            textField(keyboard: .numberPad, content: nil)
        case .phone:
            textField(keyboard: .phonePad, content: .telephoneNumber)
        case .email:
            textField(keyboard: .emailAddress, content: .emailAddress)
                .textInputAutocapitalization(.never)
        case .date:
            DateField(value: field.value, changed: changed)
        case .select:
            Picker(field.label, selection: binding) {
                Text(tr("draft.choose")).tag("")
                ForEach(field.choices) { choice in
                    Text(choice.label).tag(choice.value)
                }
            }
            .pickerStyle(.menu)
            .frame(minHeight: 44)
        case .checkbox:
            Toggle(isOn: Binding(get: { field.value == "true" }, set: { changed($0 ? "true" : "false") })) {
                Text(field.label)
            }
            .frame(minHeight: 44)
        }
    }

    private var binding: Binding<String> {
        Binding(get: { field.value }, set: { changed($0) })
    }

    private func textField(keyboard: UIKeyboardType, content: UITextContentType?) -> some View {
        TextField("", text: binding)
            .keyboardType(keyboard)
            .textContentType(content)
            .autocorrectionDisabled()
            .textFieldStyle(.roundedBorder)
            .frame(minHeight: 44)
    }
}

/// "Nộp thay": a switch, and once on, the relation and the person. What the form then locks
/// or frees is the core's answer (the fields below follow it); this only asks.
@MainActor
private struct OnBehalfEditor: View {
    @Environment(\.tr) private var tr
    let onBehalf: OnBehalfUI
    let locked: Bool
    let model: DraftFormModel

    var body: some View {
        Toggle(isOn: Binding(get: { onBehalf.on }, set: { model.fileOnBehalf($0) })) {
            VStack(alignment: .leading, spacing: 4) {
                Text(tr("onBehalf.switch")).font(.headline)
                Text(tr("onBehalf.explanation")).font(.subheadline).foregroundStyle(.secondary)
            }
        }
        .frame(minHeight: 44)
        .disabled(locked)
        if onBehalf.on {
            if onBehalf.held == nil {
                Text(tr("onBehalf.pending")).font(.subheadline).foregroundStyle(.secondary)
            }
            Picker(tr("onBehalf.basis"), selection: Binding(get: { onBehalf.basis }, set: { basis in
                if let basis { model.onBehalfChanged(basis: basis) }
            })) {
                Text(tr("draft.choose")).tag(RepresentationBasis?.none)
                ForEach(RepresentationBasis.allCases, id: \.self) { basis in
                    Text(label(basis)).tag(RepresentationBasis?.some(basis))
                }
            }
            .pickerStyle(.menu)
            .frame(minHeight: 44)
            .disabled(locked)
            problem("basis")
            typed(tr("onBehalf.name"), onBehalf.fullName, keyboard: .default, member: "full_name") { model.onBehalfChanged(fullName: $0) }
            typed(tr("onBehalf.personalID"), onBehalf.personalID, keyboard: .numberPad, member: "personal_id") { model.onBehalfChanged(personalID: $0) }
            typed(tr("onBehalf.detail"), onBehalf.detail, keyboard: .default, member: "detail") { model.onBehalfChanged(detail: $0) }
        }
    }

    /// The words for each relation the core knows.
    private func label(_ basis: RepresentationBasis) -> String {
        switch basis {
        case .parent: return tr("onBehalf.basis.parent")
        case .child: return tr("onBehalf.basis.child")
        case .spouse: return tr("onBehalf.basis.spouse")
        case .sibling: return tr("onBehalf.basis.sibling")
        case .guardian: return tr("onBehalf.basis.guardian")
        case .authorised: return tr("onBehalf.basis.authorised")
        }
    }

    @ViewBuilder
    private func problem(_ member: String) -> some View {
        if let error = onBehalf.errors[member] {
            Label(error, systemImage: "exclamationmark.circle.fill")
                .font(.subheadline.bold())
                .foregroundStyle(.red)
        }
    }

    private func typed(_ label: String, _ value: String, keyboard: UIKeyboardType, member: String,
                       changed: @escaping (String) -> Void) -> some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(label).font(.headline).accessibilityHidden(true)
            TextField("", text: Binding(get: { value }, set: { changed($0) }))
                .keyboardType(keyboard)
                .autocorrectionDisabled()
                .textFieldStyle(.roundedBorder)
                .frame(minHeight: 44)
                .disabled(locked)
                .accessibilityLabel(label)
                .accessibilityValue([value.isEmpty ? tr("draft.empty") : value, onBehalf.errors[member]].compactMap { $0 }.joined(separator: ", "))
            problem(member)
        }
        .padding(.vertical, 6)
    }
}

/// A date field: the wheel the phone knows, stored as `YYYY-MM-DD` (the day in Vietnam).
@MainActor
private struct DateField: View {
    @Environment(\.tr) private var tr
    let value: String
    let changed: (String) -> Void

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .current
        return calendar
    }

    var body: some View {
        HStack {
            DatePicker(
                "",
                selection: Binding(get: { date ?? Date() }, set: { changed(Self.text($0)) }),
                displayedComponents: .date
            )
            .labelsHidden()
            .environment(\.timeZone, Self.calendar.timeZone)
            if date == nil {
                Text(tr("draft.empty")).foregroundStyle(.secondary)
            }
        }
        .frame(minHeight: 44)
    }

    private var date: Date? {
        let parts = value.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return Self.calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))
    }

    private static func text(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}

/// A document requirement with its files, and the two ways to add one.
@MainActor
private struct DocumentEditor: View {
    @Environment(\.tr) private var tr
    let document: DocumentUI
    let locked: Bool
    let attaching: Bool
    let attach: (String, Data) -> Void
    let remove: (Int64) -> Void
    @State private var camera = false
    @State private var files = false
    @State private var readProblem: String?

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(document.name + (document.required ? " *" : ""))
                .font(.headline)
                .fixedSize(horizontal: false, vertical: true)
            ForEach(document.files) { file in
                HStack {
                    Image(systemName: file.uploaded ? "checkmark.icloud" : "doc")
                        .accessibilityHidden(true)
                    Text(file.fileName).lineLimit(2)
                    Spacer()
                    if !locked {
                        Button(role: .destructive) { remove(file.id) } label: {
                            Image(systemName: "trash")
                                .frame(minWidth: 44, minHeight: 44)
                        }
                        .buttonStyle(.borderless)
                        .accessibilityLabel(tr("draft.removeFile", file.fileName))
                    }
                }
                .accessibilityElement(children: .contain)
            }
            if let error = document.error ?? readProblem {
                Label(error, systemImage: "exclamationmark.circle.fill")
                    .font(.subheadline.bold())
                    .foregroundStyle(.red)
            }
            if attaching {
                ProgressView { Text(tr("draft.preparingFile")) }
            }
            if !locked {
                HStack(spacing: 12) {
                    if CameraPicker.isAvailable {
                        Button { camera = true } label: {
                            Label(tr("draft.takePhoto"), systemImage: "camera")
                        }
                        .buttonStyle(SecondaryButtonStyle())
                    }
                    Button { files = true } label: {
                        Label(tr("draft.chooseFile"), systemImage: "folder")
                    }
                    .buttonStyle(SecondaryButtonStyle())
                }
                .disabled(attaching)
            }
        }
        .padding(.vertical, 6)
        .fullScreenCover(isPresented: $camera) {
            CameraPicker(onPhoto: { jpeg in
                camera = false
                attach(photoName(), jpeg)
            }, onCancel: { camera = false })
            .ignoresSafeArea()
        }
        .fileImporter(isPresented: $files, allowedContentTypes: [.pdf, .jpeg, .png, .image]) { result in
            readProblem = nil
            guard case .success(let url) = result else { return }
            let scoped = url.startAccessingSecurityScopedResource()
            defer { if scoped { url.stopAccessingSecurityScopedResource() } }
            if let bytes = try? Data(contentsOf: url) {
                attach(url.lastPathComponent, bytes)
            } else {
                readProblem = tr("draft.fileUnreadable")
            }
        }
    }

    private func photoName() -> String {
        "\(document.requirement)-\(Int(Date().timeIntervalSince1970)).jpg"
    }
}
