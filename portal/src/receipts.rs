//! Receipts (docs/ARCHITECTURE.md, "Receipts"): the receipt-signing keys (generated, rotated,
//! revoked; their status and public halves in `portal.sqlite`, the private half of the
//! active one in the key store, [`crate::keystore`]), the province root key that signs their trust list, the trust
//! list endpoint, and the receipt issued when the desk accepts a dossier.
//!
//! The root key here is a development stand-in: generated on first start into
//! `receipt-root-key.pk8` (mode 0600) in the data directory; the portal refuses to start
//! when other users can read it ([`crate::private_files::check_key_file`]). A province keeps its root key
//! offline (an HSM or an air-gapped machine) and signs the trust list there; the portal
//! would then only serve the list it was given. The apps carry the root public key in
//! their branding (`CoreConfig::receipt_root_key`).

use std::path::Path;

use crate::store::sql::{Connection, OptionalExtension as _, Transaction, params};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_protocol::receipt::{
    ApplicantDigest, IdNumber, KeyId, ReceiptFields, SigningKey, TrustList, TrustedKey,
};
use ring::rand::SystemRandom;

use crate::db::now;
use crate::error::{ApiError, PortalError};
use crate::keystore::{KeyStore, Purpose};
use crate::workflow::DossierRow;
use crate::{AppState, DataLocation};

/// The development root key's file in the data directory.
pub const ROOT_KEY_FILE: &str = "receipt-root-key.pk8";
/// Media type of the signed trust list.
pub const TRUST_LIST_MEDIA_TYPE: &str = "application/cose";
/// A new key may sign receipts received this long before it was made: an accept whose
/// time was taken just before a rotation still gets a receipt its key covers.
const ROTATION_GRACE_SECS: i64 = 60;
/// Attempts to draw a key whose 4-byte id no other key has.
const KID_ATTEMPTS: usize = 8;

/// A receipt-signing key as `motcua portal receipt-keys list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceiptKeyInfo {
    /// Key id (hex).
    pub kid: String,
    /// Signs receipts received from then on (Unix seconds).
    pub not_before: i64,
    /// Retired then (Unix seconds).
    pub not_after: Option<i64>,
    /// Revoked then (Unix seconds).
    pub revoked_at: Option<i64>,
    /// The key that signs new receipts.
    pub active: bool,
}

/// Reads the development root key, creating it on first use.
pub(crate) fn load_or_create_root(data_dir: &Path) -> Result<SigningKey, PortalError> {
    let path = data_dir.join(ROOT_KEY_FILE);
    crate::private_files::check_key_file(&path)?;
    let io = |context| move |source| PortalError::Io { context, source };
    let pkcs8 = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let pkcs8 = SigningKey::generate_pkcs8(&SystemRandom::new())
                .map_err(|_| PortalError::Crypto("cannot generate the receipt root key"))?;
            // Written whole under another name, then linked into place: a link never
            // replaces a file, so of two processes starting together on one data
            // directory one key wins and the other process reads it, never half of it.
            let draft = data_dir.join(format!("{ROOT_KEY_FILE}.{}.new", std::process::id()));
            let _ = std::fs::remove_file(&draft);
            write_private(&draft, &pkcs8).map_err(io("cannot write the receipt root key"))?;
            let linked = std::fs::hard_link(&draft, &path);
            let _ = std::fs::remove_file(&draft);
            match linked {
                Ok(()) => {
                    tracing::info!("generated a development receipt root key");
                    pkcs8
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::read(&path).map_err(io("cannot read the receipt root key"))?
                }
                Err(error) => return Err(io("cannot write the receipt root key")(error)),
            }
        }
        Err(error) => return Err(io("cannot read the receipt root key")(error)),
    };
    SigningKey::from_pkcs8(&pkcs8)
        .map_err(|_| PortalError::Crypto("the receipt root key file is not an Ed25519 key"))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = crate::private_files::open(
        path,
        std::fs::OpenOptions::new().write(true).create_new(true),
    )?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn bump_sequence(tx: &Transaction<'_>) -> crate::store::sql::Result<()> {
    tx.execute(
        "INSERT INTO receipt_trust_list (id, sequence) VALUES (1, 1)
         ON CONFLICT (id) DO UPDATE SET sequence = receipt_trust_list.sequence + 1",
        [],
    )?;
    Ok(())
}

