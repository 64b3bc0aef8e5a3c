package vn.motcua.presentation

import vn.motcua.DomainWording
import vn.motcua.domainWording
import vn.motcua.wordingProblemsToFix
import vn.motcua.wordingRefused
import vn.motcua.wordingResultDue
import vn.motcua.wordingSubmitted
import vn.motcua.wordingSupplementFor
import vn.motcua.wordingSupplementSent
import vn.motcua.wordingTrustListUpdatedAt
import vn.motcua.wordingUploading

/** The app's language: Vietnamese by default, English on request. */
enum class Lang(val tag: String) {
    VI("vi"),
    EN("en");

    companion object {
        /** `"en"` is English; anything else is Vietnamese, the default. */
        fun of(tag: String?): Lang = if (tag?.lowercase()?.startsWith("en") == true) EN else VI
    }
}

/**
 * The sentences the presentation layer shows. The domain's (what happens offline, what was
 * queued, the deadline, the supplement, the receipt, the applicant check, the end of an
 * assisted session) are the core's (`core::wording`, one source with the iOS app); the ones
 * composed here are screen feedback (progress, counts, search). Static labels (titles,
 * buttons) are Android string resources; error messages come localised from the core.
 * Plain words, no jargon: the reader may be using a smartphone for the first time.
 */
class Texts(val lang: Lang) {
    private fun pick(vi: String, en: String) = if (lang == Lang.VI) vi else en

    /** The core's sentences in this language. */
    private val core: DomainWording by lazy { domainWording(lang.tag) }

    /** "Hẹn trả kết quả: Thứ Ba, 03/03/2026". */
    fun resultDue(date: String) = wordingResultDue(lang.tag, date)

    val unexpected get() = pick("Đã có lỗi không mong muốn. Vui lòng thử lại.", "Something unexpected went wrong. Please try again.")

    // Offline states: what still works and what will happen.
    val offlineCatalog get() = core.offlineCatalog
    val catalogNeverDownloaded get() = core.catalogNeverDownloaded
    val offlineDraftQueued get() = core.offlineDraftQueued
    val offlineStatus get() = core.offlineStatus
    val offlineLogin get() = core.offlineLogin
    val offlineAction get() = core.offlineAction
    val notYetAvailable get() = pick(
        "Tính năng này chưa có trong phiên bản ứng dụng này.",
        "This feature is not in this version of the app yet.",
    )

    val onBehalfChooseBasis get() = pick(
        "Hãy chọn bạn là gì của người được nộp thay.",
        "Choose how you are related to the person you file for.",
    )

    val withdrawalQueued get() = core.withdrawalQueued
    fun supplementFor(code: String) = wordingSupplementFor(lang.tag, code)
    fun supplementSent(code: String) = wordingSupplementSent(lang.tag, code)
    fun searchResults(count: Int) = pick("Tìm thấy $count thủ tục", "$count procedures found")
    fun matchedAlias(phrase: String) = pick("Khớp với cách gọi \"$phrase\"", "Matches \"$phrase\"")
    fun uploading(percent: Int) = wordingUploading(lang.tag, percent.coerceIn(0, 100).toUByte())
    fun submitted(code: String) = wordingSubmitted(lang.tag, code)
    fun refused(reason: String) = wordingRefused(lang.tag, reason)
    fun problemsToFix(count: Int) = wordingProblemsToFix(lang.tag, count.coerceAtLeast(0).toUInt())

    // Assisted sessions (a volunteer's phone). The banner names nobody: see AssistViewModel.
    // It sits above every screen's content, so it is short: at 200 % text the longer
    // sentence it had ("Mọi thao tác là của người được hỗ trợ…", said by the consent and
    // the session's login) left the draft form no room at all.
    fun assistBanner(since: String) = pick(
        "Đang hỗ trợ người dân, từ $since",
        "Helping someone, since $since",
    )
    val assistErased get() = core.assistErased
    val assistInterrupted get() = core.assistInterrupted
    val receiptAfterIntake get() = core.receiptAfterIntake
    val noAssistYet get() = pick("Chưa có phiên hỗ trợ nào.", "No assisted sessions yet.")

    // Desk mode.
    fun trustListFetched(at: String) = wordingTrustListUpdatedAt(lang.tag, at)
    val noTrustList get() = core.noTrustList
    val applicantMatches get() = core.applicantMatches
    val applicantDiffers get() = core.applicantDiffers
    val applicantUnknown get() = core.applicantUnknown
}
