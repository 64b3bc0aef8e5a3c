//! JWS compact serialisation (RFC 7515), JSON Web Keys (RFC 7517) and ID-token validation
//! (OpenID Connect Core §3.1.3.7), with an explicit algorithm allow-list.
//!
//! Hand-written over `ring` rather than taken from a JWT crate because validation is exactly
//! where we need control: every way a token can be wrong has its own typed error (the apps
//! and the tests branch on them), `none` and the HMAC family can never be selected by a
//! token's header, and keys are picked by `kid` so that the provider can rotate them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, UnparsedPublicKey};
use serde::{Deserialize, Deserializer, Serialize};

use crate::identity::{CitizenProfile, IdentityLevel};

/// Signature algorithms we accept. `none` and `HS*` are not representable on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// ECDSA with P-256 and SHA-256 (our portal's provider signs with this).
    Es256,
    /// Ed25519.
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256, at least 2048-bit keys (the OIDC default, used by
    /// most external providers).
    Rs256,
}

impl Algorithm {
    /// Every algorithm this module can verify; the default allow-list.
    pub const ALL: [Algorithm; 3] = [Algorithm::Es256, Algorithm::EdDsa, Algorithm::Rs256];

    /// The JOSE name (`alg` header value).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Rs256 => "RS256",
        }
    }

    /// Looks up a JOSE name; exact match, as RFC 7515 names are case-sensitive.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|alg| alg.name() == name)
    }
}

/// Why a JWS could not be verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoseError {
    /// Not three base64url parts of JSON, or a part does not decode.
    #[error("malformed JWS: {0}")]
    Malformed(&'static str),
    /// The header names an algorithm that is not on the allow-list (`none`, `HS256`, …).
    #[error("algorithm {0:?} is not allowed")]
    AlgorithmNotAllowed(String),
    /// The header carries `crit` extensions we do not understand (RFC 7515 §4.1.11).
    #[error("unsupported critical header parameters")]
    CriticalHeader,
    /// No key of the set matches the header's `kid` (the caller may refresh the set once).
    #[error("no key with id {kid:?} in the key set")]
    UnknownKey {
        /// The `kid` the token asked for.
        kid: Option<String>,
    },
    /// A key was found but its parameters cannot be used for this algorithm.
    #[error("key unusable: {0}")]
    KeyUnusable(&'static str),
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
}

/// The protected header of a JWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Algorithm name as written in the token.
    pub alg: String,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Media type, `JWT` for ID tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// Critical extensions; any value makes us refuse the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<Vec<String>>,
}

/// A public JSON Web Key. Only the members needed for EC P-256, Ed25519 and RSA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type: `EC`, `OKP` or `RSA`.
    pub kty: String,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Algorithm the key is meant for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Intended use (`sig`).
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// Curve (`P-256`, `Ed25519`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// EC x coordinate or OKP public key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA exponent, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

impl Jwk {
    /// The JWK of a P-256 public key given as an uncompressed SEC1 point (`04 || X || Y`),
    /// as `ring` returns it.
    pub fn p256(kid: &str, uncompressed_point: &[u8]) -> Option<Jwk> {
        if uncompressed_point.len() != 65 || uncompressed_point[0] != 0x04 {
            return None;
        }
        Some(Jwk {
            kty: "EC".into(),
            kid: Some(kid.into()),
            alg: Some(Algorithm::Es256.name().into()),
            key_use: Some("sig".into()),
            crv: Some("P-256".into()),
            x: Some(URL_SAFE_NO_PAD.encode(&uncompressed_point[1..33])),
            y: Some(URL_SAFE_NO_PAD.encode(&uncompressed_point[33..])),
            n: None,
            e: None,
        })
    }

