//! Identity binding at intake, over HTTP (issue 16, item 4): the form fields pre-filled
//! from the identity must be the token's citizen's; another person's ID number is refused
//! with `identity_mismatch`, unless the dossier is deliberately filed on behalf of that
//! person, which is validated, stored, and shown at the desk and in the history.

mod common;

use common::staff::{RECEPTION, desk_harness, staff_session};
use common::tus::Tus;
use common::{Harness, get_json};
use motcua_protocol::api::desk::{DeskDossier, DeskQueueItem, PATH_DESK_DOSSIERS};
use motcua_protocol::api::dossiers::DossierSummary;
use motcua_protocol::api::{ApiErrorBody, ApiErrorCode};
use motcua_protocol::on_behalf::RepresentationBasis;
use serde_json::{Value, json};

/// Copy of a civil-status extract: applicant name and ID pre-filled from the identity.
const PROCEDURE: &str = "2.000635";
/// Nguyễn Thị Lan, 046187004213.
const LAN: &str = "demo-0001";
/// Trần Văn Bình's number (demo-0002): another person.
const BINH_ID: &str = "001052007381";

fn form(name: &str, personal_id: &str) -> Value {
    json!({
        "applicant_name": name,
        "applicant_personal_id": personal_id,
        "event_type": "birth",
        "subject_name": "Trần Văn Bình",
        "copies": "1",
        "phone": "0912345678",
    })
}

async fn post(h: &Harness, token: &str, key: &str, body: Value) -> reqwest::Response {
    Tus::with_token(h, token).submit(Some(key), &body).await
}

#[tokio::test]
async fn another_persons_id_is_refused_with_its_code() {
    let h = desk_harness().await;
    let token = h.open_session(LAN).await.access_token;
    let body = json!({
        "procedure_code": PROCEDURE,
        "fields": form("Nguyễn Thị Lan", BINH_ID),
        "attachments": [],
    });
    let response = post(&h, &token, "k-mismatch", body).await;
    assert_eq!(response.status(), 422);
    let error: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, ApiErrorCode::IdentityMismatch);
    assert_eq!(error.error.fields.len(), 1, "{:?}", error.error.fields);
    assert_eq!(error.error.fields[0].field, "applicant_personal_id");
    assert_eq!(error.error.fields[0].code, "identity_mismatch");
    assert!(error.error.fields[0].message_vi.contains("Nộp thay"));
    assert!(error.error.fields[0].message_en.contains("on behalf"));

    // Another name is refused the same way; the citizen's own values, in another case
    // and spacing, are theirs.
    let other_name = json!({
        "procedure_code": PROCEDURE,
        "fields": form("Trần Văn Bình", "046187004213"),
        "attachments": [],
    });
    let response = post(&h, &token, "k-name", other_name).await;
    assert_eq!(response.status(), 422);
    let own = json!({
        "procedure_code": PROCEDURE,
        "fields": form("nguyễn  thị lan", "0461 8700 4213"),
        "attachments": [],
    });
    let response = post(&h, &token, "k-own", own).await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);

    // Nothing of the refused ones was stored: the desk sees one dossier, for herself.
    let staff = staff_session(&h, RECEPTION).await.access_token;
    let queue: Vec<DeskQueueItem> = get_json(&h, &staff, PATH_DESK_DOSSIERS).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].on_behalf_of_name, None);
    let desk: DeskDossier = get_json(
        &h,
        &staff,
        &format!("{PATH_DESK_DOSSIERS}/{}", queue[0].code),
    )
    .await;
    assert_eq!(desk.on_behalf_of, None);
    assert_eq!(desk.filing_notice_vi, None);
    assert!(desk.identity_mismatches.is_empty());
}

