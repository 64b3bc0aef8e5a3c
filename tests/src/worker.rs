//! What the worker processes that the kill tests start and SIGKILL have in common: the
//! arguments `<data-dir> <portal-url> <issuer> …`, a current-thread runtime, the core
//! opened on the data directory with the development file keystore (real files, so a kill
//! leaves what it would on a phone), and the `ack <n>` lines the tests count.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use motcua_core::secure_store::DevFileSecureStore;
use motcua_core::{CoreConfig, MotCua};

/// The procedure the workers draft and submit (marital status certificate).
pub const PROCEDURE: &str = "1.004873";

/// Runs `run` on the process's arguments and the core they open (see [`open_core`]) in a
/// current-thread runtime and exits with the code it returns; with fewer than `min_args`
/// arguments (the program's name included) prints `usage` and exits with 2, and when the
/// core cannot open exits with [`open_core`]'s code.
pub fn main_with<F, Fut>(usage: &str, min_args: usize, run: F) -> !
where
    F: FnOnce(Vec<String>, MotCua) -> Fut,
    Fut: std::future::Future<Output = i32>,
{
    let args: Vec<String> = std::env::args().collect();
    if args.len() < min_args {
        eprintln!("usage: {usage}");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = runtime.block_on(async move {
        match open_core(&args) {
            Ok(core) => run(args, core).await,
            Err(code) => code,
        }
    });
    std::process::exit(code);
}

/// Prints `<what>: <error>` on standard error and gives the exit code 1, for a step of a
/// worker that failed.
pub fn failed(what: &str, error: impl std::fmt::Display) -> i32 {
    eprintln!("{what}: {error}");
    1
}

/// The core on `args[1]` (data directory) talking to `args[2]` (portal) and logging in at
/// `args[3]` (issuer); the exit code to return when it cannot open.
pub fn open_core(args: &[String]) -> Result<MotCua, i32> {
    let data_dir = PathBuf::from(&args[1]);
    let portal = url::Url::parse(&args[2]).map_err(|_| 2)?;
    let config = CoreConfig::new(
        data_dir.clone(),
        portal,
        args[3].clone(),
        "motcua-app".into(),
    );
    MotCua::open(config, Arc::new(DevFileSecureStore::new(&data_dir))).map_err(|error| {
        eprintln!("open: {error}");
        1
    })
}

/// Tells the test that save `n` returned (`ack <n>`), flushed at once: a kill after this
/// line must not lose the save.
pub fn ack(n: u64) {
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "ack {n}");
    let _ = stdout.flush();
}
