package vn.motcua.presentation

import vn.motcua.ApplicantCheck
import vn.motcua.CatalogInterface
import vn.motcua.ReceiptFields
import vn.motcua.Receipts
import vn.motcua.Verdict
import vn.motcua.ReceiptView as CoreReceiptView

/**
 * [ReceiptPort] over the core's receipt area: conversions only (verdicts and their words
 * are the core's). [catalog], when given, names the procedure on the slip's lines.
 */
class CoreReceipts(
    private val receipts: Receipts,
    private val lang: Lang,
    private val catalog: CatalogInterface? = null,
) : ReceiptPort, AutoCloseable {
    private val format = Format(lang)

    /** Releases the handle on the core's receipt area. */
    override fun close() = receipts.close()

    override suspend fun receipt(dossierCode: String): ReceiptView = receipts.receipt(dossierCode).view()

    override fun verifyReceipt(scannedText: String): Scan {
        val checked = receipts.verifyReceipt(scannedText)
        val verification = when (val v = checked.verdict) {
            is Verdict.Valid -> Verification.Valid(lines(v.fields))
            is Verdict.Tampered -> Verification.Tampered
            is Verdict.UnknownKey -> Verification.UnknownKey
            is Verdict.RevokedKey -> Verification.KeyRevoked
            is Verdict.ExpiredKey -> Verification.Expired
            is Verdict.Malformed -> Verification.Malformed
        }
        return Scan(verification, checked.userMessage, checked.trustListFetchedAt)
    }

    override suspend fun refreshTrustList(): Long = receipts.refreshTrustList().fetchedAt

    override fun trustListFetchedAt(): Long? = receipts.trustList()?.fetchedAt

    override suspend fun checkApplicant(scannedText: String, idNumber: String): ApplicantMatch =
        when (receipts.checkApplicant(scannedText, idNumber)) {
            ApplicantCheck.MATCHES -> ApplicantMatch.MATCHES
            ApplicantCheck.DOES_NOT_MATCH -> ApplicantMatch.DOES_NOT_MATCH
            ApplicantCheck.NO_DIGEST -> ApplicantMatch.NO_DIGEST
        }

    private fun CoreReceiptView.view(): ReceiptView {
        val side = modules.size.toInt()
        return ReceiptView(
            qrText = qrText,
            qrSvg = svg,
            qrModules = modules.dark.chunked(side),
            qrPng = png,
            fields = lines(fields),
        )
    }

    /** The slip's lines, labelled in the configured language. */
    private fun lines(f: ReceiptFields): List<ReceiptField> {
        val vi = lang == Lang.VI
        fun label(viText: String, en: String) = if (vi) viText else en
        val procedure = try {
            catalog?.procedure(f.procedureCode)?.let { if (vi) it.nameVi else it.nameEn }
        } catch (_: Exception) {
            null
        }
        return listOfNotNull(
            ReceiptField(label("Mã hồ sơ", "Dossier code"), f.dossierCode),
            ReceiptField(label("Thủ tục", "Procedure"), procedure?.let { "$it (${f.procedureCode})" } ?: f.procedureCode),
            ReceiptField(label("Cơ quan tiếp nhận", "Receiving agency"), f.agencyCode),
            ReceiptField(label("Tiếp nhận lúc", "Received at"), format.dateTime(f.receivedAt)),
            f.appointmentDate?.let { ReceiptField(label("Hẹn trả kết quả", "Result due on"), format.date(it)) },
        )
    }
}
