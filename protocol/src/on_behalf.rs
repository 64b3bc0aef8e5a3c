//! Which form fields are bound to the verified identity, and filing on behalf of someone
//! else.
//!
//! A procedure's form pre-fills some fields from the logged-in citizen's electronic
//! identity ([`PrefillSource`] `identity_*`). Those fields say who files: they are locked
//! to the verified identity on the phone and checked against it at the portal's intake.
//! An audit found a citizen could type another person's `applicant_personal_id` and the
//! desk saw nothing amiss.
//!
//! Filing for another person under one's own identity (a parent for a child, a relative,
//! a guardian, someone holding a written authorisation) is a deliberate, recorded choice:
//! [`OnBehalfOf`] in the dossier, naming the person and the basis. The fields bound to the
//! name and the personal ID number are then bound to that person instead; their date of
//! birth and address are typed. The desk sees "filed by X on behalf of Y".
//!
//! This is the only model of filing for someone else. An assisted session
//! (`motcua_core::assist`) is not filing on behalf: there the person helped logs in with
//! their own identity on the volunteer's phone, so their fields are bound to them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization as _;

use crate::catalog::{FormField, PrefillSource, Procedure};
use crate::i18n::Lang;
use crate::identity::CitizenProfile;
use crate::validation::{
    FieldError, FieldErrorKind, ValidationContext, check_personal_id, validate_value,
};

/// Prefix of the problem fields of [`OnBehalfOf`] (`on_behalf_of.full_name`, …).
pub const ON_BEHALF_FIELD: &str = "on_behalf_of";
/// Longest name of the person filed for, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest [`OnBehalfOf::detail`], in characters.
pub const MAX_DETAIL_CHARS: usize = 200;

/// What entitles the filer to file for the other person: the filer's relation to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepresentationBasis {
    /// The filer is the person's parent (a minor child).
    Parent,
    /// The filer is the person's child.
    Child,
    /// The filer is the person's spouse.
    Spouse,
    /// The filer is the person's sibling.
    Sibling,
    /// The filer is the person's legal guardian.
    Guardian,
    /// The filer holds a written authorisation (văn bản ủy quyền); [`OnBehalfOf::detail`]
    /// names it.
    Authorised,
}

impl RepresentationBasis {
    /// Every basis, in the order apps offer them.
    pub const ALL: [RepresentationBasis; 6] = [
        RepresentationBasis::Parent,
        RepresentationBasis::Child,
        RepresentationBasis::Spouse,
        RepresentationBasis::Sibling,
        RepresentationBasis::Guardian,
        RepresentationBasis::Authorised,
    ];

    /// The wire name (`parent`, `authorised`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RepresentationBasis::Parent => "parent",
            RepresentationBasis::Child => "child",
            RepresentationBasis::Spouse => "spouse",
            RepresentationBasis::Sibling => "sibling",
            RepresentationBasis::Guardian => "guardian",
            RepresentationBasis::Authorised => "authorised",
        }
    }

    /// The basis of a wire name.
    pub fn parse(name: &str) -> Option<RepresentationBasis> {
        Self::ALL.into_iter().find(|b| b.as_str() == name.trim())
    }

    /// The filer's role, as the desk and the phone show it.
    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            RepresentationBasis::Parent => ("cha, mẹ", "parent"),
            RepresentationBasis::Child => ("con", "child"),
            RepresentationBasis::Spouse => ("vợ, chồng", "spouse"),
            RepresentationBasis::Sibling => ("anh, chị, em ruột", "sibling"),
            RepresentationBasis::Guardian => ("người giám hộ", "legal guardian"),
            RepresentationBasis::Authorised => ("người được ủy quyền", "authorised representative"),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// Whether [`OnBehalfOf::detail`] must name a document (the authorisation).
    pub fn needs_detail(self) -> bool {
        self == RepresentationBasis::Authorised
    }
}

/// The person a dossier is filed for, when the filer (the verified identity) is not the
/// person the procedure concerns. Personal data: sealed on the phone, never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBehalfOf {
    /// The person's full name.
    pub full_name: String,
    /// The person's 12-digit personal ID number.
    pub personal_id: String,
    /// The filer's relation to the person.
    pub basis: RepresentationBasis,
    /// The document behind the basis (required for [`RepresentationBasis::Authorised`]:
    /// e.g. "Giấy ủy quyền số 12/2026, UBND phường Thuận Hóa chứng thực ngày 01/12/2026").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One line of text: NFC, inner whitespace runs made one space, trimmed; `Err` on control
/// or bidirectional characters.
fn one_line(text: &str) -> Result<String, ()> {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfc() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            return Err(());
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    Ok(out)
}

