//! The lifecycle's rule table checked against every legal triple written out by hand,
//! and the details each action must carry.

use super::*;
use crate::api::desk::StaffRole;
use crate::i18n::Localized as _;
use ActorRole::{Citizen, Reception, Specialist, System};
use DossierStatus::*;

/// Every legal (from, action, role) triple and where it leads, written out by hand
/// from docs/ARCHITECTURE.md, independently of the rule table.
const LEGAL: &[(DossierStatus, ActionKind, ActorRole, DossierStatus)] = &[
    (Submitted, ActionKind::Accept, Reception, Received),
    (Submitted, ActionKind::RefuseIntake, Reception, NotAccepted),
    (Received, ActionKind::StartProcessing, Reception, Processing),
    (
        Received,
        ActionKind::StartProcessing,
        Specialist,
        Processing,
    ),
    (
        Processing,
        ActionKind::RequestSupplement,
        Reception,
        SupplementRequested,
    ),
    (
        Processing,
        ActionKind::RequestSupplement,
        Specialist,
        SupplementRequested,
    ),
    (
        SupplementRequested,
        ActionKind::AnswerSupplement,
        Citizen,
        Processing,
    ),
    (
        SupplementRequested,
        ActionKind::AnswerSupplement,
        Reception,
        Processing,
    ),
    (
        Processing,
        ActionKind::RequestPayment,
        Specialist,
        PaymentRequested,
    ),
    (
        PaymentRequested,
        ActionKind::ConfirmPayment,
        Reception,
        Processing,
    ),
    (
        PaymentRequested,
        ActionKind::ConfirmPayment,
        System,
        Processing,
    ),
    (
        Processing,
        ActionKind::MarkResultReady,
        Specialist,
        ResultReady,
    ),
    (ResultReady, ActionKind::HandBack, Reception, Returned),
    (ResultReady, ActionKind::HandBack, System, Returned),
    (Processing, ActionKind::Reject, Specialist, Rejected),
    (
        SupplementRequested,
        ActionKind::Reject,
        Specialist,
        Rejected,
    ),
    (PaymentRequested, ActionKind::Reject, Specialist, Rejected),
    (Received, ActionKind::Stop, Specialist, Stopped),
    (Processing, ActionKind::Stop, Specialist, Stopped),
    (SupplementRequested, ActionKind::Stop, Specialist, Stopped),
    (PaymentRequested, ActionKind::Stop, Specialist, Stopped),
    (
        Submitted,
        ActionKind::RequestWithdrawal,
        Citizen,
        WithdrawalRequested,
    ),
    (
        Received,
        ActionKind::RequestWithdrawal,
        Citizen,
        WithdrawalRequested,
    ),
    (
        Processing,
        ActionKind::RequestWithdrawal,
        Citizen,
        WithdrawalRequested,
    ),
    (
        SupplementRequested,
        ActionKind::RequestWithdrawal,
        Citizen,
        WithdrawalRequested,
    ),
    (
        PaymentRequested,
        ActionKind::RequestWithdrawal,
        Citizen,
        WithdrawalRequested,
    ),
    (
        WithdrawalRequested,
        ActionKind::ConfirmWithdrawal,
        Reception,
        Withdrawn,
    ),
];

/// An action of the kind with valid details.
fn valid(kind: ActionKind) -> Action {
    Action::from_parts(
        kind,
        Some("Thiếu bản chính".into()),
        vec!["Bản sao giấy khai sinh".into()],
    )
}

#[test]
fn every_triple_is_decided_as_the_design_draws_it() {
    let mut legal = 0;
    for from in DossierStatus::ALL {
        for kind in ActionKind::ALL {
            for role in ActorRole::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|(f, k, r, _)| *f == from && *k == kind && *r == role)
                    .map(|(_, _, _, to)| *to);
                let got = transition(from, &valid(kind), role);
                match expected {
                    Some(to) => {
                        legal += 1;
                        assert_eq!(got, Ok(to), "{from:?} {kind:?} {role:?}");
                    }
                    None => {
                        let error = got.expect_err(&format!("{from:?} {kind:?} {role:?}"));
                        let role_ever_allowed =
                            LEGAL.iter().any(|(_, k, r, _)| *k == kind && *r == role);
                        if role_ever_allowed {
                            assert_eq!(error, TransitionError::Illegal { from, action: kind });
                            assert_eq!(error.code(), "illegal_transition");
                        } else {
                            assert_eq!(
                                error,
                                TransitionError::RoleNotAllowed { role, action: kind }
                            );
                            assert_eq!(error.code(), "role_not_allowed");
                        }
                    }
                }
            }
        }
    }
    assert_eq!(legal, LEGAL.len());
}