#[tokio::test]
async fn filing_on_behalf_is_validated_stored_and_shown_at_the_desk() {
    let h = desk_harness().await;
    let token = h.open_session(LAN).await.access_token;
    let on_behalf = |personal_id: &str, detail: Option<&str>| {
        json!({
            "procedure_code": PROCEDURE,
            "fields": form("Trần Văn Bình", BINH_ID),
            "attachments": [],
            "on_behalf_of": {
                "full_name": "Trần Văn Bình",
                "personal_id": personal_id,
                "basis": "authorised",
                "detail": detail,
            },
        })
    };

    // The record is checked: an ID number that cannot be, and no authorisation named.
    let response = post(&h, &token, "k-bad", on_behalf("12345", None)).await;
    assert_eq!(response.status(), 422);
    let error: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, ApiErrorCode::ValidationFailed);
    let fields: Vec<&str> = error
        .error
        .fields
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["on_behalf_of.personal_id", "on_behalf_of.detail"],
        "{:?}",
        error.error.fields
    );
    // Filing "on behalf" of oneself is not filing on behalf.
    let myself = json!({
        "procedure_code": PROCEDURE,
        "fields": form("Nguyễn Thị Lan", "046187004213"),
        "attachments": [],
        "on_behalf_of": {
            "full_name": "Nguyễn Thị Lan",
            "personal_id": "046187004213",
            "basis": "sibling",
        },
    });
    let response = post(&h, &token, "k-self", myself).await;
    assert_eq!(response.status(), 422);
    let error: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, ApiErrorCode::IdentityMismatch);
    assert_eq!(error.error.fields[0].code, "on_behalf_of_self");
    // The fields must then name the person filed for, not someone else again.
    let mut stranger = on_behalf(BINH_ID, Some("Giấy ủy quyền số 12/2026"));
    stranger["fields"]["applicant_personal_id"] = json!("079201003657");
    let response = post(&h, &token, "k-stranger", stranger).await;
    assert_eq!(response.status(), 422);
    let error: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, ApiErrorCode::IdentityMismatch);
    assert_eq!(error.error.fields[0].field, "applicant_personal_id");

    let response = post(
        &h,
        &token,
        "k-behalf",
        on_behalf(BINH_ID, Some("Giấy ủy quyền số 12/2026")),
    )
    .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let summary: DossierSummary = response.json().await.unwrap();
    // The submission event records it.
    let recorded = summary.timeline[0].on_behalf_of.as_ref().unwrap();
    assert_eq!(recorded.personal_id, BINH_ID);
    assert_eq!(recorded.basis, RepresentationBasis::Authorised);

    let staff = staff_session(&h, RECEPTION).await.access_token;
    let queue: Vec<DeskQueueItem> = get_json(&h, &staff, PATH_DESK_DOSSIERS).await;
    assert_eq!(queue[0].applicant_name, "Nguyễn Thị Lan");
    assert_eq!(queue[0].on_behalf_of_name.as_deref(), Some("Trần Văn Bình"));
    let desk: DeskDossier = get_json(
        &h,
        &staff,
        &format!("{PATH_DESK_DOSSIERS}/{}", summary.code),
    )
    .await;
    assert_eq!(desk.applicant.full_name, "Nguyễn Thị Lan");
    assert_eq!(
        desk.on_behalf_of.as_ref().map(|p| p.full_name.as_str()),
        Some("Trần Văn Bình")
    );
    assert_eq!(
        desk.filing_notice_vi.as_deref(),
        Some(
            "Nộp bởi Nguyễn Thị Lan (người được ủy quyền) thay cho Trần Văn Bình, số định danh 001052007381; căn cứ: Giấy ủy quyền số 12/2026"
        )
    );
    assert_eq!(
        desk.filing_notice_en.as_deref(),
        Some(
            "Filed by Nguyễn Thị Lan (authorised representative) on behalf of Trần Văn Bình, personal ID 001052007381; basis: Giấy ủy quyền số 12/2026"
        )
    );
    assert!(desk.identity_mismatches.is_empty());
    assert!(desk.timeline[0].on_behalf_of.is_some());

    // The same key and body replay the stored answer.
    let again = post(
        &h,
        &token,
        "k-behalf",
        on_behalf(BINH_ID, Some("Giấy ủy quyền số 12/2026")),
    )
    .await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
}

/// A dossier stored before intake checked the binding (written straight into the
/// database, as an older portal did) is still read, and the desk is told which fields
/// name someone else.
#[tokio::test]
async fn an_older_unchecked_dossier_is_flagged_at_the_desk() {
    let h = desk_harness().await;
    let token = h.open_session(LAN).await.access_token;
    let response = post(
        &h,
        &token,
        "k-1",
        json!({
            "procedure_code": PROCEDURE,
            "fields": form("Nguyễn Thị Lan", "046187004213"),
            "attachments": [],
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let summary: DossierSummary = response.json().await.unwrap();
    let mut fields = form("Nguyễn Thị Lan", BINH_ID);
    fields["copies"] = json!("1");
    common::db(&h)
        .execute(
            "UPDATE dossiers SET fields = ?1 WHERE code = ?2",
            &[fields.to_string().into(), (&summary.code).into()],
        )
        .await
        .unwrap();
    let staff = staff_session(&h, RECEPTION).await.access_token;
    let desk: DeskDossier = get_json(
        &h,
        &staff,
        &format!("{PATH_DESK_DOSSIERS}/{}", summary.code),
    )
    .await;
    assert_eq!(desk.identity_mismatches, ["applicant_personal_id"]);
    assert_eq!(desk.on_behalf_of, None);
}
