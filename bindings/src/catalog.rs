//! The catalog area for Kotlin and Swift: sync, search with highlight ranges, and the
//! procedure with its typed form. Conversions only.

use crate::error::CoreException;
use std::sync::Arc;

use motcua_core::Lang;
use motcua_core::catalog::search::{MatchKind as CoreMatchKind, MatchedText};
use motcua_core::catalog::{BundleInstall, CatalogError, CatalogRefresh};
use motcua_protocol::catalog as wire;

use crate::IdentityLevel;

/// What a refresh did.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CatalogRefreshOutcome {
    /// The catalog version now stored.
    pub version: String,
    /// A new catalog was downloaded (false: 304 Not Modified).
    pub changed: bool,
    /// Number of procedures, when downloaded.
    pub procedures: Option<u32>,
}

/// How a search result matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MatchKind {
    /// Whole words.
    Exact,
    /// The beginning of a word (typing in progress).
    Prefix,
    /// With a typo.
    Fuzzy,
}

/// A range of characters to highlight (Unicode scalar values, end exclusive; for
/// Vietnamese text these are also UTF-16 indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TextRange {
    /// First character.
    pub start: u32,
    /// After the last character.
    pub end: u32,
}

/// One search result.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SearchHit {
    /// Procedure code.
    pub code: String,
    /// Name (Vietnamese).
    pub name_vi: String,
    /// Name (English).
    pub name_en: String,
    /// How it matched.
    pub kind: MatchKind,
    /// The colloquial phrase that matched, if it was one ("giấy độc thân").
    pub matched_alias: Option<String>,
    /// Ranges of `name_vi` to highlight.
    pub highlights: Vec<TextRange>,
}

/// A required document.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DocumentRequirement {
    /// Id (for attaching).
    pub id: String,
    /// Name (Vietnamese).
    pub name_vi: String,
    /// Name (English).
    pub name_en: String,
    /// Needed in every dossier.
    pub required: bool,
}

/// The type of a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldKind {
    /// One line.
    Text,
    /// Several lines.
    LongText,
    /// Integer.
    Number,
    /// Date (`YYYY-MM-DD`).
    Date,
    /// One of the options.
    Select,
    /// Yes / no.
    Checkbox,
    /// Mobile number.
    Phone,
    /// E-mail.
    Email,
    /// 12-digit personal ID number.
    PersonalId,
    /// Commune code.
    AdminUnit,
}

/// A choice of a select field.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FieldOption {
    /// Stored value.
    pub value: String,
    /// Label (Vietnamese).
    pub label_vi: String,
    /// Label (English).
    pub label_en: String,
}

/// A field of the procedure's form.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FormField {
    /// Field id.
    pub id: String,
    /// Type.
    pub kind: FieldKind,
    /// Label (Vietnamese).
    pub label_vi: String,
    /// Label (English).
    pub label_en: String,
    /// Must be filled.
    pub required: bool,
    /// Choices of a select.
    pub options: Vec<FieldOption>,
    /// Hint (Vietnamese).
    pub help_vi: Option<String>,
    /// Hint (English).
    pub help_en: Option<String>,
}

/// A procedure, as the detail screen shows it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Procedure {
    /// National code.
    pub code: String,
    /// Name (Vietnamese).
    pub name_vi: String,
    /// Name (English).
    pub name_en: String,
    /// Field of work (Vietnamese).
    pub field_vi: String,
    /// Settling agency (Vietnamese).
    pub agency_vi: String,
    /// Filed, processed and returned online.
    pub fully_online: bool,
    /// Processing time in working days, when established.
    pub processing_days: Option<u32>,
    /// Fee at the desk in đồng, when established (0: free).
    pub fee_vnd: Option<u64>,
    /// Fee when filed online, when a discount applies and is established.
    pub online_fee_vnd: Option<u64>,
    /// Fee conditions (Vietnamese).
    pub fee_note_vi: Option<String>,
    /// Fee conditions (English).
    pub fee_note_en: Option<String>,
    /// Lowest identity level that may file it.
    pub required_identity_level: IdentityLevel,
    /// Documents.
    pub documents: Vec<DocumentRequirement>,
    /// The form.
    pub form: Vec<FormField>,
}

pub(crate) fn kind(kind: wire::FieldKind) -> FieldKind {
    match kind {
        wire::FieldKind::Text => FieldKind::Text,
        wire::FieldKind::LongText => FieldKind::LongText,
        wire::FieldKind::Number => FieldKind::Number,
        wire::FieldKind::Date => FieldKind::Date,
        wire::FieldKind::Select => FieldKind::Select,
        wire::FieldKind::Checkbox => FieldKind::Checkbox,
        wire::FieldKind::Phone => FieldKind::Phone,
        wire::FieldKind::Email => FieldKind::Email,
        wire::FieldKind::PersonalId => FieldKind::PersonalId,
        wire::FieldKind::AdminUnit => FieldKind::AdminUnit,
    }
}

