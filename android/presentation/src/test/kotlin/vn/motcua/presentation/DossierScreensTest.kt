package vn.motcua.presentation

import java.util.Collections
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.flow.launchIn
import kotlinx.coroutines.flow.onEach
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
import vn.motcua.FieldKind
import vn.motcua.jvmtests.Portal

/**
 * The draft form, submission, home and dossier detail over the real dossier and tracking
 * areas, a real portal, and officers acting through the desk API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DossierScreensTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    /** A logged-in phone with the catalog downloaded. */
    private suspend fun phone(own: Portal = portal): Phone = Phone(own).also {
        it.login()
        it.catalog.refreshCatalog()
    }

    private fun Phone.dossiers() = CoreDossiers(core.dossier())
    private fun Phone.tracking() = CoreTracking(core.tracking())

    private fun form(phone: Phone, procedure: String, dossiers: DossierPort = phone.dossiers()) =
        DraftFormViewModel(dossiers, phone.catalog, Lang.VI, phone.texts, phone.scope, procedureCode = procedure)

    private suspend fun DraftFormViewModel.editing(what: String = "form", p: (DraftFormState.Editing) -> Boolean = { true }) =
        state.await(what) { it is DraftFormState.Editing && p(it) || it is DraftFormState.Failed }
            .let { it as? DraftFormState.Editing ?: throw AssertionError("form failed: $it") }

    /** Fills every required field of the marital-status form and attaches the declaration. */
    private suspend fun fillMaritalStatus(vm: DraftFormViewModel, phone: Phone) {
        val birth = phone.identity.profile()!!.birthDate!!
        val values = mapOf(
            "applicant_birth_date" to birth,
            "current_status" to "never_married",
            "purpose" to "marriage_vn",
            "registration_unit" to "00004",
            "phone" to "0912345678",
        )
        values.forEach { (id, v) -> vm.onValueChange(id, v) }
        vm.editing("values saved") { s -> values.all { (id, v) -> s.fields.first { it.id == id }.let { f -> f.value == v && f.error == null } } }
        vm.attach("declaration_form", "to-khai.png", photographedPage())
        vm.editing("attached") { s -> s.documents.first { it.requirement == "declaration_form" }.files.isNotEmpty() }
    }

    @Test
    fun `the form renders every field kind, marks prefilled values and shows errors inline in Vietnamese`() = runBlocking<Unit> {
        phone().use { phone ->
            val kinds = mutableSetOf<FieldKind>()
            // No single procedure uses all ten kinds; these two together do.
            for (code in listOf("1.014027", "1.013225")) {
                val s = form(phone, code).editing()
                kinds += s.fields.map { it.kind }
                val select = s.fields.firstOrNull { it.kind == FieldKind.SELECT }
                if (select != null) assertTrue(select.choices.isNotEmpty() && select.choices.all { it.label.isNotBlank() })
            }
            assertEquals(FieldKind.entries.toSet(), kinds)

            val vm = form(phone, "1.004873")
            val s = vm.editing()
            val profile = phone.identity.profile()!!
            val name = s.fields.first { it.id == "applicant_name" }
            assertTrue(name.prefilled)
            assertEquals(profile.fullName, name.value)
            assertEquals("Họ, chữ đệm và tên người yêu cầu", name.label)
            assertTrue(s.fields.first { it.id == "applicant_personal_id" }.prefilled)
            assertFalse(s.fields.first { it.id == "purpose" }.prefilled)
            // Nothing typed yet: no red text on an empty form.
            assertTrue(s.fields.all { it.error == null }, "${s.fields.filter { it.error != null }}")

            vm.onValueChange("phone", "12345")
            val bad = vm.editing("phone error") { e -> e.fields.first { it.id == "phone" }.error != null }
            val error = bad.fields.first { it.id == "phone" }.error!!
            assertTrue(error.contains("số điện thoại", ignoreCase = true) || error.contains("Số điện thoại"), error)

            // A prefilled value changed by the person is no longer marked.
            vm.onValueChange("applicant_name", "Nguyễn Văn Khác")
            vm.editing("name saved") { e -> e.fields.first { it.id == "applicant_name" }.let { !it.prefilled && it.value == "Nguyễn Văn Khác" } }

            // Submitting an incomplete draft: every problem next to its field, nothing sent.
            vm.submit()
            val checked = vm.editing("problems") { it.message != null }
            assertTrue(checked.message!!.startsWith("Còn "), checked.message)
            assertNotNull(checked.fields.first { it.id == "purpose" }.error)
            assertNotNull(checked.documents.first { it.requirement == "declaration_form" }.error)
            assertEquals(SubmitUi.Idle, checked.submit)
        }
    }

    @Test
    fun `a re-created form is restored from the core, values and marks included`() = runBlocking<Unit> {
        phone().use { phone ->
            val first = form(phone, "1.004873")
            first.editing()
            first.onValueChange("purpose", "property")
            first.onValueChange("phone", "0912 345 678")
            first.editing("saved") { s -> s.fields.first { it.id == "phone" }.let { it.value == "0912 345 678" } }
            val id = first.draftId!!
            // Wait until the core has both (the saves run in order).
            phone.dossiers().let { d -> first.state.await("core has the values") { _ -> d.draft(id).fields.count { it.value != null && !it.prefilled } == 2 } }

            val again = DraftFormViewModel(phone.dossiers(), phone.catalog, Lang.VI, phone.texts, phone.scope, draftId = id)
            val restored = again.editing()
            assertEquals("property", restored.fields.first { it.id == "purpose" }.value)
            assertEquals("0912345678", restored.fields.first { it.id == "phone" }.value)
            assertTrue(restored.fields.first { it.id == "applicant_name" }.prefilled)
        }
    }

    @Test
    fun `submit shows upload progress and ends with a dossier code, home and detail follow the desk`() = runBlocking<Unit> {
        phone().use { phone ->
            val vm = form(phone, "1.004873")
            vm.editing()
            fillMaritalStatus(vm, phone)

            val seen = Collections.synchronizedList(mutableListOf<SubmitUi>())
            val recorder = vm.state.onEach { (it as? DraftFormState.Editing)?.submit?.let(seen::add) }.launchIn(phone.scope)
            vm.submit()
            val done = vm.editing("submitted") { it.submit is SubmitUi.Submitted || it.message != null }
            recorder.cancel()
            val submitted = done.submit as? SubmitUi.Submitted ?: throw AssertionError("not submitted: ${done.message}")
            assertTrue(Regex("""^[0-9A-Z.]+-\d{6}-\d{4,}$""").matches(submitted.dossierCode), submitted.dossierCode)
            assertEquals("Đã nộp hồ sơ. Mã hồ sơ: ${submitted.dossierCode}", submitted.message)
            val sending = seen.filterIsInstance<SubmitUi.Sending>()
            assertTrue(sending.isNotEmpty(), "no progress shown: $seen")
            assertTrue(sending.any { it.percent > 0 }, "progress never moved: $sending")
            assertEquals(sending.map { it.percent }.sorted(), sending.map { it.percent }, "progress went backwards")
            assertTrue(sending.last().message.startsWith("Đang gửi giấy tờ: "))

            // Another draft stays a draft.
            form(phone, "1.004222").editing()

            val home = HomeViewModel(phone.dossiers(), phone.tracking(), phone.catalog, Lang.VI, phone.texts, phone.scope)
            val listed = home.state.await("home") { !it.loading && it.dossiers.isNotEmpty() }
            val mine = listed.dossiers.single()
            assertEquals(submitted.dossierCode, mine.code)
            assertEquals("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", mine.procedureName)
            assertNull(mine.appointment)
            assertEquals(listOf("Đăng ký thường trú"), listed.drafts.map { it.procedureName })
            assertNull(listed.banner)

            // The desk accepts it: the appointment date appears on home and detail.
            Desk(portal, "tiepnhan").act(submitted.dossierCode, "accept")
            val detail = DossierDetailViewModel(phone.tracking(), null, submitted.dossierCode, Lang.VI, phone.texts, phone.scope)
            val shown = detail.state.await("timeline") { it is DossierDetailState.Shown && it.timeline.size >= 2 } as DossierDetailState.Shown
            assertEquals(2, shown.timeline.size)
            assertEquals(phone.core.tracking().statusLabel(vn.motcua.DossierStatus.RECEIVED), shown.status)
            assertEquals(shown.status, shown.timeline.first().label)
            assertTrue(shown.deadline!!.startsWith("Hẹn trả kết quả: Thứ "), shown.deadline)
            assertTrue(Regex("""^\d\d:\d\d, Thứ .+, \d\d/\d\d/\d{4}$""").matches(shown.timeline.first().at), shown.timeline.first().at)
            assertEquals(CitizenAction.SHOW_RECEIPT, shown.primary)
            // Withdrawing is possible on the portal but not through the core yet: said so.
            assertEquals(Texts(Lang.VI).notYetAvailable, shown.unavailable)
            assertFalse(shown.overdue)

            home.refresh()
            val after = home.state.await("appointment on home") { !it.loading && it.dossiers.firstOrNull()?.appointment != null }
            assertTrue(after.dossiers.single().appointment!!.startsWith("Hẹn trả kết quả: "))

            // The officer asks for more papers: the one primary action becomes answering.
            Desk(portal, "chuyenvien").act(submitted.dossierCode, "start_processing")
            Desk(portal, "chuyenvien").act(submitted.dossierCode, "request_supplement", ""","missing":["Bản sao giấy khai sinh"]""")
            val asked = DossierDetailViewModel(phone.tracking(), null, submitted.dossierCode, Lang.VI, phone.texts, phone.scope)
                .state.await("supplement") { it is DossierDetailState.Shown && it.primary == CitizenAction.ANSWER_SUPPLEMENT } as DossierDetailState.Shown
            assertEquals(4, asked.timeline.size)
            assertEquals(phone.core.tracking().statusLabel(vn.motcua.DossierStatus.SUPPLEMENT_REQUESTED), asked.status)
        }
    }

    /**
     * Disabled: a defect of the core, not of this screen. The sync feed carries the papers
     * the desk asked for (`missing`), but `TrackingArea::store_page` does not keep them in
     * `dossier_events` and `TrackingArea::dossier` answers `missing: []`, so the detail
     * screen, which reads the timeline kept on the phone (to work offline), cannot list
     * them. Enable when the core keeps `missing` with each event.
     */
    @org.junit.jupiter.api.Disabled("core defect: the timeline kept on the phone drops the desk's list of missing papers")
    @Test
    fun `the papers the desk asked for are listed on the detail screen`() = runBlocking<Unit> {
        phone().use { phone ->
            val vm = form(phone, "1.004873")
            vm.editing()
            fillMaritalStatus(vm, phone)
            vm.submit()
            val code = (vm.editing("submitted") { it.submit is SubmitUi.Submitted }.submit as SubmitUi.Submitted).dossierCode
            Desk(portal, "tiepnhan").act(code, "accept")
            Desk(portal, "chuyenvien").act(code, "start_processing")
            Desk(portal, "chuyenvien").act(code, "request_supplement", ""","missing":["Bản sao giấy khai sinh"]""")
            val asked = DossierDetailViewModel(phone.tracking(), null, code, Lang.VI, phone.texts, phone.scope)
                .state.await("missing papers") { it is DossierDetailState.Shown && it.missing.isNotEmpty() } as DossierDetailState.Shown
            assertEquals(listOf("Bản sao giấy khai sinh"), asked.missing)
        }
    }

    @Test
    fun `offline, the submitted dossier waits on the phone and every screen says what will happen`() = runBlocking<Unit> {
        val own = Portal.start()
        phone(own).use { phone ->
            val vm = form(phone, "1.004873")
            vm.editing()
            fillMaritalStatus(vm, phone)
            own.close()

            vm.submit()
            val queued = vm.editing("queued") { it.submit is SubmitUi.Queued || it.message != null }
            assertEquals(SubmitUi.Queued("Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng."), queued.submit)
            assertEquals(1, phone.dossiers().pendingSubmissions())

            val home = HomeViewModel(phone.dossiers(), phone.tracking(), phone.catalog, Lang.VI, phone.texts, phone.scope)
            val s = home.state.await("offline home") { !it.loading && it.banner != null }
            assertEquals("${Texts(Lang.VI).offlineStatus} ${Texts(Lang.VI).offlineDraftQueued}", s.banner)
            assertEquals(listOf(true), s.drafts.map { it.waitingToSend })

            // The form re-opened later shows the same, from the core.
            val again = DraftFormViewModel(phone.dossiers(), phone.catalog, Lang.VI, phone.texts, phone.scope, draftId = queued.draftId)
            assertEquals(SubmitUi.Queued(Texts(Lang.VI).offlineDraftQueued), again.editing().submit)
        }
    }
}