#[test]
fn final_statuses_accept_nothing() {
    for from in DossierStatus::ALL.into_iter().filter(|s| s.is_final()) {
        for role in ActorRole::ALL {
            assert!(ActionKind::available(from, role).is_empty(), "{from:?}");
        }
    }
    // And every status that is not final leads somewhere.
    for from in DossierStatus::ALL.into_iter().filter(|s| !s.is_final()) {
        assert!(
            ActorRole::ALL
                .into_iter()
                .any(|role| !ActionKind::available(from, role).is_empty()),
            "{from:?}"
        );
    }
}

#[test]
fn available_actions_are_the_legal_ones() {
    for from in DossierStatus::ALL {
        for role in ActorRole::ALL {
            let mut expected: Vec<ActionKind> = LEGAL
                .iter()
                .filter(|(f, _, r, _)| *f == from && *r == role)
                .map(|(_, k, _, _)| *k)
                .collect();
            expected.sort();
            let mut got = ActionKind::available(from, role);
            got.sort();
            assert_eq!(got, expected, "{from:?} {role:?}");
        }
    }
}

#[test]
fn details_are_checked_after_the_status() {
    let blank = Action::RefuseIntake {
        reason: "  \n".into(),
    };
    assert_eq!(
        transition(Submitted, &blank, Reception),
        Err(TransitionError::ReasonRequired {
            action: ActionKind::RefuseIntake
        })
    );
    // The wrong status wins over the blank reason.
    assert!(matches!(
        transition(Processing, &blank, Reception),
        Err(TransitionError::Illegal { .. })
    ));
    for reason_kind in [ActionKind::Reject, ActionKind::Stop] {
        let action = Action::from_parts(reason_kind, None, vec![]);
        let error = transition(Processing, &action, Specialist).unwrap_err();
        assert_eq!(error.code(), "reason_required");
        assert_eq!(error.field(), Some("reason"));
    }
    let nothing = Action::RequestSupplement { missing: vec![] };
    assert_eq!(
        transition(Processing, &nothing, Specialist),
        Err(TransitionError::MissingItemsRequired)
    );
    let blank_item = Action::RequestSupplement {
        missing: vec!["ok".into(), " ".into()],
    };
    assert_eq!(
        transition(Processing, &blank_item, Specialist),
        Err(TransitionError::MissingItemsRequired)
    );
    let many = Action::RequestSupplement {
        missing: vec!["x".into(); MAX_MISSING_ITEMS + 1],
    };
    assert_eq!(
        transition(Processing, &many, Specialist)
            .unwrap_err()
            .field(),
        Some("missing")
    );
    let long = Action::Stop {
        reason: "đ".repeat(MAX_REASON_CHARS + 1),
    };
    assert_eq!(
        transition(Processing, &long, Specialist),
        Err(TransitionError::TooLong {
            field: "reason",
            max: MAX_REASON_CHARS
        })
    );
    let just = Action::Stop {
        reason: "đ".repeat(MAX_REASON_CHARS),
    };
    assert_eq!(transition(Processing, &just, Specialist), Ok(Stopped));
    assert!(check_note(Some(&"a".repeat(MAX_NOTE_CHARS))).is_ok());
    assert_eq!(
        check_note(Some(&"a".repeat(MAX_NOTE_CHARS + 1)))
            .unwrap_err()
            .field(),
        Some("note")
    );
    assert!(check_note(None).is_ok());
}

/// Audit item 6 of issue 16: a withdrawal note with an escape sequence cleared the desk
/// officer's terminal and printed "ĐÃ DUYỆT". Control characters other than line
/// breaks and tabs, and bidirectional controls, are refused in every free text.
#[test]
fn free_texts_refuse_control_characters() {
    let forged = "nộp nhầm\u{1b}[2J\u{1b}[H\u{1b}[1;32mĐÃ DUYỆT";
    for bad in [
        forged,
        "a\rb",
        "a\u{7f}",
        "a\u{9b}2J",
        "a\u{202e}b",
        "a\u{0}",
    ] {
        let error = check_note(Some(bad)).unwrap_err();
        assert_eq!(error, TransitionError::ControlCharacters { field: "note" });
        assert_eq!(error.code(), "control_characters");
        let stop = Action::Stop { reason: bad.into() };
        assert_eq!(
            transition(Processing, &stop, Specialist)
                .unwrap_err()
                .field(),
            Some("reason")
        );
        let ask = Action::RequestSupplement {
            missing: vec!["CCCD".into(), bad.into()],
        };
        assert_eq!(
            transition(Processing, &ask, Specialist).unwrap_err().code(),
            "control_characters"
        );
    }
    // Line breaks and tabs are text.
    assert!(check_note(Some("dòng một\ndòng hai\tcột")).is_ok());
}