    /// The JWK of an Ed25519 public key.
    pub fn ed25519(kid: &str, public_key: &[u8]) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            kid: Some(kid.into()),
            alg: Some(Algorithm::EdDsa.name().into()),
            key_use: Some("sig".into()),
            crv: Some("Ed25519".into()),
            x: Some(URL_SAFE_NO_PAD.encode(public_key)),
            y: None,
            n: None,
            e: None,
        }
    }

    fn fits(&self, alg: Algorithm) -> bool {
        if self.key_use.as_deref().is_some_and(|u| u != "sig") {
            return false;
        }
        if self.alg.as_deref().is_some_and(|a| a != alg.name()) {
            return false;
        }
        match alg {
            Algorithm::Es256 => self.kty == "EC" && self.crv.as_deref() == Some("P-256"),
            Algorithm::EdDsa => self.kty == "OKP" && self.crv.as_deref() == Some("Ed25519"),
            Algorithm::Rs256 => self.kty == "RSA",
        }
    }

    fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<(), JoseError> {
        let member = |value: &Option<String>, name: &'static str| {
            let text = value.as_deref().ok_or(JoseError::KeyUnusable(name))?;
            URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|_| JoseError::KeyUnusable(name))
        };
        let outcome = match alg {
            Algorithm::Es256 => {
                let x = member(&self.x, "EC key without a valid x")?;
                let y = member(&self.y, "EC key without a valid y")?;
                if x.len() != 32 || y.len() != 32 {
                    return Err(JoseError::KeyUnusable("EC coordinates are not 32 bytes"));
                }
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, sig)
            }
            Algorithm::EdDsa => {
                let x = member(&self.x, "OKP key without a valid x")?;
                UnparsedPublicKey::new(&signature::ED25519, x).verify(message, sig)
            }
            Algorithm::Rs256 => {
                let n = member(&self.n, "RSA key without a valid n")?;
                let e = member(&self.e, "RSA key without a valid e")?;
                signature::RsaPublicKeyComponents { n, e }.verify(
                    &signature::RSA_PKCS1_2048_8192_SHA256,
                    message,
                    sig,
                )
            }
        };
        outcome.map_err(|_| JoseError::BadSignature)
    }
}

/// A JWK set, as served at a provider's `jwks_uri`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    /// The keys; unknown key types are kept and simply never match.
    pub keys: Vec<Jwk>,
}

impl JwkSet {
    /// Whether the set has a key with this id.
    pub fn contains_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }
}

