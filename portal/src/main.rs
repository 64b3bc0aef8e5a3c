//! `motcua-portal`: the reference portal as a server of its own, what a deployment runs
//! (docs/deployment.md), one or several processes. The same server as `motcua portal
//! serve`, without the citizen's command line around it. Settings by flag or environment
//! variable: `motcua-portal --help`.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// The portal's settings, all of them [`motcua_portal::PortalConfig`].
#[derive(Debug, Parser)]
#[command(
    name = "motcua-portal",
    version,
    about = "MotCua reference portal server"
)]
struct Args {
    #[command(flatten)]
    config: motcua_portal::PortalConfig,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Logs on stderr, filtered by MOTCUA_LOG (default `info`); JSON lines for a log
    // collector with MOTCUA_LOG_FORMAT=json.
    let filter = EnvFilter::try_from_env("MOTCUA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("MOTCUA_LOG_FORMAT").is_ok_and(|format| format == "json") {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
    match motcua_portal::serve_until_signal(args.config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("motcua-portal: {error}");
            ExitCode::FAILURE
        }
    }
}
