//! Electronic-identity login end to end: the real core against the real portal and its
//! built-in OpenID provider, over real HTTP, with the login page driven as a browser would.

mod common;

use common::*;
use motcua_core::Localized as _;
use motcua_core::identity::IdentityError;
use motcua_core::secure_store::SecureStore as _;
use motcua_protocol::identity::IdentityLevel;

fn level2_citizen() -> &'static motcua_portal::DemoCitizen {
    motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .expect("a level-2 demo citizen")
}

fn level1_citizen() -> &'static motcua_portal::DemoCitizen {
    motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level1)
        .expect("a level-1 demo citizen")
}

#[tokio::test]
async fn login_whoami_refresh_and_logout_revokes() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let citizen = level2_citizen();

    let profile = login(&phone, citizen.subject).await;
    assert_eq!(profile.full_name, citizen.full_name);
    assert_eq!(profile.personal_id.as_deref(), Some(citizen.personal_id));
    assert_eq!(profile.birth_date.as_deref(), Some(citizen.birth_date));
    assert_eq!(profile.identity_level, IdentityLevel::Level2);
    assert_eq!(
        phone.core.identity().identity_level().unwrap(),
        Some(IdentityLevel::Level2)
    );
    // The login in progress is consumed; only the session remains.
    assert_eq!(
        phone.secrets.keys(),
        vec![PROFILE_OWNER_KEY.to_owned(), SESSION_KEY.to_owned()]
    );
    // The owner is a digest: the keystore names no one in the clear.
    let owner =
        motcua_core::secure_store::SecureStore::get(phone.secrets.as_ref(), PROFILE_OWNER_KEY)
            .unwrap()
            .unwrap();
    assert_eq!(owner.len(), 64);
    assert!(!String::from_utf8_lossy(&owner).contains(citizen.subject));

    let me = phone.core.identity().whoami().await.expect("whoami");
    assert_eq!(me.subject, profile.subject);

    let first_token = stored_access_token(&phone).expect("access token stored");
    phone.core.identity().refresh().await.expect("refresh");
    let second_token = stored_access_token(&phone).expect("access token stored");
    assert_ne!(
        first_token, second_token,
        "refresh issues a new access token"
    );
    let (status, _) = me_with_token(&portal.running.base_url(), &first_token).await;
    assert_eq!(
        status, 401,
        "the access token replaced by a refresh is refused"
    );
    assert_eq!(
        phone.core.identity().whoami().await.unwrap().subject,
        profile.subject
    );

    let outcome = phone.core.identity().logout().await.expect("logout");
    assert!(outcome.revoked_on_portal);
    assert_eq!(
        phone.secrets.keys(),
        vec![PROFILE_OWNER_KEY.to_owned()],
        "logout erases every secret but whose data the profile holds"
    );
    let (status, code) = me_with_token(&portal.running.base_url(), &second_token).await;
    assert_eq!(status, 401);
    assert_eq!(code.as_deref(), Some("session_revoked"));
    let err = phone.core.identity().whoami().await.unwrap_err();
    assert_eq!(err.code(), "not_logged_in");
    assert!(phone.core.identity().profile().unwrap().is_none());
}

#[tokio::test]
async fn level_one_identity_is_reported_as_level_one() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let profile = login(&phone, level1_citizen().subject).await;
    assert_eq!(profile.identity_level, IdentityLevel::Level1);
}

#[tokio::test]
async fn the_session_is_refreshed_before_it_expires() {
    // Access tokens shorter than the core's refresh margin: every use must refresh first.
    let portal = start_portal_with(|c| c.access_ttl_secs = 30).await;
    let phone = phone_for(&portal);
    login(&phone, level2_citizen().subject).await;
    let before = stored_access_token(&phone).unwrap();
    phone
        .core
        .identity()
        .whoami()
        .await
        .expect("whoami refreshes first");
    let after = stored_access_token(&phone).unwrap();
    assert_ne!(before, after);
    let (status, _) = me_with_token(&portal.running.base_url(), &before).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    // Two refreshes with the same refresh token would look like theft and end the session.
    let portal = start_portal_with(|c| c.access_ttl_secs = 30).await;
    let phone = phone_for(&portal);
    login(&phone, level2_citizen().subject).await;
    let identity = phone.core.identity();
    let (a, b, c) = tokio::join!(identity.whoami(), identity.whoami(), identity.whoami());
    assert!(a.is_ok() && b.is_ok() && c.is_ok(), "{a:?} {b:?} {c:?}");
    assert!(identity.whoami().await.is_ok());
}

