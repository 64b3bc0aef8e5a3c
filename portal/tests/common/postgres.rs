//! A throw-away PostgreSQL cluster for a test: `initdb` in a temporary directory, the
//! server on a free loopback port with its socket in that directory, stopped and removed
//! when dropped. No system service is used. The binaries are Debian's
//! (`/usr/lib/postgresql/<version>/bin`, `scripts/test.sh` installs them) or those in
//! `MOTCUA_PG_BIN`. As root (CI), the server runs as the `postgres` user, which Debian's
//! package creates: PostgreSQL refuses to run as root.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A running cluster; superuser `motcua`, trust authentication on loopback only.
pub struct Cluster {
    dir: TempDir,
    bin: PathBuf,
    pub port: u16,
}

fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MOTCUA_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
                .filter(|bin| bin.join("initdb").exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found.pop().expect(
        "no PostgreSQL server binaries (initdb): apt-get install postgresql, or set \
         MOTCUA_PG_BIN (scripts/test.sh installs them)",
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs `program` of the cluster's binaries, as `postgres` when we are root.
fn run(bin: &Path, program: &str, args: &[&str]) {
    let path = bin.join(program);
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&path);
        c
    } else {
        Command::new(&path)
    };
    let output = command.args(args).output().unwrap_or_else(|error| {
        panic!("{program} cannot run ({error}): install postgresql (scripts/test.sh does)")
    });
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Cluster {
    /// Makes and starts a cluster that does not write durably (fsync off): a test's
    /// cluster is thrown away, and the tests check the portal's transactions, not the disk.
    pub fn start() -> Cluster {
        Cluster::start_with("-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    }

    /// Makes and starts a cluster with PostgreSQL's durable defaults (every commit flushed
    /// to disk before it is answered), as a deployment runs: for the benchmark.
    pub fn start_durable() -> Cluster {
        Cluster::start_with("-c max_connections=200")
    }

    fn start_with(settings: &str) -> Cluster {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("motcua-pg-")
            .tempdir()
            .unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown postgres of the cluster directory");
        }
        let data = dir.path().join("data");
        let data = data.to_str().unwrap();
        run(
            &bin,
            "initdb",
            &[
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "motcua",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} {settings}",
            dir.path().display()
        );
        let log = dir.path().join("server.log");
        run(
            &bin,
            "pg_ctl",
            &[
                "-D",
                data,
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        Cluster { dir, bin, port }
    }

    /// The URL of database `name` (made with [`Cluster::create_database`]).
    pub fn url(&self, name: &str) -> String {
        format!("postgres://motcua@127.0.0.1:{}/{name}", self.port)
    }

    /// Makes an empty database.
    pub async fn create_database(&self, name: &str) -> String {
        let (client, connection) =
            tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
                .await
                .expect("connect to the throw-away cluster");
        let driver = tokio::spawn(connection);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        drop(client);
        let _ = driver.await;
        self.url(name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let path = self.bin.join("pg_ctl");
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let _ = command
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}
