//! What a dossier screen shows, decided here once for both apps: which of the citizen's
//! actions a dossier offers (from the lifecycle's rules), which one is the primary
//! button, and what the desk asks for now. The apps display it; they never look at the
//! status to decide.

use motcua_protocol::api::tracking::StatusChange;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::lifecycle::{ActionKind, ActorRole};

/// Something the citizen can do with one of their dossiers from the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitizenAction {
    /// Show the signed receipt at the desk (the phone holds one and the dossier is open).
    ShowReceipt,
    /// Send the documents the desk asked for ([`ActionKind::AnswerSupplement`]).
    AnswerSupplement,
    /// Pay the fee that is due (the payment screen: VietQR code, amount, reference).
    PayFee,
    /// Open the fee's e-receipt (biên lai điện tử) on the device: the fee is paid. A
    /// secondary action, offered also once the dossier is closed (it proves the payment).
    ShowFeeReceipt,
    /// Ask to withdraw the dossier ([`ActionKind::RequestWithdrawal`]); a secondary action,
    /// confirmed first.
    Withdraw,
}

/// Where a dossier's fee stands, as far as its actions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeStanding {
    /// Nothing to do about a fee: none, not due yet, or settled at the desk.
    Nothing,
    /// The fee awaits its payment (the desk requested it, or it is paid on filing).
    Due,
    /// The fee is paid and its e-receipt is on the device.
    Paid,
}

/// The actions a dossier offers now, and the one to put forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierActions {
    /// Every action the citizen may take, in the order a screen lists them.
    pub available: Vec<CitizenAction>,
    /// The one action a screen puts forward (a filled button), if any: answering a
    /// supplement request before anything else, then paying a fee that is due, else
    /// showing the receipt.
    /// [`CitizenAction::ShowFeeReceipt`] and [`CitizenAction::Withdraw`] are never primary.
    pub primary: Option<CitizenAction>,
}

impl DossierActions {
    /// What a dossier in `status` offers its citizen, `holds_receipt` saying whether the
    /// phone has the receipt the desk issued for it and `fee` where its fee stands.
    ///
    /// Answering and withdrawing are exactly what the lifecycle lets the citizen's role do
    /// ([`ActionKind::available`]); the receipt is worth showing while the dossier is
    /// still open at the agency (it is what the desk asks for when the citizen comes to
    /// pay, bring originals or collect the result).
    pub fn for_dossier(
        status: DossierStatus,
        holds_receipt: bool,
        fee: FeeStanding,
    ) -> DossierActions {
        let allowed = ActionKind::available(status, ActorRole::Citizen);
        let mut available = Vec::new();
        if allowed.contains(&ActionKind::AnswerSupplement) {
            available.push(CitizenAction::AnswerSupplement);
        }
        if fee == FeeStanding::Due && !status.is_final() {
            available.push(CitizenAction::PayFee);
        }
        if holds_receipt && !status.is_final() {
            available.push(CitizenAction::ShowReceipt);
        }
        if fee == FeeStanding::Paid {
            available.push(CitizenAction::ShowFeeReceipt);
        }
        if allowed.contains(&ActionKind::RequestWithdrawal) {
            available.push(CitizenAction::Withdraw);
        }
        let primary = available.iter().copied().find(|action| {
            !matches!(
                action,
                CitizenAction::Withdraw | CitizenAction::ShowFeeReceipt
            )
        });
        DossierActions { available, primary }
    }
}

