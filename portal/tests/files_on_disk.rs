//! Files on disk (issue 16, item 3): the data directory and everything in it are the
//! portal's alone whatever the umask, the private keys are in the key store and not in
//! `portal.sqlite`, the portal refuses key files and data directories others can reach,
//! and a data directory from before the key store moves its keys there and keeps them.
//!
//! Every test here runs under umask 000 (set once for this test binary: the umask is the
//! process's), so a file created without an explicit mode would be world-readable.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::sync::Once;

use common::staff::{RECEPTION, staff_session};
use common::tus::{Tus, permit_form};
use common::{Harness, client, trust_list};
use motcua_portal::{
    DB_FILE, KEYS_FILE, PortalConfig, PortalError, PrivateFileError, ROOT_KEY_FILE, start,
};
use motcua_protocol::jose::{Algorithm, CompactJws};
use motcua_protocol::receipt::verify;
use serde_json::{Value, json};
use tempfile::TempDir;

fn umask_000() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        rustix::process::umask(rustix::fs::Mode::empty());
    });
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every directory under `dir` (itself included) and every file, with its mode.
fn walk(dir: &Path, found: &mut Vec<(std::path::PathBuf, bool, u32)>) {
    found.push((dir.to_owned(), true, mode(dir)));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            found.push((path.clone(), false, mode(&path)));
        }
    }
}

/// A portal on SQLite in `data_dir` (whichever engine the rest of the suite runs on: these
/// tests are about the files of the data directory, the SQLite file among them).
async fn start_in(data_dir: &Path) -> Harness {
    let mut config = PortalConfig::for_tests(data_dir);
    config.accept_missing_documents = true;
    Harness {
        portal: start(config).await.unwrap(),
        http: client(),
        // The caller keeps the real directory; this one is only the harness's field.
        dir: tempfile::tempdir().unwrap(),
        database: None,
    }
}

/// Uploads `bytes` with tus (create, one PATCH).
async fn upload(h: &Harness, token: &str, bytes: &[u8]) {
    Tus::with_token(h, token)
        .upload_pdf(bytes, "giấy tờ.pdf")
        .await;
}

