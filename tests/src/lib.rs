//! Helpers shared by the end-to-end tests, benches and worker binaries: filling a
//! draft with valid values the way a person would, and small unique PDF files;
//! [`link`], the weak-link emulator; [`decoders`], the QR and VietQR readers nobody here
//! wrote.

pub mod decoders;
pub mod link;
pub mod worker;

use motcua_core::dossier::{DossierArea, DossierError};
use motcua_protocol::catalog::{FieldKind, Procedure};

/// A minimal valid PDF whose content differs with `seed` (so each has its own hash).
pub fn sample_pdf(seed: u64) -> Vec<u8> {
    let text = format!("MotCua test document {seed}");
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
         2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
         3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n\
         4 0 obj << /Length {} >> stream\n{stream}\nendstream endobj\n\
         trailer << /Root 1 0 R >>\n%%EOF\n",
        stream.len()
    )
    .into_bytes()
}

/// A valid value for a field of `kind`, given the person's birth date (`YYYY-MM-DD`) and
/// personal ID number (kept consistent, as the validator checks).
pub fn valid_value(
    kind: FieldKind,
    options: &[String],
    birth_date: &str,
    personal_id: &str,
) -> String {
    match kind {
        FieldKind::Text => "Nguyễn Văn Thử".into(),
        FieldKind::LongText => "Số 1 Lê Lợi, Phường Thuận Hóa, Thành phố Huế".into(),
        FieldKind::Number => "1".into(),
        FieldKind::Date => birth_date.into(),
        FieldKind::Select => options.first().cloned().unwrap_or_default(),
        FieldKind::Checkbox => "true".into(),
        FieldKind::Phone => "0912345678".into(),
        FieldKind::Email => "thu@example.vn".into(),
        FieldKind::PersonalId => personal_id.into(),
        FieldKind::AdminUnit => motcua_protocol::admin_units::communes()
            .first()
            .map(|c| c.code.clone())
            .unwrap_or_default(),
    }
}

/// Fills every field of the draft that is empty or invalid with a valid value, and
/// attaches a PDF to every required document that has none. Dates are the person's birth
/// date so that ID numbers and birth dates agree.
pub fn complete_draft(
    dossier: &DossierArea,
    procedure: &Procedure,
    draft_id: &str,
    seed: u64,
) -> Result<(), DossierError> {
    let draft = dossier.draft(draft_id)?;
    let personal_id = draft
        .fields
        .iter()
        .find(|f| f.field_id.ends_with("personal_id") && f.error.is_none())
        .and_then(|f| f.value.clone())
        .unwrap_or_else(|| "001090012345".into());
    let birth_date = birth_date_for(&personal_id);
    for field in &procedure.form {
        let state = draft.fields.iter().find(|f| f.field_id == field.id);
        if state.is_some_and(|s| s.value.is_some() && s.error.is_none()) {
            continue;
        }
        let options: Vec<String> = field.options.iter().map(|o| o.value.clone()).collect();
        let value = valid_value(field.kind, &options, &birth_date, &personal_id);
        dossier.set_field(draft_id, &field.id, &value)?;
    }
    for (i, document) in procedure
        .documents
        .iter()
        .filter(|d| d.required)
        .enumerate()
    {
        if !draft
            .attachments
            .iter()
            .any(|a| a.requirement == document.id)
        {
            let pdf = sample_pdf(seed.wrapping_mul(100).wrapping_add(i as u64));
            dossier.add_attachment(draft_id, &document.id, "to-khai.pdf", &pdf, None)?;
        }
    }
    Ok(())
}

/// A birth date consistent with the century and year digits of a personal ID number.
fn birth_date_for(personal_id: &str) -> String {
    let digits: Vec<u32> = personal_id.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 12 {
        return "1990-01-01".into();
    }
    let century = 1900 + 100 * (digits[3] / 2);
    let year = century + digits[4] * 10 + digits[5];
    format!("{year}-01-01")
}

/// The size of `path` as the portal at `portal_url` serves it without compression (asked
/// over loopback, outside any emulated link): what a transfer's bytes are compared with.
pub async fn served_size(portal_url: &url::Url, path: &str) -> u64 {
    reqwest::Client::new()
        .get(motcua_core::portal_endpoint(portal_url, path))
        .header("accept-encoding", "identity")
        .send()
        .await
        .expect("answer")
        .bytes()
        .await
        .expect("body")
        .len() as u64
}