/// Makes a new active key (the caller retired the previous one): its private half goes to
/// the key store, committed before `tx` (which the caller commits) makes it active here.
fn generate(tx: &Transaction<'_>, keys: &KeyStore, not_before: i64) -> Result<KeyId, PortalError> {
    let rng = SystemRandom::new();
    for _ in 0..KID_ATTEMPTS {
        let pkcs8 = SigningKey::generate_pkcs8(&rng)
            .map_err(|_| PortalError::Crypto("cannot generate a receipt key"))?;
        let key = SigningKey::from_pkcs8(&pkcs8)
            .map_err(|_| PortalError::Crypto("cannot parse a generated receipt key"))?;
        let kid = key.kid();
        let inserted = tx.execute(
            "INSERT INTO receipt_keys (kid, public_key, not_before, active, ordinal)
             VALUES (?1, ?2, ?3, 1, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM receipt_keys))
             ON CONFLICT (kid) DO NOTHING",
            params![kid.to_string(), key.public_key().as_slice(), not_before],
        )?;
        if inserted == 1 {
            keys.put(Purpose::Receipt, &kid.to_string(), &pkcs8)?;
            bump_sequence(tx)?;
            return Ok(kid);
        }
    }
    Err(PortalError::Crypto("no fresh receipt key id"))
}

/// Removes from the key store the private halves of every receipt key but `signing`.
fn prune(conn: &Connection, keys: &KeyStore, signing: KeyId) -> Result<(), PortalError> {
    let removed = keys.prune(Purpose::Receipt, &signing.to_string(), |kid| {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM receipt_keys WHERE kid = ?1)",
            [kid],
            |row| row.get(0),
        )
    })?;
    if removed > 0 {
        tracing::info!(removed, "removed private receipt keys that no longer sign");
    }
    Ok(())
}

/// Makes sure an active receipt key exists and the key store holds its private half
/// (first start; a key store lost or restored from an older backup gets a new key by a
/// rotation, so receipts signed before stay valid); returns its id.
pub(crate) fn ensure_active(conn: &mut Connection, keys: &KeyStore) -> Result<KeyId, PortalError> {
    let existing: Option<String> = conn
        .query_row("SELECT kid FROM receipt_keys WHERE active = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    if let Some(kid) = existing.as_deref().and_then(KeyId::parse_hex) {
        if keys.get(Purpose::Receipt, &kid.to_string())?.is_some() {
            prune(conn, keys, kid)?;
            return Ok(kid);
        }
        tracing::warn!(
            "the key store lacks the private half of the active receipt key; rotating to a new one"
        );
    }
    rotate(conn, keys)
}

/// Retires the active key, if any (its receipts stay valid: it stays on the trust list,
/// signing period closed now; its private half is removed), and makes a new one; returns
/// the new id.
pub(crate) fn rotate(conn: &mut Connection, keys: &KeyStore) -> Result<KeyId, PortalError> {
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    let at = now();
    let retired = tx.execute(
        "UPDATE receipt_keys SET active = 0, not_after = ?1 WHERE active = 1",
        [at],
    )?;
    // A first key signs from now; a successor also what was received just before.
    let not_before = if retired > 0 {
        at - ROTATION_GRACE_SECS
    } else {
        at
    };
    let kid = generate(&tx, keys, not_before)?;
    tx.commit()?;
    prune(conn, keys, kid)?;
    Ok(kid)
}

/// What a revocation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The key is revoked; when it was the active one, this key replaced it.
    Revoked {
        /// The new active key, when the revoked one was active.
        replaced_by: Option<KeyId>,
    },
    /// It was revoked before.
    AlreadyRevoked,
    /// No key has this id.
    Unknown,
}

