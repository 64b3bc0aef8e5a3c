//! A provider that answers with bad ID tokens: each is refused with its own typed error and
//! nothing is stored. The portal here trusts the scripted provider as its external issuer,
//! so the good cases go all the way to a portal session (and prove the harness can pass).

mod common;

use common::scripted_provider::ScriptedProvider;
use common::*;
use motcua_core::Localized as _;
use motcua_core::identity::IdentityError;
use motcua_protocol::identity::CitizenProfile;
use serde_json::json;

const REDIRECT: &str = "http://127.0.0.1:1/callback";

struct Setup {
    provider: ScriptedProvider,
    _portal: Portal,
    phone: Phone,
}

async fn setup() -> Setup {
    let provider = ScriptedProvider::start().await;
    let issuer = provider.issuer();
    let portal = start_portal_with(|c| {
        c.issuer = Some(url::Url::parse(&issuer).unwrap());
    })
    .await;
    let phone = open_phone(&portal.running.base_url(), &issuer, REDIRECT);
    Setup {
        provider,
        _portal: portal,
        phone,
    }
}

/// One login in which the provider answers with the token `make` builds for our nonce.
async fn attempt(
    setup: &Setup,
    make: impl Fn(&ScriptedProvider, &str) -> String,
) -> Result<CitizenProfile, IdentityError> {
    let identity = setup.phone.core.identity();
    let request = identity.begin_login().await.expect("begin_login");
    let state = query_param(&request.url, "state").unwrap();
    let nonce = query_param(&request.url, "nonce").unwrap();
    setup.provider.set_id_token(make(&setup.provider, &nonce));
    let result = identity
        .complete_login(&setup.provider.callback(REDIRECT, &state))
        .await;
    if result.is_err() {
        assert!(
            holds_no_login_secrets(&setup.phone),
            "a refused login must store nothing"
        );
    }
    result
}

fn assert_code(result: Result<CitizenProfile, IdentityError>, code: &str) {
    match result {
        Ok(_) => panic!("expected {code}, but the login succeeded"),
        Err(error) => {
            assert_eq!(error.code(), code, "{error:?}");
            assert!(!error.message(motcua_core::Lang::Vi).is_empty());
        }
    }
}

#[tokio::test]
async fn a_good_token_passes_and_every_bad_one_has_its_error() {
    let setup = setup().await;
    let profile = attempt(&setup, |p, nonce| {
        p.sign("ES256", "k1", "k1", &p.claims(nonce))
    })
    .await
    .expect("a valid token logs in");
    assert_eq!(profile.full_name, "Đặng Thị Thu");
    setup.phone.core.identity().logout().await.unwrap();
    assert!(holds_no_login_secrets(&setup.phone));

    assert_code(
        attempt(&setup, |p, nonce| p.unsigned(&p.claims(nonce))).await,
        "id_token_algorithm_not_allowed",
    );
    assert_code(
        attempt(&setup, |p, nonce| {
            p.sign("HS256", "k1", "k1", &p.claims(nonce))
        })
        .await,
        "id_token_algorithm_not_allowed",
    );
    // Signed by a key the provider never published, under the published key's id.
    setup.provider.add_key("forger", false);
    assert_code(
        attempt(&setup, |p, nonce| {
            p.sign("ES256", "k1", "forger", &p.claims(nonce))
        })
        .await,
        "id_token_bad_signature",
    );
    // A valid signature over claims that were changed afterwards.
    assert_code(
        attempt(&setup, |p, nonce| {
            let token = p.sign("ES256", "k1", "k1", &p.claims(nonce));
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            let mut claims = p.claims(nonce);
            claims["sub"] = json!("someone-else");
            use base64::Engine as _;
            parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
            parts.join(".")
        })
        .await,
        "id_token_bad_signature",
    );
    assert_code(
        attempt(&setup, |p, nonce| {
            let mut claims = p.claims(nonce);
            claims["aud"] = json!("another-app");
            p.sign("ES256", "k1", "k1", &claims)
        })
        .await,
        "id_token_wrong_audience",
    );
    assert_code(
        attempt(&setup, |p, nonce| {
            let mut claims = p.claims(nonce);
            claims["iss"] = json!("https://evil.example");
            p.sign("ES256", "k1", "k1", &claims)
        })
        .await,
        "id_token_wrong_issuer",
    );
    assert_code(
        attempt(&setup, |p, nonce| {
            let mut claims = p.claims(nonce);
            let iat = claims["iat"].as_i64().unwrap() - 7200;
            claims["iat"] = json!(iat);
            claims["exp"] = json!(iat + 600);
            p.sign("ES256", "k1", "k1", &claims)
        })
        .await,
        "id_token_expired",
    );
    assert_code(
        attempt(&setup, |p, _nonce| {
            p.sign("ES256", "k1", "k1", &p.claims("another-nonce"))
        })
        .await,
        "id_token_nonce_mismatch",
    );
    assert_code(
        attempt(&setup, |p, nonce| {
            let mut claims = p.claims(nonce);
            claims.as_object_mut().unwrap().remove("nonce");
            p.sign("ES256", "k1", "k1", &claims)
        })
        .await,
        "id_token_nonce_mismatch",
    );
    setup.provider.add_key("k9", false);
    assert_code(
        attempt(&setup, |p, nonce| {
            p.sign("ES256", "k9", "k9", &p.claims(nonce))
        })
        .await,
        "id_token_unknown_key",
    );
    assert_code(
        attempt(&setup, |_, _| "not.a-token".to_owned()).await,
        "id_token_malformed",
    );
}

#[tokio::test]
async fn a_rotated_key_is_fetched_by_kid() {
    let setup = setup().await;
    // First login caches the provider's keys (k1 only).
    attempt(&setup, |p, nonce| {
        p.sign("ES256", "k1", "k1", &p.claims(nonce))
    })
    .await
    .expect("login with k1");
    setup.phone.core.identity().logout().await.unwrap();

    // The provider rotates: k2 published, k1 retired.
    setup.provider.add_key("k2", true);
    setup.provider.unpublish("k1");
    let profile = attempt(&setup, |p, nonce| {
        p.sign("ES256", "k2", "k2", &p.claims(nonce))
    })
    .await
    .expect("the core and the portal refetch the keys for the new kid");
    assert_eq!(profile.subject, "scripted-citizen-7");

    // Tokens under the retired key are now refused.
    setup.phone.core.identity().logout().await.unwrap();
    assert_code(
        attempt(&setup, |p, nonce| {
            p.sign("ES256", "k1", "k1", &p.claims(nonce))
        })
        .await,
        "id_token_unknown_key",
    );
}

#[tokio::test]
async fn a_callback_from_another_issuer_is_refused() {
    let setup = setup().await;
    let identity = setup.phone.core.identity();
    let request = identity.begin_login().await.unwrap();
    let state = query_param(&request.url, "state").unwrap();
    let nonce = query_param(&request.url, "nonce").unwrap();
    let provider = &setup.provider;
    provider.set_id_token(provider.sign("ES256", "k1", "k1", &provider.claims(&nonce)));
    let callback = with_param(
        &provider.callback(REDIRECT, &state),
        "iss",
        "https://other-idp.example",
    );
    let err = identity.complete_login(&callback).await.unwrap_err();
    assert_eq!(err.code(), "issuer_mismatch");
    assert!(holds_no_login_secrets(&setup.phone));
}