#[tokio::test]
async fn tokens_and_personal_data_never_reach_a_file() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let citizen = level2_citizen();
    login(&phone, citizen.subject).await;
    phone.core.identity().whoami().await.unwrap();
    let token = stored_access_token(&phone).unwrap();
    let profile_dir = phone.dir.path();
    assert!(
        !files_under(profile_dir).is_empty(),
        "the profile database exists"
    );
    for secret in [token.as_str(), citizen.personal_id, citizen.full_name] {
        assert!(
            !any_file_contains(profile_dir, secret),
            "a secret or personal datum was written to a file"
        );
    }
}

#[tokio::test]
async fn a_callback_with_a_wrong_state_is_refused_and_the_real_one_still_works() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let identity = phone.core.identity();
    let request = identity.begin_login().await.unwrap();
    let callback = browser_login(
        &request.url,
        &request.redirect_uri,
        level2_citizen().subject,
    )
    .await;

    for forged in [
        with_param(&callback, "state", "forged-state"),
        with_param(&callback, "state", ""),
    ] {
        let err = identity.complete_login(&forged).await.unwrap_err();
        assert!(matches!(err, IdentityError::StateMismatch), "{err:?}");
        assert_eq!(err.code(), "state_mismatch");
        assert!(identity.profile().unwrap().is_none());
    }
    // A callback that does not carry our state must not cancel the genuine login.
    identity
        .complete_login(&callback)
        .await
        .expect("genuine callback");
}

#[tokio::test]
async fn a_callback_with_an_error_is_a_typed_error() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let identity = phone.core.identity();

    // The person presses "cancel" on the provider's page.
    let request = identity.begin_login().await.unwrap();
    let browser = motcua_cli::browser::Browser::new(&request.redirect_uri).unwrap();
    let motcua_cli::browser::Landing::Page(page) = browser.open(&request.url).await.unwrap() else {
        panic!("login page expected");
    };
    let cancel = page
        .form("form[data-action='cancel']")
        .expect("cancel form");
    let motcua_cli::browser::Landing::Callback(callback) = browser.submit(&cancel).await.unwrap()
    else {
        panic!("redirect expected");
    };
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("access_denied")
    );
    let err = identity.complete_login(&callback).await.unwrap_err();
    assert!(matches!(err, IdentityError::Cancelled), "{err:?}");
    assert_eq!(err.code(), "login_cancelled");

    // A provider error with our state.
    let request = identity.begin_login().await.unwrap();
    let state = query_param(&request.url, "state").unwrap();
    let callback = format!(
        "{}?error=temporarily_unavailable&error_description=maintenance&state={state}&iss={}",
        request.redirect_uri,
        portal.running.issuer()
    );
    let err = identity.complete_login(&callback).await.unwrap_err();
    assert!(
        matches!(&err, IdentityError::ProviderRefused { error, .. } if error == "temporarily_unavailable"),
        "{err:?}"
    );
    assert!(phone.secrets.keys().is_empty(), "nothing stored");
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let identity = phone.core.identity();
    let citizen = level2_citizen().subject;

    let first = identity.begin_login().await.unwrap();
    let used_callback = browser_login(&first.url, &first.redirect_uri, citizen).await;
    identity
        .complete_login(&used_callback)
        .await
        .expect("first use");
    identity.logout().await.unwrap();
    let after_logout = phone.secrets.keys();

    // An attacker who saw the first callback replays its code into a new login.
    let second = identity.begin_login().await.unwrap();
    let state = query_param(&second.url, "state").unwrap();
    let replay = with_param(&used_callback, "state", &state);
    let err = identity.complete_login(&replay).await.unwrap_err();
    assert!(
        matches!(&err, IdentityError::CodeRejected { error } if error == "invalid_grant"),
        "{err:?}"
    );
    assert_eq!(phone.secrets.keys(), after_logout, "nothing stored");
}

#[tokio::test]
async fn a_code_redeemed_with_another_verifier_is_refused() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let identity = phone.core.identity();
    let citizen = level2_citizen().subject;

    // A code obtained for one login (its PKCE challenge) …
    let first = identity.begin_login().await.unwrap();
    let stolen = browser_login(&first.url, &first.redirect_uri, citizen).await;
    // … is injected into another login, whose verifier does not match that challenge.
    let second = identity.begin_login().await.unwrap();
    let state = query_param(&second.url, "state").unwrap();
    let injected = with_param(&stolen, "state", &state);
    let err = identity.complete_login(&injected).await.unwrap_err();
    assert!(
        matches!(&err, IdentityError::CodeRejected { error } if error == "invalid_grant"),
        "{err:?}"
    );
    assert!(phone.secrets.keys().is_empty(), "nothing stored");
}

#[tokio::test]
async fn completing_without_a_login_in_progress_is_a_typed_error() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let err = phone
        .core
        .identity()
        .complete_login("vn.motcua.app:/oauth2redirect?code=x&state=y")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "no_login_in_progress");
    for lang in [motcua_core::Lang::Vi, motcua_core::Lang::En] {
        assert!(!err.message(lang).is_empty());
    }
}

