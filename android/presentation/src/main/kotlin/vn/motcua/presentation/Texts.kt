package vn.motcua.presentation

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
 * The sentences the presentation layer composes from state (what will happen when
 * offline, progress, counts). Static labels (titles, buttons) are Android string resources;
 * error messages come localised from the core. Plain words, no jargon: the reader may be
 * using a smartphone for the first time.
 */
class Texts(val lang: Lang) {
    private fun pick(vi: String, en: String) = if (lang == Lang.VI) vi else en

    /** "Hẹn trả kết quả: Thứ Ba, 03/03/2026". */
    fun resultDue(date: String) = pick("Hẹn trả kết quả: $date", "Result due: $date")

    val unexpected get() = pick("Đã có lỗi không mong muốn. Vui lòng thử lại.", "Something unexpected went wrong. Please try again.")

    // Offline states: what still works and what will happen.
    val offlineCatalog get() = pick(
        "Không có mạng. Đang dùng danh mục thủ tục đã lưu trên máy.",
        "No connection. Using the list of procedures saved on this phone.",
    )
    val catalogNeverDownloaded get() = pick(
        "Cần kết nối mạng một lần để tải danh mục thủ tục. Hãy bật Wi-Fi hoặc dữ liệu di động.",
        "Connect once to download the list of procedures. Turn on Wi-Fi or mobile data.",
    )
    val offlineDraftQueued get() = pick(
        "Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
        "The dossier is saved on this phone and will be sent by itself when there is a connection.",
    )
    val offlineStatus get() = pick(
        "Không có mạng. Đang hiển thị trạng thái đã cập nhật lần trước; ứng dụng sẽ tự cập nhật khi có mạng.",
        "No connection. Showing the status from the last update; the app updates by itself when there is a connection.",
    )
    val offlineLogin get() = pick(
        "Không có mạng nên chưa đăng nhập được. Hãy bật Wi-Fi hoặc dữ liệu di động rồi bấm Thử lại.",
        "No connection, so you cannot log in yet. Turn on Wi-Fi or mobile data, then tap Try again.",
    )
    val offlineAction get() = pick(
        "Không có mạng nên chưa gửi được. Chưa có gì thay đổi; hãy thử lại khi có mạng.",
        "No connection, so nothing was sent and nothing changed. Try again when there is a connection.",
    )
    val notYetAvailable get() = pick(
        "Tính năng này chưa có trong phiên bản ứng dụng này.",
        "This feature is not in this version of the app yet.",
    )

    val onBehalfChooseBasis get() = pick(
        "Hãy chọn bạn là gì của người được nộp thay.",
        "Choose how you are related to the person you file for.",
    )

    val supplementNote get() = pick("Lời nhắn cho cán bộ (không bắt buộc)", "Message to the officer (optional)")
    val withdrawalQueued get() = pick(
        "Yêu cầu rút hồ sơ đã được lưu trên máy và sẽ tự gửi khi có mạng.",
        "The request to withdraw is saved on this phone and will be sent by itself when there is a connection.",
    )
    fun supplementFor(code: String) = pick("Bổ sung cho hồ sơ $code", "Papers for dossier $code")
    fun supplementSent(code: String) = pick("Đã gửi bổ sung cho hồ sơ $code", "Papers sent for dossier $code")
    fun searchResults(count: Int) = pick("Tìm thấy $count thủ tục", "$count procedures found")
    fun matchedAlias(phrase: String) = pick("Khớp với cách gọi \"$phrase\"", "Matches \"$phrase\"")
    fun uploading(percent: Int) = pick("Đang gửi giấy tờ: $percent%", "Sending documents: $percent%")
    fun submitted(code: String) = pick("Đã nộp hồ sơ. Mã hồ sơ: $code", "Dossier submitted. Dossier code: $code")
    fun refused(reason: String) = pick("Hồ sơ chưa được nhận: $reason", "The dossier was not accepted: $reason")
    fun problemsToFix(count: Int) = pick("Còn $count chỗ cần sửa trước khi nộp", "$count things to fix before submitting")

    // Assisted sessions (a volunteer's phone). The banner names nobody: see AssistViewModel.
    // It sits above every screen's content, so it is short: at 200 % text the longer
    // sentence it had ("Mọi thao tác là của người được hỗ trợ…", said by the consent and
    // the session's login) left the draft form no room at all.
    fun assistBanner(since: String) = pick(
        "Đang hỗ trợ người dân, từ $since",
        "Helping someone, since $since",
    )
    val assistNotLoggedIn get() = pick(
        "Người được hỗ trợ hãy tự đăng nhập bằng tài khoản định danh điện tử của mình.",
        "The person being helped logs in with their own electronic identity.",
    )
    val assistNobodyLoggedIn get() = pick(
        "Không có ai đăng nhập trong phiên này nên phiên không được tính là đã hỗ trợ.",
        "Nobody logged in during this session, so it does not count as someone helped.",
    )
    val assistErased get() = pick(
        "Đã kết thúc phiên hỗ trợ. Thông tin của người được hỗ trợ đã được xoá khỏi máy này.",
        "The assisted session has ended. The person's information has been erased from this phone.",
    )
    val assistInterrupted get() = pick(
        "Phiên hỗ trợ trước bị gián đoạn (ứng dụng bị tắt) và đã được xoá khỏi máy.",
        "The previous assisted session was interrupted (the app was closed) and has been erased.",
    )
    fun assistFiled(count: Int) = pick("Đã nộp: $count hồ sơ", "Filed: $count dossiers")
    fun assistNotSent(count: Int) = pick("Không gửi được: $count hồ sơ", "Not sent: $count dossiers")
    fun assistDrafts(count: Int) = pick("Bỏ dở: $count hồ sơ", "Left unfinished: $count dossiers")
    fun peopleHelped(count: Int) = pick("Đã hỗ trợ $count người", if (count == 1) "1 person helped" else "$count people helped")
    fun interrupted(count: Int) = pick("$count phiên bị gián đoạn", if (count == 1) "1 interrupted session" else "$count interrupted sessions")
    val receiptAfterIntake get() = pick(
        "Giấy tiếp nhận (mã QR) sẽ có khi bộ phận một cửa tiếp nhận hồ sơ.",
        "The receipt (QR code) is issued when the one-stop desk accepts the dossier.",
    )
    val noAssistYet get() = pick("Chưa có phiên hỗ trợ nào.", "No assisted sessions yet.")

    // Desk mode.
    fun trustListFetched(at: String) = pick("Danh sách khóa tin cậy cập nhật lúc $at", "Trust list updated at $at")
    val noTrustList get() = pick(
        "Chưa có danh sách khóa tin cậy trên máy. Hãy kết nối mạng một lần để tải, sau đó quét được cả khi mất mạng.",
        "No trust list on this phone yet. Connect once to download it; scanning then works offline.",
    )
    val applicantMatches get() = pick("Đúng là người nộp hồ sơ.", "This is the applicant.")
    val applicantDiffers get() = pick(
        "Số định danh không khớp với người nộp hồ sơ.",
        "The ID number does not match the applicant.",
    )
    val applicantUnknown get() = pick(
        "Giấy này không có thông tin người nộp để đối chiếu.",
        "This receipt carries nothing to check the applicant against.",
    )
}