/// A parsed but not yet verified compact JWS.
#[derive(Debug, Clone)]
pub struct CompactJws {
    /// The decoded protected header.
    pub header: Header,
    signing_input: String,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl CompactJws {
    /// Splits and decodes a compact JWS without verifying anything.
    pub fn parse(token: &str) -> Result<CompactJws, JoseError> {
        let mut parts = token.trim().split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JoseError::Malformed(
                "a compact JWS has exactly three parts",
            ));
        };
        let decode = |part: &str, what: &'static str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| JoseError::Malformed(what))
        };
        let header_json = decode(header_b64, "header is not base64url")?;
        let header: Header = serde_json::from_slice(&header_json)
            .map_err(|_| JoseError::Malformed("header is not a JSON object with alg"))?;
        Ok(CompactJws {
            header,
            signing_input: format!("{header_b64}.{payload_b64}"),
            payload: decode(payload_b64, "payload is not base64url")?,
            signature: decode(signature_b64, "signature is not base64url")?,
        })
    }

    /// Verifies the signature against `keys`, allowing only `allowed` algorithms, and returns
    /// the payload bytes.
    pub fn verify(&self, keys: &JwkSet, allowed: &[Algorithm]) -> Result<&[u8], JoseError> {
        let alg = Algorithm::from_name(&self.header.alg)
            .filter(|alg| allowed.contains(alg))
            .ok_or_else(|| JoseError::AlgorithmNotAllowed(self.header.alg.clone()))?;
        if self.header.crit.is_some() {
            return Err(JoseError::CriticalHeader);
        }
        let kid = self.header.kid.as_deref();
        let candidates: Vec<&Jwk> = keys
            .keys
            .iter()
            .filter(|k| kid.is_none() || k.kid.as_deref() == kid)
            .filter(|k| k.fits(alg))
            .collect();
        if candidates.is_empty() {
            return Err(JoseError::UnknownKey {
                kid: kid.map(str::to_owned),
            });
        }
        // Without a `kid` a provider with one key is fine; with several, any may have signed.
        let mut last_error = JoseError::BadSignature;
        for key in candidates {
            match key.verify(alg, self.signing_input.as_bytes(), &self.signature) {
                Ok(()) => return Ok(&self.payload),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }
}

/// Builds a compact JWS: `sign` receives the signing input and returns the raw signature
/// (for ES256 the fixed-size `r || s` form).
pub fn encode_compact<E>(
    header: &Header,
    payload: &impl Serialize,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, E>,
) -> Result<String, E> {
    // Serialising our own header and claims structs cannot fail.
    let header_json = serde_json::to_vec(header).unwrap_or_default();
    let payload_json = serde_json::to_vec(payload).unwrap_or_default();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(payload_json)
    );
    let signature = sign(signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// The OIDC `address` claim (OIDC Core §5.1.1); we use `formatted`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressClaim {
    /// The full address in one string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// Street address part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// Commune / ward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// Province / city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl AddressClaim {
    /// One line for display: `formatted`, or the parts joined.
    pub fn one_line(&self) -> Option<String> {
        if let Some(formatted) = &self.formatted {
            return Some(formatted.clone());
        }
        let parts: Vec<&str> = [&self.street_address, &self.locality, &self.region]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// The claims of an ID token that we read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// Issuer.
    pub iss: String,
    /// Subject.
    pub sub: String,
    /// Audience(s); a single string on the wire is accepted.
    #[serde(deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Expiry, seconds since the epoch.
    #[serde(deserialize_with = "numeric_date")]
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    #[serde(deserialize_with = "numeric_date")]
    pub iat: i64,
    /// Nonce echoed from the authorization request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Authorised party (required when there are several audiences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// Authentication context class: the identity level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD` (VNeID's `YYYYMMDD` is accepted and normalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressClaim>,
    /// The 12-digit personal ID number ([`crate::identity::CLAIM_PERSONAL_ID`]).
    #[serde(
        rename = "vn_personal_id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub personal_id: Option<String>,
}

impl IdTokenClaims {
    /// The citizen profile these claims describe.
    pub fn to_profile(&self) -> CitizenProfile {
        let full_name = self.name.clone().unwrap_or_else(|| {
            [self.family_name.as_deref(), self.given_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        });
        CitizenProfile {
            issuer: self.iss.clone(),
            subject: self.sub.clone(),
            full_name,
            personal_id: self.personal_id.clone(),
            birth_date: self.birthdate.as_deref().map(normalise_birthdate),
            address: self.address.as_ref().and_then(AddressClaim::one_line),
            identity_level: IdentityLevel::from_acr(self.acr.as_deref()),
        }
    }
}

fn normalise_birthdate(value: &str) -> String {
    let digits = value.trim();
    if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..])
    } else {
        digits.to_owned()
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

fn numeric_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    // RFC 7519 NumericDate may carry a fraction; some providers send one.
    let value = f64::deserialize(deserializer)?;
    if value.is_finite() && value.abs() < 1e15 {
        Ok(value.trunc() as i64)
    } else {
        Err(serde::de::Error::custom("NumericDate out of range"))
    }
}

/// What the relying party expects of an ID token.
#[derive(Debug, Clone)]
pub struct IdTokenRules<'a> {
    /// The issuer identifier from discovery.
    pub issuer: &'a str,
    /// Our client id: must be an audience.
    pub client_id: &'a str,
    /// The nonce we sent; `None` when the validating party did not send one (the portal).
    pub nonce: Option<&'a str>,
    /// Current time, seconds since the epoch (the caller owns the clock).
    pub now: i64,
    /// Allowed clock difference in seconds; capped at [`MAX_CLOCK_SKEW_SECS`].
    pub clock_skew_secs: i64,
    /// If set, tokens issued longer ago than this many seconds are refused.
    pub max_age_secs: Option<i64>,
    /// Allowed signature algorithms.
    pub algorithms: &'a [Algorithm],
}

