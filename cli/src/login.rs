//! `motcua login` (one step or two, as a native app does) and `motcua logout`.

use std::time::Duration;

use serde::Serialize;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::{Output, profile_text};

#[derive(Serialize)]
struct LoginBegun<'a> {
    url: &'a str,
    redirect_uri: &'a str,
}

pub(crate) async fn login_begin(
    out: &Output,
    client: &ClientContext,
    redirect_uri: &str,
) -> Result<(), CliError> {
    let request = client
        .core
        .identity()
        .begin_login_with_redirect(redirect_uri)
        .await?;
    out.result(
        &LoginBegun {
            url: &request.url,
            redirect_uri: &request.redirect_uri,
        },
        || {
            format!(
                "{}\n\n{}\n\n{}",
                out.t(
                    "Mở địa chỉ này trong trình duyệt để đăng nhập:",
                    "Open this address in a browser to log in:"
                ),
                request.url,
                out.t(
                    "Sau khi đăng nhập, trình duyệt chuyển tới một địa chỉ bắt đầu bằng redirect URI; chép nguyên địa chỉ đó vào: motcua login finish '<địa chỉ>'",
                    "After logging in the browser lands on an address starting with the redirect URI; copy that whole address into: motcua login finish '<address>'"
                )
            )
        },
    );
    Ok(())
}

pub(crate) async fn login_finish(
    out: &Output,
    client: &ClientContext,
    callback_url: &str,
) -> Result<(), CliError> {
    let profile = client.core.identity().complete_login(callback_url).await?;
    out.result(&profile, || {
        format!(
            "{}\n{}",
            out.t("Đăng nhập thành công.", "Logged in."),
            profile_text(out, &profile)
        )
    });
    Ok(())
}

pub(crate) async fn login_loopback(
    out: &Output,
    client: &ClientContext,
    timeout_secs: u64,
) -> Result<(), CliError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let redirect_uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr()?.port()
    );
    let request = client
        .core
        .identity()
        .begin_login_with_redirect(&redirect_uri)
        .await?;
    if out.json {
        out.result(
            &LoginBegun {
                url: &request.url,
                redirect_uri: &request.redirect_uri,
            },
            String::new,
        );
    } else {
        eprintln!(
            "{}\n\n{}\n",
            out.t(
                "Mở địa chỉ này trong trình duyệt để đăng nhập (đang chờ trình duyệt quay lại):",
                "Open this address in a browser to log in (waiting for the browser to come back):"
            ),
            request.url
        );
    }
    let callback = tokio::time::timeout(
        Duration::from_secs(timeout_secs),
        receive_callback(listener, &redirect_uri),
    )
    .await
    .map_err(|_| CliError::Timeout)??;
    login_finish(out, client, &callback).await
}

/// Serves the loopback redirect URI until the browser arrives on `/callback`, answers it
/// with a short page, and returns the full callback URL.
async fn receive_callback(
    listener: tokio::net::TcpListener,
    redirect_uri: &str,
) -> Result<String, CliError> {
    use axum::extract::State;
    use axum::response::Html;
    use tokio::sync::mpsc;

    let (sender, mut receiver) = mpsc::channel::<String>(1);
    let base = redirect_uri.trim_end_matches("/callback").to_owned();
    let app = axum::Router::new()
        .route(
            "/callback",
            axum::routing::get(
                |State((sender, base)): State<(mpsc::Sender<String>, String)>,
                 uri: axum::http::Uri| async move {
                    let _ = sender.try_send(format!("{base}{uri}"));
                    Html(
                        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>MotCua</title>\
                         <body style=\"font-family:sans-serif;font-size:1.4em;padding:2em\">\
                         <p>Đã nhận kết quả đăng nhập. Bạn có thể đóng cửa sổ này và quay lại ứng dụng.</p>\
                         <p lang=\"en\">Login received. You can close this window and return to the app.</p></body></html>",
                    )
                },
            ),
        )
        .with_state((sender, base));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let callback = receiver.recv().await;
    server.abort();
    callback.ok_or(CliError::Timeout)
}

pub(crate) async fn whoami(out: &Output, client: &ClientContext) -> Result<(), CliError> {
    let profile = client.core.identity().whoami().await?;
    out.result(&profile, || profile_text(out, &profile));
    Ok(())
}

#[derive(Serialize)]
struct LoggedOut {
    revoked_on_portal: bool,
    erased: bool,
}

pub(crate) async fn logout(
    out: &Output,
    client: &ClientContext,
    erase: bool,
) -> Result<(), CliError> {
    let identity = client.core.identity();
    let outcome = if erase {
        identity.logout_and_erase().await?
    } else {
        identity.logout().await?
    };
    out.result(
        &LoggedOut {
            revoked_on_portal: outcome.revoked_on_portal,
            erased: erase,
        },
        || {
            let mut text = if outcome.revoked_on_portal {
                out.t("Đã đăng xuất.", "Logged out.").to_owned()
            } else {
                out.t(
                    "Đã xóa phiên trên máy; chưa báo được cho cổng (phiên sẽ tự hết hạn).",
                    "Local session erased; the portal was not reached (its session will expire).",
                )
                .to_owned()
            };
            if erase {
                text.push(' ');
                text.push_str(out.t(
                    "Dữ liệu của bạn đã được xóa khỏi máy này.",
                    "Your data was erased from this device.",
                ));
            }
            text
        },
    );
    Ok(())
}
