import XCTest
@testable import MotCuaModels

@MainActor
final class SessionAndCatalogTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    func testLoginOpensTheBrowserAndTheCallbackLogsIn() async {
        let identity = FakeIdentity()
        let session = SessionModel(identity: identity, texts: Texts(lang: .vi))
        await session.restore()
        XCTAssertEqual(session.state, .loggedOut(nil))

        await session.beginLogin()
        guard case .openBrowser(let start) = session.state else { return XCTFail("\(session.state)") }
        XCTAssertEqual(start.callbackScheme, "vn.motcua.app")

        await session.completeLogin(callbackURL: "vn.motcua.app:/oauth2redirect?code=c&state=s")
        XCTAssertEqual(session.citizen, citizen)
    }

    func testOfflineLoginSaysWhatToDoAndAClosedBrowserGoesBack() async {
        let identity = FakeIdentity()
        identity.failure = offline
        let session = SessionModel(identity: identity, texts: Texts(lang: .en))
        await session.beginLogin()
        guard case .loggedOut(let problem?) = session.state else { return XCTFail("\(session.state)") }
        XCTAssertEqual(problem.message, Texts(lang: .en).offlineLogin)

        identity.failure = nil
        await session.beginLogin()
        session.browserClosed()
        XCTAssertEqual(session.state, .loggedOut(nil))
    }

    func testARejectedCallbackShowsTheCoresMessage() async {
        let session = SessionModel(identity: FakeIdentity(), texts: Texts(lang: .vi))
        await session.completeLogin(callbackURL: "vn.motcua.app:/oauth2redirect?error=access_denied")
        XCTAssertEqual(session.state, .loggedOut(Problem(kind: .notAllowed, code: "state_mismatch", message: "Phiên đăng nhập không khớp")))
    }

    func testACancelledLoginIsNotAProblemToShow() async {
        let identity = FakeIdentity()
        identity.failure = Problem(kind: .cancelled, code: "login_superseded", message: "Đã có lần đăng nhập mới hơn")
        let session = SessionModel(identity: identity, texts: Texts(lang: .vi))
        await session.completeLogin(callbackURL: "vn.motcua.app:/oauth2redirect?code=c")
        XCTAssertEqual(session.state, .loggedOut(nil))
    }

    func testLogoutForgetsTheSessionEvenOffline() async {
        let identity = FakeIdentity()
        identity.saved = citizen
        let session = SessionModel(identity: identity, texts: Texts(lang: .vi))
        await session.restore()
        XCTAssertNotNil(session.citizen)
        identity.failure = offline
        await session.logout()
        XCTAssertEqual(session.state, .loggedOut(nil))
        XCTAssertEqual(identity.loggedOutCalls, 1)
    }

    func testErasingWarnsFirstWhenSomethingWaitsToBeSent() async {
        let identity = FakeIdentity()
        identity.saved = citizen
        identity.undelivered = 2
        let session = SessionModel(identity: identity, texts: Texts(lang: .vi))
        await session.restore()

        await session.logoutAndErase()
        XCTAssertEqual(session.state, .confirmErase(citizen, warning: "Còn 2 hồ sơ chưa gửi được."))
        XCTAssertEqual(session.citizen, citizen, "still logged in while asking")
        session.keepData()
        XCTAssertEqual(session.state, .loggedIn(citizen))
        XCTAssertEqual(identity.erasedCalls, 0)

        await session.logoutAndErase()
        await session.logoutAndErase(confirmed: true)
        XCTAssertEqual(session.state, .loggedOut(nil))
        XCTAssertEqual(identity.erasedCalls, 1)

        // Nothing waiting: erased at once.
        identity.saved = citizen
        await session.restore()
        await session.logoutAndErase()
        XCTAssertEqual(session.state, .loggedOut(nil))
        XCTAssertEqual(identity.erasedCalls, 2)
    }

    func testSearchShowsHighlightsTheAliasAndACount() async {
        let search = SearchModel(catalog: FakeCatalog(), texts: Texts(lang: .vi))
        search.queryChanged("giay khai sinh")
        await search.search()
        XCTAssertEqual(search.resultsFor, "giay khai sinh")
        XCTAssertEqual(search.results.map(\.code), ["1.001193"])
        XCTAssertEqual(search.results.first?.name.parts, ["Đăng ký"])
        XCTAssertEqual(search.results.first?.note, "Khớp với cách gọi \"giấy khai sinh\"")
        XCTAssertEqual(search.summary, "Tìm thấy 1 thủ tục")

        search.queryChanged("  ")
        await search.search()
        XCTAssertEqual(search.results, [])
        XCTAssertNil(search.summary)
    }

    func testOfflineRefreshUsesTheSavedCatalogOrAsksToConnectOnce() async {
        let catalog = FakeCatalog()
        catalog.refreshFailure = offline
        let search = SearchModel(catalog: catalog, texts: Texts(lang: .vi))
        await search.refresh()
        XCTAssertFalse(search.refreshing)
        XCTAssertEqual(search.banner, Texts(lang: .vi).offlineCatalog)

        catalog.downloaded = false
        await search.refresh()
        XCTAssertEqual(search.banner, Texts(lang: .vi).catalogNeverDownloaded)
    }

    func testARefreshTheCoreSaysHasNoCatalogYetAsksToConnectOnce() async {
        let catalog = FakeCatalog()
        // The reason, not the kind nor the code, tells the case apart.
        catalog.refreshFailure = Problem(kind: .unexpected, code: "anything", message: "…", reason: .catalogNotDownloaded)
        let search = SearchModel(catalog: catalog, texts: Texts(lang: .en))
        await search.refresh()
        XCTAssertEqual(search.banner, Texts(lang: .en).catalogNeverDownloaded)
    }

    func testProcedureDetailPutsTheFeeAndItsOnlineDiscountUpFront() async {
        let model = ProcedureModel(catalog: FakeCatalog(), code: "1.001193", lang: .vi)
        await model.load()
        guard case .loaded(let detail) = model.state else { return XCTFail("\(model.state)") }
        XCTAssertEqual(detail.fee, "8.000 đồng")
        XCTAssertEqual(detail.onlineFee, "4.000 đồng")
        XCTAssertEqual(detail.onlineSaving, "Tiết kiệm 4.000 đồng khi nộp trực tuyến")
        XCTAssertEqual(detail.processingTime, "3 ngày làm việc")
        XCTAssertTrue(detail.serviceLevel.hasPrefix("Một phần"))
        XCTAssertTrue(detail.needsLevel2)
        XCTAssertEqual(detail.documents.map(\.required), [true, false])

        let missing = ProcedureModel(catalog: FakeCatalog(), code: "9.999999", lang: .en)
        await missing.load()
        XCTAssertEqual(missing.state, .notFound(code: "9.999999"))
    }
}