/// The largest clock skew a caller may allow: a phone's clock can be minutes off, but an
/// hour of tolerance would make expiry meaningless.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// The signature layer failed.
    #[error(transparent)]
    Jose(#[from] JoseError),
    /// The payload is not a claims object with the required members.
    #[error("ID token claims are malformed: {0}")]
    MalformedClaims(String),
    /// `iss` is not the expected issuer.
    #[error("issuer {found:?} is not the expected {expected:?}")]
    WrongIssuer {
        /// What we expected.
        expected: String,
        /// What the token says.
        found: String,
    },
    /// Our client id is not an audience, or several audiences without us as `azp`.
    #[error("the token is not meant for this client")]
    WrongAudience,
    /// `exp` has passed (beyond the allowed skew).
    #[error("the token expired")]
    Expired,
    /// `iat` is in the future (beyond the allowed skew), or `exp` is before `iat`.
    #[error("the token is issued in the future")]
    NotYetValid,
    /// `iat` is older than the allowed maximum age.
    #[error("the token is too old")]
    TooOld,
    /// The nonce is missing or differs from the one we sent.
    #[error("nonce mismatch")]
    NonceMismatch,
}

/// Verifies the signature of an ID token and its claims (OIDC Core §3.1.3.7, items 1–3, 6–11).
pub fn validate_id_token(
    token: &str,
    keys: &JwkSet,
    rules: &IdTokenRules<'_>,
) -> Result<IdTokenClaims, IdTokenError> {
    let jws = CompactJws::parse(token)?;
    let payload = jws.verify(keys, rules.algorithms)?;
    let claims: IdTokenClaims = serde_json::from_slice(payload)
        .map_err(|e| IdTokenError::MalformedClaims(e.to_string()))?;
    check_claims(&claims, rules)?;
    Ok(claims)
}