fn problem(member: &str, kind: FieldErrorKind) -> FieldError {
    let (vi, en) = match member {
        "full_name" => ("Họ tên người được nộp thay", "Name of the person filed for"),
        "personal_id" => (
            "Số định danh của người được nộp thay",
            "Personal ID of the person filed for",
        ),
        _ => ("Căn cứ nộp thay", "Basis of filing for them"),
    };
    FieldError {
        field: format!("{ON_BEHALF_FIELD}.{member}"),
        kind,
        label_vi: Some(vi.to_owned()),
        label_en: Some(en.to_owned()),
    }
}

impl OnBehalfOf {
    /// The record checked and normalised (name and detail on one line, NFC; the ID
    /// without spaces), or every problem, on fields `on_behalf_of.<member>`.
    pub fn normalized(&self, ctx: &ValidationContext) -> Result<OnBehalfOf, Vec<FieldError>> {
        let mut problems = Vec::new();
        let full_name = match one_line(&self.full_name) {
            Err(()) => {
                problems.push(problem("full_name", FieldErrorKind::ControlCharacters));
                String::new()
            }
            Ok(name) if name.is_empty() => {
                problems.push(problem("full_name", FieldErrorKind::Required));
                name
            }
            Ok(name) if name.chars().count() > MAX_NAME_CHARS => {
                problems.push(problem(
                    "full_name",
                    FieldErrorKind::TooLong {
                        max: MAX_NAME_CHARS as u32,
                    },
                ));
                name
            }
            Ok(name) => name,
        };
        let personal_id: String = self.personal_id.chars().filter(|c| *c != ' ').collect();
        if personal_id.is_empty() {
            problems.push(problem("personal_id", FieldErrorKind::Required));
        } else if let Err(reason) = check_personal_id(&personal_id, ctx) {
            problems.push(problem(
                "personal_id",
                FieldErrorKind::InvalidPersonalId(reason),
            ));
        }
        let detail = match self.detail.as_deref().map(one_line) {
            None => None,
            Some(Err(())) => {
                problems.push(problem("detail", FieldErrorKind::ControlCharacters));
                None
            }
            Some(Ok(text)) if text.chars().count() > MAX_DETAIL_CHARS => {
                problems.push(problem(
                    "detail",
                    FieldErrorKind::TooLong {
                        max: MAX_DETAIL_CHARS as u32,
                    },
                ));
                None
            }
            Some(Ok(text)) => Some(text).filter(|t| !t.is_empty()),
        };
        if detail.is_none()
            && self.basis.needs_detail()
            && !problems.iter().any(|p| p.field.ends_with(".detail"))
        {
            problems.push(problem("detail", FieldErrorKind::Required));
        }
        if problems.is_empty() {
            Ok(OnBehalfOf {
                full_name,
                personal_id,
                basis: self.basis,
                detail,
            })
        } else {
            Err(problems)
        }
    }

    /// "Filed by X on behalf of Y", for the desk and the dossier's history.
    pub fn filing_notice(&self, filer_name: &str, lang: Lang) -> String {
        let basis = self.basis.label(lang);
        let mut text = match lang {
            Lang::Vi => format!(
                "Nộp bởi {filer_name} ({basis}) thay cho {}, số định danh {}",
                self.full_name, self.personal_id
            ),
            Lang::En => format!(
                "Filed by {filer_name} ({basis}) on behalf of {}, personal ID {}",
                self.full_name, self.personal_id
            ),
        };
        if let Some(detail) = &self.detail {
            text.push_str(match lang {
                Lang::Vi => "; căn cứ: ",
                Lang::En => "; basis: ",
            });
            text.push_str(detail);
        }
        text
    }
}

/// What the electronic identity verified of the filer: the values identity-bound fields
/// must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedIdentity<'a> {
    /// Full name.
    pub full_name: &'a str,
    /// Personal ID number, when the provider released it.
    pub personal_id: Option<&'a str>,
    /// Date of birth, when released.
    pub birth_date: Option<&'a str>,
    /// Address, when released.
    pub address: Option<&'a str>,
}

impl<'a> From<&'a CitizenProfile> for VerifiedIdentity<'a> {
    fn from(profile: &'a CitizenProfile) -> Self {
        VerifiedIdentity {
            full_name: &profile.full_name,
            personal_id: profile.personal_id.as_deref(),
            birth_date: profile.birth_date.as_deref(),
            address: profile.address.as_deref(),
        }
    }
}

/// Whether a pre-fill source is the verified identity (not an earlier dossier).
pub fn is_identity_source(source: PrefillSource) -> bool {
    !matches!(source, PrefillSource::EarlierDossier)
}

