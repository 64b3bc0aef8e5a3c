import Foundation

/// Dates, amounts and durations as people in Vietnam write them: `Thứ Ba, 03/03/2026`,
/// `20.000 đồng`, `7 ngày làm việc`. Times are shown in Vietnam's time (UTC+7) whatever the
/// phone's zone, since appointments are at a Vietnamese desk. Same output as Android's
/// `Format`.
public struct Format: Sendable {
    public let lang: Lang

    public init(lang: Lang) {
        self.lang = lang
    }

    private static let vietnam = TimeZone(secondsFromGMT: 7 * 3600)!

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = vietnam
        return calendar
    }

    /// `2026-03-03` → `Thứ Ba, 03/03/2026` (en: `Tuesday, 03/03/2026`); unparsable text as is.
    public func date(_ isoDate: String) -> String {
        let parts = isoDate.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts[0].count == 4, parts[1].count == 2, parts[2].count == 2
        else { return isoDate }
        let components = DateComponents(year: year, month: month, day: day, hour: 12)
        let calendar = Self.calendar
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day,
              calendar.component(.month, from: date) == month
        else { return isoDate }
        return dayText(date, calendar: calendar)
    }

    /// An RFC 3339 instant → `14:05, Thứ Ba, 03/03/2026` in Vietnam's time.
    public func dateTime(_ rfc3339: String) -> String {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let instant = plain.date(from: rfc3339) ?? fractional.date(from: rfc3339) else {
            return rfc3339
        }
        let calendar = Self.calendar
        let hour = calendar.component(.hour, from: instant)
        let minute = calendar.component(.minute, from: instant)
        return String(format: "%02d:%02d, ", hour, minute) + dayText(instant, calendar: calendar)
    }

    /// Unix seconds → `14:05, Thứ Ba, 03/03/2026` in Vietnam's time.
    public func dateTime(unixSeconds: Int64) -> String {
        let instant = Date(timeIntervalSince1970: TimeInterval(unixSeconds))
        let calendar = Self.calendar
        let hour = calendar.component(.hour, from: instant)
        let minute = calendar.component(.minute, from: instant)
        return String(format: "%02d:%02d, ", hour, minute) + dayText(instant, calendar: calendar)
    }

    /// `20000` → `20.000 đồng`; `0` → `Miễn phí`.
    public func money(_ vnd: UInt64) -> String {
        if vnd == 0 { return lang == .vi ? "Miễn phí" : "Free" }
        var digits = Array(String(vnd))
        var grouped: [Character] = []
        while !digits.isEmpty {
            let chunk = digits.suffix(3)
            digits.removeLast(chunk.count)
            grouped.insert(contentsOf: chunk, at: 0)
            if !digits.isEmpty { grouped.insert(".", at: 0) }
        }
        return String(grouped) + (lang == .vi ? " đồng" : " VND")
    }

    /// `7` → `7 ngày làm việc`.
    public func workingDays(_ days: Int) -> String {
        if lang == .vi { return "\(days) ngày làm việc" }
        return days == 1 ? "1 working day" : "\(days) working days"
    }

    private func dayText(_ date: Date, calendar: Calendar) -> String {
        let c = calendar.dateComponents([.weekday, .day, .month, .year], from: date)
        let weekday = weekdayName(c.weekday ?? 1)
        return weekday + String(format: ", %02d/%02d/%04d", c.day ?? 0, c.month ?? 0, c.year ?? 0)
    }

    /// Gregorian weekday numbers: 1 is Sunday.
    private func weekdayName(_ weekday: Int) -> String {
        let vi = ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"]
        let en = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let index = min(max(weekday - 1, 0), 6)
        return lang == .vi ? vi[index] : en[index]
    }
}
