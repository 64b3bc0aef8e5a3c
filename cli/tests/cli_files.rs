//! Files on disk (issue 16, item 3) over the real `motcua` binary under umask 000: the
//! portal's data directory and everything in it, and the CLI's own profile directory
//! (its cache and the core's store), are private; a key store other users can read makes
//! `motcua portal serve` exit non-zero with a message that names the file and the fix.
#![cfg(unix)]

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `motcua` with umask 000 (set by a shell that then becomes it).
fn motcua_under_umask_000() -> Command {
    let mut command = Command::new("sh");
    command
        .args(["-c", "umask 000 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_motcua"));
    command
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn serve(data_dir: &Path, listen: SocketAddr) -> Command {
    let mut command = motcua_under_umask_000();
    command
        .args(["portal", "serve"])
        .env("MOTCUA_PORTAL_DATA_DIR", data_dir)
        .env("MOTCUA_PORTAL_LISTEN", listen.to_string())
        .env_remove("MOTCUA_DATA_DIR");
    command
}

/// Waits until the portal answers its health check.
fn wait_until_up(child: &mut Child, addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(child.try_wait().unwrap().is_none(), "the portal exited");
        if let Ok(mut stream) = TcpStream::connect(addr) {
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            let request = format!(
                "GET {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
                motcua_protocol::api::PATH_HEALTH
            );
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the portal did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

/// Asserts every directory under `dir` (itself included) is 0700 and every file 0600;
/// returns the names found.
fn assert_private(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        assert_eq!(mode(&current), 0o700, "{}", current.display());
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            names.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() {
                pending.push(path);
            } else {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
            }
        }
    }
    names
}

#[test]
fn the_portal_and_the_cli_keep_their_files_private_and_refuse_exposed_keys() {
    let root = tempfile::tempdir().unwrap();
    let portal_dir = root.path().join("portal");
    let profile_dir = root.path().join("profile");
    let addr = free_port();
    let mut portal = serve(&portal_dir, addr)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_up(&mut portal, addr);

    // The CLI's profile: the client configuration cache and the core's store.
    let output = motcua_under_umask_000()
        .arg("--portal")
        .arg(format!("http://{addr}/"))
        .arg("--data-dir")
        .arg(&profile_dir)
        .args(["--json", "search", "giấy phép xây dựng"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names = assert_private(&profile_dir);
    for expected in ["client-config.json", "motcua.sqlite"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }

    // The portal's, while it runs (the write-ahead log and its index exist then).
    let names = assert_private(&portal_dir);
    for expected in [
        "portal.sqlite",
        "portal.sqlite-wal",
        "portal.sqlite-shm",
        "keys.sqlite",
        "receipt-root-key.pk8",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    portal.kill().unwrap();
    portal.wait().unwrap();

    let keys = portal_dir.join("keys.sqlite");
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = serve(&portal_dir, free_port()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("chmod 600 {}", keys.display())),
        "{stderr}"
    );
    assert_eq!(mode(&keys), 0o644, "the refusal changes nothing");
}
