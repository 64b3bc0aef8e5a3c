package vn.motcua.presentation

import vn.motcua.FeePayment
import vn.motcua.FeeReceiptView
import vn.motcua.Payments
import vn.motcua.QrModules

/**
 * [PaymentPort] over the core's payments area: conversions only (the sentences, the amount
 * as people write it, the e-receipt's labelled lines and what to show are the core's).
 */
class CorePayments(private val payments: Payments) : PaymentPort, AutoCloseable {
    /** Releases the handle on the core's payments area. */
    override fun close() = payments.close()

    override suspend fun payment(dossierCode: String) = payments.payment(dossierCode).view()

    override suspend fun refresh(dossierCode: String) = payments.refresh(dossierCode).view()

    override suspend fun feeReceipt(dossierCode: String): FeeReceiptShown = payments.feeReceipt(dossierCode).shown()

    private fun FeePayment.view() = PaymentView(
        code = code,
        amountVnd = amountVnd?.toLong(),
        amountLabel = amountLabel,
        reference = reference,
        account = beneficiary?.let { PaymentAccount(it.bankName, it.account, it.accountName) },
        qrText = qr?.text,
        qrModules = qr?.modules?.rows(),
        qrPng = qr?.png,
        headline = headline,
        detail = detail,
        hasFeeReceipt = hasFeeReceipt,
        offline = offline,
        offlineNote = offlineNote,
    )

    private fun FeeReceiptView.shown() = FeeReceiptShown(
        qrText = qr.text,
        qrModules = qr.modules.rows(),
        qrPng = qr.png,
        fields = lines.map { ReceiptField(it.label, it.value) },
        verdictLine = verdictLine,
    )

    private fun QrModules.rows(): List<List<Boolean>> = dark.chunked(size.toInt())
}
