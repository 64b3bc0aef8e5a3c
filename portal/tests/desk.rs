//! The dossier lifecycle over HTTP: desk staff sessions, every legal path of the machine
//! (intake, processing, supplement with the clock paused, payment, result, hand-over;
//! refusal, rejection, stop, withdrawal), illegal actions refused with 409 and audited,
//! tokens that do not cross between citizens and staff, the citizen's timeline and sync
//! feed, and the public lookup.

mod common;

use std::collections::BTreeSet;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use common::answers::expect_error;
use common::database::Cell;
use common::staff::{RECEPTION, SPECIALIST, act_raw, actions_path, desk_harness, staff_login_with};
use common::tus::{Tus, pdf_attachment, permit_form, upload_id};
use common::{Harness, db, get_as, get_json};
use motcua_portal::DEFAULT_DESK_DEMO_PASSWORD;
use motcua_protocol::api::desk::{
    DeskDossier, DeskQueueItem, PATH_DESK_DOSSIERS, PATH_DESK_ME, PATH_DESK_SESSION, StaffProfile,
    StaffRole, StaffSessionResponse,
};
use motcua_protocol::api::dossiers::{DossierSummary, PATH_DOSSIERS};
use motcua_protocol::api::tracking::{PATH_SYNC, PublicLookup, SYNC_PAGE_SIZE, SyncResponse};
use motcua_protocol::api::{ApiErrorCode, PATH_ME};
use motcua_protocol::calendar::WorkingCalendar;
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::lifecycle::{ActionKind, ActorRole, Clock};
use reqwest::Response;
use serde_json::{Value, json};
use tokio::task::JoinSet;

/// Re-issue of a building permit: 5 working days, level 2.
const PROCEDURE: &str = "1.013228";
const PROCESSING_DAYS: u32 = 5;
const LAN: &str = "demo-0001";
const BINH: &str = "demo-0002";

