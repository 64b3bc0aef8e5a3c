package vn.motcua.presentation

import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import vn.motcua.CoreException
import vn.motcua.Profile
import vn.motcua.jvmtests.Browser
import vn.motcua.jvmtests.Desk
import vn.motcua.jvmtests.Portal

/**
 * The volunteer's assisted session over the real assist area of the core, a real portal,
 * the provider's real login page: consent, the person's own login inside the session, the
 * ordinary search and form screens on the session's core, hand-off, end with erasure, the
 * summary; and the warning when submissions still wait for the network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AssistScreensTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    /** The volunteer's own phone: logged in as a level-2 demo citizen, the catalog downloaded. */
    private suspend fun volunteer(own: Portal = portal): Phone = Phone(own).also {
        it.login()
        it.catalog.refreshCatalog()
    }

    /** The assist area as the app builds it: the session's core with its receipt area. */
    private fun Phone.assistPort() = CoreAssist(core.assist(), lang) { core, catalog -> CoreReceipts(core.receipts(), lang, catalog) }

    private fun Phone.assist() = AssistViewModel(assistPort(), lang, texts, scope)

    /** A session opened as the consent screen opens it. */
    private suspend fun open(vm: AssistViewModel): CoreAreas {
        vm.start()
        val consent = vm.state.await("consent") { it is AssistState.Consent } as AssistState.Consent
        vm.accept(consent.version)
        vm.state.await("open") { it is AssistState.Open }
        return vm.areas.value ?: throw AssertionError("open without areas")
    }

    /**
     * The person logs in with their own identity inside the session, through the same login
     * holder the login screen uses: the provider's page, another citizen than the volunteer.
     */
    private suspend fun personLogsIn(areas: CoreAreas, phone: Phone, volunteer: Profile): Profile {
        val login = SessionViewModel(areas.identity, phone.texts, phone.scope)
        login.state.await("logged out at first") { it is SessionState.LoggedOut }
        login.beginLogin()
        val browser = login.state.await("browser") { it is SessionState.OpenBrowser } as SessionState.OpenBrowser
        val person = Browser.citizens(browser.url).first { it.level == 2 && it.fullName != volunteer.fullName }
        login.completeLogin(Browser.submit(person))
        val done = login.state.await("person logged in") { it is SessionState.LoggedIn || it is SessionState.LoggedOut && it.problem != null }
        return (done as? SessionState.LoggedIn ?: throw AssertionError("login failed: $done")).profile
    }

    /** The session directories under the volunteer's data directory. */
    private fun Phone.sessionDirs(): List<String> {
        val root = dir.resolve("profile").resolve("assisted")
        return if (Files.isDirectory(root)) Files.list(root).use { s -> s.map { it.fileName.toString() }.toList() } else emptyList()
    }

    private fun Phone.scopedSecrets() = platform.secrets.keys.filter { it.startsWith("motcua.assist.") }

    @Test
    fun `consent is required, the statement comes from the core and no other opens a session`() = runBlocking<Unit> {
        volunteer().use { phone ->
            val vm = phone.assist()
            // Nothing happens without the consent screen.
            vm.accept(vn.motcua.consentStatementVersion())
            vm.start()
            val consent = vm.state.await("consent") { it is AssistState.Consent } as AssistState.Consent
            assertEquals(vn.motcua.consentStatement("vi"), consent.statement)
            assertTrue(consent.statement.startsWith("Tôi đồng ý để tình nguyện viên giúp tôi"), consent.statement)
            assertEquals(vn.motcua.consentStatementVersion(), consent.version)
            assertNull(vm.session.value)

            // A statement other than the one shown (e.g. an older text) is refused by the core.
            vm.accept("assist-consent-v0")
            val refused = vm.state.await("refused") { it is AssistState.Consent && it.problem != null } as AssistState.Consent
            assertEquals("consent_required", refused.problem!!.code)
            assertEquals("Cần người được hỗ trợ đồng ý trước khi bắt đầu.", refused.problem!!.message)
            assertFalse(refused.starting)
            assertNull(vm.session.value)
            assertNull(vm.areas.value)
            assertTrue(phone.sessionDirs().isEmpty(), "${phone.sessionDirs()}")

            // Accepted: a session with its banner, which names nobody.
            vm.accept(consent.version)
            val open = vm.state.await("open") { it is AssistState.Open } as AssistState.Open
            assertTrue(open.banner.startsWith("Đang hỗ trợ người dân, từ "), open.banner)
            assertFalse(open.banner.contains(phone.identity.profile()!!.fullName))
            assertEquals(1, phone.sessionDirs().size)
            vm.end()
            vm.state.await("ended") { it is AssistState.Ended }
        }
    }

    @Test
    fun `a session - the person logs in inside, files, gets the hand-off, the end erases it and the volunteer stays`() = runBlocking<Unit> {
        volunteer().use { phone ->
            val volunteer = phone.identity.profile()!!
            val vm = phone.assist()
            val areas = open(vm)
            assertTrue(areas.assisted)
            assertNull(areas.identity.profile(), "the session starts with nobody logged in, not the volunteer")

            val person = personLogsIn(areas, phone, volunteer)
            assertNotEquals(volunteer.personalId, person.personalId)
            assertEquals(volunteer.fullName, phone.identity.profile()!!.fullName, "the volunteer is still logged in")

            // The ordinary screens, on the session's core: search works from the copied catalog...
            val search = SearchViewModel(areas.catalog, phone.texts, phone.scope)
            search.onQueryChange("giay doc than")
            assertEquals("1.004873", search.state.await("results") { it.resultsFor == "giay doc than" }.results.first().code)
            // ...and the form is filled in from the person's identity, not the volunteer's.
            val form = DraftFormViewModel(areas.dossiers, phone.texts, phone.scope, procedureCode = "1.004873")
            val editing = form.editingState()
            assertEquals(person.fullName, editing.fields.first { it.id == "applicant_name" }.value)
            fillMaritalStatus(form, areas.identity)
            form.submit()
            val done = form.editingState("submitted") { it.submit is SubmitUi.Submitted || it.message != null }
            val code = (done.submit as? SubmitUi.Submitted ?: throw AssertionError("not submitted: ${done.message}")).dossierCode

            // Nothing of the person in the volunteer's own profile.
            val own = CoreDossiers(phone.core.dossier())
            assertTrue(own.drafts().isEmpty(), "${own.drafts()}")

            // The desk accepts; the hand-off shows the code, the appointment and what to do.
            val (status, body) = Desk.login(portal, "tiepnhan").act(code, "accept")
            assertEquals(200, status, body)
            val session = vm.session.value!!
            val handoff = HandoffViewModel(session, code, Lang.VI, phone.texts, phone.scope)
            val slip = handoff.state.await("hand-off with the date") {
                it is HandoffState.Failed || it is HandoffState.Shown && it.appointment != null
            } as? HandoffState.Shown ?: throw AssertionError("hand-off failed: ${handoff.state.value}")
            assertEquals(code, slip.slip.dossierCode)
            assertEquals("Mã hồ sơ của ông/bà: $code", slip.lines.first())
            assertTrue(slip.lines.any { it.startsWith("Ngày hẹn trả kết quả: ") }, "${slip.lines}")
            assertTrue(slip.appointment!!.startsWith("Thứ ") || slip.appointment!!.startsWith("Chủ Nhật"), slip.appointment)
            assertFalse(slip.shareText.contains(person.fullName), "the hand-off carries no personal data")
            // The receipt the desk issued, synced into the session: its QR code for the screen.
            assertNull(slip.receiptNote)
            assertTrue(slip.receipt!!.qrText.startsWith("MC1:"), slip.receipt!!.qrText)
            assertEquals(code, slip.receipt!!.fields.first { it.label == "Mã hồ sơ" }.value)

            // The end: ended, erased, the volunteer still logged in.
            vm.end()
            val ended = vm.state.await("ended") { it is AssistState.Ended || it is AssistState.Open && it.problem != null }
            assertEquals(AssistState.Ended("Đã kết thúc phiên hỗ trợ. Thông tin của người được hỗ trợ đã được xóa khỏi máy này.", listOf("Đã nộp: 1 hồ sơ")), ended)
            assertNull(vm.session.value, "the session is gone")
            assertNull(vm.areas.value, "the screens are back on the volunteer's core")
            assertTrue(phone.sessionDirs().isEmpty(), "${phone.sessionDirs()}")
            assertTrue(phone.scopedSecrets().isEmpty(), "${phone.scopedSecrets()}")
            assertThrows(CoreException.NotAllowed::class.java) { session.handoff(code) }
            assertEquals(volunteer.fullName, phone.identity.profile()!!.fullName)
            assertEquals(volunteer.fullName, phone.identity.whoami().fullName, "the volunteer's portal session still works")

            // The summary counts one person and one filed dossier, and nothing personal.
            val summary = AssistSummaryViewModel(phone.assistPort(), phone.catalog, Lang.VI, phone.texts, phone.scope)
            val shown = summary.state.await("summary") { it !is SummaryState.Loading } as? SummaryState.Shown
                ?: throw AssertionError("summary failed: ${summary.state.value}")
            val day = shown.days.single()
            assertEquals("Đã hỗ trợ 1 người", day.people)
            assertNull(day.interrupted)
            assertEquals(
                listOf(SummaryLine("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", listOf("Đã nộp: 1 hồ sơ"))),
                day.procedures,
            )
            val csv = shown.csv.lines()
            assertEquals("day,people_helped,interrupted_sessions,procedure_code,submitted,not_sent,abandoned_drafts", csv.first())
            assertTrue(csv[1].endsWith(",1,0,1.004873,1,0,0"), csv[1])
            for (private in listOfNotNull(person.fullName, person.personalId, code)) {
                assertFalse(shown.csv.contains(private), "the summary holds no personal data")
            }
        }
    }

    @Test
    fun `ending with a submission still waiting warns, keeps the session, and ends only when forced`() = runBlocking<Unit> {
        val own = Portal.start()
        volunteer(own).use { phone ->
            val volunteer = phone.identity.profile()!!
            val vm = phone.assist()
            val areas = open(vm)
            personLogsIn(areas, phone, volunteer)
            val form = DraftFormViewModel(areas.dossiers, phone.texts, phone.scope, procedureCode = "1.004873")
            form.editingState()
            fillMaritalStatus(form, areas.identity)
            own.close()
            form.submit()
            val queued = form.editingState("queued") { it.submit is SubmitUi.Queued || it.message != null }
            assertEquals(SubmitUi.Queued("Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng."), queued.submit)

            vm.end()
            val warned = vm.state.await("warning") { it is AssistState.ConfirmEnd || it is AssistState.Ended } as? AssistState.ConfirmEnd
                ?: throw AssertionError("ended without a warning: ${vm.state.value}")
            assertEquals(1, warned.pending)
            assertEquals(
                "Còn 1 hồ sơ chưa gửi được (chưa có mạng). Kết thúc bây giờ thì các hồ sơ này sẽ bị xóa và không được nộp.",
                warned.warning,
            )
            // Still open, on fresh handles: the waiting submission is still there.
            val again = vm.areas.value!!
            assertNotEquals(areas.key, again.key)
            assertEquals(1, again.dossiers.pendingSubmissions())
            assertEquals(1, phone.sessionDirs().size)

            vm.keepOpen()
            vm.state.await("open again") { it is AssistState.Open }
            vm.end()
            vm.state.await("warning again") { it is AssistState.ConfirmEnd }
            vm.endAnyway()
            val ended = vm.state.await("ended") { it is AssistState.Ended || it is AssistState.Open && it.problem != null }
            assertEquals(listOf("Không gửi được: 1 hồ sơ"), (ended as AssistState.Ended).lines)
            assertNull(vm.session.value)
            assertTrue(phone.sessionDirs().isEmpty(), "${phone.sessionDirs()}")
            assertTrue(phone.scopedSecrets().isEmpty(), "${phone.scopedSecrets()}")
            assertEquals(volunteer.fullName, phone.identity.profile()!!.fullName)

            val day = phone.assistPort().summary().single()
            assertEquals(1, day.peopleHelped)
            assertEquals(listOf(ProcedureCounts("1.004873", submitted = 0, notSent = 1, abandonedDrafts = 0, lines = listOf("Không gửi được: 1 hồ sơ"))), day.procedures)
        }
    }
}
