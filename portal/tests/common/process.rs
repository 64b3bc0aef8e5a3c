//! The portal as a process of its own: the `motcua-portal` binary started on a data
//! directory and a database, as a deployment runs it (docs/deployment.md), and a citizen
//! logged in over plain HTTP through its built-in provider.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use motcua_protocol::api::{PATH_HEALTH, PATH_SESSION, SessionResponse};
use motcua_protocol::oidc::TokenResponse;
use serde_json::json;
use url::Url;

use super::{REDIRECT_URI, login_at, token_request_at};

/// A free loopback port (bound, then released for the process to take).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `motcua-portal` process; killed when dropped.
pub struct PortalProcess {
    child: Child,
    pub address: SocketAddr,
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PortalProcess {
    /// Starts `motcua-portal` on `data_dir` and `database` (none: the SQLite file of the
    /// directory), advertising `public_url` (none: its own address), with `extra` flags.
    pub fn spawn(
        data_dir: &Path,
        database: Option<&str>,
        public_url: Option<&Url>,
        extra: &[&str],
    ) -> PortalProcess {
        let address: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_motcua-portal"));
        command
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--listen", &address.to_string()])
            // Fast for a test; never so few outside one.
            .args(["--staff-password-iterations", "1000"])
            .args(extra)
            .env("MOTCUA_LOG", "warn")
            .env_remove("MOTCUA_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(database) = database {
            command.args(["--database", database]);
        }
        if let Some(public_url) = public_url {
            command.args(["--public-url", public_url.as_str()]);
        }
        let child = command.spawn().expect("the motcua-portal binary");
        PortalProcess { child, address }
    }

    /// The URL of `path` on this process.
    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.address)).unwrap()
    }

    /// Waits until the process answers its health check (it has migrated and seeded).
    pub async fn ready(&mut self, http: &reqwest::Client) {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("a portal process exited at start: {status}");
            }
            if let Ok(response) = http.get(self.url(PATH_HEALTH)).send().await
                && response.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("a portal process did not become ready");
    }
}

/// Logs `subject` in through the built-in provider of the portal at `base` (every step a
/// request of its own: through a round-robin proxy, each lands on another process); the
/// portal session.
pub async fn login(http: &reqwest::Client, base: &Url, subject: &str) -> SessionResponse {
    let login = login_at(http, base, subject).await;
    let tokens = token_request_at(http, base, &login.code, &login.verifier, REDIRECT_URI).await;
    assert_eq!(tokens.status(), 200);
    let tokens: TokenResponse = tokens.json().await.unwrap();
    let session = http
        .post(base.join(PATH_SESSION.trim_start_matches('/')).unwrap())
        .json(&json!({ "id_token": tokens.id_token.expect("an ID token") }))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200);
    session.json().await.unwrap()
}
