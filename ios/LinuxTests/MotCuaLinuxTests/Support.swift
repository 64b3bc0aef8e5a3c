import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import MotCuaBindings
import MotCuaCore
import MotCuaModels
import XCTest

/*
 * What the integration suite needs around the app's own code: a real portal (the `motcua`
 * binary, `portal serve` on a free loopback port with its built-in OpenID provider), a
 * scripted system browser for the provider's login page, the desk officer over the
 * portal's HTTP API, and a phone (a data directory and a keystore) to open the core on
 * through `CoreServices`, as the app does. None of it stands in for our code: every call
 * the models make goes through MotCuaCore's adapters into libmotcua_ffi.so and over HTTP.
 */

/// Certificate of marital status: level 2, 3 working days, one required document
/// (`declaration_form`), an optional earlier certificate (`previous_certificate`).
let maritalStatus = "1.004873"

/// A failure of the test's own plumbing (the portal, HTTP), with what it saw.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

// MARK: - HTTP

/// One HTTP exchange of the test's own (the browser's or the desk's), never following
/// redirects: the provider's answer is a redirect to the app's custom scheme, which is the
/// result the test wants.
struct HTTPAnswer {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The header `name`, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw HarnessFailure("not a JSON object (\(status)): \(text)")
        }
        return object
    }
}

/// Collects one task's answer and refuses its redirects.
private final class ExchangeDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var received = Data()
    private var continuation: CheckedContinuation<HTTPAnswer, Error>?

    init(_ continuation: CheckedContinuation<HTTPAnswer, Error>) {
        self.continuation = continuation
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        received.append(data)
        lock.unlock()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let waiting = continuation
        continuation = nil
        let body = received
        lock.unlock()
        session.finishTasksAndInvalidate()
        if let error {
            waiting?.resume(throwing: error)
            return
        }
        guard let response = task.response as? HTTPURLResponse else {
            waiting?.resume(throwing: HarnessFailure("no HTTP response from \(task.originalRequest?.url?.absoluteString ?? "?")"))
            return
        }
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            headers["\(key)"] = "\(value)"
        }
        waiting?.resume(returning: HTTPAnswer(status: response.statusCode, headers: headers, body: body))
    }
}

/// Sends `request` and returns the answer as it came (3xx included).
func exchange(_ request: URLRequest) async throws -> HTTPAnswer {
    try await withCheckedThrowingContinuation { continuation in
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        let session = URLSession(configuration: configuration, delegate: ExchangeDelegate(continuation), delegateQueue: nil)
        session.dataTask(with: request).resume()
    }
}

func get(_ url: String) async throws -> HTTPAnswer {
    guard let address = URL(string: url) else { throw HarnessFailure("not a URL: \(url)") }
    return try await exchange(URLRequest(url: address))
}

func post(_ url: String, json: [String: Any], bearer: String? = nil) async throws -> HTTPAnswer {
    guard let address = URL(string: url) else { throw HarnessFailure("not a URL: \(url)") }
    var request = URLRequest(url: address)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
    request.httpBody = try JSONSerialization.data(withJSONObject: json)
    return try await exchange(request)
}

// MARK: - The portal

