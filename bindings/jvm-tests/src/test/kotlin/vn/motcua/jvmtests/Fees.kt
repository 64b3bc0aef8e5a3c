package vn.motcua.jvmtests

import java.net.URI
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.temporal.ChronoUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import vn.motcua.DossiersInterface
import vn.motcua.SubmitOutcome

/*
 * A dossier with a fee, and the payment intermediary's side: what the payment tests of the
 * apps need from the portal (the Rust end-to-end test tests/tests/payments.rs does the same).
 */

/** Temporary residence registration: 15.000 đ at the desk, 7.000 đ online. */
const val TEMPORARY_RESIDENCE = "1.004194"

/** The portal's payments secret when started without `--payments-secret` (motcua_portal::DEFAULT_PAYMENTS_SECRET). */
const val DEV_PAYMENTS_SECRET = "motcua-dev-payments-secret"

/** The demo beneficiary account of a portal started without `--payments-accounts`. */
const val DEMO_ACCOUNT = "MOTCUADEMO0001"

/**
 * Files a complete temporary-residence dossier (the logged-in citizen's, the catalog on
 * the phone) through the core's dossier area; its code.
 */
suspend fun fileTemporaryResidence(dossiers: DossiersInterface, seed: Long = 1): String {
    val draft = dossiers.createDraft(TEMPORARY_RESIDENCE).id
    for ((field, value) in listOf(
        "temporary_address" to "Số 12 đường Lê Lợi",
        "residence_unit" to "00004",
        "dwelling_type" to "rented",
        "owner_name" to "Trần Thị Lan",
        "stay_until" to LocalDate.now().plusYears(1).toString(),
        "purpose" to "work",
        "phone" to "0912345678",
    )) dossiers.setField(draft, field, value)
    dossiers.addAttachmentBytes(draft, "form_ct01", "to-khai-ct01.pdf", samplePdf(seed * 10))
    dossiers.addAttachmentBytes(draft, "legal_dwelling_proof", "hop-dong-thue-nha.pdf", samplePdf(seed * 10 + 1))
    return when (val outcome = dossiers.submit(draft)) {
        is SubmitOutcome.Delivered -> outcome.dossierCode
        else -> error("not delivered: $outcome")
    }
}

/** The desk requests the fee of [code]: reception accepts and starts processing, the specialist asks for the payment. */
fun requestFee(portal: Portal, code: String) {
    val reception = Desk.login(portal, "tiepnhan")
    for (action in listOf("accept", "start_processing")) {
        val (status, body) = reception.act(code, action)
        check(status == 200) { "$action: $status $body" }
    }
    val (status, body) = Desk.login(portal, "chuyenvien").act(code, "request_payment")
    check(status == 200) { "request_payment: $status $body" }
}

/**
 * The bank credited [amount] đồng with [reference] in the transfer's description: the
 * intermediary's notification, signed with the dev secret (HMAC-SHA256 of
 * `timestamp.body`). Returns the portal's answer (`"outcome":"paid"`, …).
 */
fun notifyPayment(portal: Portal, transactionId: String, amount: Long, reference: String): String {
    val credited = OffsetDateTime.now(ZoneOffset.ofHours(7)).truncatedTo(ChronoUnit.SECONDS)
    val body = """{"transaction_id":"$transactionId","amount_vnd":$amount,"description":"CT $reference chuyen tien",""" +
        """"account":"$DEMO_ACCOUNT","credited_at":"$credited"}"""
    val timestamp = System.currentTimeMillis() / 1000
    val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(DEV_PAYMENTS_SECRET.toByteArray(), "HmacSHA256")) }
    val tag = mac.doFinal("$timestamp.$body".toByteArray()).joinToString("") { "%02x".format(it) }
    val response = http.send(
        HttpRequest.newBuilder(URI("${portal.baseUrl}/api/v1/payments/notifications"))
            .header("x-motcua-timestamp", timestamp.toString())
            .header("x-motcua-signature", "v1=$tag")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString(),
    )
    check(response.statusCode() == 200) { "notification answered ${response.statusCode()}: ${response.body()}" }
    return response.body()
}
