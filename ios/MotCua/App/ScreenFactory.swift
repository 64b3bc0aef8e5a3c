import Foundation
import MotCuaModels

/// Makes the screens' models over one profile's ports: the volunteer's own, or, during an
/// assisted session, the citizen's isolated profile. The same screens run on either.
@MainActor
struct ScreenFactory {
    let services: ProfileServices
    let lang: Lang

    func home() -> HomeModel {
        HomeModel(dossiers: services.dossiers, tracking: services.tracking, catalog: services.catalog, lang: lang)
    }

    func search() -> SearchModel {
        SearchModel(catalog: services.catalog, texts: Texts(lang: lang))
    }

    func procedure(_ code: String) -> ProcedureModel {
        ProcedureModel(catalog: services.catalog, code: code, lang: lang)
    }

    func draftForm(_ origin: DraftFormModel.Origin) -> DraftFormModel {
        DraftFormModel(origin: origin, dossiers: services.dossiers, actions: services.actions, lang: lang)
    }

    func dossier(_ code: String) -> DossierDetailModel {
        DossierDetailModel(tracking: services.tracking, actions: services.actions, payments: services.payments,
                           code: code, lang: lang)
    }

    func receipt(_ code: String) -> ReceiptModel {
        ReceiptModel(receipts: services.receipts, catalog: services.catalog, dossierCode: code, lang: lang)
    }

    func payment(_ code: String) -> PaymentModel {
        PaymentModel(payments: services.payments, dossierCode: code, lang: lang)
    }

    func feeReceipt(_ code: String) -> FeeReceiptModel {
        FeeReceiptModel(payments: services.payments, dossierCode: code, lang: lang)
    }

    func desk() -> DeskScanModel {
        DeskScanModel(receipts: services.receipts, catalog: services.catalog, lang: lang)
    }
}