async fn staff_login(h: &Harness, username: &str) -> String {
    let response = staff_login_with(h, username, DEFAULT_DESK_DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let session: StaffSessionResponse = response.json().await.unwrap();
    assert_eq!(session.token_type, "Bearer");
    assert_eq!(session.expires_in, 8 * 3600);
    assert_eq!(session.staff.username, username);
    session.access_token
}

async fn submit_with(h: &Harness, token: &str, key: &str, attachments: Value) -> DossierSummary {
    // The owner's name is filled from the identity: it must be the token's citizen's.
    let me: Value = get_as(h, token, PATH_ME).await.json().await.unwrap();
    let mut fields = permit_form();
    fields["owner_name"] = me["full_name"].clone();
    let body = json!({
        "procedure_code": PROCEDURE,
        "fields": fields,
        "attachments": attachments,
    });
    let response = Tus::with_token(h, token).submit(Some(key), &body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn submit(h: &Harness, token: &str, key: &str) -> DossierSummary {
    submit_with(h, token, key, json!([])).await
}

/// Applies an action that must succeed; returns the dossier after it.
async fn act(h: &Harness, token: &str, code: &str, body: Value) -> DeskDossier {
    let response = act_raw(h, token, code, body.clone()).await;
    assert_eq!(
        response.status(),
        200,
        "{body}: {:?}",
        response.text().await
    );
    response.json().await.unwrap()
}

async fn desk_dossier(h: &Harness, token: &str, code: &str) -> DeskDossier {
    get_json(h, token, &format!("{PATH_DESK_DOSSIERS}/{code}")).await
}

async fn citizen_dossier(h: &Harness, token: &str, code: &str) -> DossierSummary {
    get_json(h, token, &format!("{PATH_DOSSIERS}/{code}")).await
}

async fn sync(h: &Harness, token: &str, cursor: u64) -> SyncResponse {
    get_json(h, token, &format!("{PATH_SYNC}?cursor={cursor}")).await
}

async fn citizen_post(
    h: &Harness,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: Value,
) -> Response {
    let mut request = h.http.post(h.url(path)).bearer_auth(token).json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

fn withdraw_path(code: &str) -> String {
    format!("{PATH_DOSSIERS}/{code}/withdraw")
}

fn supplement_path(code: &str) -> String {
    format!("{PATH_DOSSIERS}/{code}/supplement")
}

fn today_in_vietnam() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// (actor kind, actor id, role, action, from, to, outcome) of a dossier's audit rows.
type AuditRow = (
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
);

async fn audit_rows(h: &Harness, code: &str) -> Vec<AuditRow> {
    db(h)
        .rows(
            "SELECT a.actor_kind, a.actor_id, a.role, a.action, a.from_status, a.to_status,
                    a.outcome
             FROM audit_log a JOIN dossiers d ON d.id = a.dossier_id
             WHERE d.code = ?1 ORDER BY a.id",
            &[code.into()],
        )
        .await
        .iter()
        .map(|row| {
            (
                row.get(0),
                row.get(1),
                row.get(2),
                row.get(3),
                row.get(4),
                row.get(5),
                row.get(6),
            )
        })
        .collect()
}

async fn staff_id(h: &Harness, username: &str) -> i64 {
    db(h)
        .value(
            "SELECT id FROM staff WHERE username = ?1",
            &[username.into()],
        )
        .await
}

fn statuses(timeline: &[motcua_protocol::lifecycle::Event]) -> Vec<DossierStatus> {
    timeline.iter().map(|event| event.status).collect()
}

/// Uploads `bytes` as a PDF with tus; returns the attachment reference for `requirement`.
async fn upload(h: &Harness, token: &str, requirement: &str, bytes: &[u8]) -> Value {
    let location = Tus::with_token(h, token)
        .upload_pdf(bytes, "bổ sung.pdf")
        .await;
    pdf_attachment(requirement, upload_id(&location), bytes, "bổ sung.pdf")
}

#[tokio::test]
async fn staff_log_in_with_the_demo_password_and_out() {
    let h = desk_harness().await;
    let token = staff_login(&h, RECEPTION).await;
    let response = get_as(&h, &token, PATH_DESK_ME).await;
    assert_eq!(response.status(), 200);
    let me: StaffProfile = response.json().await.unwrap();
    assert_eq!(me.role, StaffRole::Reception);
    let specialist = staff_login(&h, SPECIALIST).await;
    let me: StaffProfile = get_as(&h, &specialist, PATH_DESK_ME)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.role, StaffRole::Specialist);

    // Wrong password, unknown user: the same 401.
    for (user, password) in [
        (RECEPTION, "wrong"),
        ("nobody", DEFAULT_DESK_DEMO_PASSWORD),
        ("", ""),
    ] {
        let body = expect_error(
            staff_login_with(&h, user, password).await,
            401,
            ApiErrorCode::Unauthenticated,
        )
        .await;
        assert_eq!(body.error.message, "wrong user name or password");
    }
    expect_error(
        h.http
            .post(h.url(PATH_DESK_SESSION))
            .body("{")
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap(),
        400,
        ApiErrorCode::InvalidRequest,
    )
    .await;

    // Passwords and tokens are stored hashed.
    let store = db(&h);
    let hash: Vec<u8> = store
        .value(
            "SELECT password_hash FROM staff WHERE username = ?1",
            &[RECEPTION.into()],
        )
        .await;
    assert_eq!(hash.len(), 32);
    let stored: i64 = store
        .value(
            "SELECT count(*) FROM staff_sessions WHERE token_hash = ?1",
            &[Cell::Blob(token.as_bytes().to_vec())],
        )
        .await;
    assert_eq!(stored, 0, "the token itself is not stored");

    // Logout ends the token.
    let response = h
        .http
        .delete(h.url(PATH_DESK_SESSION))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    expect_error(
        get_as(&h, &token, PATH_DESK_ME).await,
        401,
        ApiErrorCode::SessionRevoked,
    )
    .await;
    h.portal.shutdown().await;
}

#[tokio::test]
async fn submit_accept_process_supplement_pay_ready_hand_back() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let reception = staff_login(&h, RECEPTION).await;
    let specialist = staff_login(&h, SPECIALIST).await;

    let submitted = submit(&h, &lan, "k1").await;
    assert_eq!(submitted.status, DossierStatus::Submitted);
    assert_eq!(
        statuses(&submitted.timeline),
        vec![DossierStatus::Submitted]
    );
    let code = submitted.code.clone();

    // The queue of dossiers awaiting intake has it, with the applicant's name.
    let queue: Vec<DeskQueueItem> = get_as(
        &h,
        &reception,
        &format!("{PATH_DESK_DOSSIERS}?status=submitted"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].code, code);
    assert_eq!(queue[0].applicant_name, "Nguyễn Thị Lan");
    assert!(queue[0].procedure_name_vi.is_some());

    let before = desk_dossier(&h, &reception, &code).await;
    assert_eq!(
        before.available_actions,
        vec![ActionKind::Accept, ActionKind::RefuseIntake]
    );
    assert_eq!(before.fields["owner_name"], "Nguyễn Thị Lan");
    assert_eq!(before.applicant.full_name, "Nguyễn Thị Lan");

    // Intake: received now, appointment = today + 5 working days (official calendar).
    let received = act(
        &h,
        &reception,
        &code,
        json!({"action": "accept", "note": "Đã nhận hồ sơ"}),
    )
    .await;
    assert_eq!(received.status, DossierStatus::Received);
    let today = today_in_vietnam();
    let appointment = WorkingCalendar::official().add_working_days(today, PROCESSING_DAYS);
    assert_eq!(
        received.appointment_date.as_deref(),
        Some(appointment.format("%Y-%m-%d").to_string().as_str())
    );
    let received_at = received.received_at.clone().unwrap();
    assert!(received_at.ends_with("+07:00"), "{received_at}");
    assert!(received_at.starts_with(&today.format("%Y-%m-%d").to_string()));
    assert!(!received.overdue);
    let accepted = received.timeline.last().unwrap();
    assert_eq!(accepted.actor, ActorRole::Reception);
    assert_eq!(accepted.clock, Some(Clock::Started));
    assert_eq!(accepted.note.as_deref(), Some("Đã nhận hồ sơ"));

    let processing = act(
        &h,
        &specialist,
        &code,
        json!({"action": "start_processing"}),
    )
    .await;
    assert_eq!(processing.status, DossierStatus::Processing);

    // The specialist asks for a document: the clock pauses.
    let paused = act(
        &h,
        &specialist,
        &code,
        json!({
            "action": "request_supplement",
            "note": "Vui lòng bổ sung",
            "missing": ["Bản sao giấy phép xây dựng cũ"],
        }),
    )
    .await;
    assert_eq!(paused.status, DossierStatus::SupplementRequested);
    assert_eq!(paused.supplement_requests, 1);
    assert_eq!(
        paused.clock_paused_since.as_deref(),
        Some(today.format("%Y-%m-%d").to_string().as_str())
    );
    let request = paused.timeline.last().unwrap();
    assert_eq!(request.clock, Some(Clock::Paused));
    assert_eq!(request.actor, ActorRole::Specialist);
    assert_eq!(request.missing, vec!["Bản sao giấy phép xây dựng cũ"]);

    // The citizen sees it on the timeline.
    let seen = citizen_dossier(&h, &lan, &code).await;
    assert_eq!(seen.status, DossierStatus::SupplementRequested);
    assert_eq!(
        seen.timeline.last().unwrap().missing,
        vec!["Bản sao giấy phép xây dựng cũ"]
    );

    // Pretend the clock was paused eight days ago: the appointment moves later by the
    // working days lost.
    let paused_on = today - Duration::days(8);
    db(&h)
        .execute(
            "UPDATE dossiers SET paused_since = ?1 WHERE code = ?2",
            &[
                paused_on.format("%Y-%m-%d").to_string().into(),
                (&code).into(),
            ],
        )
        .await
        .unwrap();
    let lost = WorkingCalendar::official().working_days_between(paused_on, today);
    assert!(lost >= 4, "{lost}");

    // The citizen answers with a document (an idempotency key is required).
    let document = upload(&h, &lan, "application", b"%PDF-1.4 bo sung").await;
    let answer = json!({"note": "Đã bổ sung", "attachments": [document]});
    expect_error(
        citizen_post(&h, &lan, &supplement_path(&code), None, answer.clone()).await,
        400,
        ApiErrorCode::InvalidRequest,
    )
    .await;
    let response = citizen_post(
        &h,
        &lan,
        &supplement_path(&code),
        Some("s1"),
        answer.clone(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let resumed: DossierSummary = response.json().await.unwrap();
    assert_eq!(resumed.status, DossierStatus::Processing);
    assert_eq!(resumed.attachments.len(), 1);
    let expected =
        WorkingCalendar::official().add_working_days(appointment, u32::try_from(lost).unwrap());
    assert_eq!(
        resumed.appointment_date.as_deref(),
        Some(expected.format("%Y-%m-%d").to_string().as_str())
    );
    let resume = resumed.timeline.last().unwrap();
    assert_eq!(resume.clock, Some(Clock::Resumed));
    assert_eq!(resume.actor, ActorRole::Citizen);
    assert_eq!(
        resume.paused_working_days,
        Some(u32::try_from(lost).unwrap())
    );
    // A replay gets the same answer; the key with another body is refused.
    let response = citizen_post(&h, &lan, &supplement_path(&code), Some("s1"), answer).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    let replayed: DossierSummary = response.json().await.unwrap();
    assert_eq!(replayed, resumed);
    expect_error(
        citizen_post(&h, &lan, &supplement_path(&code), Some("s1"), json!({})).await,
        422,
        ApiErrorCode::IdempotencyKeyReused,
    )
    .await;
    // A second answer under a new key: not waiting for one any more.
    expect_error(
        citizen_post(&h, &lan, &supplement_path(&code), Some("s2"), json!({})).await,
        409,
        ApiErrorCode::IllegalTransition,
    )
    .await;
    let desk_view = desk_dossier(&h, &specialist, &code).await;
    assert_eq!(desk_view.attachments.len(), 1);
    assert_eq!(desk_view.attachments[0].file_name, "bổ sung.pdf");

    // Fee, payment at the counter, result, hand-over.
    let payment = act(&h, &specialist, &code, json!({"action": "request_payment"})).await;
    assert_eq!(payment.status, DossierStatus::PaymentRequested);
    let paid = act(&h, &reception, &code, json!({"action": "confirm_payment"})).await;
    assert_eq!(paid.status, DossierStatus::Processing);
    let ready = act(
        &h,
        &specialist,
        &code,
        json!({"action": "mark_result_ready"}),
    )
    .await;
    assert_eq!(ready.status, DossierStatus::ResultReady);
    assert_eq!(ready.timeline.last().unwrap().clock, Some(Clock::Stopped));
    assert!(!ready.overdue);
    let returned = act(&h, &reception, &code, json!({"action": "hand_back"})).await;
    assert_eq!(returned.status, DossierStatus::Returned);
    assert!(returned.available_actions.is_empty());

    let timeline = citizen_dossier(&h, &lan, &code).await.timeline;
    assert_eq!(
        statuses(&timeline),
        vec![
            DossierStatus::Submitted,
            DossierStatus::Received,
            DossierStatus::Processing,
            DossierStatus::SupplementRequested,
            DossierStatus::Processing,
            DossierStatus::PaymentRequested,
            DossierStatus::Processing,
            DossierStatus::ResultReady,
            DossierStatus::Returned,
        ]
    );

    // Every change is audited with who did it; the refused attempts too.
    let reception_id = staff_id(&h, RECEPTION).await;
    let specialist_id = staff_id(&h, SPECIALIST).await;
    let audit = audit_rows(&h, &code).await;
    let applied: Vec<(String, Option<i64>, String, String)> = audit
        .iter()
        .filter(|row| row.6 == "applied")
        .map(|row| (row.0.clone(), row.1, row.2.clone(), row.3.clone()))
        .collect();
    let citizen_id = audit[0].1;
    assert_eq!(
        applied,
        vec![
            (
                "citizen".into(),
                citizen_id,
                "citizen".into(),
                "submit".into()
            ),
            (
                "staff".into(),
                Some(reception_id),
                "reception".into(),
                "accept".into()
            ),
            (
                "staff".into(),
                Some(specialist_id),
                "specialist".into(),
                "start_processing".into()
            ),
            (
                "staff".into(),
                Some(specialist_id),
                "specialist".into(),
                "request_supplement".into()
            ),
            (
                "citizen".into(),
                citizen_id,
                "citizen".into(),
                "answer_supplement".into()
            ),
            (
                "staff".into(),
                Some(specialist_id),
                "specialist".into(),
                "request_payment".into()
            ),
            (
                "staff".into(),
                Some(reception_id),
                "reception".into(),
                "confirm_payment".into()
            ),
            (
                "staff".into(),
                Some(specialist_id),
                "specialist".into(),
                "mark_result_ready".into()
            ),
            (
                "staff".into(),
                Some(reception_id),
                "reception".into(),
                "hand_back".into()
            ),
        ]
    );
    let refused: Vec<&AuditRow> = audit.iter().filter(|row| row.6 != "applied").collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].6, "illegal_transition");
    assert_eq!(refused[0].4, "processing");
    assert_eq!(refused[0].5, None);
    let accept = audit.iter().find(|row| row.3 == "accept").unwrap();
    assert_eq!(
        (accept.4.as_str(), accept.5.as_deref()),
        ("submitted", Some("received"))
    );
    h.portal.shutdown().await;
}

#[tokio::test]
async fn refusal_rejection_stop_and_withdrawal() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let reception = staff_login(&h, RECEPTION).await;
    let specialist = staff_login(&h, SPECIALIST).await;

    // Refused at intake: a reason is required.
    let refused = submit(&h, &lan, "a").await.code;
    let body = expect_error(
        act_raw(&h, &reception, &refused, json!({"action": "refuse_intake"})).await,
        422,
        ApiErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(body.error.fields[0].field, "reason");
    assert_eq!(body.error.fields[0].code, "reason_required");
    assert_eq!(body.error.fields[0].message_vi, "Cần ghi rõ lý do.");
    let not_accepted = act(
        &h,
        &reception,
        &refused,
        json!({"action": "refuse_intake", "reason": "Không thuộc thẩm quyền"}),
    )
    .await;
    assert_eq!(not_accepted.status, DossierStatus::NotAccepted);
    assert_eq!(not_accepted.appointment_date, None);
    let seen = citizen_dossier(&h, &lan, &refused).await;
    assert_eq!(
        seen.timeline.last().unwrap().reason.as_deref(),
        Some("Không thuộc thẩm quyền")
    );

    // Rejected after processing.
    let rejected = submit(&h, &lan, "b").await.code;
    act(&h, &reception, &rejected, json!({"action": "accept"})).await;
    act(
        &h,
        &reception,
        &rejected,
        json!({"action": "start_processing"}),
    )
    .await;
    let done = act(
        &h,
        &specialist,
        &rejected,
        json!({"action": "reject", "reason": "Không đủ điều kiện cấp lại"}),
    )
    .await;
    assert_eq!(done.status, DossierStatus::Rejected);
    assert_eq!(done.timeline.last().unwrap().clock, Some(Clock::Stopped));

    // Stopped right after intake.
    let stopped = submit(&h, &lan, "c").await.code;
    act(&h, &reception, &stopped, json!({"action": "accept"})).await;
    let done = act(
        &h,
        &specialist,
        &stopped,
        json!({"action": "stop", "reason": "Theo đề nghị của cơ quan có thẩm quyền"}),
    )
    .await;
    assert_eq!(done.status, DossierStatus::Stopped);

    // Withdrawn during processing: the citizen asks, the desk confirms.
    let withdrawn = submit(&h, &lan, "d").await.code;
    act(&h, &reception, &withdrawn, json!({"action": "accept"})).await;
    act(
        &h,
        &reception,
        &withdrawn,
        json!({"action": "start_processing"}),
    )
    .await;
    let response = citizen_post(
        &h,
        &lan,
        &withdraw_path(&withdrawn),
        None,
        json!({"note": "Tôi không cần nữa"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let asked: DossierSummary = response.json().await.unwrap();
    assert_eq!(asked.status, DossierStatus::WithdrawalRequested);
    assert_eq!(
        asked.timeline.last().unwrap().note.as_deref(),
        Some("Tôi không cần nữa")
    );
    // Asking again: nothing to withdraw any more.
    expect_error(
        citizen_post(&h, &lan, &withdraw_path(&withdrawn), None, json!({})).await,
        409,
        ApiErrorCode::IllegalTransition,
    )
    .await;
    let done = act(
        &h,
        &reception,
        &withdrawn,
        json!({"action": "confirm_withdrawal"}),
    )
    .await;
    assert_eq!(done.status, DossierStatus::Withdrawn);

    // Withdrawn before intake, with an empty body and an idempotency key (replayed).
    let early = submit(&h, &lan, "e").await.code;
    let response = h
        .http
        .post(h.url(&withdraw_path(&early)))
        .bearer_auth(&lan)
        .header("Idempotency-Key", "w1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let first: DossierSummary = response.json().await.unwrap();
    assert_eq!(first.status, DossierStatus::WithdrawalRequested);
    let response = h
        .http
        .post(h.url(&withdraw_path(&early)))
        .bearer_auth(&lan)
        .header("Idempotency-Key", "w1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    assert_eq!(response.json::<DossierSummary>().await.unwrap(), first);

    // After a result, no withdrawal.
    let finished = submit(&h, &lan, "f").await.code;
    act(&h, &reception, &finished, json!({"action": "accept"})).await;
    act(
        &h,
        &specialist,
        &finished,
        json!({"action": "start_processing"}),
    )
    .await;
    act(
        &h,
        &specialist,
        &finished,
        json!({"action": "mark_result_ready"}),
    )
    .await;
    expect_error(
        citizen_post(&h, &lan, &withdraw_path(&finished), None, json!({})).await,
        409,
        ApiErrorCode::IllegalTransition,
    )
    .await;

    // The queue filters by status.
    let queue: Vec<DeskQueueItem> = get_as(
        &h,
        &reception,
        &format!("{PATH_DESK_DOSSIERS}?status=withdrawn"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        queue
            .iter()
            .map(|item| item.code.as_str())
            .collect::<Vec<_>>(),
        vec![withdrawn.as_str()]
    );
    let all: Vec<DeskQueueItem> = get_as(&h, &reception, PATH_DESK_DOSSIERS)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    expect_error(
        get_as(
            &h,
            &reception,
            &format!("{PATH_DESK_DOSSIERS}?status=bogus"),
        )
        .await,
        400,
        ApiErrorCode::InvalidRequest,
    )
    .await;
    h.portal.shutdown().await;
}

#[tokio::test]
async fn illegal_actions_are_refused_audited_and_change_nothing() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let reception = staff_login(&h, RECEPTION).await;
    let specialist = staff_login(&h, SPECIALIST).await;
    let code = submit(&h, &lan, "k").await.code;

    // The wrong status: 409 illegal_transition, with the localised reason.
    for action in [
        "hand_back",
        "confirm_withdrawal",
        "start_processing",
        "confirm_payment",
    ] {
        let body = expect_error(
            act_raw(&h, &reception, &code, json!({"action": action})).await,
            409,
            ApiErrorCode::IllegalTransition,
        )
        .await;
        assert!(
            body.error.message.contains("Submitted, awaiting intake"),
            "{}",
            body.error.message
        );
    }
    // A role that never takes the action: 403.
    for (token, action) in [
        (&specialist, json!({"action": "accept"})),
        (
            &specialist,
            json!({"action": "refuse_intake", "reason": "x"}),
        ),
        (&reception, json!({"action": "mark_result_ready"})),
        (&reception, json!({"action": "request_withdrawal"})),
        (&reception, json!({"action": "reject", "reason": "x"})),
    ] {
        expect_error(
            act_raw(&h, token, &code, action).await,
            403,
            ApiErrorCode::Forbidden,
        )
        .await;
    }
    // Malformed bodies, unknown dossiers.
    expect_error(
        act_raw(&h, &reception, &code, json!({"action": "fly"})).await,
        400,
        ApiErrorCode::InvalidRequest,
    )
    .await;
    expect_error(
        act_raw(
            &h,
            &reception,
            "000.00.00.H00-990101-9999",
            json!({"action": "accept"}),
        )
        .await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    let body = expect_error(
        act_raw(
            &h,
            &reception,
            &code,
            json!({"action": "accept", "note": "x".repeat(2001)}),
        )
        .await,
        422,
        ApiErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(body.error.fields[0].field, "note");

    // Nothing changed; each refusal was audited.
    let dossier = desk_dossier(&h, &reception, &code).await;
    assert_eq!(dossier.status, DossierStatus::Submitted);
    assert_eq!(dossier.timeline.len(), 1);
    let outcomes: Vec<String> = audit_rows(&h, &code)
        .await
        .into_iter()
        .map(|row| row.6)
        .collect();
    assert_eq!(
        outcomes,
        vec![
            "applied",
            "illegal_transition",
            "illegal_transition",
            "illegal_transition",
            "illegal_transition",
            "role_not_allowed",
            "role_not_allowed",
            "role_not_allowed",
            "role_not_allowed",
            "role_not_allowed",
            "too_long",
        ]
    );
    // The audit cannot be rewritten.
    assert!(db(&h).execute("DELETE FROM audit_log", &[]).await.is_err());
    h.portal.shutdown().await;
}

#[tokio::test]
async fn citizen_and_staff_tokens_do_not_cross_and_dossiers_stay_private() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let binh = h.citizen_token(BINH).await;
    let reception = staff_login(&h, RECEPTION).await;
    let code = submit(&h, &lan, "k").await.code;

    // A citizen's token on the desk: 401.
    for path in [
        PATH_DESK_ME.to_owned(),
        PATH_DESK_DOSSIERS.to_owned(),
        format!("{PATH_DESK_DOSSIERS}/{code}"),
    ] {
        expect_error(
            get_as(&h, &lan, &path).await,
            401,
            ApiErrorCode::Unauthenticated,
        )
        .await;
    }
    expect_error(
        act_raw(&h, &lan, &code, json!({"action": "accept"})).await,
        401,
        ApiErrorCode::Unauthenticated,
    )
    .await;
    // No token at all: 401 with a bearer challenge.
    let response = h.http.get(h.url(PATH_DESK_DOSSIERS)).send().await.unwrap();
    assert!(response.headers().contains_key("www-authenticate"));
    expect_error(response, 401, ApiErrorCode::Unauthenticated).await;

    // A staff token on citizen endpoints: 401.
    for path in [
        PATH_ME.to_owned(),
        PATH_DOSSIERS.to_owned(),
        format!("{PATH_DOSSIERS}/{code}"),
        format!("{PATH_SYNC}?cursor=0"),
    ] {
        expect_error(
            get_as(&h, &reception, &path).await,
            401,
            ApiErrorCode::Unauthenticated,
        )
        .await;
    }
    expect_error(
        citizen_post(&h, &reception, &withdraw_path(&code), None, json!({})).await,
        401,
        ApiErrorCode::Unauthenticated,
    )
    .await;

    // Another citizen cannot see, withdraw or answer for Lan's dossier: 404.
    expect_error(
        get_as(&h, &binh, &format!("{PATH_DOSSIERS}/{code}")).await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    expect_error(
        citizen_post(&h, &binh, &withdraw_path(&code), None, json!({})).await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    expect_error(
        citizen_post(&h, &binh, &supplement_path(&code), Some("x"), json!({})).await,
        404,
        ApiErrorCode::NotFound,
    )
    .await;
    assert!(sync(&h, &binh, 0).await.changes.is_empty());
    let lan_view = citizen_dossier(&h, &lan, &code).await;
    assert_eq!(lan_view.status, DossierStatus::Submitted);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn sync_returns_only_your_changes_after_the_cursor() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let binh = h.citizen_token(BINH).await;
    let reception = staff_login(&h, RECEPTION).await;

    let first = submit(&h, &lan, "1").await.code;
    let other = submit(&h, &binh, "1").await.code;
    let second = submit(&h, &lan, "2").await.code;

    let page = sync(&h, &lan, 0).await;
    assert!(!page.more);
    assert_eq!(
        page.changes
            .iter()
            .map(|c| (c.code.as_str(), c.status))
            .collect::<Vec<_>>(),
        vec![
            (first.as_str(), DossierStatus::Submitted),
            (second.as_str(), DossierStatus::Submitted)
        ]
    );
    let seqs: Vec<u64> = page.changes.iter().map(|c| c.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(page.cursor, *seqs.last().unwrap());

    // Nothing new: empty, the cursor stays.
    let idle = sync(&h, &lan, page.cursor).await;
    assert!(idle.changes.is_empty());
    assert_eq!(idle.cursor, page.cursor);

    // Changes to Lan's and Binh's dossiers: Lan gets only hers, only the new ones.
    act(&h, &reception, &other, json!({"action": "accept"})).await;
    act(
        &h,
        &reception,
        &first,
        json!({"action": "accept", "note": "Hẹn trả"}),
    )
    .await;
    act(
        &h,
        &reception,
        &second,
        json!({"action": "refuse_intake", "reason": "Sai thủ tục"}),
    )
    .await;
    let next = sync(&h, &lan, page.cursor).await;
    assert_eq!(next.changes.len(), 2);
    assert_eq!(next.changes[0].code, first);
    assert_eq!(next.changes[0].status, DossierStatus::Received);
    assert_eq!(next.changes[0].note.as_deref(), Some("Hẹn trả"));
    assert!(next.changes[0].appointment_date.is_some());
    assert_eq!(next.changes[1].status, DossierStatus::NotAccepted);
    assert_eq!(next.changes[1].reason.as_deref(), Some("Sai thủ tục"));
    assert!(next.changes[0].seq > page.cursor);
    let binh_page = sync(&h, &binh, 0).await;
    assert_eq!(
        binh_page
            .changes
            .iter()
            .map(|c| c.status)
            .collect::<Vec<_>>(),
        vec![DossierStatus::Submitted, DossierStatus::Received]
    );
    assert!(binh_page.changes.iter().all(|c| c.code == other));

    // A cursor past everything, and malformed ones.
    assert!(sync(&h, &lan, u64::MAX).await.changes.is_empty());
    for bad in ["-1", "abc", "1.5"] {
        expect_error(
            get_as(&h, &lan, &format!("{PATH_SYNC}?cursor={bad}")).await,
            400,
            ApiErrorCode::InvalidRequest,
        )
        .await;
    }
    let no_cursor: SyncResponse = get_as(&h, &lan, PATH_SYNC).await.json().await.unwrap();
    assert_eq!(no_cursor.changes.len(), 4);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn a_thousand_changed_dossiers_sync_in_one_pass() {
    const DOSSIERS: usize = 1000;
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let reception = staff_login(&h, RECEPTION).await;

    let started = Instant::now();
    let mut tasks = JoinSet::new();
    let mut codes = Vec::with_capacity(DOSSIERS);
    for i in 0..DOSSIERS {
        let (http, url, token) = (h.http.clone(), h.url(PATH_DOSSIERS), lan.clone());
        tasks.spawn(async move {
            let response = http
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", format!("bulk-{i}"))
                .json(&json!({"procedure_code": PROCEDURE, "fields": permit_form(), "attachments": []}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            response.json::<DossierSummary>().await.unwrap().code
        });
        if tasks.len() >= 32 {
            codes.push(tasks.join_next().await.unwrap().unwrap());
        }
    }
    while let Some(code) = tasks.join_next().await {
        codes.push(code.unwrap());
    }
    eprintln!("submitted {DOSSIERS} dossiers in {:?}", started.elapsed());

    let before = sync(&h, &lan, 0).await;
    assert_eq!(before.changes.len(), SYNC_PAGE_SIZE);
    assert!(!before.more);

    let started = Instant::now();
    for code in &codes {
        let (http, url, token) = (
            h.http.clone(),
            h.url(&actions_path(code)),
            reception.clone(),
        );
        tasks.spawn(async move {
            let response = http
                .post(url)
                .bearer_auth(token)
                .json(&json!({"action": "accept"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            String::new()
        });
        if tasks.len() >= 32 {
            tasks.join_next().await.unwrap().unwrap();
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    eprintln!("accepted {DOSSIERS} dossiers in {:?}", started.elapsed());

    // One call brings the 1,000 changes since the cursor.
    let started = Instant::now();
    let page = sync(&h, &lan, before.cursor).await;
    eprintln!(
        "synced {} changes in one request in {:?}",
        page.changes.len(),
        started.elapsed()
    );
    assert_eq!(page.changes.len(), DOSSIERS);
    assert!(!page.more);
    assert!(
        page.changes
            .iter()
            .all(|change| change.status == DossierStatus::Received)
    );
    let changed: BTreeSet<&str> = page.changes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(changed.len(), DOSSIERS);
    assert_eq!(page.cursor, page.changes.last().unwrap().seq);

    // From the start there are 2,000: two pages, the first says there is more.
    let started = Instant::now();
    let first = sync(&h, &lan, 0).await;
    assert_eq!(first.changes.len(), SYNC_PAGE_SIZE);
    assert!(first.more);
    let second = sync(&h, &lan, first.cursor).await;
    assert_eq!(second.changes.len(), SYNC_PAGE_SIZE);
    assert!(!second.more);
    assert_eq!(second.cursor, page.cursor);
    eprintln!(
        "full sync of {} changes in two requests in {:?}",
        first.changes.len() + second.changes.len(),
        started.elapsed()
    );
    h.portal.shutdown().await;
}

#[tokio::test]
async fn public_lookup_shows_no_personal_data_and_is_rate_limited() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let reception = staff_login(&h, RECEPTION).await;
    let code = submit(&h, &lan, "k").await.code;
    let accepted = act(&h, &reception, &code, json!({"action": "accept"})).await;

    let path = format!("/api/v1/lookup/{code}");
    let response = h.http.get(h.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let text = response.text().await.unwrap();
    let lookup: PublicLookup = serde_json::from_str(&text).unwrap();
    assert_eq!(lookup.code, code);
    assert_eq!(lookup.status, DossierStatus::Received);
    assert_eq!(lookup.national_code, Some(2));
    assert_eq!(lookup.procedure_code, PROCEDURE);
    assert!(lookup.procedure_name_vi.is_some());
    assert_eq!(lookup.appointment_date, accepted.appointment_date);
    // Only these members, and nothing of the applicant.
    let members: BTreeSet<String> = serde_json::from_str::<serde_json::Map<String, Value>>(&text)
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        members,
        [
            "appointment_date",
            "code",
            "national_code",
            "procedure_code",
            "procedure_name_en",
            "procedure_name_vi",
            "status"
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    for personal in [
        "Nguyễn Thị Lan",
        "0912",
        "00004",
        &accepted.applicant.personal_id.clone().unwrap_or_default(),
    ] {
        if !personal.is_empty() {
            assert!(!text.contains(personal), "{personal}");
        }
    }

    // Unknown and malformed codes: 404 (and they cost a token too).
    let unknown = h
        .http
        .get(h.url("/api/v1/lookup/000.00.00.H00-990101-9999"))
        .send()
        .await
        .unwrap();
    expect_error(unknown, 404, ApiErrorCode::NotFound).await;

    // Ten in a burst per client, then 429 with Retry-After.
    let mut limited = None;
    for _ in 0..20 {
        let response = h.http.get(h.url(&path)).send().await.unwrap();
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), 200);
    }
    let response = limited.expect("the lookup is rate-limited");
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&retry), "{retry}");
    expect_error(response, 429, ApiErrorCode::RateLimited).await;
    h.portal.shutdown().await;
}

/// Behind a reverse proxy (`--trusted-proxies`), the lookup's rate limit counts the client
/// the proxy names in `X-Forwarded-For`: one client's burst does not stop the next. From a
/// peer that is not a trusted proxy the header changes nothing.
#[tokio::test]
async fn the_lookup_limit_counts_the_client_a_trusted_proxy_names() {
    let lookup = "/api/v1/lookup/000.00.00.H00-990101-9999";
    let ask = |h: &Harness, client: &str| {
        h.http
            .get(h.url(lookup))
            .header("X-Forwarded-For", client)
            .send()
    };
    // Spends `client`'s burst (ten lookups, then 429).
    let exhaust = async |h: &Harness, client: &str| {
        for _ in 0..20 {
            let response = ask(h, client).await.unwrap();
            if response.status() == 429 {
                return;
            }
            assert_eq!(response.status(), 404);
        }
        panic!("the lookup is rate-limited");
    };
    let behind_proxy = common::harness_with(|config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    exhaust(&behind_proxy, "203.0.113.7").await;
    let next = ask(&behind_proxy, "203.0.113.8").await.unwrap();
    assert_eq!(next.status(), 404, "another client has a bucket of its own");
    let again = ask(&behind_proxy, "203.0.113.7").await.unwrap();
    assert_eq!(again.status(), 429, "the first is still limited");
    behind_proxy.portal.shutdown().await;

    let direct = common::harness().await;
    exhaust(&direct, "203.0.113.7").await;
    let next = ask(&direct, "203.0.113.8").await.unwrap();
    assert_eq!(
        next.status(),
        429,
        "an untrusted peer cannot pick its bucket"
    );
    direct.portal.shutdown().await;
}

/// Audit item 6 of issue 16: a citizen's withdrawal note with an escape sequence cleared
/// the desk officer's terminal and printed "ĐÃ DUYỆT". Every free text that reaches the
/// desk (the citizen's withdrawal note, the officer's notes, reasons and missing items) is
/// refused with a typed field error when it holds control characters; nothing is recorded.
#[tokio::test]
async fn free_texts_with_control_characters_are_refused() {
    let h = desk_harness().await;
    let lan = h.citizen_token(LAN).await;
    let reception = staff_login(&h, RECEPTION).await;
    let forged = "nộp nhầm\u{1b}[2J\u{1b}[H\u{1b}[1;32mĐÃ DUYỆT";
    async fn refused_on(response: Response) -> String {
        let body = expect_error(response, 422, ApiErrorCode::ValidationFailed).await;
        let field = &body.error.fields[0];
        assert_eq!(field.code, "control_characters", "{:?}", body.error);
        assert!(!field.message_vi.is_empty() && !field.message_en.is_empty());
        field.field.clone()
    }

    let code = submit(&h, &lan, "ctl").await.code;
    for (action, field) in [
        (json!({"action": "accept", "note": forged}), "note"),
        (
            json!({"action": "refuse_intake", "reason": forged}),
            "reason",
        ),
    ] {
        let response = act_raw(&h, &reception, &code, action).await;
        assert_eq!(refused_on(response).await, field);
    }
    let seen = citizen_dossier(&h, &lan, &code).await;
    assert_eq!(seen.status, DossierStatus::Submitted, "nothing happened");
    assert_eq!(seen.timeline.len(), 1);
    // A plain note with a line break is text.
    let accepted = act(
        &h,
        &reception,
        &code,
        json!({"action": "accept", "note": "Hồ sơ đầy đủ.\nHẹn trả đúng hạn."}),
    )
    .await;
    assert_eq!(accepted.status, DossierStatus::Received);

    let withdrawal = citizen_post(
        &h,
        &lan,
        &withdraw_path(&code),
        Some("ctl-w"),
        json!({ "note": forged }),
    )
    .await;
    assert_eq!(refused_on(withdrawal).await, "note");
    act(&h, &reception, &code, json!({"action": "start_processing"})).await;
    let ask = json!({"action": "request_supplement", "missing": ["CCCD", forged]});
    let response = act_raw(&h, &reception, &code, ask).await;
    assert_eq!(refused_on(response).await, "missing");
    let seen = citizen_dossier(&h, &lan, &code).await;
    assert_eq!(seen.status, DossierStatus::Processing, "nothing happened");
}
