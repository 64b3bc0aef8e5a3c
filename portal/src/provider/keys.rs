//! The built-in provider's ES256 signing keys: generated on first start, rotated on demand;
//! the active key signs, retired keys stay published so earlier tokens still verify.

use crate::store::sql::{Connection, OptionalExtension, params};
use motcua_protocol::jose::{Algorithm, Header, Jwk, JwkSet, encode_compact};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde::Serialize;

use crate::db::now;
use crate::error::PortalError;
use crate::keystore::{KeyStore, Purpose};
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

/// Makes a new active key: its private half in the key store, committed before `tx`
/// (which the caller commits) makes it the active one here.
fn generate(tx: &Connection, keys: &KeyStore, rng: &SystemRandom) -> Result<String, PortalError> {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)
        .map_err(|_| PortalError::Crypto("cannot generate a P-256 key"))?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), rng)
        .map_err(|_| PortalError::Crypto("cannot parse the generated key"))?;
    let kid = random_b64(rng, 8).map_err(|_| PortalError::Crypto("no randomness"))?;
    keys.put(Purpose::IdToken, &kid, pkcs8.as_ref())?;
    tx.execute(
        "INSERT INTO signing_keys (kid, public_key, created_at, status, ordinal)
         VALUES (?1, ?2, ?3, 'active',
                 (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM signing_keys))",
        params![kid, pair.public_key().as_ref(), now()],
    )?;
    Ok(kid)
}

/// Retires the active key, if any, and makes a new active one, in one transaction; then
/// removes the private halves that no longer sign.
fn replace_active(
    conn: &mut Connection,
    keys: &KeyStore,
    rng: &SystemRandom,
) -> Result<String, PortalError> {
    let tx = conn.transaction_with_behavior(crate::store::sql::TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE signing_keys SET status = 'retired' WHERE status = 'active'",
        [],
    )?;
    let kid = generate(&tx, keys, rng)?;
    tx.commit()?;
    prune(conn, keys, &kid)?;
    Ok(kid)
}

/// Removes from the key store the private halves of every key but `signing`.
fn prune(conn: &Connection, keys: &KeyStore, signing: &str) -> Result<(), PortalError> {
    let removed = keys.prune(Purpose::IdToken, signing, |kid| {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM signing_keys WHERE kid = ?1)",
            [kid],
            |row| row.get(0),
        )
    })?;
    if removed > 0 {
        tracing::info!(removed, "removed private ID-token keys that no longer sign");
    }
    Ok(())
}

/// Makes sure an active key exists and the key store holds its private half (first
/// start; a key store lost or restored from an older backup gets a new key, the old
/// ones stay published); returns its kid.
pub(crate) fn ensure_active(
    conn: &mut Connection,
    keys: &KeyStore,
    rng: &SystemRandom,
) -> Result<String, PortalError> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT kid FROM signing_keys WHERE status = 'active'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    match existing {
        Some(kid) if keys.get(Purpose::IdToken, &kid)?.is_some() => {
            prune(conn, keys, &kid)?;
            Ok(kid)
        }
        Some(_) => {
            tracing::warn!(
                "the key store lacks the private half of the active ID-token key; making a new one"
            );
            replace_active(conn, keys, rng)
        }
        None => replace_active(conn, keys, rng),
    }
}

/// Retires the active key (it stays published, its private half is removed) and makes a
/// new active one; returns its kid.
pub(crate) fn rotate(
    conn: &mut Connection,
    keys: &KeyStore,
    rng: &SystemRandom,
) -> Result<String, PortalError> {
    replace_active(conn, keys, rng)
}

/// Why the active key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] crate::store::sql::Error),
    /// There is no active key, or its private half is missing or does not parse.
    #[error("no usable active signing key")]
    Unusable,
}

/// The active key.
pub(crate) fn active(
    conn: &Connection,
    keys: &KeyStore,
    rng: &SystemRandom,
) -> Result<SigningKey, KeyError> {
    let kid: String = conn
        .prepare_cached("SELECT kid FROM signing_keys WHERE status = 'active'")?
        .query_row([], |row| row.get(0))
        .optional()?
        .ok_or(KeyError::Unusable)?;
    let pkcs8 = keys
        .get(Purpose::IdToken, &kid)?
        .ok_or(KeyError::Unusable)?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, rng)
        .map_err(|_| KeyError::Unusable)?;
    Ok(SigningKey { kid, pair })
}

/// The published key set: the active key and the retired ones, newest first.
pub(crate) fn published(conn: &Connection) -> crate::store::sql::Result<JwkSet> {
    let mut statement = conn.prepare_cached(
        "SELECT kid, public_key FROM signing_keys
         WHERE status IN ('active', 'retired')
         ORDER BY status = 'active' DESC, created_at DESC, ordinal DESC",
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
        let keys = KeyStore::open(dir.path()).unwrap();
        let rng = SystemRandom::new();
        let first = ensure_active(&mut conn, &keys, &rng).unwrap();
        assert_eq!(ensure_active(&mut conn, &keys, &rng).unwrap(), first);
        let token = active(&conn, &keys, &rng)
            .unwrap()
            .sign_jwt(&serde_json::json!({"a": 1}), &rng)
            .unwrap();

        let second = rotate(&mut conn, &keys, &rng).unwrap();
        assert_ne!(first, second);
        assert_eq!(active(&conn, &keys, &rng).unwrap().kid(), second);
        assert!(
            keys.get(Purpose::IdToken, &first).unwrap().is_none(),
            "a retired key's private half is gone"
        );
        let set = published(&conn).unwrap();
        assert_eq!(set.keys.len(), 2);
        assert_eq!(set.keys[0].kid.as_deref(), Some(second.as_str()));
        assert!(set.contains_kid(&first));

        let jws = CompactJws::parse(&token).unwrap();
        assert_eq!(jws.header.kid.as_deref(), Some(first.as_str()));
        assert!(jws.verify(&set, &[Algorithm::Es256]).is_ok());
    }

    #[test]
    fn a_lost_private_half_gets_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(dir.path()).unwrap();
        let keys = KeyStore::open(dir.path()).unwrap();
        let rng = SystemRandom::new();
        let first = ensure_active(&mut conn, &keys, &rng).unwrap();
        keys.remove(Purpose::IdToken, &first).unwrap();
        assert!(matches!(
            active(&conn, &keys, &rng),
            Err(KeyError::Unusable)
        ));
        let second = ensure_active(&mut conn, &keys, &rng).unwrap();
        assert_ne!(first, second);
        assert!(published(&conn).unwrap().contains_kid(&first));
        active(&conn, &keys, &rng).unwrap();
    }
}