impl From<wire::Procedure> for Procedure {
    fn from(p: wire::Procedure) -> Self {
        Procedure {
            fully_online: p.service_level == wire::ServiceLevel::FullyOnline,
            processing_days: p.processing_days.known().copied(),
            fee_vnd: p.fee.amount_vnd.known().copied(),
            online_fee_vnd: p
                .fee
                .online_amount_vnd
                .as_ref()
                .and_then(|f| f.known().copied()),
            fee_note_vi: p.fee.note_vi,
            fee_note_en: p.fee.note_en,
            required_identity_level: crate::level(p.required_identity_level),
            documents: p
                .documents
                .into_iter()
                .map(|d| DocumentRequirement {
                    id: d.id,
                    name_vi: d.name_vi,
                    name_en: d.name_en,
                    required: d.required,
                })
                .collect(),
            form: p
                .form
                .into_iter()
                .map(|f| FormField {
                    kind: kind(f.kind),
                    options: f
                        .options
                        .into_iter()
                        .map(|o| FieldOption {
                            value: o.value,
                            label_vi: o.label_vi,
                            label_en: o.label_en,
                        })
                        .collect(),
                    id: f.id,
                    label_vi: f.label_vi,
                    label_en: f.label_en,
                    required: f.required,
                    help_vi: f.help_vi,
                    help_en: f.help_en,
                })
                .collect(),
            code: p.code,
            name_vi: p.name_vi,
            name_en: p.name_en,
            field_vi: p.field_vi,
            agency_vi: p.agency_vi,
        }
    }
}

/// The procedure catalog.
#[derive(uniffi::Object)]
pub struct Catalog {
    pub(crate) core: Arc<motcua_core::MotCua>,
    pub(crate) lang: Lang,
    pub(crate) runtime: tokio::runtime::Handle,
}

#[uniffi::export]
impl Catalog {
    /// Downloads the catalog if it changed (a cheap conditional request otherwise).
    pub async fn refresh_catalog(&self) -> Result<CatalogRefreshOutcome, CoreException> {
        let core = self.core.clone();
        let outcome = crate::runtime::run(&self.runtime, async move {
            core.catalog().refresh_catalog().await
        })
        .await
        .map_err(|e| CoreException::new(&e, self.lang))?;
        Ok(match outcome {
            CatalogRefresh::Updated {
                version,
                procedures,
            } => CatalogRefreshOutcome {
                version,
                changed: true,
                procedures: u32::try_from(procedures).ok(),
            },
            CatalogRefresh::Unchanged { version } => CatalogRefreshOutcome {
                version,
                changed: false,
                procedures: None,
            },
        })
    }

    /// Searches the saved catalog (offline; call on each keystroke).
    pub fn search_procedures(
        &self,
        query: String,
        limit: u32,
    ) -> Result<Vec<SearchHit>, CoreException> {
        let hits = self
            .core
            .catalog()
            .search_procedures(&query, limit as usize)
            .map_err(|e| CoreException::new(&e, self.lang))?;
        Ok(hits
            .into_iter()
            .map(|hit| SearchHit {
                kind: match hit.kind {
                    CoreMatchKind::Exact => MatchKind::Exact,
                    CoreMatchKind::Prefix => MatchKind::Prefix,
                    CoreMatchKind::Fuzzy => MatchKind::Fuzzy,
                },
                matched_alias: match hit.matched {
                    MatchedText::Alias(phrase) => Some(phrase),
                    _ => None,
                },
                highlights: hit
                    .highlights
                    .into_iter()
                    .map(|(start, end)| TextRange {
                        start: u32::try_from(start).unwrap_or(u32::MAX),
                        end: u32::try_from(end).unwrap_or(u32::MAX),
                    })
                    .collect(),
                code: hit.code,
                name_vi: hit.name_vi,
                name_en: hit.name_en,
            })
            .collect())
    }

    /// One procedure from the saved catalog. A procedure whose detail (documents, form)
    /// was never opened is fetched here, waiting: call [`Catalog::open_procedure`] (async)
    /// when it is opened instead.
    pub fn procedure(&self, code: String) -> Result<Option<Procedure>, CoreException> {
        ensure_detail(&self.core, &self.runtime, &code)
            .map(|p| p.map(Procedure::from))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// A procedure opened (its screen shown, a draft about to start): its detail, fetched
    /// when not stored or not current, then kept; offline, the stored one.
    pub async fn open_procedure(&self, code: String) -> Result<Option<Procedure>, CoreException> {
        let core = self.core.clone();
        crate::runtime::run(&self.runtime, async move {
            core.catalog().open_procedure(&code).await
        })
        .await
        .map(|p| p.map(Procedure::from))
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Installs the catalog shipped with the app (the contents of `procedures.json` and
    /// `aliases.json`), offline, when none is stored: call at the first start. Returns the
    /// stored version; refreshes then bring only what changed since.
    pub fn install_bundled_catalog(
        &self,
        procedures_json: String,
        aliases_json: String,
    ) -> Result<String, CoreException> {
        self.core
            .catalog()
            .install_bundled_catalog(&procedures_json, &aliases_json)
            .map(|outcome| match outcome {
                BundleInstall::Installed { version }
                | BundleInstall::AlreadyInstalled { version } => version,
            })
            .map_err(|e| CoreException::new(&e, self.lang))
    }
}

/// The stored detail of `code`; when the summary has the procedure but its detail was
/// never opened, it is fetched on the bindings' runtime while this thread waits (the
/// synchronous calls of apps written before details came apart from the summary).
pub(crate) fn ensure_detail(
    core: &Arc<motcua_core::MotCua>,
    runtime: &tokio::runtime::Handle,
    code: &str,
) -> Result<Option<wire::Procedure>, CatalogError> {
    if let Some(procedure) = core.catalog().procedure(code)? {
        return Ok(Some(procedure));
    }
    if core.catalog().procedure_summary(code)?.is_none() {
        return Ok(None);
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    let (core, code) = (core.clone(), code.to_owned());
    runtime.spawn(async move {
        let _ = sender.send(core.catalog().open_procedure(&code).await);
    });
    receiver
        .recv()
        .map_err(|_| CatalogError::Unexpected("the fetch was dropped".into()))?
}