/// The value `field` is locked to, normalised as the form stores it: the verified
/// identity's for an identity-prefilled field; when filing on behalf, the person's name
/// and ID number for the name and ID fields, and nothing for birth date and address
/// (typed). `None` means the field is free: not identity-bound, the identity did not
/// release the value, or the value does not fit the field (then the citizen types it).
pub fn bound_value(
    field: &FormField,
    identity: &VerifiedIdentity<'_>,
    on_behalf: Option<&OnBehalfOf>,
    ctx: &ValidationContext,
) -> Option<String> {
    let source = field.prefill.filter(|s| is_identity_source(*s))?;
    let value = match (on_behalf, source) {
        (Some(person), PrefillSource::IdentityFullName) => Some(person.full_name.as_str()),
        (Some(person), PrefillSource::IdentityPersonalId) => Some(person.personal_id.as_str()),
        (Some(_), _) => None,
        (None, PrefillSource::IdentityFullName) => Some(identity.full_name),
        (None, PrefillSource::IdentityPersonalId) => identity.personal_id,
        (None, PrefillSource::IdentityBirthDate) => identity.birth_date,
        (None, PrefillSource::IdentityAddress) => identity.address,
        (None, PrefillSource::EarlierDossier) => None,
    }?;
    validate_value(field, value, ctx)
        .ok()
        .filter(|v| !v.is_empty())
}

/// Whether a value is the bound one: compared normalised, and names and addresses without
/// regard to letter case (the provider's register and a person's typing differ there, the
/// diacritics do not).
pub fn matches_bound(field: &FormField, value: &str, bound: &str, ctx: &ValidationContext) -> bool {
    let value = validate_value(field, value, ctx).unwrap_or_else(|_| value.trim().to_owned());
    value == bound || value.to_lowercase() == bound.to_lowercase()
}

