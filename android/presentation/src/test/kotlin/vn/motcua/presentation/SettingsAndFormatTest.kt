package vn.motcua.presentation

import java.nio.file.Files
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceUntilIdle
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

/** Settings survive a restart; dates, money and days read as people in Vietnam write them. */
class SettingsAndFormatTest {
    @Test
    fun `settings are Vietnamese by default and survive a restart`() {
        val dir = Files.createTempDirectory("motcua-settings-")
        try {
            val file = SettingsFile(dir.resolve("settings.properties").toFile())
            assertEquals(AppSettings(Lang.VI, 1.0f, false), file.load())
            val dispatcher = StandardTestDispatcher()
            val scope = TestScope(dispatcher)
            val vm = SettingsViewModel(file, scope, dispatcher)
            vm.setLanguage(Lang.EN)
            vm.setTextScale(2.0f)
            vm.setAppLock(true)
            scope.advanceUntilIdle()
            assertEquals(AppSettings(Lang.EN, 2.0f, true), SettingsFile(dir.resolve("settings.properties").toFile()).load())
            assertThrows(IllegalArgumentException::class.java) { vm.setTextScale(5f) }
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `a damaged settings file falls back to the defaults`() {
        val dir = Files.createTempDirectory("motcua-settings-")
        try {
            val f = dir.resolve("settings.properties").toFile()
            f.writeText("textScale=9\nlang=xx\nappLock=maybe\n")
            assertEquals(AppSettings(), SettingsFile(f).load())
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `dates, money and working days in Vietnamese and English`() {
        val vi = Format(Lang.VI)
        assertEquals("Thứ Ba, 03/03/2026", vi.date("2026-03-03"))
        assertEquals("Chủ Nhật, 17/01/2027", vi.date("2027-01-17"))
        // 02:30 UTC is 09:30 in Vietnam.
        assertEquals("09:30, Thứ Hai, 02/03/2026", vi.dateTime("2026-03-02T02:30:00Z"))
        assertEquals("00:15, Thứ Ba, 03/03/2026", vi.dateTime("2026-03-02T17:15:00Z"))
        assertEquals("20.000 đồng", vi.money(20_000uL))
        assertEquals("1.250.000 đồng", vi.money(1_250_000uL))
        assertEquals("Miễn phí", vi.money(0uL))
        assertEquals("7 ngày làm việc", vi.workingDays(7u))
        assertEquals("not a date", vi.date("not a date"))
        val en = Format(Lang.EN)
        assertEquals("Tuesday, 03/03/2026", en.date("2026-03-03"))
        assertEquals("1 working day", en.workingDays(1u))
        assertEquals("500 VND", en.money(500uL))
    }

    @Test
    fun `branding is read from the province file and a bad colour names its key`() {
        val good = """
            province.name=Tỉnh Khánh Hòa
            app.name=Dịch vụ công Khánh Hòa
            color.primary=#B71C1C
            color.onPrimary=#FFFFFF
            color.secondary=#1565C0
            logo=logo_province
            portal.url=https://dichvucong.khanhhoa.gov.vn
            oidc.issuer=https://dichvucong.khanhhoa.gov.vn/oidc
            oidc.clientId=motcua-app
        """.trimIndent()
        val b = Branding.read(good.reader())
        assertEquals("Tỉnh Khánh Hòa", b.provinceName)
        assertEquals(0xFFB71C1CL, b.primaryColor)
        assertEquals(null, b.redirectUri)
        assertEquals(null, b.receiptRootKey)
        val pinned = Branding.read((good + "\nreceipt.rootKey=ed25519:AbC").reader())
        assertEquals("ed25519:AbC", pinned.receiptRootKey)
        val wrongKey = assertThrows(IllegalArgumentException::class.java) {
            Branding.read((good + "\nreceipt.rootKey=AbC").reader())
        }
        assertEquals("branding: receipt.rootKey must be ed25519:…", wrongKey.message)
        val e = assertThrows(IllegalArgumentException::class.java) {
            Branding.read(good.replace("#1565C0", "blue").reader())
        }
        assertEquals("branding: color.secondary must be #RRGGBB", e.message)
    }

    @Test
    fun `highlight ranges in code points become UTF-16 ranges`() {
        // An astral character before the match shifts UTF-16 indices by one.
        val text = "\uD83D\uDCC4 Đăng ký"
        assertEquals(3..6, utf16Range(text, 2, 6))
        assertEquals(null, utf16Range(text, 5, 99))
        assertEquals(null, utf16Range(text, 3, 3))
    }
}
