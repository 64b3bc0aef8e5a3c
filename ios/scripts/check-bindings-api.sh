#!/usr/bin/env bash
# Checks that every name of the generated Swift bindings that the iOS code uses exists in
# the generated MotCua.swift, with the signature the code calls. Runs anywhere (grep only):
# it is what can be verified of the Swift layer on a machine without a Swift toolchain.
#
# Usage: ios/scripts/check-bindings-api.sh [path/to/MotCua.swift]
#        (default: bindings/generated/swift/MotCua.swift, from scripts/bindings.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift_file="${1:-bindings/generated/swift/MotCua.swift}"
[ -f "$swift_file" ] || { echo "no $swift_file: run scripts/bindings.sh first" >&2; exit 2; }

# One line per expectation: a regular expression (grep -E) the generated file must match.
# Declarations first, then each member the adapters, the Keychain store and the app call.
expectations=$(cat <<'LIST'
open class MotCua: MotCuaProtocol
public static func `open`\(config: AppConfig, platform: Platform\) ?throws +-> MotCua
open func catalog\(\) -> Catalog
open func dossier\(\) -> Dossiers
open func identity\(\) -> Identity
open func tracking\(\) -> Tracking
public init\( ?dataDir: String, portalUrl: String, issuer: String, clientId: String, redirectUri: String\?, language: String\?, receiptRootKey: String\? = nil\)
public protocol Platform: AnyObject, Sendable
func secureGet\(key: String\) throws +-> Data\?
func secureSet\(key: String, value: Data\) throws
func secureDelete\(key: String\) throws
case Failed\(
func beginLogin\(\) async throws +-> LoginRequest
func completeLogin\(callbackUrl: String\) async throws +-> Profile
func profile\(\) throws +-> Profile\?
func logout\(\) async throws +-> Bool
func logoutAndErase\(\) async throws +-> Bool
func eraseWarning\(\) throws +-> String\?
public let url: String
public let redirectUri: String
public let fullName: String
public let personalId: String\?
public let birthDate: String\?
public let address: String\?
public let identityLevel: IdentityLevel
func refreshCatalog\(\) async throws +-> CatalogRefreshOutcome
func searchProcedures\(query: String, limit: UInt32\) throws +-> \[SearchHit\]
func procedure\(code: String\) throws +-> Procedure\?
public let matchedAlias: String\?
public let highlights: \[TextRange\]
public let kind: MatchKind
public let start: UInt32
public let end: UInt32
public let fieldVi: String
public let agencyVi: String
public let fullyOnline: Bool
public let processingDays: UInt32\?
public let feeVnd: UInt64\?
public let onlineFeeVnd: UInt64\?
public let feeNoteVi: String\?
public let feeNoteEn: String\?
public let requiredIdentityLevel: IdentityLevel
public let documents: \[DocumentRequirement\]
public let form: \[FormField\]
public let kind: FieldKind
public let labelVi: String
public let labelEn: String
public let options: \[FieldOption\]
public let helpVi: String\?
public let helpEn: String\?
case personalId
case adminUnit
case longText
func createDraft\(procedureCode: String\) throws +-> Draft
func setField\(draftId: String, fieldId: String, value: String\) throws +-> DraftField
func addAttachmentBytes\(draftId: String, requirement: String, fileName: String, bytes: Data\) async throws +-> Attachment
func removeAttachment\(draftId: String, attachmentId: Int64\) throws
func form\(draftId: String\) throws +-> DraftForm
func check\(draftId: String\) throws +-> DraftForm
func drafts\(\) throws +-> \[DraftSummary\]
func deleteDraft\(draftId: String\) throws
func submit\(draftId: String\) async throws +-> SubmitOutcome
func runOutbox\(force: Bool\) async throws +-> \[OutboxDelivery\]
func pendingSubmissions\(\) throws +-> UInt32
func addUploadListener\(listener: UploadListener\) +-> ListenerHandle
func withdraw\(code: String, note: String\?\) async throws +-> SubmitOutcome
func answerSupplement\(code: String\) throws +-> Draft
public let answersDossier: String\?
public let requested: \[String\]
public let failure: String\?
public let dossierCode: String\?
public let state: DraftState
public let prefilled: Bool
public let locked: Bool
public let error: String\?
public let title: String
public let mode: FormMode
public let submission: FormSubmission
public let ready: Bool
public let documents: \[DraftDocument\]
public let attachments: \[Attachment\]
case supplementAnswer\( ?dossierCode: String, requested: \[String\] ?\)
case submitted\( ?dossierCode: String, message: String ?\)
case queued\( ?message: String ?\)
public let userMessage: String
public let field: String
public let mediaType: String
public let uploaded: Bool
public let updatedAt: Int64
public let key: String
public let outcome: SubmitOutcome
case delivered\(
case pending\(
case refused\(
case pending\( ?reason: String, retryInSecs: Int64 ?\)
public protocol UploadListener: AnyObject, Sendable
func onUploadProgress\(progress: UploadProgress\) throws
public let draftId: String
public let percent: UInt8
public let message: String
func cancel\(\)
func sync\(\) async throws +-> \[StatusChange\]
func dossiers\(\) throws +-> \[DossierSummary\]
func dossier\(code: String\) throws +-> TrackedDossier\?
public let statusLabel: String
public let label: String
public let actions: DossierActions
public let available: \[CitizenAction\]
public let primary: CitizenAction\?
public func dossierActions\(status: DossierStatus, holdsReceipt: Bool, fee: FeeStanding\) +-> DossierActions
case nothing
case due
case paid
public init\( ?code: String, procedureCode: String, status: DossierStatus, statusLabel: String, appointmentDate: String\?, timeline: \[StatusChange\], overdue: Bool, actions: DossierActions, missing: \[String\] ?\)
case showReceipt
case payFee
case showFeeReceipt
case answerSupplement
case withdraw
func addStatusListener\(listener: StatusListener\) +-> ListenerHandle
public protocol StatusListener: AnyObject, Sendable
func onStatusChange\(change: StatusChange\) throws
public let appointmentDate: String\?
public let timeline: \[StatusChange\]
public let overdue: Bool
public let submittedAt: String
public let missing: \[String\]
public let reason: String\?
public let note: String\?
public let at: String
case supplementRequested
case paymentRequested
case withdrawalRequested
case notAccepted
case resultReady
open func assist\(\) -> Assist
public func consentStatement\(language: String\) +-> String
public func consentStatementVersion\(\) +-> String
func beginAssistedSession\(consentVersion: String\) throws +-> AssistedSession
func endAssistedSession\(session: AssistedSession, force: Bool\) async throws +-> SessionOutcome
func assistSummary\(\) throws +-> \[AssistDay\]
func assistSummaryCsv\(\) throws +-> String
func core\(\) throws +-> MotCua
func handoff\(code: String\) throws +-> Handoff
public let procedureName: String\?
public let instructions: String
public let helped: Bool
public let submitted: \[String\]
public let notSent: \[String\]
public let abandonedDrafts: \[String\]
public let day: String
public let peopleHelped: UInt32
public let interruptedSessions: UInt32
public let procedures: \[ProcedureCount\]
public let procedureCode: String
public let submitted: UInt32
public let notSent: UInt32
public let abandonedDrafts: UInt32
open func receipts\(\) -> Receipts
open func payments\(\) -> Payments
func payment\(code: String\) async throws +-> FeePayment
func refresh\(code: String\) async throws +-> FeePayment
func feeReceipt\(code: String\) async throws +-> FeeReceiptView
public let amountVnd: UInt64\?
public let amountLabel: String\?
public let reference: String\?
public let beneficiary: Beneficiary\?
public let bankName: String
public let account: String
public let accountName: String
public let qr: DrawnQr\?
public let headline: String
public let detail: String\?
public let hasFeeReceipt: Bool
public let offline: Bool
public let offlineNote: String\?
public let qr: DrawnQr
public let text: String
public let png: Data
public let lines: \[LabelledLine\]
public let value: String
public let verdictLine: String
func receipt\(dossierCode: String\) throws +-> ReceiptView
func verifyReceipt\(text: String\) throws +-> Verification
func checkApplicant\(receiptText: String, idNumber: String\) async throws +-> ApplicantCheck
func refreshTrustList\(\) async throws +-> TrustListInfo
public let qrText: String
public let modules: QrModules
public let svg: String
public let png: Data
public let fields: ReceiptFields
public let size: UInt32
public let dark: \[Bool\]
public let agencyCode: String
public let receivedAt: String
public let hasApplicantDigest: Bool
public let verdict: Verdict
public let trustListSequence: UInt64
public let trustListFetchedAt: Int64
public let sequence: UInt64
public let keys: UInt32
public let fetchedAt: Int64
case valid\( ?kid: String, fields: ReceiptFields ?\)
case tampered\(
case unknownKey\(
case revokedKey\(
case expiredKey\(
case malformed\(
case matches
case doesNotMatch
case noDigest
enum CoreException: Swift.Error
enum PlatformError: Swift.Error
public enum ErrorReason
case catalogNotDownloaded
case trustListMissing
case submissionsPending\( ?count: UInt32 ?\)
case identityLevelTooLow\( ?required: UInt8 ?\)
case consentRequired\( ?statement: String ?\)
case previousCitizenUndelivered\( ?count: UInt32 ?\)
public func domainWording\(language: String\) -> DomainWording
public func wordingResultDue\(language: String, date: String\) -> String
public func wordingSupplementFor\(language: String, code: String\) -> String
public func wordingSupplementSent\(language: String, code: String\) -> String
public func wordingSubmitted\(language: String, code: String\) -> String
public func wordingRefused\(language: String, reason: String\) -> String
public func wordingUploading\(language: String, percent: UInt8\) -> String
public func wordingProblemsToFix\(language: String, count: UInt32\) -> String
public func wordingTrustListUpdatedAt\(language: String, at: String\) -> String
public struct DomainWording
public let offlineCatalog: String
public let catalogNeverDownloaded: String
public let offlineDraftQueued: String
public let offlineStatus: String
public let offlineLogin: String
public let offlineAction: String
public let withdrawalQueued: String
public let receiptAfterIntake: String
public let noTrustList: String
public let applicantMatches: String
public let applicantDiffers: String
public let applicantUnknown: String
public let assistErased: String
public let assistInterrupted: String
public let assistNobodyLoggedIn: String
public let lines: \[String\]
public let peopleHelpedLabel: String
public let interruptedLabel: String\?
public func setLogSink\(sink: LogSink\?, level: LogLevel\)
public protocol LogSink: AnyObject, Sendable
func log\(record: LogRecord\)
public struct LogRecord
public let level: LogLevel
public let target: String
public let message: String
public enum LogLevel
case warn
case info
case debug
LIST
)

# Doc comments removed and whitespace collapsed, so that declarations spread over several
# lines (records' initialisers, enum cases) read as one.
flat="$(mktemp)"
trap 'rm -f "$flat"' EXIT
tr '\n' ' ' <"$swift_file" | sed -E 's#/\*\*([^*]|\*+[^*/])*\*+/##g; s/[[:space:]]+/ /g' >"$flat"

found=0
missing=0
while IFS= read -r pattern; do
    [ -n "$pattern" ] || continue
    if grep -Eq -- "$pattern" "$flat"; then
        found=$((found + 1))
    else
        missing=$((missing + 1))
        echo "missing in $swift_file: $pattern"
    fi
done <<<"$expectations"

# The exception's cases are matched without labels in Problems.swift: their values must be
# (code, userMessage, detail, reason[, problems]) in that order for the positional patterns
# to bind the right ones.
for exception_case in Network LoggedOut NotFound NotAllowed RateLimited Storage Cancelled Unexpected; do
    if ! grep -Eq -- "case $exception_case\\( ?code: String, userMessage: String, detail: String, reason: ErrorReason\\? ?\\)" "$flat"; then
        missing=$((missing + 1))
        echo "missing in $swift_file: case $exception_case(code: String, userMessage: String, detail: String, reason: ErrorReason?)"
    else
        found=$((found + 1))
    fi
done
if ! grep -Eq -- "case InvalidInput\\( ?code: String, userMessage: String, detail: String, reason: ErrorReason\\?, problems: \\[FieldProblem\\] ?\\)" "$flat"; then
    missing=$((missing + 1))
    echo "missing in $swift_file: case InvalidInput(code: String, userMessage: String, detail: String, reason: ErrorReason?, problems: [FieldProblem])"
else
    found=$((found + 1))
fi

echo "bindings API used by ios/: $found passed, $missing failed"
[ "$missing" -eq 0 ]
