//! Receipts on the device: the citizen's receipt (synced with the acceptance) drawn as a QR
//! code, and, for the desk, offline verification against the cached trust list and the
//! applicant check. The codec and the verdicts are `motcua_protocol::receipt`; the trust
//! anchor is the province root key of the app's branding ([`crate::CoreConfig`]).

pub mod render;

use std::sync::{Arc, Mutex};

use motcua_protocol::api::receipts::PATH_RECEIPT_KEYS;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::receipt::fee::{FeeVerdict, verify_fee_receipt};
use motcua_protocol::receipt::{
    self, IdNumber, KeyId, ReceiptFields, RootKey, TrustList, TrustListError, Verdict,
};

use crate::CoreConfig;
use crate::http::HttpClient;
use crate::store::receipts as store;
use crate::store::{Database, StoreError};

pub use render::{QrMatrix, RenderedQr};

/// Largest trust list fetched (bytes).
const MAX_TRUST_LIST_DOWNLOAD: usize = receipt::trust::MAX_TRUST_LIST_BYTES;

/// Why a receipt operation failed (not a verdict: a verdict is an answer).
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// The app was built without a receipt trust anchor (branding).
    #[error("no receipt root key configured")]
    NoTrustAnchor,
    /// No trust list has been fetched yet: verification needs one (once, online).
    #[error("no trust list cached")]
    NoTrustList,
    /// The trust list fetched was refused (signature, rollback, format); the cached one
    /// is kept.
    #[error(transparent)]
    TrustList(#[from] TrustListError),
    /// The portal could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// No receipt for this dossier yet (not accepted, or not synced).
    #[error("no receipt for dossier {0}")]
    NotIssued(String),
    /// The ID number typed is not 12 digits.
    #[error("not an ID number")]
    NotAnIdNumber,
    /// The receipt to check the applicant of is not valid.
    #[error("the receipt is not valid: {}", .0.code())]
    NotValid(Verdict),
    /// The QR code could not be drawn.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// The local database.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl From<rusqlite::Error> for ReceiptError {
    fn from(error: rusqlite::Error) -> Self {
        ReceiptError::Storage(error.into())
    }
}

impl Localized for ReceiptError {
    fn code(&self) -> &'static str {
        match self {
            ReceiptError::NoTrustAnchor => "receipt_no_trust_anchor",
            ReceiptError::NoTrustList => "receipt_no_trust_list",
            ReceiptError::TrustList(error) => error.code(),
            ReceiptError::Network(_) => "network_unavailable",
            ReceiptError::NotIssued(_) => "receipt_not_issued",
            ReceiptError::NotAnIdNumber => "not_an_id_number",
            ReceiptError::NotValid(verdict) => verdict.code(),
            ReceiptError::Render(_) => "internal",
            ReceiptError::Storage(_) => "storage_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            ReceiptError::TrustList(error) => return error.message(lang),
            ReceiptError::NotValid(verdict) => return verdict.message(lang),
            ReceiptError::NoTrustAnchor => (
                "Ứng dụng chưa được cấu hình khóa gốc để kiểm tra giấy tiếp nhận.",
                "The app has no root key configured to verify receipts.",
            ),
            ReceiptError::NoTrustList => (
                "Chưa có danh sách khóa ký. Hãy kết nối mạng một lần để tải danh sách, sau đó có thể kiểm tra không cần mạng.",
                "No list of signing keys yet. Connect once to download it; after that receipts verify offline.",
            ),
            ReceiptError::Network(_) => (
                "Không kết nối được; vẫn dùng danh sách khóa đã tải trước đó.",
                "Could not connect; the key list downloaded earlier is still used.",
            ),
            ReceiptError::NotIssued(_) => (
                "Hồ sơ chưa có giấy tiếp nhận (chưa được tiếp nhận, hoặc chưa cập nhật).",
                "This dossier has no receipt yet (not accepted yet, or not synced).",
            ),
            ReceiptError::NotAnIdNumber => (
                "Số định danh cá nhân gồm đúng 12 chữ số.",
                "A personal ID number has exactly 12 digits.",
            ),
            ReceiptError::Render(_) => ("Không tạo được mã QR.", "The QR code could not be drawn."),
            ReceiptError::Storage(_) => (
                "Không đọc/ghi được dữ liệu trên máy.",
                "Data on this device could not be read or written.",
            ),
        };
        match lang {
            Lang::Vi => vi.into(),
            Lang::En => en.into(),
        }
    }
}

