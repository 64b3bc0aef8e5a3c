package vn.motcua.presentation

import java.time.DayOfWeek
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeParseException

/**
 * Dates, amounts and durations as people in Vietnam write them: `Thứ Ba, 03/03/2026`,
 * `20.000 đồng`, `7 ngày làm việc`. Times are shown in Vietnam's time (UTC+7) whatever the
 * phone's zone, since appointments are at a Vietnamese desk.
 */
class Format(private val lang: Lang) {
    private val vietnam = ZoneOffset.ofHours(7)

    /** `2026-03-03` → `Thứ Ba, 03/03/2026` (en: `Tuesday, 03/03/2026`); unparsable text as is. */
    fun date(isoDate: String): String = try {
        date(LocalDate.parse(isoDate))
    } catch (_: DateTimeParseException) {
        isoDate
    }

    /** A day with its weekday, day first. */
    fun date(day: LocalDate): String =
        "${weekday(day.dayOfWeek)}, %02d/%02d/%04d".format(day.dayOfMonth, day.monthValue, day.year)

    /** An RFC 3339 instant → `14:05, Thứ Ba, 03/03/2026` in Vietnam's time. */
    fun dateTime(rfc3339: String): String = try {
        val at = OffsetDateTime.parse(rfc3339).withOffsetSameInstant(vietnam)
        "%02d:%02d, %s".format(at.hour, at.minute, date(at.toLocalDate()))
    } catch (_: DateTimeParseException) {
        rfc3339
    }

    /** Seconds since the epoch → `08:15, Thứ Hai, 23/11/2026` in Vietnam's time. */
    fun dateTime(epochSeconds: Long): String {
        val at = java.time.Instant.ofEpochSecond(epochSeconds).atOffset(vietnam)
        return "%02d:%02d, %s".format(at.hour, at.minute, date(at.toLocalDate()))
    }

    /** Seconds since the epoch → `08:15` in Vietnam's time. */
    fun time(epochSeconds: Long): String {
        val at = java.time.Instant.ofEpochSecond(epochSeconds).atOffset(vietnam)
        return "%02d:%02d".format(at.hour, at.minute)
    }

    /** `20000` → `20.000 đồng`; `0` → `Miễn phí`. */
    fun money(vnd: ULong): String {
        if (vnd == 0uL) return if (lang == Lang.VI) "Miễn phí" else "Free"
        val grouped = vnd.toString().reversed().chunked(3).joinToString(".").reversed()
        return if (lang == Lang.VI) "$grouped đồng" else "$grouped VND"
    }

    /** `7` → `7 ngày làm việc`. */
    fun workingDays(days: UInt): String =
        if (lang == Lang.VI) "$days ngày làm việc" else if (days == 1u) "1 working day" else "$days working days"

    private fun weekday(day: DayOfWeek): String = if (lang == Lang.VI) {
        when (day) {
            DayOfWeek.MONDAY -> "Thứ Hai"
            DayOfWeek.TUESDAY -> "Thứ Ba"
            DayOfWeek.WEDNESDAY -> "Thứ Tư"
            DayOfWeek.THURSDAY -> "Thứ Năm"
            DayOfWeek.FRIDAY -> "Thứ Sáu"
            DayOfWeek.SATURDAY -> "Thứ Bảy"
            DayOfWeek.SUNDAY -> "Chủ Nhật"
        }
    } else {
        day.name.lowercase().replaceFirstChar { it.uppercase() }
    }
}
