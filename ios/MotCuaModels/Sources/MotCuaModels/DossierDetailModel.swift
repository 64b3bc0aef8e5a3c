import Foundation
import Observation

/// One line of the timeline.
public struct TimelineItem: Equatable, Sendable {
    public let label: String
    /// "09:30, Thứ Hai, 02/03/2026".
    public let at: String
    /// Note, reason or the missing papers, in the officer's words.
    public let details: [String]
}

/// The dossier detail screen while shown.
public struct DossierDetail: Equatable, Sendable {
    public let code: String
    /// The status in words, from the core.
    public let status: String
    /// "Hẹn trả kết quả: Thứ Ba, 03/03/2026".
    public let deadline: String?
    public let overdue: Bool
    /// Newest first.
    public let timeline: [TimelineItem]
    /// What the desk asked for, when a supplement is requested.
    public let missing: [String]
    /// What the citizen may do now, in the core's order: the core's actions, less those
    /// this build cannot take (no `CitizenActionsPort`).
    public let actions: [CitizenAction]
    /// The one action to put forward, if any: the core's. The screen shows it as a button
    /// only when it is among `actions` (this build can take it); else `unavailable` says why.
    public let primary: CitizenAction?
    /// Actions the core offers that this app version cannot take yet, with why.
    public let unavailable: String?
    public let banner: String?

    /// The dossier may still be withdrawn (a secondary action, confirmed first).
    public var withdrawable: Bool { actions.contains(.withdraw) }
    /// A fee is due: the payment screen can be opened (as the primary action, or besides it).
    public var payable: Bool { actions.contains(.payFee) }
    /// The fee is paid: its e-receipt can be opened (a secondary action).
    public var hasFeeReceipt: Bool { actions.contains(.showFeeReceipt) }
}

/// The dossier detail screen.
public enum DossierDetailState: Equatable, Sendable {
    case loading
    case notFound(code: String)
    case failed(Problem)
    case shown(DossierDetail)
}

/// A dossier with its timeline and deadline, from the phone (offline) and refreshed by a
/// sync. What the citizen may do, and the action put forward, are the core's
/// (`DossierRecord.actions`, `.primary`). Withdraw and supplement answer need `actions`
/// (the answer itself is a draft form, `DraftFormModel.Origin.supplementAnswer`), paying
/// and the fee's e-receipt need `payments`; without them the screen says the feature is
/// not in this version.
@MainActor
@Observable
public final class DossierDetailModel {
    public private(set) var state: DossierDetailState = .loading

    public let code: String
    private let tracking: TrackingPort
    private let actions: CitizenActionsPort?
    private let payments: PaymentPort?
    private let lang: Lang
    private let texts: Texts

    public init(tracking: TrackingPort, actions: CitizenActionsPort?, payments: PaymentPort? = nil, code: String,
                lang: Lang) {
        self.tracking = tracking
        self.actions = actions
        self.payments = payments
        self.code = code
        self.lang = lang
        self.texts = Texts(lang: lang)
    }

    /// What is on the phone at once, then a sync.
    public func load() async {
        await show(banner: nil)
        var banner: String?
        do {
            _ = try await tracking.sync()
        } catch {
            let problem = Problem.from(error, texts: texts)
            banner = problem.offline ? texts.offlineStatus : problem.message
        }
        await show(banner: banner)
    }

    /// Withdraws the dossier (after the screen asked "are you sure"). Without a network the
    /// request waits in the core's outbox and the banner says it will be sent.
    public func withdraw(note: String?) async {
        guard let actions else { return }
        var banner: String?
        do {
            switch try await actions.withdraw(code: code, note: note) {
            case .delivered:
                _ = try? await tracking.sync()
            case .queued:
                banner = texts.withdrawalQueued
            case .refused(let reason):
                banner = reason
            }
        } catch {
            let problem = Problem.from(error, texts: texts)
            banner = problem.offline ? texts.offlineAction : problem.message
        }
        await show(banner: banner)
    }

    private func show(banner: String?) async {
        do {
            if let record = try await tracking.dossier(code: code) {
                state = .shown(describe(record, banner: banner))
            } else {
                state = .notFound(code: code)
            }
        } catch {
            state = .failed(Problem.from(error, texts: texts))
        }
    }

    private func describe(_ d: DossierRecord, banner: String?) -> DossierDetail {
        let format = Format(lang: lang)
        // What the core offers, as it says it; only the wiring is this build's: an action
        // that needs a port this build lacks is not offered.
        let takeable = d.actions.filter(canTake)
        return DossierDetail(
            code: d.code,
            status: d.label,
            deadline: d.appointmentDate.map { texts.resultDue(format.date($0)) },
            overdue: d.overdue,
            timeline: d.timeline.reversed().map { e in
                TimelineItem(
                    label: e.label,
                    at: format.dateTime(e.at),
                    details: [e.note, e.reason].compactMap { $0 } + e.missing
                )
            },
            missing: d.missing,
            actions: takeable,
            primary: d.primary,
            unavailable: takeable.count < d.actions.count ? texts.notYetAvailable : nil,
            banner: banner
        )
    }

    /// Whether this build has the port that taking `action` goes through (the receipt
    /// needs none: it is the receipt area's, always there).
    private func canTake(_ action: CitizenAction) -> Bool {
        switch action {
        case .showReceipt: return true
        case .payFee, .showFeeReceipt: return payments != nil
        case .answerSupplement, .withdraw: return actions != nil
        }
    }
}