/// A receipt ready to show: the QR code in every form a UI needs, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    /// The text in the QR code (`MC1:…`).
    pub qr_text: String,
    /// The QR code.
    pub qr: RenderedQr,
    /// What the receipt says (read from the text; see `verdict` for whether a verifier
    /// will trust it).
    pub fields: ReceiptFields,
    /// The signing key.
    pub kid: KeyId,
    /// The verdict against the cached trust list, when one is cached.
    pub verdict: Option<Verdict>,
}

/// The answer to a scan: the verdict, and how current the list behind it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Valid, tampered, unknown key, revoked key, expired key or malformed.
    pub verdict: Verdict,
    /// The sequence of the trust list used.
    pub trust_list_sequence: u64,
    /// When that list was fetched (Unix seconds): a desk offline for long may miss a
    /// revocation, so the UI shows it.
    pub trust_list_fetched_at: i64,
}

/// The answer to a scanned fee e-receipt: the verdict, and how current the list behind it
/// is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeVerification {
    /// Valid, tampered, unknown key, revoked key, expired key or malformed.
    pub verdict: FeeVerdict,
    /// The sequence of the trust list used.
    pub trust_list_sequence: u64,
    /// When that list was fetched (Unix seconds).
    pub trust_list_fetched_at: i64,
}

/// The trust list now cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustListInfo {
    /// Its sequence.
    pub sequence: u64,
    /// Keys on it (revoked ones included).
    pub keys: usize,
    /// When it was fetched (Unix seconds).
    pub fetched_at: i64,
}

/// Whether the person at the desk is the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantCheck {
    /// The ID number matches the receipt's digest.
    Matches,
    /// It does not.
    DoesNotMatch,
    /// The receipt carries no digest (the identity provider gave no ID number).
    NoDigest,
}

struct CachedList {
    list: TrustList,
    fetched_at: i64,
}

/// The receipt area of the core.
pub struct ReceiptArea {
    config: Arc<CoreConfig>,
    http: HttpClient,
    database: Arc<Database>,
    /// The verified trust list, read once from the database.
    cache: Mutex<Option<Arc<CachedList>>>,
}

use motcua_protocol::time::unix_now;

impl ReceiptArea {
    pub(crate) fn new(
        config: Arc<CoreConfig>,
        http: HttpClient,
        database: Arc<Database>,
    ) -> ReceiptArea {
        ReceiptArea {
            config,
            http,
            database,
            cache: Mutex::new(None),
        }
    }

    fn root(&self) -> Result<RootKey, ReceiptError> {
        self.config
            .receipt_root_key
            .ok_or(ReceiptError::NoTrustAnchor)
    }

    /// The cached trust list, verified again against the root key when read from the
    /// database (a file edited on the device does not add keys).
    fn cached(&self) -> Result<Option<Arc<CachedList>>, ReceiptError> {
        if let Some(cached) = self.cache.lock().ok().and_then(|c| c.clone()) {
            return Ok(Some(cached));
        }
        let root = self.root()?;
        let row = store::trust_list(&self.database)?;
        let Some((signed, fetched_at)) = row else {
            return Ok(None);
        };
        let list = TrustList::open(&signed, &root)?;
        let cached = Arc::new(CachedList { list, fetched_at });
        if let Ok(mut slot) = self.cache.lock() {
            *slot = Some(cached.clone());
        }
        Ok(Some(cached))
    }

