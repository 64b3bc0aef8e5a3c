package vn.motcua.jvmtests

import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlin.io.path.isRegularFile
import kotlin.io.path.readBytes
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import vn.motcua.CoreException
import vn.motcua.ErrorReason
import vn.motcua.MotCua
import vn.motcua.Profile
import vn.motcua.SubmitOutcome
import vn.motcua.consentStatement
import vn.motcua.consentStatementVersion

/** The volunteer: Lê Hoàng Minh, a youth-union member (level 1). */
const val VOLUNTEER = "demo-0003"

/** The person helped: Trần Văn Bình, born 1952 (level 2). */
const val ELDER = "demo-0002"

/** What the elder types that the volunteer never does. */
const val ELDER_PHONE = "0987654321"

/**
 * The assist area through the generated Kotlin bindings, against a real portal: a
 * volunteer files for an elderly citizen on the volunteer's phone, and the citizen leaves
 * nothing readable behind (decision 0003).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AssistBindingsTest {
    private lateinit var portal: Portal
    private lateinit var dir: Path

    @BeforeEach
    fun start() {
        portal = Portal.start()
        dir = Files.createTempDirectory("motcua-volunteer-phone-")
    }

    @AfterEach
    fun stop() {
        portal.close()
        dir.toFile().deleteRecursively()
    }

    /** Logs [subject] in on [core] through the portal's provider, as the browser would. */
    private suspend fun logIn(core: MotCua, subject: String): Profile = core.identity().use { identity ->
        val request = identity.beginLogin()
        val citizen = Browser.citizens(request.url).first { it.subject == subject }
        identity.completeLogin(Browser.submit(citizen))
    }

    /** Every regular file under [root] (SQLite files, WAL, attachments...). */
    private fun filesUnder(root: Path): List<Path> =
        Files.walk(root).use { paths -> paths.filter { it.isRegularFile() }.toList() }

    /** The files under [root] whose bytes contain [needle] in UTF-8. */
    private fun filesContaining(root: Path, needle: String): List<Path> {
        val pattern = needle.toByteArray(UTF_8)
        return filesUnder(root).filter { indexOf(it.readBytes(), pattern) >= 0 }
    }

    private fun indexOf(haystack: ByteArray, needle: ByteArray): Int {
        outer@ for (i in 0..haystack.size - needle.size) {
            for (j in needle.indices) if (haystack[i + j] != needle[j]) continue@outer
            return i
        }
        return -1
    }

    @Test
    fun `a volunteer files for an elder who leaves nothing behind`() = runBlocking {
        val platform = MemoryPlatform()
        MotCua.open(appConfig(portal, dir.resolve("profile"), language = "vi"), platform).use { volunteer ->
            val me = logIn(volunteer, VOLUNTEER)
            volunteer.catalog().use { it.refreshCatalog() }
            val assist = volunteer.assist()

            assertTrue(consentStatement("vi").startsWith("Tôi đồng ý"))
            assertTrue(consentStatement("en").startsWith("I agree"))
            val stale = assertThrows<CoreException.NotAllowed> {
                assist.beginAssistedSession("assist-consent-v0")
            }
            assertEquals("consent_required", stale.code)
            assertEquals(ErrorReason.ConsentRequired(consentStatementVersion()), stale.reason)
            assertTrue(stale.userMessage.contains("đồng ý"), stale.userMessage)

            val session = assist.beginAssistedSession(consentStatementVersion())
            assertTrue(session.isOpen())
            assertEquals("assisted_session_open", assertThrows<CoreException.NotAllowed> { assist.beginAssistedSession(consentStatementVersion()) }.code)

            // The citizen, on the isolated core: the same objects as the app's own profile.
            lateinit var elder: Profile
            lateinit var code: String
            session.core().use { citizen ->
                citizen.catalog().use { catalog ->
                    // The catalog came with the session: search works before any network call.
                    assertEquals(MARITAL_STATUS, catalog.searchProcedures("xac nhan tinh trang hon nhan", 3u).first().code)
                }
                citizen.identity().use { assertNull(it.profile(), "nobody logged in in the new profile") }
                elder = logIn(citizen, ELDER)
                assertTrue(elder.fullName != me.fullName)
                citizen.dossier().use { dossier ->
                    val draft = dossier.createDraft(MARITAL_STATUS)
                    assertTrue(
                        draft.fields.any { it.prefilled && it.value == elder.fullName },
                        "pre-filled from the elder's own identity",
                    )
                    val values = mapOf(
                        "applicant_birth_date" to elder.birthDate!!,
                        "current_status" to "never_married",
                        "purpose" to "marriage_vn",
                        "registration_unit" to "00004",
                        "phone" to ELDER_PHONE,
                    )
                    for ((field, value) in values) assertNull(dossier.setField(draft.id, field, value).error, field)
                    dossier.addAttachmentBytes(draft.id, "declaration_form", "to-khai.pdf", samplePdf(52))
                    code = (dossier.submit(draft.id) as SubmitOutcome.Delivered).dossierCode
                    // A second draft, left unfinished.
                    dossier.createDraft(MARITAL_STATUS)
                }

                // The volunteer's own profile saw none of it.
                volunteer.identity().use { assertEquals(me.fullName, it.profile()?.fullName) }
                volunteer.dossier().use { assertTrue(it.drafts().isEmpty(), "no draft of the elder's in the volunteer's profile") }

                val (status, body) = Desk.login(portal, "tiepnhan").act(code, "accept")
                assertEquals(200, status, body)
                citizen.tracking().use { it.sync() }
            }

            val handoff = session.handoff(code)
            assertEquals(code, handoff.dossierCode)
            assertTrue(handoff.instructions.contains(code), handoff.instructions)
            val appointment = handoff.appointmentDate ?: error("no appointment after the desk accepted")
            val (year, month, day) = appointment.split('-')
            assertTrue(handoff.instructions.contains("$day/$month/$year"), handoff.instructions)
            assertTrue(handoff.instructions.contains("Tra cứu hồ sơ"), handoff.instructions)
            for (needle in listOf(elder.fullName, elder.personalId!!, ELDER_PHONE)) {
                assertFalse(handoff.instructions.contains(needle), "the hand-off text carries no $needle")
            }

            // Before the end, the elder's profile is on disk (the scan reads what is there).
            assertTrue(filesUnder(dir.resolve("profile/assisted")).isNotEmpty())
            assertTrue(filesContaining(dir, MARITAL_STATUS).isNotEmpty(), "the scan sees the catalog")
            assertTrue(platform.secrets.keys.any { it.startsWith("motcua.assist.") })

            val outcome = assist.endAssistedSession(session, false)
            assertTrue(outcome.helped)
            assertEquals(listOf(MARITAL_STATUS), outcome.submitted)
            assertEquals(listOf(MARITAL_STATUS), outcome.abandonedDrafts)
            assertEquals(emptyList<String>(), outcome.notSent)
            assertFalse(session.isOpen())
            assertEquals("no_assisted_session", assertThrows<CoreException.NotAllowed> { session.core() }.code)
            val again = assertFails<CoreException.NotAllowed> { assist.endAssistedSession(session, false) }
            assertEquals("no_assisted_session", again.code)
            assertEquals("no_assisted_session", assertThrows<CoreException.NotAllowed> { assist.resumeAssistedSession() }.code)

            // Nothing of the elder is readable on the phone: no file, no secret.
            val needles = listOf(elder.fullName, elder.personalId!!, elder.birthDate!!, elder.address!!, ELDER_PHONE)
            for (needle in needles) {
                assertEquals(emptyList<Path>(), filesContaining(dir, needle), "$needle found on the phone")
                assertFalse(
                    platform.secrets.values.any { indexOf(it, needle.toByteArray(UTF_8)) >= 0 },
                    "$needle in the keystore",
                )
            }
            assertFalse(platform.secrets.keys.any { it.startsWith("motcua.assist.") }, "a scoped secret is left")
            assertTrue(filesUnder(dir.resolve("profile")).isNotEmpty(), "the volunteer's profile is still there")

            // The volunteer is still logged in, on the portal too.
            volunteer.identity().use { identity ->
                assertEquals(me.fullName, identity.whoami().fullName)
            }
            // The dossier lives on, on the portal, for the elder to follow with the code.
            volunteer.tracking().use { assertEquals(code, it.publicLookup(code).code) }

            val summary = assist.assistSummary()
            assertEquals(1, summary.size)
            assertEquals(1u, summary[0].peopleHelped)
            assertEquals(0u, summary[0].interruptedSessions)
            assertEquals(MARITAL_STATUS, summary[0].procedures.single().procedureCode)
            assertEquals(1u, summary[0].procedures.single().submitted)
            assertEquals(1u, summary[0].procedures.single().abandonedDrafts)
            val csv = assist.assistSummaryCsv()
            assertTrue(csv.lines()[1].contains(",1,0,$MARITAL_STATUS,1,0,1"), csv)
            for (needle in needles + code) assertFalse(csv.contains(needle), "$needle in the report")
            assist.close()
        }
    }
}
