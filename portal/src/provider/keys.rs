//! The built-in provider's ES256 signing keys: generated on first start, rotated on demand;
//! the active key signs, retired keys stay published so earlier tokens still verify.

use motcua_protocol::jose::{Algorithm, Header, Jwk, JwkSet, encode_compact};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::db::now;
use crate::error::PortalError;
use crate::secrets::random_b64;

/// The active signing key, parsed.
pub(crate) struct SigningKey {
    kid: String,
    pair: EcdsaKeyPair,
}

impl SigningKey {
    /// The key id (`kid`) tokens signed with it carry.
    #[cfg(test)]
    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs `payload` as a compact JWS with header `{alg: ES256, kid, typ: JWT}`.
    pub(crate) fn sign_jwt(
        &self,
        payload: &impl Serialize,
        rng: &SystemRandom,
    ) -> Result<String, ring::error::Unspecified> {
        let header = Header {
            alg: Algorithm::Es256.name().into(),
            kid: Some(self.kid.clone()),
            typ: Some("JWT".into()),
            crit: None,
        };
        encode_compact(&header, payload, |input| {
            self.pair
                .sign(rng, input)
                .map(|signature| signature.as_ref().to_vec())
        })
    }
}

fn generate(conn: &Connection, rng: &SystemRandom) -> Result<String, PortalError> {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)
        .map_err(|_| PortalError::Crypto("cannot generate a P-256 key"))?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), rng)
        .map_err(|_| PortalError::Crypto("cannot parse the generated key"))?;
    let kid = random_b64(rng, 8).map_err(|_| PortalError::Crypto("no randomness"))?;
    conn.execute(
        "INSERT INTO signing_keys (kid, pkcs8, public_key, created_at, status)
         VALUES (?1, ?2, ?3, ?4, 'active')",
        params![kid, pkcs8.as_ref(), pair.public_key().as_ref(), now()],
    )?;
    Ok(kid)
}

/// Makes sure an active key exists (first start); returns its kid.
pub(crate) fn ensure_active(
    conn: &mut Connection,
    rng: &SystemRandom,
) -> Result<String, PortalError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT kid FROM signing_keys WHERE status = 'active'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let kid = match existing {
        Some(kid) => kid,
        None => generate(&tx, rng)?,
    };
    tx.commit()?;
    Ok(kid)
}

/// Retires the active key (it stays published) and makes a new active one; returns its kid.
pub(crate) fn rotate(conn: &mut Connection, rng: &SystemRandom) -> Result<String, PortalError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE signing_keys SET status = 'retired' WHERE status = 'active'",
        [],
    )?;
    let kid = generate(&tx, rng)?;
    tx.commit()?;
    Ok(kid)
}

/// Why the active key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] rusqlite::Error),
    /// There is no active key, or it does not parse.
    #[error("no usable active signing key")]
    Unusable,
}

/// The active key.
pub(crate) fn active(conn: &Connection, rng: &SystemRandom) -> Result<SigningKey, KeyError> {
    let (kid, pkcs8): (String, Vec<u8>) = conn
        .prepare_cached("SELECT kid, pkcs8 FROM signing_keys WHERE status = 'active'")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .ok_or(KeyError::Unusable)?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, rng)
        .map_err(|_| KeyError::Unusable)?;
    Ok(SigningKey { kid, pair })
}

/// The published key set: the active key and the retired ones, newest first.
pub(crate) fn published(conn: &Connection) -> rusqlite::Result<JwkSet> {
    let mut statement = conn.prepare_cached(
        "SELECT kid, public_key FROM signing_keys
         WHERE status IN ('active', 'retired')
         ORDER BY status = 'active' DESC, created_at DESC, rowid DESC",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut keys = Vec::new();
    for row in rows {
        let (kid, public_key) = row?;
        match Jwk::p256(&kid, &public_key) {
            Some(jwk) => keys.push(jwk),
            None => tracing::error!(kid, "stored public key is not an uncompressed P-256 point"),
        }
    }
    Ok(JwkSet { keys })
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_protocol::jose::CompactJws;

    #[test]
    fn rotation_keeps_the_old_key_published() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(dir.path()).unwrap();
        let rng = SystemRandom::new();
        let first = ensure_active(&mut conn, &rng).unwrap();
        assert_eq!(ensure_active(&mut conn, &rng).unwrap(), first);
        let token = active(&conn, &rng)
            .unwrap()
            .sign_jwt(&serde_json::json!({"a": 1}), &rng)
            .unwrap();

        let second = rotate(&mut conn, &rng).unwrap();
        assert_ne!(first, second);
        assert_eq!(active(&conn, &rng).unwrap().kid(), second);
        let set = published(&conn).unwrap();
        assert_eq!(set.keys.len(), 2);
        assert_eq!(set.keys[0].kid.as_deref(), Some(second.as_str()));
        assert!(set.contains_kid(&first));

        let jws = CompactJws::parse(&token).unwrap();
        assert_eq!(jws.header.kid.as_deref(), Some(first.as_str()));
        assert!(jws.verify(&set, &[Algorithm::Es256]).is_ok());
    }
}