/// Revokes a key: every receipt it signed stops verifying once verifiers refresh the
/// trust list. Revoking the active key makes a new one, so the desk can keep accepting.
pub(crate) fn revoke(
    conn: &mut Connection,
    keys: &KeyStore,
    kid: KeyId,
) -> Result<Revocation, PortalError> {
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    let found: Option<(Option<i64>, bool)> = tx
        .query_row(
            "SELECT revoked_at, active FROM receipt_keys WHERE kid = ?1",
            [kid.to_string()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let outcome = match found {
        None => Revocation::Unknown,
        Some((Some(_), _)) => Revocation::AlreadyRevoked,
        Some((None, active)) => {
            let at = now();
            tx.execute(
                "UPDATE receipt_keys SET revoked_at = ?2, active = 0,
                     not_after = COALESCE(not_after, ?2)
                 WHERE kid = ?1",
                params![kid.to_string(), at],
            )?;
            bump_sequence(&tx)?;
            let replaced_by = if active {
                Some(generate(&tx, keys, at)?)
            } else {
                None
            };
            Revocation::Revoked { replaced_by }
        }
    };
    tx.commit()?;
    if let Revocation::Revoked {
        replaced_by: Some(signing),
    } = outcome
    {
        prune(conn, keys, signing)?;
    }
    Ok(outcome)
}

/// Every key, newest first (by creation: a rotated-in key's period starts a little
/// before it was made).
pub(crate) fn list(conn: &Connection) -> crate::store::sql::Result<Vec<ReceiptKeyInfo>> {
    conn.prepare_cached(
        "SELECT kid, not_before, not_after, revoked_at, active FROM receipt_keys
         ORDER BY ordinal DESC",
    )?
    .query_map([], |row| {
        Ok(ReceiptKeyInfo {
            kid: row.get(0)?,
            not_before: row.get(1)?,
            not_after: row.get(2)?,
            revoked_at: row.get(3)?,
            active: row.get(4)?,
        })
    })?
    .collect()
}

fn time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs.max(0), 0).unwrap_or(DateTime::UNIX_EPOCH)
}

/// The trust list as it stands.
pub(crate) fn trust_list(conn: &Connection) -> crate::store::sql::Result<TrustList> {
    let sequence: i64 = conn
        .query_row(
            "SELECT sequence FROM receipt_trust_list WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let mut keys = Vec::new();
    let mut statement = conn.prepare_cached(
        "SELECT kid, public_key, not_before, not_after, revoked_at FROM receipt_keys
         ORDER BY not_before, ordinal",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Vec<u8>>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, Option<i64>>(3)?,
            row.get::<_, Option<i64>>(4)?,
        ))
    })?;
    for row in rows {
        let (kid, public_key, not_before, not_after, revoked_at) = row?;
        let (Some(kid), Ok(public_key)) = (KeyId::parse_hex(&kid), public_key.try_into()) else {
            tracing::error!(
                kid,
                "a stored receipt key does not parse; left off the list"
            );
            continue;
        };
        keys.push(TrustedKey {
            kid,
            public_key,
            not_before: time(not_before),
            not_after: not_after.map(time),
            revoked_at: revoked_at.map(time),
        });
    }
    Ok(TrustList {
        sequence: u64::try_from(sequence).unwrap_or(0),
        issued_at: time(now()),
        keys,
    })
}

/// `GET /api/v1/receipt-keys`: the trust list signed by the root key (`application/cose`).
/// Public: it holds only public keys.
pub(crate) async fn get_trust_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = state.db.call(|conn| trust_list(conn)).await??;
    let bytes = list.sign(&state.receipt_root);
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TRUST_LIST_MEDIA_TYPE),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// The applicant digest for the receipt of dossier `code`: PBKDF2 is slow on purpose, so
/// it is computed before the accept's transaction, not while holding the database.
/// `None` when the identity provider gave no (well-formed) ID number.
pub(crate) async fn applicant_digest(
    state: &AppState,
    code: String,
) -> Result<Option<ApplicantDigest>, ApiError> {
    let personal_id: Option<String> = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT c.personal_id FROM dossiers d JOIN citizens c ON c.id = d.citizen_id
                 WHERE d.code = ?1",
                [code],
                |row| row.get(0),
            )
            .optional()
            .map(Option::flatten)
        })
        .await??;
    let Some(id) = personal_id.and_then(|text| IdNumber::parse(&text).ok()) else {
        return Ok(None);
    };
    tokio::task::spawn_blocking(move || ApplicantDigest::new(&id, &SystemRandom::new()).ok())
        .await
        .map_err(|_| ApiError::internal())
}

