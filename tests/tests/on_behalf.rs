//! Fields bound to the verified identity, end to end (issue 16, item 4): the core refuses
//! to change them in a draft and marks them locked; filing on behalf of someone else is a
//! deliberate choice that locks them to that person, reaches the portal with the
//! submission, and is shown at the desk.

mod common;

use common::*;
use motcua_core::dossier::{DeliveryOutcome, DossierError};
use motcua_core::{Lang, Localized as _};
use motcua_protocol::on_behalf::{OnBehalfOf, RepresentationBasis};

/// Copy of a civil-status extract: name and ID from the identity; an `authorisation`
/// document exists (optional).
const EXTRACT: &str = "2.000635";
/// Nguyễn Thị Lan, level 2.
const LAN: &str = "demo-0001";

fn field<'a>(
    draft: &'a motcua_core::dossier::DraftView,
    id: &str,
) -> &'a motcua_core::dossier::FieldState {
    draft.fields.iter().find(|f| f.field_id == id).unwrap()
}

#[tokio::test]
async fn locked_fields_refuse_edits_and_filing_on_behalf_reaches_the_desk() {
    let portal = start_portal_with(|config| config.accept_missing_documents = true).await;
    let phone = phone_for(&portal);
    let me = login(&phone, LAN).await;
    phone.core.catalog().refresh_catalog().await.unwrap();
    phone
        .core
        .catalog()
        .open_procedure(EXTRACT)
        .await
        .expect("procedure detail");
    let dossier = phone.core.dossier();

    let draft = dossier.create_draft(EXTRACT).unwrap();
    let id = field(&draft, "applicant_personal_id");
    assert_eq!(id.value.as_deref(), me.personal_id.as_deref());
    assert!(id.locked && id.prefilled);
    assert!(field(&draft, "applicant_name").locked);
    assert!(
        !field(&draft, "phone").locked,
        "earlier-dossier values are free"
    );
    assert!(!field(&draft, "subject_name").locked);

    // Another person's number is refused, typed and localised; the value stays.
    let error = dossier
        .set_field(&draft.id, "applicant_personal_id", "001052007381")
        .unwrap_err();
    assert!(matches!(error, DossierError::FieldLocked(ref f) if f == "applicant_personal_id"));
    assert_eq!(error.code(), "field_locked");
    assert!(error.message(Lang::Vi).contains("Nộp thay"));
    assert!(error.message(Lang::En).contains("on behalf of"));
    let error = dossier
        .set_field(&draft.id, "applicant_name", "")
        .unwrap_err();
    assert_eq!(error.code(), "field_locked");
    // The same value again is no change.
    dossier
        .set_field(
            &draft.id,
            "applicant_personal_id",
            me.personal_id.as_deref().unwrap(),
        )
        .unwrap();
    let draft = dossier.draft(&draft.id).unwrap();
    assert_eq!(field(&draft, "applicant_personal_id").value, me.personal_id);

    // Filing on behalf: the record is checked before anything changes.
    let bad = OnBehalfOf {
        full_name: "Trần Văn Bình".into(),
        personal_id: "123".into(),
        basis: RepresentationBasis::Authorised,
        detail: None,
    };
    match dossier.set_on_behalf(&draft.id, Some(bad)) {
        Err(DossierError::Invalid(problems)) => assert_eq!(problems.len(), 2, "{problems:?}"),
        other => panic!("expected the record to be refused: {other:?}"),
    }
    let binh = OnBehalfOf {
        full_name: "Trần Văn Bình".into(),
        personal_id: "001052007381".into(),
        basis: RepresentationBasis::Authorised,
        detail: Some("Giấy ủy quyền số 12/2026".into()),
    };
    let draft = dossier
        .set_on_behalf(&draft.id, Some(binh.clone()))
        .unwrap();
    assert_eq!(draft.on_behalf_of.as_ref(), Some(&binh));
    let id = field(&draft, "applicant_personal_id");
    assert_eq!(id.value.as_deref(), Some("001052007381"));
    assert!(id.locked, "locked to the person filed for now");
    assert_eq!(
        field(&draft, "applicant_name").value.as_deref(),
        Some("Trần Văn Bình")
    );
    assert_eq!(
        dossier
            .set_field(&draft.id, "applicant_personal_id", "046187004213")
            .unwrap_err()
            .code(),
        "field_locked"
    );

    // Back to herself, and on behalf again: the values follow the choice.
    let draft = dossier.set_on_behalf(&draft.id, None).unwrap();
    assert_eq!(field(&draft, "applicant_personal_id").value, me.personal_id);
    assert!(draft.on_behalf_of.is_none());
    let draft = dossier.set_on_behalf(&draft.id, Some(binh)).unwrap();

    for (id, value) in [
        ("event_type", "birth"),
        ("subject_name", "Trần Văn Bình"),
        ("copies", "1"),
        ("phone", "0912345678"),
    ] {
        dossier.set_field(&draft.id, id, value).unwrap();
    }
    let procedure = phone.core.catalog().procedure(EXTRACT).unwrap().unwrap();
    // The required request form, attached.
    motcua_tests::complete_draft(dossier, &procedure, &draft.id, 4).unwrap();
    assert_eq!(dossier.validate(&draft.id).unwrap(), vec![]);
    let DeliveryOutcome::Delivered { dossier_code } =
        dossier.submit(&draft.id, None).await.unwrap()
    else {
        panic!("expected the dossier to be delivered");
    };

    let base = portal.running.base_url();
    let staff = desk_token(&base).await;
    let desk = desk_dossier(&base, &staff, &dossier_code).await;
    assert_eq!(desk["applicant"]["full_name"], "Nguyễn Thị Lan");
    assert_eq!(desk["on_behalf_of"]["personal_id"], "001052007381");
    assert_eq!(desk["on_behalf_of"]["basis"], "authorised");
    assert_eq!(
        desk["filing_notice_en"],
        "Filed by Nguyễn Thị Lan (authorised representative) on behalf of Trần Văn Bình, personal ID 001052007381; basis: Giấy ủy quyền số 12/2026"
    );
    assert!(
        desk["filing_notice_vi"]
            .as_str()
            .unwrap()
            .starts_with("Nộp bởi Nguyễn Thị Lan (người được ủy quyền) thay cho Trần Văn Bình")
    );
    assert_eq!(
        desk["timeline"][0]["on_behalf_of"]["full_name"],
        "Trần Văn Bình"
    );
    assert!(desk.get("identity_mismatches").is_none());

    // The record is sealed on the phone like the field values.
    assert!(!any_file_contains(phone.dir.path(), "Giấy ủy quyền"));
}
