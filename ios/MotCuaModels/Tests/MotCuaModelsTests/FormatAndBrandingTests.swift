import XCTest
@testable import MotCuaModels

final class FormatAndBrandingTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        installTestWording()
    }

    func testDatesAreDayFirstWithTheWeekday() {
        XCTAssertEqual(Format(lang: .vi).date("2026-03-03"), "Thứ Ba, 03/03/2026")
        XCTAssertEqual(Format(lang: .en).date("2026-03-03"), "Tuesday, 03/03/2026")
        XCTAssertEqual(Format(lang: .vi).date("2026-02-30"), "2026-02-30", "an impossible date is shown as is")
        XCTAssertEqual(Format(lang: .vi).date("soon"), "soon")
    }

    func testInstantsAreShownInVietnamsTime() {
        // 17:30 UTC on Monday is 00:30 on Tuesday in Vietnam.
        XCTAssertEqual(Format(lang: .vi).dateTime("2026-03-02T17:30:00Z"), "00:30, Thứ Ba, 03/03/2026")
        XCTAssertEqual(Format(lang: .vi).dateTime("2026-03-03T09:05:00.250+07:00"), "09:05, Thứ Ba, 03/03/2026")
    }

    func testMoneyAndWorkingDays() {
        XCTAssertEqual(Format(lang: .vi).money(20000), "20.000 đồng")
        XCTAssertEqual(Format(lang: .en).money(1_250_000), "1.250.000 VND")
        XCTAssertEqual(Format(lang: .vi).money(0), "Miễn phí")
        XCTAssertEqual(Format(lang: .vi).workingDays(7), "7 ngày làm việc")
        XCTAssertEqual(Format(lang: .en).workingDays(1), "1 working day")
    }

    func testVietnameseUnlessEnglishIsAskedFor() {
        XCTAssertEqual(Lang.of(nil), .vi)
        XCTAssertEqual(Lang.of("fr"), .vi)
        XCTAssertEqual(Lang.of("en-GB"), .en)
    }

    func testBrandingIsReadWithEveryKeyNamedWhenWrong() throws {
        var json: [String: Any] = [
            "province.name": "Tỉnh Khánh Hòa", "app.name": "Dịch vụ công Khánh Hòa",
            "color.primary": "#B71C1C", "color.onPrimary": "#FFFFFF", "color.secondary": "#F9A825",
            "logo": "ProvinceLogo", "portal.url": "https://dichvucong.khanhhoa.gov.vn",
            "oidc.issuer": "https://dichvucong.khanhhoa.gov.vn/oidc", "oidc.clientId": "motcua-app",
        ]
        let branding = try Branding.decode(JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(branding.provinceName, "Tỉnh Khánh Hòa")
        XCTAssertEqual(branding.primaryColor.red, Double(0xB7) / 255, accuracy: 0.0001)
        XCTAssertNil(branding.redirectURI)
        XCTAssertNil(branding.receiptRootKey, "optional: without it the desk is told it cannot verify")

        json["receipt.rootKey"] = "ed25519:q6bd2LxEbbMS0XHM4xC8uR1U7zKc4k0mH0w7KcL8Y2Q"
        XCTAssertEqual(try Branding.decode(JSONSerialization.data(withJSONObject: json)).receiptRootKey,
                       "ed25519:q6bd2LxEbbMS0XHM4xC8uR1U7zKc4k0mH0w7KcL8Y2Q")
        json["receipt.rootKey"] = "q6bd2LxEbbMS0XHM4xC8uR1U7zKc4k0mH0w7KcL8Y2Q"
        XCTAssertThrowsError(try Branding.decode(JSONSerialization.data(withJSONObject: json))) {
            XCTAssertEqual($0 as? BrandingError, .badRootKey(key: "receipt.rootKey"))
        }
        json.removeValue(forKey: "receipt.rootKey")

        json["color.primary"] = "red"
        XCTAssertThrowsError(try Branding.decode(JSONSerialization.data(withJSONObject: json))) {
            XCTAssertEqual($0 as? BrandingError, .badColour(key: "color.primary"))
        }
        json["color.primary"] = "#B71C1C"
        json.removeValue(forKey: "oidc.clientId")
        XCTAssertThrowsError(try Branding.decode(JSONSerialization.data(withJSONObject: json))) {
            XCTAssertEqual($0 as? BrandingError, .missing(key: "oidc.clientId"))
        }
    }

    func testHighlightsCountUnicodeScalarsAlsoInDecomposedText() {
        let composed = Highlighted(text: "Đăng ký khai sinh", scalarRanges: [ScalarRange(start: 0, end: 7), ScalarRange(start: 8, end: 99)])
        XCTAssertEqual(composed.parts, ["Đăng ký"], "an out-of-bounds range is dropped")
        // "ký" decomposed: k, y, combining acute (U+0301): three scalars.
        let decomposed = Highlighted(text: "ky\u{0301} te\u{0302}n", scalarRanges: [ScalarRange(start: 0, end: 3)])
        XCTAssertEqual(decomposed.parts, ["ky\u{0301}"])
    }
}