/// The claim checks alone, on already verified claims.
pub fn check_claims(claims: &IdTokenClaims, rules: &IdTokenRules<'_>) -> Result<(), IdTokenError> {
    if claims.iss != rules.issuer {
        return Err(IdTokenError::WrongIssuer {
            expected: rules.issuer.to_owned(),
            found: claims.iss.clone(),
        });
    }
    if !claims.aud.iter().any(|aud| aud == rules.client_id) {
        return Err(IdTokenError::WrongAudience);
    }
    if claims.aud.len() > 1 && claims.azp.as_deref() != Some(rules.client_id) {
        return Err(IdTokenError::WrongAudience);
    }
    if claims
        .azp
        .as_deref()
        .is_some_and(|azp| azp != rules.client_id)
    {
        return Err(IdTokenError::WrongAudience);
    }
    let skew = rules.clock_skew_secs.clamp(0, MAX_CLOCK_SKEW_SECS);
    if claims.exp + skew <= rules.now {
        return Err(IdTokenError::Expired);
    }
    if claims.iat - skew > rules.now || claims.exp < claims.iat {
        return Err(IdTokenError::NotYetValid);
    }
    if let Some(max_age) = rules.max_age_secs
        && rules.now - claims.iat > max_age + skew
    {
        return Err(IdTokenError::TooOld);
    }
    if let Some(expected) = rules.nonce {
        let received = claims.nonce.as_deref().unwrap_or_default();
        if !crate::oidc::secrets_equal(expected, received) {
            return Err(IdTokenError::NonceMismatch);
        }
    }
    if claims.sub.is_empty() {
        return Err(IdTokenError::MalformedClaims("empty sub".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};
    use serde_json::json;

    struct Signer {
        kid: String,
        pair: EcdsaKeyPair,
    }

    impl Signer {
        fn new(kid: &str) -> Signer {
            let rng = SystemRandom::new();
            let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
            let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
            Signer {
                kid: kid.into(),
                pair,
            }
        }
        fn jwk(&self) -> Jwk {
            Jwk::p256(&self.kid, self.pair.public_key().as_ref()).unwrap()
        }
        fn sign(&self, header: Header, claims: &serde_json::Value) -> String {
            encode_compact(&header, claims, |input| {
                self.pair
                    .sign(&SystemRandom::new(), input)
                    .map(|s| s.as_ref().to_vec())
            })
            .unwrap()
        }
        fn header(&self) -> Header {
            Header {
                alg: "ES256".into(),
                kid: Some(self.kid.clone()),
                typ: Some("JWT".into()),
                crit: None,
            }
        }
    }

    const NOW: i64 = 1_800_000_000;

    fn claims() -> serde_json::Value {
        json!({
            "iss": "https://id.example", "sub": "citizen-1", "aud": "motcua-app",
            "exp": NOW + 300, "iat": NOW - 10, "nonce": "n-123", "acr": "LoA2",
            "name": "Nguyễn Thị Lan", "birthdate": "19870312",
            "address": {"formatted": "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế"},
            "vn_personal_id": "046187000123"
        })
    }

    fn rules() -> IdTokenRules<'static> {
        IdTokenRules {
            issuer: "https://id.example",
            client_id: "motcua-app",
            nonce: Some("n-123"),
            now: NOW,
            clock_skew_secs: 60,
            max_age_secs: None,
            algorithms: &Algorithm::ALL,
        }
    }

    fn keys(signers: &[&Signer]) -> JwkSet {
        JwkSet {
            keys: signers.iter().map(|s| s.jwk()).collect(),
        }
    }

    #[test]
    fn a_good_token_validates_and_maps_to_a_profile() {
        let signer = Signer::new("k1");
        let token = signer.sign(signer.header(), &claims());
        let claims = validate_id_token(&token, &keys(&[&signer]), &rules()).unwrap();
        let profile = claims.to_profile();
        assert_eq!(profile.full_name, "Nguyễn Thị Lan");
        assert_eq!(profile.birth_date.as_deref(), Some("1987-03-12"));
        assert_eq!(profile.identity_level, IdentityLevel::Level2);
        assert_eq!(profile.personal_id.as_deref(), Some("046187000123"));
    }

    #[test]
    fn rotation_picks_the_key_by_kid() {
        let old = Signer::new("2025");
        let new = Signer::new("2026");
        let set = keys(&[&old, &new]);
        for signer in [&old, &new] {
            let token = signer.sign(signer.header(), &claims());
            assert!(validate_id_token(&token, &set, &rules()).is_ok());
        }
        let only_old = keys(&[&old]);
        let token = new.sign(new.header(), &claims());
        assert_eq!(
            validate_id_token(&token, &only_old, &rules()),
            Err(IdTokenError::Jose(JoseError::UnknownKey {
                kid: Some("2026".into())
            }))
        );
    }

    #[test]
    fn none_and_hmac_are_refused_before_any_key_is_looked_at() {
        let signer = Signer::new("k1");
        let set = keys(&[&signer]);
        let body = URL_SAFE_NO_PAD.encode(claims().to_string());
        for alg in ["none", "HS256", "HS512", "es256"] {
            let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": "k1"}).to_string());
            let token = format!("{header}.{body}.");
            assert_eq!(
                validate_id_token(&token, &set, &rules()),
                Err(IdTokenError::Jose(JoseError::AlgorithmNotAllowed(
                    alg.into()
                )))
            );
        }
    }

    #[test]
    fn an_allow_list_narrower_than_all_is_honoured() {
        let signer = Signer::new("k1");
        let token = signer.sign(signer.header(), &claims());
        let mut narrow = rules();
        narrow.algorithms = &[Algorithm::EdDsa];
        assert_eq!(
            validate_id_token(&token, &keys(&[&signer]), &narrow),
            Err(IdTokenError::Jose(JoseError::AlgorithmNotAllowed(
                "ES256".into()
            )))
        );
    }

    #[test]
    fn any_flipped_bit_breaks_the_signature() {
        let signer = Signer::new("k1");
        let set = keys(&[&signer]);
        let token = signer.sign(signer.header(), &claims());
        let (head, sig) = token.rsplit_once('.').unwrap();
        let mut raw = URL_SAFE_NO_PAD.decode(sig).unwrap();
        for i in 0..raw.len() {
            raw[i] ^= 1;
            let forged = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&raw));
            assert_eq!(
                validate_id_token(&forged, &set, &rules()),
                Err(IdTokenError::Jose(JoseError::BadSignature))
            );
            raw[i] ^= 1;
        }
        // Claims changed after signing.
        let mut changed = claims();
        changed["sub"] = json!("someone-else");
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(changed.to_string()),
            parts[2]
        );
        assert_eq!(
            validate_id_token(&forged, &set, &rules()),
            Err(IdTokenError::Jose(JoseError::BadSignature))
        );
    }

    #[test]
    fn a_key_with_the_right_kid_but_other_material_fails_signature() {
        let real = Signer::new("k1");
        let impostor = Signer::new("k1");
        let token = impostor.sign(impostor.header(), &claims());
        assert_eq!(
            validate_id_token(&token, &keys(&[&real]), &rules()),
            Err(IdTokenError::Jose(JoseError::BadSignature))
        );
    }

    #[test]
    fn ed25519_tokens_verify() {
        let rng = SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let header = Header {
            alg: "EdDSA".into(),
            kid: Some("ed".into()),
            typ: None,
            crit: None,
        };
        let token = encode_compact(&header, &claims(), |input| {
            Ok::<_, ()>(pair.sign(input).as_ref().to_vec())
        })
        .unwrap();
        let set = JwkSet {
            keys: vec![Jwk::ed25519("ed", pair.public_key().as_ref())],
        };
        assert!(validate_id_token(&token, &set, &rules()).is_ok());
    }

    #[test]
    fn claim_checks_each_have_their_error() {
        let signer = Signer::new("k1");
        let set = keys(&[&signer]);
        let check = |edit: &dyn Fn(&mut serde_json::Value), rules: &IdTokenRules<'_>| {
            let mut c = claims();
            edit(&mut c);
            validate_id_token(&signer.sign(signer.header(), &c), &set, rules)
        };
        let r = rules();
        assert!(matches!(
            check(&|c| c["iss"] = json!("https://evil.example"), &r),
            Err(IdTokenError::WrongIssuer { .. })
        ));
        assert_eq!(
            check(&|c| c["aud"] = json!("other-app"), &r),
            Err(IdTokenError::WrongAudience)
        );
        assert_eq!(
            check(&|c| c["aud"] = json!(["motcua-app", "other"]), &r),
            Err(IdTokenError::WrongAudience)
        );
        assert!(
            check(
                &|c| {
                    c["aud"] = json!(["motcua-app", "other"]);
                    c["azp"] = json!("motcua-app");
                },
                &r
            )
            .is_ok()
        );
        assert_eq!(
            check(&|c| c["exp"] = json!(NOW - 61), &r),
            Err(IdTokenError::Expired)
        );
        // Within the skew an expiry just passed is tolerated.
        assert!(
            check(
                &|c| {
                    c["exp"] = json!(NOW - 30);
                    c["iat"] = json!(NOW - 400);
                },
                &r
            )
            .is_ok()
        );
        assert_eq!(
            check(&|c| c["iat"] = json!(NOW + 3600), &r),
            Err(IdTokenError::NotYetValid)
        );
        assert_eq!(
            check(&|c| c["nonce"] = json!("n-999"), &r),
            Err(IdTokenError::NonceMismatch)
        );
        assert_eq!(
            check(
                &|c| c
                    .as_object_mut()
                    .unwrap()
                    .remove("nonce")
                    .map(|_| ())
                    .unwrap_or(()),
                &r
            ),
            Err(IdTokenError::NonceMismatch)
        );
        assert!(matches!(
            check(
                &|c| c
                    .as_object_mut()
                    .unwrap()
                    .remove("sub")
                    .map(|_| ())
                    .unwrap_or(()),
                &r
            ),
            Err(IdTokenError::MalformedClaims(_))
        ));
        let mut old = rules();
        old.max_age_secs = Some(5);
        assert_eq!(
            check(&|c| c["iat"] = json!(NOW - 200), &old),
            Err(IdTokenError::TooOld)
        );
        // A caller cannot widen the skew to make expiry meaningless.
        let mut lax = rules();
        lax.clock_skew_secs = 1_000_000;
        assert_eq!(
            check(&|c| c["exp"] = json!(NOW - 3600), &lax),
            Err(IdTokenError::Expired)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let set = JwkSet::default();
        for token in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b",
            "a.b.c.d",
            "e30.e30.",
            "!!!.e30.e30",
        ] {
            assert!(matches!(
                validate_id_token(token, &set, &rules()),
                Err(IdTokenError::Jose(JoseError::Malformed(_)))
            ));
        }
        let crit = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","crit":["exp"]}"#);
        let token = format!("{crit}.e30.AAAA");
        assert_eq!(
            validate_id_token(&token, &set, &rules()),
            Err(IdTokenError::Jose(JoseError::CriticalHeader))
        );
    }
}