    /// Fetches the trust list, verifies it against the root key, refuses one older than
    /// the cached list, and caches it.
    pub async fn refresh_trust_list(&self) -> Result<TrustListInfo, ReceiptError> {
        let root = self.root()?;
        let url = self.config.endpoint(PATH_RECEIPT_KEYS);
        let response = self
            .http
            .send_any(self.http.raw().get(url))
            .await
            .map_err(|error| ReceiptError::Network(error.to_string()))?;
        if !response.status().is_success() {
            return Err(ReceiptError::Network(format!(
                "HTTP {}",
                response.status().as_u16()
            )));
        }
        if response
            .content_length()
            .is_some_and(|length| length > MAX_TRUST_LIST_DOWNLOAD as u64)
        {
            return Err(TrustListError::Malformed("too large").into());
        }
        let signed = self
            .http
            .bytes(response)
            .await
            .map_err(|error| ReceiptError::Network(error.to_string()))?;
        let list = TrustList::open(&signed, &root)?;
        if let Some(held) = self.cached()? {
            held.list.check_newer(&list)?;
        }
        let fetched_at = unix_now();
        store::save_trust_list(&self.database, list.sequence, signed.as_ref(), fetched_at)?;
        let info = TrustListInfo {
            sequence: list.sequence,
            keys: list.keys.len(),
            fetched_at,
        };
        if let Ok(mut slot) = self.cache.lock() {
            *slot = Some(Arc::new(CachedList { list, fetched_at }));
        }
        tracing::info!(
            sequence = info.sequence,
            keys = info.keys,
            "trust list refreshed"
        );
        Ok(info)
    }

    /// The trust list cached, if any.
    pub fn trust_list(&self) -> Result<Option<TrustListInfo>, ReceiptError> {
        Ok(self.cached()?.map(|cached| TrustListInfo {
            sequence: cached.list.sequence,
            keys: cached.list.keys.len(),
            fetched_at: cached.fetched_at,
        }))
    }

    /// Verifies a scanned receipt with the cached trust list, without network.
    pub fn verify_receipt(&self, text: &str) -> Result<Verification, ReceiptError> {
        let cached = self.cached()?.ok_or(ReceiptError::NoTrustList)?;
        Ok(Verification {
            verdict: receipt::verify(text, &cached.list),
            trust_list_sequence: cached.list.sequence,
            trust_list_fetched_at: cached.fetched_at,
        })
    }

    /// Verifies a scanned fee e-receipt (biên lai điện tử) with the cached trust list,
    /// without network: the same keys sign dossier receipts and fee receipts.
    pub fn verify_fee_receipt(&self, text: &str) -> Result<FeeVerification, ReceiptError> {
        let cached = self.cached()?.ok_or(ReceiptError::NoTrustList)?;
        Ok(FeeVerification {
            verdict: verify_fee_receipt(text, &cached.list, chrono::Utc::now()),
            trust_list_sequence: cached.list.sequence,
            trust_list_fetched_at: cached.fetched_at,
        })
    }

    /// For the desk: whether `id_number` (typed from the card) is the applicant's. The
    /// receipt must verify first. Deliberately slow (PBKDF2, tens of milliseconds), so it
    /// runs off the caller's thread.
    pub async fn check_applicant(
        &self,
        receipt_text: &str,
        id_number: &str,
    ) -> Result<ApplicantCheck, ReceiptError> {
        let id = IdNumber::parse(id_number).map_err(|_| ReceiptError::NotAnIdNumber)?;
        let verdict = self.verify_receipt(receipt_text)?.verdict;
        let Verdict::Valid { fields, .. } = verdict else {
            return Err(ReceiptError::NotValid(verdict));
        };
        let Some(digest) = fields.applicant else {
            return Ok(ApplicantCheck::NoDigest);
        };
        let matches = tokio::task::spawn_blocking(move || digest.matches(&id))
            .await
            .unwrap_or(false);
        Ok(if matches {
            ApplicantCheck::Matches
        } else {
            ApplicantCheck::DoesNotMatch
        })
    }