/// What the desk asks the citizen to supply now: the items of the latest supplement
/// request while the dossier waits for the answer, and nothing otherwise.
pub fn missing_now(status: DossierStatus, timeline: &[StatusChange]) -> Vec<String> {
    if status != DossierStatus::SupplementRequested {
        return Vec::new();
    }
    timeline
        .iter()
        .rev()
        .find(|change| change.status == DossierStatus::SupplementRequested)
        .map(|change| change.missing.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answering_and_withdrawing_follow_the_citizens_role_in_the_lifecycle() {
        for status in DossierStatus::ALL {
            for (holds_receipt, fee) in [false, true].into_iter().flat_map(|holds| {
                [FeeStanding::Nothing, FeeStanding::Due, FeeStanding::Paid].map(|fee| (holds, fee))
            }) {
                let actions = DossierActions::for_dossier(status, holds_receipt, fee);
                let allowed = ActionKind::available(status, ActorRole::Citizen);
                assert_eq!(
                    actions.available.contains(&CitizenAction::AnswerSupplement),
                    allowed.contains(&ActionKind::AnswerSupplement),
                    "{status:?}"
                );
                assert_eq!(
                    actions.available.contains(&CitizenAction::Withdraw),
                    allowed.contains(&ActionKind::RequestWithdrawal),
                    "{status:?}"
                );
                assert_eq!(
                    actions.available.contains(&CitizenAction::ShowReceipt),
                    holds_receipt && !status.is_final(),
                    "{status:?}"
                );
                assert_eq!(
                    actions.available.contains(&CitizenAction::PayFee),
                    fee == FeeStanding::Due && !status.is_final(),
                    "{status:?}"
                );
                assert_eq!(
                    actions.available.contains(&CitizenAction::ShowFeeReceipt),
                    fee == FeeStanding::Paid,
                    "{status:?}"
                );
                assert_ne!(actions.primary, Some(CitizenAction::Withdraw));
                assert_ne!(actions.primary, Some(CitizenAction::ShowFeeReceipt));
                if let Some(primary) = actions.primary {
                    assert!(actions.available.contains(&primary));
                }
            }
        }
    }

    #[test]
    fn a_supplement_request_puts_the_answer_forward_and_a_received_dossier_its_receipt() {
        let supplement = DossierActions::for_dossier(
            DossierStatus::SupplementRequested,
            true,
            FeeStanding::Nothing,
        );
        assert_eq!(supplement.primary, Some(CitizenAction::AnswerSupplement));
        let received =
            DossierActions::for_dossier(DossierStatus::Received, true, FeeStanding::Nothing);
        assert_eq!(received.primary, Some(CitizenAction::ShowReceipt));
        assert_eq!(
            received.available,
            vec![CitizenAction::ShowReceipt, CitizenAction::Withdraw]
        );
        let submitted =
            DossierActions::for_dossier(DossierStatus::Submitted, false, FeeStanding::Nothing);
        assert_eq!(submitted.primary, None);
        assert_eq!(submitted.available, vec![CitizenAction::Withdraw]);
        let returned = DossierActions::for_dossier(DossierStatus::Returned, true, FeeStanding::Due);
        assert!(returned.available.is_empty());
    }

    #[test]
    fn a_fee_due_is_put_forward_before_the_receipt() {
        let requested =
            DossierActions::for_dossier(DossierStatus::PaymentRequested, true, FeeStanding::Due);
        assert_eq!(requested.primary, Some(CitizenAction::PayFee));
        assert_eq!(
            requested.available,
            vec![
                CitizenAction::PayFee,
                CitizenAction::ShowReceipt,
                CitizenAction::Withdraw
            ]
        );
        let on_filing =
            DossierActions::for_dossier(DossierStatus::Submitted, false, FeeStanding::Due);
        assert_eq!(on_filing.primary, Some(CitizenAction::PayFee));
    }

    #[test]
    fn a_paid_fee_offers_its_e_receipt_also_once_the_dossier_is_closed() {
        let paid = DossierActions::for_dossier(DossierStatus::Processing, true, FeeStanding::Paid);
        assert_eq!(
            paid.available,
            vec![
                CitizenAction::ShowReceipt,
                CitizenAction::ShowFeeReceipt,
                CitizenAction::Withdraw
            ]
        );
        assert_eq!(paid.primary, Some(CitizenAction::ShowReceipt));
        let returned =
            DossierActions::for_dossier(DossierStatus::Returned, true, FeeStanding::Paid);
        assert_eq!(returned.available, vec![CitizenAction::ShowFeeReceipt]);
        assert_eq!(returned.primary, None);
    }

    fn change(status: DossierStatus, missing: &[&str]) -> StatusChange {
        StatusChange {
            seq: 1,
            code: "c".into(),
            status,
            at: "2026-03-02T09:00:00+07:00".into(),
            note: None,
            appointment_date: None,
            reason: None,
            missing: missing.iter().map(|m| (*m).to_owned()).collect(),
            receipt: None,
        }
    }

    #[test]
    fn what_is_missing_is_the_latest_request_while_it_waits_for_the_answer() {
        let timeline = [
            change(DossierStatus::SupplementRequested, &["old"]),
            change(DossierStatus::Processing, &[]),
            change(DossierStatus::SupplementRequested, &["birth certificate"]),
        ];
        assert_eq!(
            missing_now(DossierStatus::SupplementRequested, &timeline),
            vec!["birth certificate".to_owned()]
        );
        assert!(missing_now(DossierStatus::Processing, &timeline).is_empty());
    }
}