/// Every problem of identity binding in a dossier's values: the on-behalf record's own
/// problems (and that it does not name the filer), and each identity-bound field whose
/// value is not its [`bound_value`] ([`FieldErrorKind::IdentityMismatch`]). Empty or
/// missing values are the form rules' business, not this check's.
pub fn binding_problems(
    procedure: &Procedure,
    values: &BTreeMap<String, String>,
    identity: &VerifiedIdentity<'_>,
    on_behalf: Option<&OnBehalfOf>,
    ctx: &ValidationContext,
) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let person = match on_behalf.map(|p| p.normalized(ctx)) {
        None => None,
        Some(Ok(person)) => {
            if identity.personal_id == Some(person.personal_id.as_str()) {
                problems.push(problem("personal_id", FieldErrorKind::OnBehalfOfSelf));
            }
            Some(person)
        }
        Some(Err(found)) => {
            // Without a valid record the bound values are unknown: report it alone.
            return found;
        }
    };
    for field in &procedure.form {
        let Some(bound) = bound_value(field, identity, person.as_ref(), ctx) else {
            continue;
        };
        let Some(value) = values.get(&field.id).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        if !matches_bound(field, value, &bound, ctx) {
            problems.push(FieldError::on(field, FieldErrorKind::IdentityMismatch));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::FieldKind;

    fn field(id: &str, kind: FieldKind, prefill: Option<PrefillSource>) -> FormField {
        FormField {
            id: id.into(),
            kind,
            label_vi: id.into(),
            label_en: id.into(),
            required: true,
            rules: vec![],
            options: vec![],
            prefill,
            help_vi: None,
            help_en: None,
        }
    }

    fn form() -> Vec<FormField> {
        vec![
            field(
                "applicant_name",
                FieldKind::Text,
                Some(PrefillSource::IdentityFullName),
            ),
            field(
                "applicant_personal_id",
                FieldKind::PersonalId,
                Some(PrefillSource::IdentityPersonalId),
            ),
            field(
                "applicant_birth_date",
                FieldKind::Date,
                Some(PrefillSource::IdentityBirthDate),
            ),
            field(
                "phone",
                FieldKind::Phone,
                Some(PrefillSource::EarlierDossier),
            ),
            field("purpose", FieldKind::Text, None),
        ]
    }

    fn procedure() -> Procedure {
        let mut procedure = crate::catalog::tests::sample("1.001193");
        procedure.form = form();
        procedure
    }

    const ME: VerifiedIdentity<'static> = VerifiedIdentity {
        full_name: "Nguyễn Thị Lan",
        personal_id: Some("046187004213"),
        birth_date: Some("1987-03-12"),
        address: None,
    };

    fn ctx() -> ValidationContext {
        ValidationContext::new(2026, 12, 2)
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn child() -> OnBehalfOf {
        OnBehalfOf {
            full_name: "  Trần   Minh Khôi ".into(),
            personal_id: "046 217 001234".into(),
            basis: RepresentationBasis::Parent,
            detail: None,
        }
    }

    #[test]
    fn identity_fields_are_bound_and_others_free() {
        let form = form();
        let bound: Vec<Option<String>> = form
            .iter()
            .map(|f| bound_value(f, &ME, None, &ctx()))
            .collect();
        assert_eq!(
            bound,
            vec![
                Some("Nguyễn Thị Lan".into()),
                Some("046187004213".into()),
                Some("1987-03-12".into()),
                None,
                None
            ]
        );
        let without_id = VerifiedIdentity {
            personal_id: None,
            ..ME
        };
        assert_eq!(bound_value(&form[1], &without_id, None, &ctx()), None);
    }

    #[test]
    fn another_persons_id_is_a_mismatch_and_case_is_not() {
        let procedure = procedure();
        let same = values(&[
            ("applicant_name", "nguyễn thị  lan"),
            ("applicant_personal_id", "046187004213"),
        ]);
        assert!(binding_problems(&procedure, &same, &ME, None, &ctx()).is_empty());
        let other = values(&[
            ("applicant_name", "Nguyễn Thị Lan"),
            ("applicant_personal_id", "001052007381"),
            ("applicant_birth_date", "12/03/1987"),
        ]);
        let problems = binding_problems(&procedure, &other, &ME, None, &ctx());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "applicant_personal_id");
        assert_eq!(problems[0].kind, FieldErrorKind::IdentityMismatch);
        use crate::i18n::Localized as _;
        assert_eq!(problems[0].code(), "identity_mismatch");
        assert!(problems[0].message(Lang::Vi).contains("Nộp thay"));
        // A diacritic is another name.
        let lan = values(&[("applicant_name", "Nguyễn Thị Lân")]);
        assert_eq!(
            binding_problems(&procedure, &lan, &ME, None, &ctx()).len(),
            1
        );
    }

    #[test]
    fn on_behalf_binds_name_and_id_to_the_person_and_frees_the_rest() {
        let procedure = procedure();
        let person = child();
        let filed = values(&[
            ("applicant_name", "Trần Minh Khôi"),
            ("applicant_personal_id", "046217001234"),
            ("applicant_birth_date", "2017-05-01"),
        ]);
        assert!(binding_problems(&procedure, &filed, &ME, Some(&person), &ctx()).is_empty());
        let mine = values(&[("applicant_personal_id", "046187004213")]);
        let problems = binding_problems(&procedure, &mine, &ME, Some(&person), &ctx());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "applicant_personal_id");
        let myself = OnBehalfOf {
            personal_id: "046187004213".into(),
            ..child()
        };
        let problems = binding_problems(&procedure, &mine, &ME, Some(&myself), &ctx());
        assert_eq!(problems[0].kind, FieldErrorKind::OnBehalfOfSelf);
        assert_eq!(problems[0].field, "on_behalf_of.personal_id");
    }

    #[test]
    fn the_record_is_validated_and_normalised() {
        let person = child().normalized(&ctx()).unwrap();
        assert_eq!(person.full_name, "Trần Minh Khôi");
        assert_eq!(person.personal_id, "046217001234");
        let bad = OnBehalfOf {
            full_name: "\u{1b}[2J".into(),
            personal_id: "12345".into(),
            basis: RepresentationBasis::Authorised,
            detail: None,
        };
        let problems = bad.normalized(&ctx()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "on_behalf_of.full_name",
                "on_behalf_of.personal_id",
                "on_behalf_of.detail"
            ]
        );
        assert_eq!(
            problems[1].kind,
            FieldErrorKind::InvalidPersonalId(crate::validation::PersonalIdProblem::WrongLength)
        );
        let json = serde_json::to_string(&person).unwrap();
        assert_eq!(
            json,
            r#"{"full_name":"Trần Minh Khôi","personal_id":"046217001234","basis":"parent"}"#
        );
        assert_eq!(serde_json::from_str::<OnBehalfOf>(&json).unwrap(), person);
    }

    #[test]
    fn the_notice_says_who_filed_for_whom() {
        let person = OnBehalfOf {
            detail: Some("Giấy ủy quyền số 12/2026".into()),
            basis: RepresentationBasis::Authorised,
            ..child().normalized(&ctx()).unwrap()
        };
        assert_eq!(
            person.filing_notice("Nguyễn Thị Lan", Lang::Vi),
            "Nộp bởi Nguyễn Thị Lan (người được ủy quyền) thay cho Trần Minh Khôi, số định danh 046217001234; căn cứ: Giấy ủy quyền số 12/2026"
        );
        assert_eq!(
            person.filing_notice("Nguyễn Thị Lan", Lang::En),
            "Filed by Nguyễn Thị Lan (authorised representative) on behalf of Trần Minh Khôi, personal ID 046217001234; basis: Giấy ủy quyền số 12/2026"
        );
        for basis in RepresentationBasis::ALL {
            assert_eq!(RepresentationBasis::parse(basis.as_str()), Some(basis));
        }
    }
}
