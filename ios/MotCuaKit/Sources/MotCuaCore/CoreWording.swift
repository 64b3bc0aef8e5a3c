import Foundation
import MotCuaBindings
import MotCuaModels

/// The core's sentences (`core::wording`, the bindings' `domainWording(language:)` and
/// `wording…` functions) as the models' `DomainWording` port: conversions only.
public enum CoreWording {
    /// The core's wording in `lang`.
    public static func of(_ lang: Lang) -> MotCuaModels.DomainWording {
        let tag = lang.rawValue
        let fixed = MotCuaBindings.domainWording(language: tag)
        return MotCuaModels.DomainWording(
            offlineCatalog: fixed.offlineCatalog,
            catalogNeverDownloaded: fixed.catalogNeverDownloaded,
            offlineDraftQueued: fixed.offlineDraftQueued,
            offlineStatus: fixed.offlineStatus,
            offlineLogin: fixed.offlineLogin,
            offlineAction: fixed.offlineAction,
            withdrawalQueued: fixed.withdrawalQueued,
            receiptAfterIntake: fixed.receiptAfterIntake,
            noTrustList: fixed.noTrustList,
            applicantMatches: fixed.applicantMatches,
            applicantDiffers: fixed.applicantDiffers,
            applicantUnknown: fixed.applicantUnknown,
            assistErased: fixed.assistErased,
            assistInterrupted: fixed.assistInterrupted,
            assistNobodyLoggedIn: fixed.assistNobodyLoggedIn,
            resultDue: { wordingResultDue(language: tag, date: $0) },
            supplementFor: { wordingSupplementFor(language: tag, code: $0) },
            supplementSent: { wordingSupplementSent(language: tag, code: $0) },
            submitted: { wordingSubmitted(language: tag, code: $0) },
            refused: { wordingRefused(language: tag, reason: $0) },
            // The models clamp to 0...100 and to 0 and above before calling.
            uploading: { wordingUploading(language: tag, percent: UInt8(clamping: $0)) },
            problemsToFix: { wordingProblemsToFix(language: tag, count: UInt32(clamping: $0)) },
            trustListUpdatedAt: { wordingTrustListUpdatedAt(language: tag, at: $0) }
        )
    }

    /// Makes the core the source of every `Texts` (`DomainWording.install`). The app calls it
    /// at launch, before any model exists (the screens before the core is open need it too);
    /// `CoreServices.open` calls it again, harmlessly. The sentences are a function of the
    /// language in the library, so no opened core is needed.
    public static func install() {
        MotCuaModels.DomainWording.install { of($0) }
    }
}