/// A free TCP port on the loopback interface, as the kernel hands one out.
func freeLoopbackPort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { throw HarnessFailure("socket: errno \(errno)") }
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socketFD, generic, length) == 0 && getsockname(socketFD, generic, &length) == 0
        }
    }
    guard bound else { throw HarnessFailure("bind/getsockname: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A real portal: `motcua portal serve` on loopback, its own data directory, its built-in
/// OpenID provider and demo desk staff. It can be stopped (the phone is then offline) and
/// started again on the same address and data (the network is back).
final class Portal {
    let baseURL: String
    /// What the portal tells apps to use (`/api/v1/client-config`).
    private(set) var issuer = ""
    private(set) var clientID = ""
    /// The province root key of receipts (`ed25519:…`): what the app's branding carries.
    private(set) var receiptRootKey = ""

    private let port: Int
    private let directory: URL
    private var process: Process?

    private init(port: Int, directory: URL) {
        self.port = port
        self.directory = directory
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// `MOTCUA_BIN` (set by scripts/test-ios.sh), the `motcua` binary cargo built.
    private static func binary() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["MOTCUA_BIN"], !path.isEmpty else {
            throw HarnessFailure("MOTCUA_BIN is not set: run the suite with scripts/test-ios.sh")
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessFailure("MOTCUA_BIN=\(path) is not an executable: run scripts/bindings.sh")
        }
        return path
    }

    /// Starts a portal with a fresh data directory on a free port.
    static func start() async throws -> Portal {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-portal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portal = Portal(port: try freeLoopbackPort(), directory: directory)
        try await portal.resume()
        let config = try await get("\(portal.baseURL)/api/v1/client-config").json()
        portal.issuer = config["issuer"] as? String ?? ""
        portal.clientID = config["client_id"] as? String ?? ""
        portal.receiptRootKey = config["receipt_root_key"] as? String ?? ""
        return portal
    }

    private var logFile: URL { directory.appendingPathComponent("portal.log") }

    /// What the portal wrote, for failure messages.
    func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Starts the portal process (again) and waits until `/healthz` answers.
    func resume() async throws {
        guard process == nil else { return }
        if !FileManager.default.fileExists(atPath: logFile.path) {
            guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
                throw HarnessFailure("cannot create \(logFile.path)")
            }
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["portal", "serve", "--data-dir", directory.appendingPathComponent("db").path,
                             "--listen", "127.0.0.1:\(port)"]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        while true {
            guard process.isRunning else {
                throw HarnessFailure("the portal exited (\(process.terminationStatus)):\n\(self.log())")
            }
            if let health = try? await get("\(baseURL)/healthz"), health.status == 200, health.text.contains("\"ok\"") {
                return
            }
            if Date() > deadline {
                stop()
                throw HarnessFailure("the portal did not answer /healthz within 30 s:\n\(self.log())")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// Stops the portal process (its data stays for `resume`): the phones are offline.
    func stop() {
        guard let process else { return }
        self.process = nil
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Stops the portal and removes its data.
    func close() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

// MARK: - The payment intermediary

extension Portal {
    /// The bank credited `amount` đồng with `reference` in the transfer's description: the
    /// intermediary's notification, signed with the portal's development secret, sent by
    /// `motcua portal payments notify` (the intermediary's side of the protocol, as demos
    /// use it). The portal's outcome: `paid`, `held` or `duplicate`.
    func notifyPayment(transactionID: String, amount: UInt64, reference: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["portal", "payments", "notify", "--json", "--portal", baseURL,
                             "--transaction-id", transactionID, "--amount", String(amount),
                             "--description", "CT \(reference) chuyen tien"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
              let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let outcome = answer["outcome"] as? String else {
            throw HarnessFailure("payments notify exited \(process.terminationStatus): \(text)")
        }
        return outcome
    }
}

// MARK: - The system browser and the provider's page

/// A citizen offered on the built-in provider's login page, with the form that picks them.
struct CitizenChoice {
    let subject: String
    let fullName: String
    let level: Int
    let action: URL
    let fields: [(String, String)]
}

/// The system browser, scripted: opens the authorization URL, picks a citizen on the
/// provider's login page, posts the form and returns where the provider sent the browser
/// (the app's `vn.motcua.app:/oauth2redirect?…` callback).
enum Browser {
    /// The citizens offered on the login page at `url`.
    static func citizens(at url: URL) async throws -> [CitizenChoice] {
        let page = try await exchange(URLRequest(url: url))
        guard page.status == 200 else { throw HarnessFailure("login page answered \(page.status): \(page.text)") }
        let html = page.text
        let forms = try matches(#"<form method="post" action="([^"]*)" data-citizen="([^"]*)">(.*?)</form>"#, in: html)
        let choices = try forms.map { form -> CitizenChoice in
            let inner = form[3]
            guard let action = URL(string: unescape(form[1]), relativeTo: url)?.absoluteURL else {
                throw HarnessFailure("bad form action \(form[1])")
            }
            return CitizenChoice(
                subject: unescape(form[2]),
                fullName: unescape(try matches(#"<span class="name">([^<]*)</span>"#, in: inner).first?[1] ?? ""),
                level: Int(try matches(#"Level (\d)"#, in: inner).first?[1] ?? "") ?? 0,
                action: action,
                fields: try matches(#"<input type="hidden" name="([^"]*)" value="([^"]*)">"#, in: inner)
                    .map { (unescape($0[1]), unescape($0[2])) }
            )
        }
        guard !choices.isEmpty else { throw HarnessFailure("no citizen on the login page:\n\(html)") }
        return choices
    }

    /// Posts `choice`'s form; returns the `Location` the provider redirected to.
    static func choose(_ choice: CitizenChoice) async throws -> String {
        var request = URLRequest(url: choice.action)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(choice.fields.map { "\(formEncoded($0.0))=\(formEncoded($0.1))" }
            .joined(separator: "&").utf8)
        let answer = try await exchange(request)
        guard (300..<400).contains(answer.status), let location = answer.header("Location") else {
            throw HarnessFailure("expected a redirect to the app, got \(answer.status): \(answer.text)")
        }
        return location
    }

    /// Logs in through `session` as the browser and the person would: the login button, the
    /// provider's page, the citizen picked by `pick`, the app handed the callback.
    @MainActor
    @discardableResult
    static func logIn(_ session: SessionModel, pick: (CitizenChoice) -> Bool) async throws -> CitizenChoice {
        await session.beginLogin()
        guard case .openBrowser(let start) = session.state else {
            throw HarnessFailure("the login did not open the browser: \(session.state)")
        }
        guard let choice = try await citizens(at: start.url).first(where: pick) else {
            throw HarnessFailure("no such citizen on the login page")
        }
        await session.completeLogin(callbackURL: try await choose(choice))
        return choice
    }

    private static func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let expression = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    private static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func formEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

// MARK: - The desk

/// The desk officer's side, over the portal's desk HTTP API: what the one-stop desk does
/// with a dossier the citizen submitted.
struct Desk {
    let portal: Portal
    let token: String

    /// Logs a demo officer in (`tiepnhan`: reception, `chuyenvien`: specialist).
    static func login(_ portal: Portal, as username: String) async throws -> Desk {
        let answer = try await post("\(portal.baseURL)/api/v1/desk/session",
                                    json: ["username": username, "password": "motcua-dev"])
        guard answer.status == 200, let token = try answer.json()["access_token"] as? String else {
            throw HarnessFailure("desk login answered \(answer.status): \(answer.text)")
        }
        return Desk(portal: portal, token: token)
    }

    /// Takes `action` on dossier `code`; throws unless the portal accepted it.
    func act(_ code: String, _ action: String, note: String = "Đã kiểm tra", missing: [String] = []) async throws {
        let answer = try await post("\(portal.baseURL)/api/v1/desk/dossiers/\(code)/actions",
                                    json: ["action": action, "note": note, "missing": missing], bearer: token)
        guard answer.status == 200 else {
            throw HarnessFailure("desk \(action) on \(code) answered \(answer.status): \(answer.text)")
        }
    }
}

// MARK: - The phone

/// The Keychain of a test phone: the bindings' `Platform`, in memory. Called from the core's
/// threads, hence the lock.
final class MemoryKeystore: Platform, @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String: Data] = [:]

    func secureGet(key: String) throws -> Data? {
        lock.lock()
        defer { lock.unlock() }
        return secrets[key]
    }

    func secureSet(key: String, value: Data) throws {
        lock.lock()
        defer { lock.unlock() }
        secrets[key] = value
    }

    func secureDelete(key: String) throws {
        lock.lock()
        defer { lock.unlock() }
        secrets.removeValue(forKey: key)
    }

    /// Everything kept, for the tests that look for what is left.
    var contents: [String: Data] {
        lock.lock()
        defer { lock.unlock() }
        return secrets
    }
}

/// A phone: its app data directory and keystore, on which the core is opened through
/// MotCuaCore exactly as the app opens it.
final class Phone {
    let directory: URL
    let keystore = MemoryKeystore()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-phone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The core over `portal`, in `language`, as the models' ports.
    func open(_ portal: Portal, language: Lang = .vi) throws -> CoreServices {
        try CoreServices.open(CoreConfiguration(
            dataDirectory: directory.appendingPathComponent("profile").path,
            portalURL: portal.baseURL,
            issuer: portal.issuer,
            clientID: portal.clientID,
            redirectURI: nil,
            language: language.rawValue,
            receiptRootKey: portal.receiptRootKey
        ), platform: keystore)
    }

    /// The files under the data directory whose bytes contain `needle` (UTF-8).
    func filesContaining(_ needle: String) -> [String] {
        let pattern = Data(needle.utf8)
        return regularFiles().filter { path in
            guard let bytes = FileManager.default.contents(atPath: path) else { return false }
            return bytes.range(of: pattern) != nil
        }
    }

    /// Every regular file under the data directory (SQLite files, WAL, attachments…).
    func regularFiles(under subdirectory: String? = nil) -> [String] {
        let root = subdirectory.map { directory.appendingPathComponent($0) } ?? directory
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

// MARK: - Files and codes

/// A small valid PDF unique to `seed`, padded with `padding` bytes of text inside its
/// content stream (so that the upload takes several chunks).
func samplePDF(seed: Int, padding: Int = 0) -> Data {
    var generator = SplitMix(seed: UInt64(seed))
    let hex = Array("0123456789abcdef")
    let filler = String((0..<padding).map { _ in hex[Int(generator.next() % 16)] })
    let stream = "BT /F1 12 Tf 72 720 Td (MotCua Swift test \(seed)) Tj ET\n% \(filler)"
    let pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        + "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        + "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
        + "4 0 obj << /Length \(stream.utf8.count) >> stream\n\(stream)\nendstream endobj\n"
        + "trailer << /Root 1 0 R >>\n%%EOF\n"
    return Data(pdf.utf8)
}

/// A tiny deterministic generator, so that a failing test sees the same bytes again.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Base45 (RFC 9285), the encoding of receipt texts after `MC1:`: the test alters a signed
/// receipt and re-encodes it, so that only the signature can tell.
enum Base45 {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

    static func decode(_ text: String) throws -> [UInt8] {
        let values = try text.map { character -> Int in
            guard let value = alphabet.firstIndex(of: character) else { throw HarnessFailure("not Base45: \(character)") }
            return value
        }
        var bytes: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 3, values.count)]
            let number = chunk.reversed().reduce(0) { $0 * 45 + $1 }
            if chunk.count == 3 { bytes.append(UInt8(number >> 8)) }
            bytes.append(UInt8(number & 0xff))
            index += 3
        }
        return bytes
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let pair = bytes[index..<min(index + 2, bytes.count)]
            var number = pair.reduce(0) { $0 * 256 + Int($1) }
            for _ in 0..<(pair.count == 2 ? 3 : 2) {
                text.append(alphabet[number % 45])
                number /= 45
            }
            index += 2
        }
        return text
    }
}

// MARK: - Reading the models' states

extension DraftFormModel {
    /// The form while editing; fails the test otherwise.
    func editingForm(file: StaticString = #filePath, line: UInt = #line) throws -> MotCuaModels.DraftForm {
        guard case .editing(let form) = state else {
            XCTFail("the form is not editing: \(state)", file: file, line: line)
            throw HarnessFailure("form state \(state)")
        }
        return form
    }

    /// Types `value` into `fieldID` and waits for the core's answer.
    func type(_ value: String, into fieldID: String) async {
        await valueChanged(fieldID: fieldID, value: value).value
    }
}

extension MotCuaModels.DraftForm {
    func field(_ id: String) -> FieldUI? {
        fields.first { $0.id == id }
    }

    func document(_ requirement: String) -> DocumentUI? {
        documents.first { $0.requirement == requirement }
    }
}

extension DossierDetailModel {
    /// The detail while shown; fails the test otherwise.
    func shown(file: StaticString = #filePath, line: UInt = #line) throws -> DossierDetail {
        guard case .shown(let detail) = state else {
            XCTFail("the dossier is not shown: \(state)", file: file, line: line)
            throw HarnessFailure("detail state \(state)")
        }
        return detail
    }
}