#[tokio::test]
async fn everything_the_portal_writes_is_private_under_umask_000() {
    umask_000();
    let root = TempDir::new().unwrap();
    let data_dir = root.path().join("parent").join("portal-data");
    let h = start_in(&data_dir).await;
    let token = h.open_session("demo-0001").await.access_token;
    upload(&h, &token, b"%PDF-1.4 files on disk").await;

    let mut found = Vec::new();
    walk(&data_dir, &mut found);
    let names: Vec<String> = found
        .iter()
        .map(|(path, _, _)| path.strip_prefix(&data_dir).unwrap().display().to_string())
        .collect();
    for expected in [
        DB_FILE.to_owned(),
        format!("{DB_FILE}-wal"),
        format!("{DB_FILE}-shm"),
        KEYS_FILE.to_owned(),
        ROOT_KEY_FILE.to_owned(),
        "blobs".to_owned(),
        "uploads".to_owned(),
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let blobs = found
        .iter()
        .filter(|(path, dir, _)| !dir && path.starts_with(data_dir.join("blobs")))
        .count();
    assert_eq!(blobs, 1, "the finished upload's blob: {names:?}");
    for (path, dir, mode) in &found {
        let want = if *dir { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{} is {mode:04o}", path.display());
    }
    // The parent the portal created for its directory too.
    assert_eq!(mode(&root.path().join("parent")), 0o700);
    h.portal.shutdown().await;
}

#[tokio::test]
async fn the_private_keys_are_not_in_the_main_database() {
    umask_000();
    let root = TempDir::new().unwrap();
    let data_dir = root.path().join("data");
    let h = start_in(&data_dir).await;
    h.portal.rotate_signing_key().await.unwrap();
    h.portal.shutdown().await;
    let conn = rusqlite::Connection::open(data_dir.join(DB_FILE)).unwrap();
    for table in ["signing_keys", "receipt_keys"] {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            !columns.is_empty() && !columns.contains(&"pkcs8".to_owned()),
            "{columns:?}"
        );
    }
    let keys = rusqlite::Connection::open(data_dir.join(KEYS_FILE)).unwrap();
    let purposes: Vec<String> = keys
        .prepare("SELECT purpose FROM private_keys ORDER BY purpose")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // One signing key each: the rotated-out ID-token key's private half is gone.
    assert_eq!(purposes, ["id_token", "receipt"]);
}

fn refusal(result: Result<motcua_portal::RunningPortal, PortalError>) -> PrivateFileError {
    match result {
        Err(PortalError::Files(error)) => error,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("started"),
    }
}

#[tokio::test]
async fn key_files_and_data_directories_others_can_reach_are_refused() {
    umask_000();
    let root = TempDir::new().unwrap();
    let data_dir = root.path().join("data");
    start_in(&data_dir).await.portal.shutdown().await;

    for (file, exposed) in [
        (KEYS_FILE, 0o644),
        (ROOT_KEY_FILE, 0o640),
        (KEYS_FILE, 0o602),
    ] {
        let path = data_dir.join(file);
        set_mode(&path, exposed);
        let error = refusal(start(PortalConfig::for_tests(&data_dir)).await);
        let message = error.to_string();
        assert!(
            matches!(&error, PrivateFileError::KeyFileExposed { path: p, mode } if *p == path && *mode == exposed),
            "{message}"
        );
        assert!(
            message.contains(&format!("chmod 600 {}", path.display())),
            "{message}"
        );
        assert_eq!(mode(&path), exposed, "the refusal changes nothing");
        set_mode(&path, 0o600);
    }

    set_mode(&data_dir, 0o777);
    let error = refusal(start(PortalConfig::for_tests(&data_dir)).await);
    assert!(matches!(
        error,
        PrivateFileError::DirectoryWritable { mode: 0o777, .. }
    ));
    assert!(error.to_string().contains("chmod 700"), "{error}");
    set_mode(&data_dir, 0o700);

    // Readable but not writable by others: tightened, and it starts.
    set_mode(&data_dir, 0o755);
    set_mode(&data_dir.join(DB_FILE), 0o644);
    start_in(&data_dir).await.portal.shutdown().await;
    assert_eq!(mode(&data_dir), 0o700);
    assert_eq!(mode(&data_dir.join(DB_FILE)), 0o600);
}

/// The private halves in the key store, by purpose.
fn stored_keys(data_dir: &Path) -> Vec<(String, String, Vec<u8>)> {
    let keys = rusqlite::Connection::open(data_dir.join(KEYS_FILE)).unwrap();
    keys.prepare("SELECT purpose, kid, pkcs8 FROM private_keys ORDER BY purpose")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The data directory of the previous version (schema 7, before the key store), with a
/// dossier accepted and its receipt issued, and an ID token it signed; made once by that
/// version's portal. The directory 0755 and the database 0644, as it left them.
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pre_key_store");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURE).join(name))
        .unwrap()
        .trim()
        .to_owned()
}

/// Makes the previous version's data directory at `data_dir`; returns the private keys
/// its database holds (by purpose, as [`stored_keys`] lists them).
fn old_data_dir(data_dir: &Path) -> Vec<(String, String, Vec<u8>)> {
    std::fs::create_dir(data_dir).unwrap();
    set_mode(data_dir, 0o755);
    let conn = rusqlite::Connection::open(data_dir.join(DB_FILE)).unwrap();
    conn.execute_batch(&fixture("portal.sql")).unwrap();
    let mut keys = Vec::new();
    for (purpose, table) in [("id_token", "signing_keys"), ("receipt", "receipt_keys")] {
        let (kid, pkcs8): (String, Vec<u8>) = conn
            .query_row(&format!("SELECT kid, pkcs8 FROM {table}"), [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        keys.push((purpose.to_owned(), kid, pkcs8));
    }
    drop(conn);
    set_mode(&data_dir.join(DB_FILE), 0o644);
    let hex = fixture("receipt-root-key.pk8.hex");
    let root_key: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let root_path = data_dir.join(ROOT_KEY_FILE);
    std::fs::write(&root_path, root_key).unwrap();
    set_mode(&root_path, 0o600);
    let bytes = std::fs::read(data_dir.join(DB_FILE)).unwrap();
    for (_, _, pkcs8) in &keys {
        assert!(contains(&bytes, pkcs8), "the old file holds the keys");
    }
    keys
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Submits a dossier for `demo-0001` and has the desk accept it; returns its receipt.
async fn accepted_receipt(h: &Harness, data_dir: &Path, key: &str) -> String {
    let citizen = h.citizen_token("demo-0001").await;
    let body = json!({
        "procedure_code": "1.013228",
        "fields": permit_form(),
        "attachments": [],
    });
    let response = Tus::with_token(h, &citizen).submit(Some(key), &body).await;
    assert_eq!(response.status(), 201);
    let code = response.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff = staff_session(h, RECEPTION).await.access_token;
    let response = h
        .http
        .post(h.url(&format!(
            "{}/{code}/actions",
            motcua_protocol::api::desk::PATH_DESK_DOSSIERS
        )))
        .bearer_auth(&staff)
        .json(&json!({"action": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let conn = rusqlite::Connection::open(data_dir.join(DB_FILE)).unwrap();
    conn.query_row(
        "SELECT r.text FROM receipts r JOIN dossiers d ON d.id = r.dossier_id WHERE d.code = ?1",
        [code],
        |row| row.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn an_old_data_directory_moves_its_keys_out_and_keeps_them() {
    umask_000();
    let root = TempDir::new().unwrap();
    let data_dir = root.path().join("data");
    let old_keys = old_data_dir(&data_dir);

    let h = start_in(&data_dir).await;
    assert_eq!(stored_keys(&data_dir), old_keys, "the same keys, moved");
    assert_eq!(mode(&data_dir), 0o700);
    assert_eq!(mode(&data_dir.join(DB_FILE)), 0o600);
    assert_eq!(mode(&data_dir.join(KEYS_FILE)), 0o600);
    for file in [DB_FILE.to_owned(), format!("{DB_FILE}-wal")] {
        let bytes = std::fs::read(data_dir.join(&file)).unwrap_or_default();
        for (purpose, _, pkcs8) in &old_keys {
            assert!(
                !contains(&bytes, pkcs8),
                "the {purpose} key is still in {file}"
            );
        }
    }

    // The receipt and the ID token from before still verify, and the same keys sign on.
    let receipt = fixture("receipt.txt");
    let list = trust_list(&h).await;
    assert_eq!(list.keys.len(), 1, "no new receipt key");
    assert_eq!(list.keys[0].kid.to_string(), old_keys[1].1);
    assert!(
        verify(&receipt, &list).is_valid(),
        "{:?}",
        verify(&receipt, &list)
    );
    let jwks = h.fetch_jwks().await;
    assert_eq!(jwks.keys.len(), 1, "no new signing key");
    let old_id_token = CompactJws::parse(&fixture("id-token.txt")).unwrap();
    assert_eq!(
        old_id_token.header.kid.as_deref(),
        Some(old_keys[0].1.as_str())
    );
    assert!(old_id_token.verify(&jwks, &[Algorithm::Es256]).is_ok());
    let (tokens, nonce) = h.tokens_for("demo-0002").await;
    let id_token = tokens.id_token.unwrap();
    assert_eq!(
        CompactJws::parse(&id_token).unwrap().header.kid.as_deref(),
        Some(old_keys[0].1.as_str())
    );
    assert_eq!(h.validate(&id_token, &jwks, &nonce).sub, "demo-0002");
    let new_receipt = accepted_receipt(&h, &data_dir, "after").await;
    assert!(verify(&new_receipt, &trust_list(&h).await).is_valid());
    assert_eq!(trust_list(&h).await.keys.len(), 1);
    h.portal.shutdown().await;

    // Once moved, a restart changes nothing.
    let h = start_in(&data_dir).await;
    assert_eq!(stored_keys(&data_dir), old_keys);
    h.portal.shutdown().await;
}