    /// The receipt of one of the citizen's dossiers, from the device (no network), drawn.
    pub fn receipt(&self, dossier_code: &str) -> Result<ReceiptView, ReceiptError> {
        let text = store::load(&self.database, dossier_code)?
            .ok_or_else(|| ReceiptError::NotIssued(dossier_code.to_owned()))?;
        let (kid, fields) = receipt::read_unverified(&text)
            .map_err(|_| ReceiptError::NotIssued(dossier_code.to_owned()))?;
        let verdict = match self.cached() {
            Ok(Some(cached)) => Some(receipt::verify(&text, &cached.list)),
            _ => None,
        };
        Ok(ReceiptView {
            qr: render::render(&text)?,
            qr_text: text,
            fields,
            kid,
            verdict,
        })
    }
}

/// Whether a receipt that arrived with a sync is one at all (a text that is not is not
/// kept, and logged without its content).
pub(crate) fn reads_as_receipt(text: &str) -> bool {
    let reads = receipt::read_unverified(text).is_ok();
    if !reads {
        tracing::warn!("the portal sent a receipt that does not read; not stored");
    }
    reads
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate};
    use motcua_protocol::receipt::{ApplicantDigest, SigningKey};
    use ring::rand::SystemRandom;

    fn fields(code: &str, agency: &str, procedure: &str) -> ReceiptFields {
        ReceiptFields {
            dossier_code: code.into(),
            procedure_code: procedure.into(),
            agency_code: agency.into(),
            received_at: DateTime::from_timestamp(i64::from(u32::MAX), 0).unwrap(),
            appointment_date: NaiveDate::from_ymd_opt(2099, 12, 31),
            applicant: Some(ApplicantDigest {
                salt: [0xff; 8],
                digest: [0xff; 3],
            }),
        }
    }

    #[test]
    fn a_realistic_worst_case_receipt_is_a_version_8_qr_code_at_level_m() {
        // The longest dossier code the portal makes with a QCVN 102:2016 agency code (13
        // characters) and a five-digit sequence, the national procedure code shape.
        let signer = SigningKey::generate(&SystemRandom::new()).unwrap();
        let text = signer
            .sign_receipt(&fields(
                "999.99.99.H99-991231-99999",
                "999.99.99.H99",
                "2.002154",
            ))
            .unwrap();
        let qr = render::render(&text).unwrap();
        assert_eq!(qr.ec_level, 'M');
        assert!(qr.version <= 8, "version {}", qr.version);
        assert_eq!(qr.modules.size, 17 + 4 * u32::from(qr.version));
    }

    #[test]
    fn the_longest_agency_code_the_portal_accepts_costs_one_version() {
        // The portal accepts agency codes of up to 32 characters; a real QCVN 102:2016
        // code has 13. At 32 the receipt no longer fits version 8, by one version.
        let signer = SigningKey::generate(&SystemRandom::new()).unwrap();
        let agency = "A".repeat(32);
        let text = signer
            .sign_receipt(&fields(
                &format!("{agency}-991231-9999"),
                &agency,
                "2.002154",
            ))
            .unwrap();
        assert_eq!(render::render(&text).unwrap().version, 9);
    }

    #[test]
    fn errors_speak_both_languages() {
        let errors = [
            ReceiptError::NoTrustAnchor,
            ReceiptError::NoTrustList,
            ReceiptError::Network("x".into()),
            ReceiptError::NotIssued("c".into()),
            ReceiptError::NotAnIdNumber,
            ReceiptError::NotValid(Verdict::Tampered { kid: KeyId([0; 4]) }),
            ReceiptError::TrustList(TrustListError::BadSignature),
        ];
        for error in errors {
            assert_ne!(error.message(Lang::Vi), error.message(Lang::En));
            assert!(!error.code().is_empty());
        }
    }
}