#[test]
fn errors_speak_both_languages() {
    let errors = [
        TransitionError::RoleNotAllowed {
            role: Citizen,
            action: ActionKind::Accept,
        },
        TransitionError::Illegal {
            from: Returned,
            action: ActionKind::HandBack,
        },
        TransitionError::ReasonRequired {
            action: ActionKind::Stop,
        },
        TransitionError::MissingItemsRequired,
        TransitionError::TooLong {
            field: "note",
            max: 10,
        },
        TransitionError::ControlCharacters { field: "note" },
    ];
    for error in errors {
        let vi = error.message(Lang::Vi);
        let en = error.message(Lang::En);
        assert!(!vi.is_empty() && !en.is_empty());
        assert_ne!(vi, en, "{error:?}");
        assert!(!error.to_string().is_empty());
    }
    let illegal = TransitionError::Illegal {
        from: Returned,
        action: ActionKind::HandBack,
    };
    assert_eq!(
        illegal.message(Lang::Vi),
        "Không thể trả kết quả khi hồ sơ đang ở trạng thái “Đã trả kết quả”."
    );
    assert_eq!(
        illegal.message(Lang::En),
        "Cannot hand the result back while the dossier is “Result handed over”."
    );
}

#[test]
fn national_codes_map_one_to_one() {
    let codes: Vec<Option<u8>> = DossierStatus::ALL
        .iter()
        .map(|s| s.national_code())
        .collect();
    assert_eq!(
        codes,
        vec![
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            Some(7),
            Some(8),
            Some(9),
            Some(10),
            None,
            None
        ]
    );
    for code in 1..=10 {
        let status = DossierStatus::from_national_code(code).unwrap();
        assert_eq!(status.national_code(), Some(code));
    }
    assert_eq!(DossierStatus::from_national_code(0), None);
    assert_eq!(DossierStatus::from_national_code(11), None);
}

#[test]
fn wire_names_match_serde_and_submitted_stays_submitted() {
    for status in DossierStatus::ALL {
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
        assert_eq!(DossierStatus::parse(status.as_str()), Some(status));
        assert!(!status.label(Lang::Vi).is_empty());
    }
    assert_eq!(DossierStatus::Submitted.as_str(), "submitted");
    for kind in ActionKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
        // The tagged action carries the same name.
        let tagged = serde_json::to_value(valid(kind)).unwrap();
        assert_eq!(tagged["action"], kind.as_str());
        let back: Action = serde_json::from_value(tagged).unwrap();
        assert_eq!(back.kind(), kind);
    }
    for role in ActorRole::ALL {
        let json = serde_json::to_string(&role).unwrap();
        assert_eq!(json, format!("\"{}\"", role.as_str()));
        assert_eq!(ActorRole::parse(role.as_str()), Some(role));
    }
    for role in [StaffRole::Reception, StaffRole::Specialist] {
        assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        assert_eq!(role.actor().as_str(), role.as_str());
    }
}

#[test]
fn the_clock_starts_pauses_resumes_and_stops() {
    assert_eq!(clock_change(Submitted, Received), Some(Clock::Started));
    assert_eq!(
        clock_change(Processing, SupplementRequested),
        Some(Clock::Paused)
    );
    assert_eq!(
        clock_change(SupplementRequested, Processing),
        Some(Clock::Resumed)
    );
    assert_eq!(clock_change(Processing, ResultReady), Some(Clock::Stopped));
    assert_eq!(
        clock_change(SupplementRequested, Stopped),
        Some(Clock::Stopped)
    );
    assert_eq!(clock_change(Received, Stopped), Some(Clock::Stopped));
    assert_eq!(
        clock_change(PaymentRequested, WithdrawalRequested),
        Some(Clock::Stopped)
    );
    // Before intake the clock never ran.
    assert_eq!(clock_change(Submitted, WithdrawalRequested), None);
    assert_eq!(clock_change(Submitted, NotAccepted), None);
    // Payment does not pause it (only the supplement wait is subtracted).
    assert_eq!(clock_change(Processing, PaymentRequested), None);
    assert_eq!(clock_change(PaymentRequested, Processing), None);
    assert_eq!(clock_change(ResultReady, Returned), None);
    assert_eq!(clock_change(WithdrawalRequested, Withdrawn), None);
    assert_eq!(clock_change(Received, Processing), None);
    // Every legal transition is consistent with the clock rules.
    for (from, _, _, to) in LEGAL {
        if let Some(Clock::Stopped) = clock_change(*from, *to) {
            assert!(!to.clock_running());
        }
    }
}
