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
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import vn.motcua.CitizenAction
import vn.motcua.DossierStatus
import vn.motcua.FeeStanding
import vn.motcua.FieldKind
import vn.motcua.dossierActions
import vn.motcua.RepresentationBasis
import vn.motcua.jvmtests.Desk
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.samplePng

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

    /** An officer's action through the desk API; fails the test unless the portal took it. */
    private fun desk(officer: String, code: String, action: String, missing: List<String> = emptyList()) {
        val (status, body) = Desk.login(portal, officer).act(code, action, missing = missing)
        assertEquals(200, status, body)
    }

    private fun detail(phone: Phone, code: String) =
        DossierDetailViewModel(phone.tracking(), phone.dossiers(), code, Lang.VI, phone.texts, phone.scope)

    /** A submitted marital-status dossier: its code. */
    private suspend fun submitted(phone: Phone): String {
        val vm = form(phone, "1.004873")
        vm.editing()
        fillMaritalStatus(vm, phone)
        vm.submit()
        val done = vm.editing("submitted") { it.submit is SubmitUi.Submitted || it.message != null }
        return (done.submit as? SubmitUi.Submitted ?: throw AssertionError("not submitted: ${done.message}")).dossierCode
    }

    private fun form(phone: Phone, procedure: String, dossiers: DossierPort = phone.dossiers()) =
        DraftFormViewModel(dossiers, phone.texts, phone.scope, procedureCode = procedure)

    private suspend fun DraftFormViewModel.editing(what: String = "form", p: (DraftFormState.Editing) -> Boolean = { true }) =
        state.await(what) { it is DraftFormState.Editing && p(it) || it is DraftFormState.Failed }
            .let { it as? DraftFormState.Editing ?: throw AssertionError("form failed: $it") }

    private suspend fun fillMaritalStatus(vm: DraftFormViewModel, phone: Phone) = fillMaritalStatus(vm, phone.identity)

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
            assertTrue(name.readOnly, "fields from the identity are read-only")
            assertTrue(s.fields.first { it.id == "applicant_personal_id" }.readOnly)
            assertFalse(s.fields.first { it.id == "phone" }.readOnly, "earlier-dossier values stay editable")
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

            // A value from the identity is not changed by typing: the screen keeps it and
            // the core, asked directly, refuses (field_locked).
            vm.onValueChange("applicant_name", "Nguyễn Văn Khác")
            vm.onValueChange("intended_spouse", "Trần Văn Bình")
            val kept = vm.editing("spouse saved") { e -> e.fields.first { it.id == "intended_spouse" }.value == "Trần Văn Bình" }
            assertEquals(profile.fullName, kept.fields.first { it.id == "applicant_name" }.value)
            assertTrue(kept.fields.first { it.id == "applicant_name" }.prefilled)
            val refused = runCatching { phone.dossiers().setField(vm.draftId!!, "applicant_name", "Nguyễn Văn Khác") }
            assertEquals("field_locked", refused.exceptionOrNull()?.toProblem(phone.texts)?.code, "$refused")

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
    fun `filing on behalf - the switch, the person checked and recorded by the core, the fields it frees, the desk sees it`() = runBlocking<Unit> {
        phone().use { phone ->
            val profile = phone.identity.profile()!!
            val vm = form(phone, "1.004873")
            val start = vm.editing()
            assertEquals(OnBehalfUi(), start.onBehalf, "offered (the form has identity fields), off")
            assertTrue(start.fields.first { it.id == "applicant_address" }.readOnly)

            // On, nothing chosen: still the citizen's dossier, and submitting says what is missing.
            vm.fileOnBehalf(true)
            vm.editing("switched on") { it.onBehalf?.on == true }
            vm.submit()
            val unchosen = vm.editing("the relation asked for") { it.message != null }
            assertEquals(phone.texts.onBehalfChooseBasis, unchosen.onBehalf!!.errors["basis"])
            assertEquals(SubmitUi.Idle, unchosen.submit, "not filed in the citizen's name behind the switch")
            assertNull(unchosen.onBehalf!!.held)
            assertEquals(profile.fullName, unchosen.fields.first { it.id == "applicant_name" }.value)

            // Typing: the core's problem with a half-typed number, nothing recorded yet.
            vm.onBehalfChange(basis = RepresentationBasis.CHILD)
            vm.onBehalfChange(fullName = "Trần Văn Bình")
            vm.onBehalfChange(personalId = "0010520")
            val typing = vm.editing("the ID's problem") { it.onBehalf?.personalId == "0010520" && it.onBehalf.errors.containsKey("personal_id") }
            assertNull(typing.onBehalf!!.held)
            assertFalse(typing.onBehalf!!.errors.containsKey("full_name"), "${typing.onBehalf}")

            // The whole number: recorded; the form's name and ID are his, locked; the address is freed.
            vm.onBehalfChange(personalId = "001052007381")
            val filed = vm.editing("recorded") { it.onBehalf?.held != null && it.onBehalf.recorded }
            assertEquals(OnBehalfPerson("Trần Văn Bình", "001052007381", RepresentationBasis.CHILD, null), filed.onBehalf!!.held)
            assertEquals(emptyMap<String, String>(), filed.onBehalf!!.errors)
            filed.fields.first { it.id == "applicant_name" }.let { assertEquals("Trần Văn Bình", it.value); assertTrue(it.readOnly) }
            filed.fields.first { it.id == "applicant_personal_id" }.let { assertEquals("001052007381", it.value); assertTrue(it.readOnly) }
            filed.fields.first { it.id == "applicant_address" }.let { assertEquals("", it.value); assertFalse(it.readOnly) }

            // Off and on again: the citizen's values back, then his.
            vm.fileOnBehalf(false)
            val off = vm.editing("off") { it.onBehalf?.on == false && it.onBehalf.recorded }
            assertNull(off.onBehalf!!.held)
            assertEquals(profile.personalId, off.fields.first { it.id == "applicant_personal_id" }.value)
            assertTrue(off.fields.first { it.id == "applicant_address" }.readOnly)
            vm.fileOnBehalf(true)
            vm.editing("on again, as typed") { it.onBehalf?.held?.fullName == "Trần Văn Bình" && it.fields.first { f -> f.id == "applicant_name" }.value == "Trần Văn Bình" }

            // A re-created form shows what the core recorded.
            val again = DraftFormViewModel(phone.dossiers(), phone.texts, phone.scope, draftId = vm.draftId!!).editing()
            assertEquals(true, again.onBehalf?.on)
            assertEquals("001052007381", again.onBehalf?.personalId)
            assertEquals("Trần Văn Bình", again.fields.first { it.id == "applicant_name" }.value)

            fillMaritalStatus(vm, phone)
            // His birth date: his ID number says 1952 (digits 4 to 6), and the core checks
            // that the two agree.
            vm.onValueChange("applicant_birth_date", "1952-03-14")
            vm.onValueChange("applicant_address", "12 Lê Lợi, phường Thuận Hóa, Huế")
            vm.editing("address typed") { s -> s.fields.first { it.id == "applicant_address" }.value.startsWith("12 Lê Lợi") }
            eventually("the address and birth date saved") {
                phone.dossiers().form(vm.draftId!!).fields.let { fields ->
                    fields.first { it.id == "applicant_address" }.value.isNotEmpty() &&
                        fields.first { it.id == "applicant_birth_date" }.value == "1952-03-14"
                }
            }
            vm.submit()
            val done = vm.editing("submitted") { it.submit is SubmitUi.Submitted || it.message != null }
            val code = (done.submit as? SubmitUi.Submitted ?: throw AssertionError("not submitted: ${done.message}; core: ${phone.dossiers().check(vm.draftId!!).message}")).dossierCode
            val (status, body) = Desk.login(portal, "tiepnhan").dossier(code)
            assertEquals(200, status, body)
            assertTrue(body.contains("\"personal_id\":\"001052007381\""), body)
            assertTrue(vn.motcua.jvmtests.jsonString(body, "filing_notice_vi").contains("(con) thay cho Trần Văn Bình"), body)
            // Submitted: the switch no longer changes anything.
            vm.fileOnBehalf(false)
            assertEquals(true, (vm.state.value as DraftFormState.Editing).onBehalf?.on)
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
            // Wait until the core has both (the saves run in order, off the main thread).
            val dossiers = phone.dossiers()
            eventually("the core has both values") { dossiers.form(id).fields.count { it.value.isNotEmpty() && !it.prefilled } == 2 }

            val again = DraftFormViewModel(phone.dossiers(), phone.texts, phone.scope, draftId = id)
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
            // The demo citizen is shared by the tests on this portal: pick this phone's dossier.
            val mine = listed.dossiers.first { it.code == submitted.dossierCode }
            assertEquals(submitted.dossierCode, mine.code)
            assertEquals("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", mine.procedureName)
            assertNull(mine.appointment)
            assertEquals(listOf("Đăng ký thường trú"), listed.drafts.map { it.procedureName })
            assertNull(listed.banner)

            // The desk accepts it: the appointment date appears on home and detail.
            desk("tiepnhan", submitted.dossierCode, "accept")
            val shown = detail(phone, submitted.dossierCode).state.await("timeline") { it is DossierDetailState.Shown && it.timeline.size >= 2 } as DossierDetailState.Shown
            assertEquals(2, shown.timeline.size)
            assertEquals(phone.core.tracking().statusLabel(vn.motcua.DossierStatus.RECEIVED), shown.status)
            assertEquals(shown.status, shown.timeline.first().label)
            assertTrue(shown.deadline!!.startsWith("Hẹn trả kết quả: Thứ "), shown.deadline)
            assertTrue(Regex("""^\d\d:\d\d, Thứ .+, \d\d/\d\d/\d{4}$""").matches(shown.timeline.first().at), shown.timeline.first().at)
            assertEquals(CitizenAction.SHOW_RECEIPT, shown.primary)
            assertTrue(shown.withdrawable)
            assertNull(shown.unavailable)
            assertFalse(shown.overdue)

            home.refresh()
            val after = home.state.await("appointment on home") { s -> !s.loading && s.dossiers.any { it.code == submitted.dossierCode && it.appointment != null } }
            assertTrue(after.dossiers.first { it.code == submitted.dossierCode }.appointment!!.startsWith("Hẹn trả kết quả: "))

        }
    }

    @Test
    fun `the desk asks for papers, the answer goes through the draft form and processing resumes`() = runBlocking<Unit> {
        phone().use { phone ->
            val code = submitted(phone)
            desk("tiepnhan", code, "accept")
            desk("chuyenvien", code, "start_processing")
            desk("chuyenvien", code, "request_supplement", missing = listOf("Bản sao giấy khai sinh"))

            val detail = detail(phone, code)
            val asked = detail.state.await("supplement") { it is DossierDetailState.Shown && it.primary == CitizenAction.ANSWER_SUPPLEMENT } as DossierDetailState.Shown
            assertEquals(listOf("Bản sao giấy khai sinh"), asked.missing)
            assertEquals(phone.core.tracking().statusLabel(vn.motcua.DossierStatus.SUPPLEMENT_REQUESTED), asked.status)
            assertTrue(asked.timeline.first().details.contains("Bản sao giấy khai sinh"), "${asked.timeline.first()}")

            val opened = kotlinx.coroutines.CompletableDeferred<String>()
            detail.answerSupplement { opened.complete(it) }
            val answer = DraftFormViewModel(phone.dossiers(), phone.texts, phone.scope, draftId = opened.await())
            val form = answer.editing()
            assertEquals(code, form.answering)
            assertEquals(listOf("Bản sao giấy khai sinh"), form.requested)
            assertEquals(listOf(FieldKind.LONG_TEXT), form.fields.map { it.kind })
            assertTrue(form.documents.none { it.required })

            // An empty answer is refused by the core with a reason, nothing is sent.
            answer.submit()
            val empty = answer.editing("empty answer refused") { it.message != null }
            assertEquals(SubmitUi.Idle, empty.submit)

            answer.onValueChange(form.fields.single().id, "Tôi gửi bản sao giấy khai sinh.")
            answer.attach("declaration_form", "khai-sinh.png", samplePng())
            answer.editing("attached") { s -> s.documents.any { it.files.isNotEmpty() } }
            answer.submit()
            val sent = answer.editing("answer sent") { it.submit is SubmitUi.Submitted || (it.message != null && it.submit !is SubmitUi.Idle) }
            assertEquals(SubmitUi.Submitted(code, "Đã gửi bổ sung hồ sơ $code"), sent.submit)

            val resumed = detail(phone, code).state.await("processing again") { it is DossierDetailState.Shown && it.timeline.size == 5 } as DossierDetailState.Shown
            assertEquals(phone.core.tracking().statusLabel(vn.motcua.DossierStatus.PROCESSING), resumed.status)
            assertEquals(CitizenAction.SHOW_RECEIPT, resumed.primary)
        }
    }

    @Test
    fun `withdrawing asks the portal, and offline it waits on the phone with a plain message`() = runBlocking<Unit> {
        val own = Portal.start()
        phone(own).use { phone ->
            val code = submitted(phone)
            val first = detail(phone, code)
            first.state.await("shown and synced") { it is DossierDetailState.Shown && it.withdrawable && !it.refreshing }
            own.close()
            first.withdraw("Tôi nộp nhầm thủ tục")
            val queued = first.state.await("queued") { it is DossierDetailState.Shown && it.banner != null } as DossierDetailState.Shown
            assertEquals("Yêu cầu rút hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.", queued.banner)
        }
        phone().use { phone ->
            val code = submitted(phone)
            val vm = detail(phone, code)
            vm.state.await("shown and synced") { it is DossierDetailState.Shown && it.withdrawable && !it.refreshing }
            vm.withdraw(null)
            val after = vm.state.await("withdrawal requested") { it is DossierDetailState.Shown && it.timeline.size == 2 } as DossierDetailState.Shown
            assertEquals(phone.core.tracking().statusLabel(vn.motcua.DossierStatus.WITHDRAWAL_REQUESTED), after.status)
            assertFalse(after.withdrawable)
            assertNull(after.banner)
        }
    }

    @Test
    fun `leaving a shared phone erases the citizen's data, after a warning when something waits to be sent`() = runBlocking<Unit> {
        val own = Portal.start()
        phone(own).use { phone ->
            val code = submitted(phone)
            val detail = detail(phone, code)
            detail.state.await("shown and synced") { it is DossierDetailState.Shown && it.withdrawable && !it.refreshing }
            own.close()
            detail.withdraw(null)
            detail.state.await("queued") { it is DossierDetailState.Shown && it.banner != null }

            val session = SessionViewModel(phone.identity, phone.texts, phone.scope)
            session.state.await("logged in") { it is SessionState.LoggedIn }
            session.logoutAndErase()
            val ask = session.state.await("asked") { it is SessionState.ConfirmErase } as SessionState.ConfirmErase
            assertEquals(1u, phone.identity.undeliveredActions())
            assertEquals(
                "Còn 1 hồ sơ hoặc yêu cầu chưa gửi được. Nếu xóa bây giờ, chúng sẽ mất và không được gửi đi. Hãy chờ có mạng để gửi xong rồi hãy xóa.",
                ask.warning,
            )
            session.keepData()
            session.state.await("kept") { it is SessionState.LoggedIn }
            assertEquals(1u, phone.identity.undeliveredActions())
            assertTrue(phone.dossiers().drafts().isNotEmpty())

            session.logoutAndErase(confirmed = true)
            session.state.await("erased") { it is SessionState.LoggedOut }
            assertNull(phone.identity.profile())
            assertEquals(0u, phone.identity.undeliveredActions())
            assertTrue(phone.core.dossier().drafts().isEmpty())
            assertTrue(phone.core.tracking().dossiers().isEmpty())
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
            val again = DraftFormViewModel(phone.dossiers(), phone.texts, phone.scope, draftId = queued.draftId)
            assertEquals(SubmitUi.Queued(Texts(Lang.VI).offlineDraftQueued), again.editing().submit)
        }
    }

    /**
     * For every status, the detail screen offers exactly what the core's lifecycle rule
     * says ([dossierActions]): the view model shows the core's view data and derives
     * nothing from the status (a copy of the rule here would disagree somewhere).
     */
    @Test
    fun `for every status the screen offers exactly the actions the core decides`() = runBlocking<Unit> {
        val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        for (status in DossierStatus.entries) {
            for (holdsReceipt in listOf(false, true)) {
                val decided = dossierActions(status, holdsReceipt, FeeStanding.NOTHING)
                val record = DossierRecord(
                    code = "H01-${status.name}",
                    procedureCode = "1.004873",
                    status = status,
                    label = status.name,
                    appointmentDate = null,
                    overdue = false,
                    timeline = emptyList(),
                    actions = decided.available,
                    primary = decided.primary,
                )
                val tracking = object : TrackingPort {
                    override suspend fun sync() = emptyList<StatusEvent>()
                    override suspend fun syncNotices(delivered: List<String>) = emptyList<vn.motcua.Notice>()
                    override fun dossiers() = emptyList<DossierLine>()
                    override fun dossier(code: String) = record.takeIf { it.code == code }
                    override fun watchStatus(onChange: (StatusEvent) -> Unit) = AutoCloseable {}
                }
                val actions = object : CitizenActionsPort {
                    override suspend fun withdraw(code: String, note: String?) = Delivery.Queued(0L)
                    override fun startSupplementAnswer(code: String) = throw UnsupportedOperationException()
                }
                val vm = DossierDetailViewModel(tracking, actions, record.code, Lang.VI, Texts(Lang.VI), scope)
                val shown = vm.state.await("$status") { it is DossierDetailState.Shown && !it.refreshing } as DossierDetailState.Shown
                val where = "$status, receipt held: $holdsReceipt"
                assertEquals(decided.primary, shown.primary, where)
                assertEquals(CitizenAction.WITHDRAW in decided.available, shown.withdrawable, where)
                assertNull(shown.unavailable, where)
                // The lifecycle: a final status offers nothing.
                if (status in setOf(DossierStatus.RETURNED, DossierStatus.WITHDRAWN, DossierStatus.REJECTED, DossierStatus.STOPPED, DossierStatus.NOT_ACCEPTED)) {
                    assertTrue(decided.available.isEmpty(), where)
                }
            }
        }
    }

}