#[tokio::test]
async fn the_authorization_request_carries_pkce_s256_state_and_nonce() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let request = phone.core.identity().begin_login().await.unwrap();
    assert!(request.url.starts_with(&portal.running.issuer()));
    assert_eq!(
        query_param(&request.url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        query_param(&request.url, "code_challenge").map(|c| c.len()),
        Some(43)
    );
    assert!(query_param(&request.url, "state").is_some_and(|s| s.len() >= 22));
    assert!(query_param(&request.url, "nonce").is_some_and(|s| s.len() >= 22));
    assert_eq!(
        query_param(&request.url, "redirect_uri").as_deref(),
        Some(motcua_core::APP_REDIRECT_URI)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_whose_caller_gives_up_still_keeps_the_session() {
    // A cancelled coroutine drops the refresh future; the rotated token must still be kept.
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    login(&phone, level2_citizen().subject).await;
    let identity = phone.core.identity();
    for attempt in 0..30u64 {
        let patience = std::time::Duration::from_micros(200 * (attempt % 10));
        let _ = tokio::time::timeout(patience, identity.refresh()).await;
        let me = identity.whoami().await;
        assert!(me.is_ok(), "attempt {attempt}: {me:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_whose_answer_is_lost_keeps_the_session() {
    // The portal rotates the refresh token, the answer is lost on the way back: the phone
    // still holds the spent token and must not be logged out for it.
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let citizen = level2_citizen();
    login(&phone, citizen.subject).await;
    let proxy = common::lost_answers::AnswerLosingProxy::start(
        portal.running.local_addr(),
        "POST /api/v1/session/refresh ",
        2,
    )
    .await;
    let through_proxy = open_phone_sharing(&phone, &proxy.url(), &portal.running.issuer());
    let identity = through_proxy.identity();
    for lost in 1..=2 {
        let error = identity.refresh().await.expect_err("the answer was lost");
        assert!(
            matches!(error, IdentityError::Network(_)),
            "a lost answer is a network error: {error:?}"
        );
        assert_eq!(proxy.lost.load(std::sync::atomic::Ordering::SeqCst), lost);
    }
    identity.refresh().await.expect("the retry is answered");
    let me = identity.whoami().await.expect("still logged in");
    assert_eq!(me.subject, citizen.subject);
    // And the session goes on normally afterwards.
    identity.refresh().await.expect("an ordinary refresh");
    assert_eq!(
        identity.whoami().await.expect("whoami").subject,
        citizen.subject
    );
}

/// The CI failure of the Kotlin suite ("cancelled calls leave no half state behind"): a
/// `begin_login` the app had cancelled was still running its last step on a worker thread
/// and stored its request over the newer login's, whose callback then failed with
/// `state_mismatch`. Here the two starts overlap the same way, in the order that failed:
/// the older one reaches its write after the newer one finished.
#[tokio::test]
async fn an_overtaken_login_start_never_replaces_the_newer_one() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let identity = phone.core.identity();
    let citizen = level2_citizen();

    let older = identity.login_ticket();
    let newer = identity.login_ticket();
    let request = identity.begin_login_in_turn(newer, None).await.unwrap();
    let stored = phone
        .secrets
        .get("motcua.identity.pending_login.v1")
        .unwrap();
    assert!(stored.is_some(), "the newer start stored its request");

    let err = identity.begin_login_in_turn(older, None).await.unwrap_err();
    assert!(matches!(err, IdentityError::LoginSuperseded), "{err:?}");
    assert_eq!(err.code(), "login_superseded");
    for lang in [motcua_core::Lang::Vi, motcua_core::Lang::En] {
        assert!(!err.message(lang).is_empty());
    }
    assert_eq!(
        phone
            .secrets
            .get("motcua.identity.pending_login.v1")
            .unwrap(),
        stored,
        "the overtaken start changed nothing"
    );

    // The newer login goes through.
    let callback = browser_login(&request.url, &request.redirect_uri, citizen.subject).await;
    let profile = identity.complete_login(&callback).await.unwrap();
    assert_eq!(profile.full_name, citizen.full_name);
}

/// A start still on its way when the citizen logs out must not leave a login in progress
/// behind the logout (which promises to erase it).
#[tokio::test]
async fn a_login_start_overtaken_by_a_logout_stores_nothing() {
    let portal = start_portal().await;
    let phone = phone_for(&portal);
    let identity = phone.core.identity();

    let ticket = identity.login_ticket();
    identity.logout().await.unwrap();
    let err = identity
        .begin_login_in_turn(ticket, None)
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::LoginSuperseded), "{err:?}");
    assert!(phone.secrets.keys().is_empty(), "nothing stored");
    let err = identity
        .complete_login("vn.motcua.app:/oauth2redirect?code=x&state=y")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "no_login_in_progress");
}
