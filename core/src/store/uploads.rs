//! The uploads' state in the profile's SQLite: where each attachment's resumable (tus)
//! upload stands (its URL on the portal, the offset the portal confirmed, whether it is
//! complete: columns of `draft_attachments`), and the uploads the phone gave up, for the
//! portal to delete (`abandoned_uploads`). `crate::dossier`'s outbox holds the protocol.
//!
//! The functions are blocking and short: the outbox calls them through
//! [`Database::blocking`] from its async delivery.

use motcua_protocol::time::unix_now;
use rusqlite::{Connection, params};

use super::{Database, StoreError};

/// An upload the phone gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AbandonedUpload {
    /// Its URL on the portal.
    pub(crate) url: String,
    /// When it was given up (Unix seconds).
    pub(crate) abandoned_at: i64,
}

/// The portal created attachment `attachment_id`'s upload at `url`: kept at once, so that
/// a retry resumes it instead of starting another.
pub(crate) fn created(
    database: &Database,
    attachment_id: i64,
    url: &str,
) -> Result<(), StoreError> {
    database.connection()?.execute(
        "UPDATE draft_attachments SET upload_url = ?2, upload_offset = 0 WHERE id = ?1",
        params![attachment_id, url],
    )?;
    Ok(())
}

/// The portal holds attachment `attachment_id`'s upload up to `offset`.
pub(crate) fn reached(
    database: &Database,
    attachment_id: i64,
    offset: u64,
) -> Result<(), StoreError> {
    database.connection()?.execute(
        "UPDATE draft_attachments SET upload_offset = ?2 WHERE id = ?1",
        params![attachment_id, offset as i64],
    )?;
    Ok(())
}

/// Attachment `attachment_id`'s upload is complete, all `total` bytes of it.
pub(crate) fn finished(
    database: &Database,
    attachment_id: i64,
    total: u64,
) -> Result<(), StoreError> {
    database.connection()?.execute(
        "UPDATE draft_attachments SET uploaded = 1, upload_offset = ?2 WHERE id = ?1",
        params![attachment_id, total as i64],
    )?;
    Ok(())
}

/// The portal no longer has attachment `attachment_id`'s upload: it is to be made from
/// scratch.
pub(crate) fn forget(database: &Database, attachment_id: i64) -> Result<(), StoreError> {
    database.connection()?.execute(
        "UPDATE draft_attachments SET upload_url = NULL, upload_offset = 0, uploaded = 0
         WHERE id = ?1",
        params![attachment_id],
    )?;
    Ok(())
}

/// Records uploads the phone gave up (once each), in the caller's transaction, for the
/// outbox to ask the portal to delete them.
pub(crate) fn abandon(connection: &Connection, urls: &[String]) -> rusqlite::Result<()> {
    for url in urls {
        connection.execute(
            "INSERT OR IGNORE INTO abandoned_uploads (url, abandoned_at) VALUES (?1, ?2)",
            params![url, unix_now()],
        )?;
    }
    Ok(())
}

/// The uploads given up and not yet deleted on the portal, oldest first.
pub(crate) fn abandoned(database: &Database) -> Result<Vec<AbandonedUpload>, StoreError> {
    let connection = database.connection()?;
    let mut statement = connection
        .prepare("SELECT url, abandoned_at FROM abandoned_uploads ORDER BY abandoned_at")?;
    let rows = statement.query_map([], |r| {
        Ok(AbandonedUpload {
            url: r.get(0)?,
            abandoned_at: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The abandoned upload at `url` needs nothing more (deleted, gone, or too old to matter).
pub(crate) fn forget_abandoned(database: &Database, url: &str) -> Result<(), StoreError> {
    database
        .connection()?
        .execute("DELETE FROM abandoned_uploads WHERE url = ?1", [url])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::secure_store::MemorySecureStore;
    use crate::store::drafts::{self, NewAttachment};

    fn database(dir: &std::path::Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    /// A draft with one attachment; the attachment's id.
    fn attachment(db: &Database) -> i64 {
        drafts::create(db, "d1", "1.004194", 100, &[]).unwrap();
        drafts::insert_attachment(
            db,
            "d1",
            &NewAttachment {
                requirement: "cccd",
                file_name: "cccd.jpg",
                media_type: "image/jpeg",
                size: 1000,
                sha256: "ab",
                blob: "blob-1",
            },
            100,
        )
        .unwrap()
    }

    /// The upload columns of attachment `id`: URL, offset, complete.
    fn state(db: &Database, id: i64) -> (Option<String>, i64, bool) {
        db.connection()
            .unwrap()
            .query_row(
                "SELECT upload_url, upload_offset, uploaded FROM draft_attachments WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    }

    #[test]
    fn an_upload_is_created_advanced_finished_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let id = attachment(&db);
        assert_eq!(state(&db, id), (None, 0, false));
        created(&db, id, "http://portal/u/1").unwrap();
        reached(&db, id, 400).unwrap();
        assert_eq!(
            state(&db, id),
            (Some("http://portal/u/1".into()), 400, false)
        );
        // A new upload starts from nothing, whatever the last one reached.
        created(&db, id, "http://portal/u/2").unwrap();
        assert_eq!(state(&db, id), (Some("http://portal/u/2".into()), 0, false));
        finished(&db, id, 1000).unwrap();
        assert_eq!(
            state(&db, id),
            (Some("http://portal/u/2".into()), 1000, true)
        );
        let loaded =
            drafts::load_attachments(&db.connection().unwrap(), db.sealer(), "d1").unwrap();
        assert!(loaded[0].uploaded);
        assert_eq!(loaded[0].upload_url.as_deref(), Some("http://portal/u/2"));
        forget(&db, id).unwrap();
        assert_eq!(state(&db, id), (None, 0, false));
    }

    #[test]
    fn abandoned_uploads_are_recorded_once_listed_oldest_first_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert!(abandoned(&db).unwrap().is_empty());
        {
            let connection = db.connection().unwrap();
            connection
                .execute(
                    "INSERT INTO abandoned_uploads (url, abandoned_at) VALUES ('http://portal/u/old', 5)",
                    [],
                )
                .unwrap();
            abandon(
                &connection,
                &["http://portal/u/1".into(), "http://portal/u/1".into()],
            )
            .unwrap();
        }
        let listed = abandoned(&db).unwrap();
        let urls: Vec<_> = listed.iter().map(|u| u.url.as_str()).collect();
        assert_eq!(
            urls,
            ["http://portal/u/old", "http://portal/u/1"],
            "once, oldest first"
        );
        assert_eq!(listed[0].abandoned_at, 5);
        forget_abandoned(&db, "http://portal/u/old").unwrap();
        forget_abandoned(&db, "http://portal/u/unknown").unwrap();
        let urls: Vec<_> = abandoned(&db).unwrap().into_iter().map(|u| u.url).collect();
        assert_eq!(urls, ["http://portal/u/1"]);
    }
}