/// Issues the receipt of a dossier the desk just accepted (`row` after the change), in
/// the accept's transaction, and returns its text.
pub(crate) fn issue(
    tx: &Transaction<'_>,
    keys: &KeyStore,
    row: &DossierRow,
    agency_code: &str,
    applicant: Option<ApplicantDigest>,
) -> Result<String, IssueError> {
    let (kid, key) = active_signing_key(tx, keys)?;
    let received_at = row
        .received_at
        .as_deref()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|time| time.with_timezone(&Utc))
        .ok_or(IssueError::Fields("received_at"))?;
    let appointment_date = match row.appointment_date.as_deref() {
        None => None,
        Some(text) => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| IssueError::Fields("appointment_date"))?,
        ),
    };
    let fields = ReceiptFields {
        dossier_code: row.code.clone(),
        procedure_code: row.procedure_code.clone(),
        agency_code: agency_code.to_owned(),
        received_at,
        appointment_date,
        applicant,
    };
    let text = key
        .sign_receipt(&fields)
        .map_err(|problem| IssueError::Fields(problem.field().unwrap_or("payload")))?;
    tx.prepare_cached(
        "INSERT INTO receipts (dossier_id, kid, text, issued_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (dossier_id) DO UPDATE SET kid = ?2, text = ?3, issued_at = ?4",
    )?
    .execute(params![row.id, kid, text, now()])?;
    Ok(text)
}

