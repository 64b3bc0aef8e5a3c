//! The draft form as view data (decision 0008), end to end: the real core against the real
//! portal. What the apps render is computed here once: labels in the person's language,
//! pre-fill marks, when an error shows, what the form says, and the upload progress of a
//! whole submission.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use motcua_core::Lang;
use motcua_core::dossier::{
    DeliveryOutcome, FormMode, FormSubmission, UploadListener, UploadProgress,
};
use motcua_protocol::identity::IdentityLevel;

const MARITAL_STATUS: &str = "1.004873";

#[derive(Default)]
struct Steps(Mutex<Vec<UploadProgress>>);

impl UploadListener for Steps {
    fn on_upload_progress(&self, progress: &UploadProgress) {
        self.0.lock().unwrap().push(progress.clone());
    }
}

async fn logged_in_phone(portal: &Portal) -> Phone {
    citizen_ready_to_file(portal, IdentityLevel::Level2, MARITAL_STATUS).await
}

#[tokio::test]
async fn the_form_stays_quiet_until_the_person_asks_to_submit_then_shows_everything() {
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let dossier = phone.core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();

    let form = dossier.form(&draft.id, Lang::Vi).unwrap();
    assert_eq!(form.mode, FormMode::Filing);
    assert_eq!(form.submission, FormSubmission::Editing);
    let name = form
        .fields
        .iter()
        .find(|f| f.id == "applicant_name")
        .unwrap();
    assert!(name.prefilled && name.locked, "{name:?}");
    assert_eq!(name.label, "Họ, chữ đệm và tên người yêu cầu");
    let status = form
        .fields
        .iter()
        .find(|f| f.id == "current_status")
        .unwrap();
    assert!(status.required && status.value.is_empty());
    assert!(
        status.error.is_none(),
        "an empty field does not nag before the first attempt"
    );
    assert!(!status.choices.is_empty());
    assert!(!form.ready);
    assert_eq!((form.problems_shown, form.message.as_deref()), (0, None));

    // A wrong value shows its problem at once, in the person's language.
    let phone_field = dossier
        .set_form_field(&draft.id, "phone", "0212345678", Lang::Vi)
        .unwrap();
    assert_eq!(phone_field.value, "0212345678", "kept as typed");
    assert!(phone_field.error.is_some());
    let in_english = dossier.form(&draft.id, Lang::En).unwrap();
    let english_phone = in_english.fields.iter().find(|f| f.id == "phone").unwrap();
    assert_ne!(english_phone.label, phone_field.label);
    assert_ne!(english_phone.error, phone_field.error);

    // The first tap on "Nộp hồ sơ": every problem shows, the missing document too, and
    // the form says how many there are.
    let checked = dossier.check(&draft.id, Lang::Vi).unwrap();
    let problem_fields: Vec<&str> = checked
        .fields
        .iter()
        .filter(|f| f.error.is_some())
        .map(|f| f.id.as_str())
        .collect();
    assert!(
        problem_fields.contains(&"current_status"),
        "{problem_fields:?}"
    );
    assert!(problem_fields.contains(&"phone"));
    let declaration = checked
        .documents
        .iter()
        .find(|d| d.requirement == "declaration_form")
        .unwrap();
    assert!(declaration.required && declaration.error.is_some());
    let shown = u32::try_from(
        problem_fields.len()
            + checked
                .documents
                .iter()
                .filter(|d| d.error.is_some())
                .count(),
    )
    .unwrap();
    assert_eq!(checked.problems_shown, shown);
    assert_eq!(
        checked.message,
        Some(format!("Còn {shown} chỗ cần sửa trước khi nộp"))
    );
    assert!(!checked.ready);
    // It stays so for this draft: a field fixed loses its error, an empty one keeps it.
    let fixed = dossier
        .set_form_field(&draft.id, "phone", "0912345678", Lang::Vi)
        .unwrap();
    assert!(fixed.error.is_none());
    let cleared = dossier
        .set_form_field(&draft.id, "registration_unit", "", Lang::Vi)
        .unwrap();
    assert!(cleared.error.is_some(), "after the attempt, empty shows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_files_under_one_requirement_add_up_to_one_submission_progress() {
    let portal = start_portal().await;
    let phone = logged_in_phone(&portal).await;
    let dossier = phone.core.dossier();
    let draft = dossier.create_draft(MARITAL_STATUS).unwrap();
    motcua_tests::complete_draft(dossier, &procedure_of(&phone, MARITAL_STATUS), &draft.id, 7)
        .unwrap();
    // A second page of the same document, and one of another.
    let second = dossier
        .add_attachment(
            &draft.id,
            "declaration_form",
            "trang-2.pdf",
            &motcua_tests::sample_pdf(71),
            None,
        )
        .unwrap();
    dossier
        .add_attachment(
            &draft.id,
            "identity_document",
            "cccd.pdf",
            &motcua_tests::sample_pdf(72),
            None,
        )
        .unwrap();
    let form = dossier.check(&draft.id, Lang::Vi).unwrap();
    assert!(form.ready, "{:?}", form.message);
    let declaration = form
        .documents
        .iter()
        .find(|d| d.requirement == "declaration_form")
        .unwrap();
    assert_eq!(declaration.attachments.len(), 2);
    let total: u64 = form
        .documents
        .iter()
        .flat_map(|d| &d.attachments)
        .map(|a| a.size)
        .sum();

    let steps = Arc::new(Steps::default());
    let registration = dossier.add_upload_listener(steps.clone());
    let outcome = dossier.submit(&draft.id, None).await.unwrap();
    dossier.remove_upload_listener(registration);
    let DeliveryOutcome::Delivered { dossier_code } = outcome else {
        panic!("delivered: {outcome:?}");
    };
    let steps = steps.0.lock().unwrap().clone();
    assert!(steps.iter().all(|s| s.total == total), "one total: {total}");
    assert!(
        steps.windows(2).all(|w| w[0].sent <= w[1].sent),
        "the submission's count never goes back: {steps:?}"
    );
    let last = steps.last().expect("progress reported");
    assert_eq!((last.sent, last.percent()), (total, 100));
    assert!(
        steps
            .iter()
            .any(|s| s.attachment_id == second.id && s.attachment_sent == s.attachment_total),
        "the second file of the requirement is reported on its own"
    );
    let attachments: std::collections::HashSet<i64> =
        steps.iter().map(|s| s.attachment_id).collect();
    assert_eq!(attachments.len(), 3);

    let sent = dossier.form(&draft.id, Lang::Vi).unwrap();
    assert_eq!(
        sent.submission,
        FormSubmission::Submitted {
            message: format!("Đã nộp hồ sơ. Mã hồ sơ: {dossier_code}"),
            dossier_code,
        }
    );
    assert_eq!((sent.problems_shown, sent.message), (0, None));
}
