package vn.motcua.presentation

import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import vn.motcua.jvmtests.Portal

/** Search and procedure detail over the real catalog area and the portal's catalog. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CatalogScreensTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    @Test
    fun `search in everyday words without diacritics highlights the match`() = runBlocking<Unit> {
        Phone(portal).use { phone ->
            val vm = SearchViewModel(phone.catalog, phone.texts, phone.scope)
            vm.state.await("catalog downloaded") { !it.refreshing }
            assertNull(vm.state.value.banner)

            vm.onQueryChange("giay doc than")
            val found = vm.state.await("results") { it.resultsFor == "giay doc than" }
            val first = found.results.first()
            assertEquals("1.004873", first.code)
            assertEquals("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", first.name.text)
            assertEquals("Khớp với cách gọi \"giấy độc thân\"", first.note)
            assertEquals("Tìm thấy ${found.results.size} thủ tục", found.summary)

            // As the person types: a prefix highlights the words begun.
            vm.onQueryChange("dang ky thuong t")
            val typing = vm.state.await("prefix results") { it.resultsFor == "dang ky thuong t" }
            val residence = typing.results.first { it.code == "1.004222" }
            assertEquals("Đăng ký thường trú", residence.name.text)
            assertTrue(residence.name.parts.isNotEmpty(), "${residence.name}")
            assertTrue(residence.name.parts.all { part -> part.isNotBlank() && residence.name.text.contains(part) })
            assertTrue(residence.name.parts.any { it.startsWith("thường", ignoreCase = true) || it.startsWith("Đăng") }, "${residence.name.parts}")

            vm.onQueryChange("")
            vm.state.await("cleared") { it.resultsFor == "" && it.results.isEmpty() && it.summary == null }
        }
    }

    @Test
    fun `offline the saved catalog still answers and the banner says so`() = runBlocking<Unit> {
        val own = Portal.start()
        Phone(own).use { phone ->
            val first = SearchViewModel(phone.catalog, phone.texts, phone.scope)
            first.state.await("downloaded") { !it.refreshing }
            own.close()

            val offline = SearchViewModel(phone.catalog, phone.texts, phone.scope)
            val s = offline.state.await("offline banner") { !it.refreshing }
            assertEquals(Texts(Lang.VI).offlineCatalog, s.banner)
            offline.onQueryChange("ho khau")
            val hits = offline.state.await("offline results") { it.resultsFor == "ho khau" }
            assertTrue(hits.results.isNotEmpty())
        }
    }

    @Test
    fun `never downloaded and offline, the banner asks to connect once`() = runBlocking<Unit> {
        val own = Portal.start()
        Phone(own).use { phone ->
            own.close()
            val vm = SearchViewModel(phone.catalog, phone.texts, phone.scope)
            val s = vm.state.await("banner") { !it.refreshing }
            assertEquals(Texts(Lang.VI).catalogNeverDownloaded, s.banner)
        }
    }

    @Test
    fun `procedure detail shows the fee, the online discount, the time and the service level`() = runBlocking<Unit> {
        Phone(portal).use { phone ->
            phone.catalog.refreshCatalog()
            val vm = ProcedureViewModel(phone.catalog, "1.004222", Lang.VI, phone.texts, phone.scope)
            val loaded = vm.state.await { it !is ProcedureState.Loading } as ProcedureState.Loaded
            val d = loaded.detail
            assertEquals("Đăng ký thường trú", d.name)
            assertEquals("20.000 đồng", d.fee)
            assertEquals("10.000 đồng", d.onlineFee)
            assertEquals("Tiết kiệm 10.000 đồng khi nộp trực tuyến", d.onlineSaving)
            assertEquals("7 ngày làm việc", d.processingTime)
            assertFalse(d.fullyOnline)
            assertTrue(d.serviceLevel.startsWith("Một phần"), d.serviceLevel)
            assertTrue(d.needsLevel2)
            assertTrue(d.documents.first().required)
            assertEquals(5, d.documents.size)

            // A fully-online procedure whose fee the catalog does not know: no invented amount.
            val marital = ProcedureViewModel(phone.catalog, "1.004873", Lang.EN, Texts(Lang.EN), phone.scope)
            val m = (marital.state.await { it !is ProcedureState.Loading } as ProcedureState.Loaded).detail
            assertEquals("Marital status certificate", m.name)
            assertNull(m.fee)
            assertNull(m.onlineSaving)
            assertEquals("3 working days", m.processingTime)
            assertTrue(m.serviceLevel.startsWith("Fully online"), m.serviceLevel)
            assertNotNull(m.feeNote)

            val missing = ProcedureViewModel(phone.catalog, "9.999999", Lang.VI, phone.texts, phone.scope)
            assertEquals(ProcedureState.NotFound("9.999999"), missing.state.await { it !is ProcedureState.Loading })
        }
    }
}