/// The active receipt-signing key (its id and private half): it signs dossier receipts
/// and fee e-receipts alike, so both verify against the one trust list.
pub(crate) fn active_signing_key(
    conn: &Connection,
    keys: &KeyStore,
) -> Result<(String, SigningKey), IssueError> {
    let kid: String = conn
        .prepare_cached("SELECT kid FROM receipt_keys WHERE active = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .ok_or(IssueError::NoKey)?;
    let pkcs8 = keys.get(Purpose::Receipt, &kid)?.ok_or(IssueError::NoKey)?;
    let key = SigningKey::from_pkcs8(&pkcs8).map_err(|_| IssueError::NoKey)?;
    Ok((kid, key))
}

/// The receipt text of a dossier, once issued.
pub(crate) fn text_of(
    conn: &Connection,
    dossier_id: i64,
) -> crate::store::sql::Result<Option<String>> {
    conn.prepare_cached("SELECT text FROM receipts WHERE dossier_id = ?1")?
        .query_row([dossier_id], |row| row.get(0))
        .optional()
}

/// Why a receipt could not be issued.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IssueError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] crate::store::sql::Error),
    /// No usable active key (cannot happen after start-up, which makes one).
    #[error("no usable receipt-signing key")]
    NoKey,
    /// A dossier field cannot go on a receipt.
    #[error("the dossier's {0} cannot go on a receipt")]
    Fields(&'static str),
}

impl IssueError {
    /// As a database error, to abort the accept's transaction (answered as 500).
    pub(crate) fn into_sqlite(self) -> crate::store::sql::Error {
        match self {
            IssueError::Database(error) => error,
            other => crate::store::sql::Error::encode(Box::new(other)),
        }
    }
}

/// Rotates the receipt-signing key of the portal whose data is `at` (safe while it runs,
/// all its processes: keys are read per receipt). Returns the new key id.
pub async fn rotate_receipt_key(at: &DataLocation) -> Result<String, PortalError> {
    let keys = KeyStore::open(&at.data_dir)?;
    at.open()
        .await?
        .run("receipt key rotation", move |conn| {
            ensure_active(conn, &keys)?;
            Ok(rotate(conn, &keys)?.to_string())
        })
        .await
}

/// Revokes the receipt-signing key `kid` (hex) of the portal whose data is `at`.
pub async fn revoke_receipt_key(at: &DataLocation, kid: &str) -> Result<Revocation, PortalError> {
    let kid = KeyId::parse_hex(kid)
        .ok_or_else(|| PortalError::Config("a key id is 8 hexadecimal digits".into()))?;
    let keys = KeyStore::open(&at.data_dir)?;
    at.open()
        .await?
        .run("receipt key revocation", move |conn| {
            revoke(conn, &keys, kid)
        })
        .await
}

/// The receipt-signing keys of the portal whose data is `at`, newest first, and the root
/// public key (`ed25519:…`) the apps must carry.
pub async fn receipt_keys(at: &DataLocation) -> Result<(Vec<ReceiptKeyInfo>, String), PortalError> {
    let root = load_or_create_root(&at.data_dir)?;
    let keys = KeyStore::open(&at.data_dir)?;
    let list = at
        .open()
        .await?
        .run("listing the receipt keys", move |conn| {
            ensure_active(conn, &keys)?;
            Ok(list(conn)?)
        })
        .await?;
    Ok((list, root.root_key().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_protocol::receipt::{Verdict, verify};

    fn row(code: &str) -> DossierRow {
        DossierRow {
            id: 1,
            code: code.into(),
            citizen_id: 1,
            procedure_code: "1.001193".into(),
            status: motcua_protocol::dossier::DossierStatus::Received,
            submitted_at: "2026-02-16T08:00:00+07:00".into(),
            received_at: Some(crate::vn_time::VnTime::now().rfc3339()),
            appointment_date: Some("2026-02-27".into()),
            supplement_requests: 0,
            paused_since: None,
            ended_on: None,
        }
    }

    fn insert_dossier(conn: &Connection) {
        conn.execute_batch(
            "INSERT INTO citizens (id, issuer, subject, full_name, identity_level, created_at, updated_at)
             VALUES (1, 'i', 's', 'n', 2, 0, 0);
             INSERT INTO dossiers (id, code, citizen_id, procedure_code, fields, status, submitted_at, created_at, updated_at)
             VALUES (1, '000.00.00.H00-260216-0001', 1, '1.001193', '{}', 'received', 'x', 0, 0);",
        )
        .unwrap();
    }

    #[test]
    fn keys_rotate_and_revoke_and_the_trust_list_follows() {
        let dir = tempfile::tempdir().unwrap();
        let root = load_or_create_root(dir.path()).unwrap();
        assert_eq!(
            load_or_create_root(dir.path()).unwrap().kid(),
            root.kid(),
            "the root key is kept"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(ROOT_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut conn = crate::db::open(dir.path()).unwrap();
        let keys = KeyStore::open(dir.path()).unwrap();
        insert_dossier(&conn);
        let first = ensure_active(&mut conn, &keys).unwrap();
        assert_eq!(ensure_active(&mut conn, &keys).unwrap(), first);

        let tx = conn.transaction().unwrap();
        let old_receipt = issue(
            &tx,
            &keys,
            &row("000.00.00.H00-260216-0001"),
            "000.00.00.H00",
            None,
        )
        .unwrap();
        tx.commit().unwrap();

        let second = rotate(&mut conn, &keys).unwrap();
        assert_ne!(first, second);
        let published = trust_list(&conn).unwrap();
        assert_eq!(published.sequence, 2);
        let signed = published.sign(&root);
        let opened = TrustList::open(&signed, &root.root_key()).unwrap();
        assert_eq!(opened.keys.len(), 2);
        assert!(
            verify(&old_receipt, &opened).is_valid(),
            "rotation keeps it valid"
        );

        let tx = conn.transaction().unwrap();
        let new_receipt = issue(
            &tx,
            &keys,
            &row("000.00.00.H00-260216-0001"),
            "000.00.00.H00",
            None,
        )
        .unwrap();
        tx.commit().unwrap();
        assert!(verify(&new_receipt, &opened).is_valid());

        assert_eq!(
            revoke(&mut conn, &keys, first).unwrap(),
            Revocation::Revoked { replaced_by: None }
        );
        assert_eq!(
            revoke(&mut conn, &keys, first).unwrap(),
            Revocation::AlreadyRevoked
        );
        assert_eq!(
            revoke(&mut conn, &keys, KeyId([0; 4])).unwrap(),
            Revocation::Unknown
        );
        let after = trust_list(&conn).unwrap();
        assert_eq!(after.sequence, 3);
        assert_eq!(
            verify(&old_receipt, &after),
            Verdict::RevokedKey { kid: first }
        );
        assert!(verify(&new_receipt, &after).is_valid());

        // Revoking the active key puts a new one in its place.
        let Revocation::Revoked {
            replaced_by: Some(third),
        } = revoke(&mut conn, &keys, second).unwrap()
        else {
            panic!("the active key is replaced");
        };
        let keys = list(&conn).unwrap();
        assert_eq!(keys.iter().filter(|k| k.active).count(), 1);
        assert_eq!(keys[0].kid, third.to_string());
    }
}
