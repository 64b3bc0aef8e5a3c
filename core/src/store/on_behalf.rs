//! The person a draft is filed for, in the profile's SQLite: the draft's on-behalf record
//! (`drafts.on_behalf_of`, JSON sealed at the source under [`on_behalf_context`]) and the
//! identity-bound fields set with it. `crate::dossier`'s binding holds the rules (what a
//! field is locked to, who may be filed for).
//!
//! The functions are blocking and short.

use motcua_protocol::on_behalf::OnBehalfOf;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::Database;
use super::drafts::field_context;
use super::seal::Sealer;
use crate::dossier::DossierError;

/// Sealing context of draft `draft_id`'s on-behalf record.
pub(crate) fn on_behalf_context(draft_id: &str) -> String {
    format!("on-behalf:{draft_id}")
}

/// An identity-bound field of the draft, as a change of filer leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoundField<'a> {
    /// Set to the value it is now locked to (marked pre-filled).
    Set {
        /// The field.
        field_id: &'a str,
        /// Its value.
        value: &'a str,
    },
    /// Cleared, to be typed anew (the filer's value is not the person's).
    Clear {
        /// The field.
        field_id: &'a str,
    },
}

/// The on-behalf record of draft `draft_id`, opened; `None` when the citizen files for
/// themselves (or there is no such draft).
pub(crate) fn load(
    conn: &Connection,
    sealer: &Sealer,
    draft_id: &str,
) -> Result<Option<OnBehalfOf>, DossierError> {
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT on_behalf_of FROM drafts WHERE id = ?1",
            params![draft_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let json = sealer.open_string(&on_behalf_context(draft_id), &sealed)?;
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| DossierError::File(format!("on-behalf record: {e}")))
}

/// Files draft `draft_id` for `person` (or, with `None`, for the citizen again), sealed,
/// with its identity-bound `fields` set or cleared, at `now`, in one transaction;
/// [`DossierError::NotEditable`] when the draft is not being edited (checked inside the
/// transaction).
pub(crate) fn save(
    database: &Database,
    draft_id: &str,
    person: Option<&OnBehalfOf>,
    fields: &[BoundField<'_>],
    now: i64,
) -> Result<(), DossierError> {
    let sealer = database.sealer();
    let sealed = person
        .map(|person| {
            let json = serde_json::to_string(person)
                .map_err(|e| DossierError::File(format!("on-behalf record: {e}")))?;
            Ok::<_, DossierError>(sealer.seal(&on_behalf_context(draft_id), json.as_bytes())?)
        })
        .transpose()?;
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    let changed = tx.execute(
        "UPDATE drafts SET on_behalf_of = ?2, updated_at = ?3, failure = NULL
         WHERE id = ?1 AND state = 'editing'",
        params![draft_id, sealed, now],
    )?;
    if changed != 1 {
        return Err(DossierError::NotEditable);
    }
    for field in fields {
        match *field {
            BoundField::Set { field_id, value } => {
                let sealed = sealer.seal(&field_context(draft_id, field_id), value.as_bytes())?;
                tx.execute(
                    "INSERT INTO draft_fields (draft_id, field_id, sealed, prefilled, updated_at)
                     VALUES (?1, ?2, ?3, 1, ?4)
                     ON CONFLICT(draft_id, field_id) DO UPDATE
                     SET sealed = ?3, prefilled = 1, updated_at = ?4",
                    params![draft_id, field_id, sealed, now],
                )?;
            }
            BoundField::Clear { field_id } => {
                tx.execute(
                    "DELETE FROM draft_fields WHERE draft_id = ?1 AND field_id = ?2",
                    params![draft_id, field_id],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use motcua_protocol::on_behalf::RepresentationBasis;

    use super::*;
    use crate::secure_store::MemorySecureStore;
    use crate::store::drafts;

    fn database(dir: &std::path::Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    fn person() -> OnBehalfOf {
        OnBehalfOf {
            full_name: "Trần Thị Bình".into(),
            personal_id: "001099012345".into(),
            basis: RepresentationBasis::Parent,
            detail: None,
        }
    }

    /// The draft's fields: id, value, pre-filled.
    fn fields(db: &Database, draft_id: &str) -> Vec<(String, String, bool)> {
        let mut fields: Vec<_> =
            drafts::load_fields(&db.connection().unwrap(), db.sealer(), draft_id)
                .unwrap()
                .into_iter()
                .map(|f| (f.field_id, f.value, f.prefilled))
                .collect();
        fields.sort();
        fields
    }

    #[test]
    fn the_person_filed_for_is_kept_sealed_with_the_bound_fields() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let prefilled = [
            ("full_name".to_owned(), "Nguyễn Văn An".to_owned()),
            ("birth_date".to_owned(), "1980-01-01".to_owned()),
        ];
        drafts::create(&db, "d1", "1.004194", 100, &prefilled).unwrap();
        assert_eq!(
            load(&db.connection().unwrap(), db.sealer(), "d1").unwrap(),
            None
        );
        let bound = [
            BoundField::Set {
                field_id: "full_name",
                value: "Trần Thị Bình",
            },
            BoundField::Set {
                field_id: "personal_id",
                value: "001099012345",
            },
            BoundField::Clear {
                field_id: "birth_date",
            },
        ];
        save(&db, "d1", Some(&person()), &bound, 200).unwrap();
        assert_eq!(
            load(&db.connection().unwrap(), db.sealer(), "d1").unwrap(),
            Some(person())
        );
        assert_eq!(
            fields(&db, "d1"),
            [
                ("full_name".to_owned(), "Trần Thị Bình".to_owned(), true),
                ("personal_id".to_owned(), "001099012345".to_owned(), true),
            ]
        );
        let connection = db.connection().unwrap();
        let (raw, updated_at): (Vec<u8>, i64) = connection
            .query_row(
                "SELECT on_behalf_of, updated_at FROM drafts WHERE id = 'd1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(updated_at, 200);
        assert!(
            !String::from_utf8_lossy(&raw).contains("001099012345"),
            "sealed on disk"
        );
        // Sealed for its own draft: moved to another, it does not open.
        drop(connection);
        drafts::create(&db, "d2", "1.004194", 100, &[]).unwrap();
        let connection = db.connection().unwrap();
        connection
            .execute(
                "UPDATE drafts SET on_behalf_of = ?1 WHERE id = 'd2'",
                params![raw],
            )
            .unwrap();
        assert!(load(&connection, db.sealer(), "d2").is_err());
    }

    #[test]
    fn back_to_the_citizen_the_record_goes_and_a_frozen_draft_is_not_changed() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        drafts::create(&db, "d1", "1.004194", 100, &[]).unwrap();
        save(&db, "d1", Some(&person()), &[], 200).unwrap();
        let own = [BoundField::Set {
            field_id: "full_name",
            value: "Nguyễn Văn An",
        }];
        save(&db, "d1", None, &own, 300).unwrap();
        assert_eq!(
            load(&db.connection().unwrap(), db.sealer(), "d1").unwrap(),
            None
        );
        assert_eq!(
            fields(&db, "d1"),
            [("full_name".to_owned(), "Nguyễn Văn An".to_owned(), true)]
        );
        drafts::freeze_into_outbox(&db, "d1", "key", 400).unwrap();
        assert!(matches!(
            save(&db, "d1", Some(&person()), &[], 500),
            Err(DossierError::NotEditable)
        ));
        assert_eq!(
            load(&db.connection().unwrap(), db.sealer(), "d1").unwrap(),
            None
        );
        assert!(matches!(
            save(&db, "unknown", None, &[], 500),
            Err(DossierError::NotEditable)
        ));
    }
}
