package vn.motcua.presentation

import vn.motcua.FeePayment
import vn.motcua.FeeReceiptView
import vn.motcua.Payments
import vn.motcua.QrModules

/**
 * [PaymentPort] over the core's payments area: conversions only (the sentences, the amount
 * as people write it and what to show are the core's). The e-receipt's lines are labelled
 * here, in the configured language, as the receipt slip's are.
 */
class CorePayments(private val payments: Payments, private val lang: Lang) : PaymentPort, AutoCloseable {
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

    private fun FeeReceiptView.shown(): FeeReceiptShown {
        val vi = lang == Lang.VI
        fun label(viText: String, en: String) = if (vi) viText else en
        return FeeReceiptShown(
            qrText = qr.text,
            qrModules = qr.modules.rows(),
            qrPng = qr.png,
            fields = listOf(
                ReceiptField(label("Mã hồ sơ", "Dossier code"), fields.dossierCode),
                ReceiptField(label("Số tiền", "Amount"), amountLabel),
                ReceiptField(label("Nộp lúc", "Paid at"), paidAtLabel),
                ReceiptField(label("Người nộp", "Paid by"), fields.payer),
                ReceiptField(label("Cơ quan thu", "Agency paid"), fields.agencyCode),
                ReceiptField(label("Nội dung chuyển khoản", "Transfer description"), fields.reference),
                ReceiptField(label("Mã giao dịch", "Transaction id"), fields.transactionId),
            ),
            verdictLine = verdictLine,
        )
    }

    private fun QrModules.rows(): List<List<Boolean>> = dark.chunked(size.toInt())
}
