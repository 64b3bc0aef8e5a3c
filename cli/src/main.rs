//! `motcua`: see `motcua --help`.

use clap::Parser as _;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = motcua_cli::args::Cli::parse();
    let serving = matches!(cli.command, motcua_cli::args::Command::Portal { .. });
    let filter = EnvFilter::try_from_env("MOTCUA_LOG")
        .unwrap_or_else(|_| EnvFilter::new(if serving { "info" } else { "warn" }));
    // Logs go to stderr so that `--json` output on stdout stays machine-readable; with
    // `--json` (or MOTCUA_LOG_FORMAT=json) they are JSON lines too, for log collectors.
    let json_logs = cli.json || std::env::var("MOTCUA_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json_logs {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init();
    } else {
        builder.init();
    }
    let code = motcua_cli::commands::run(cli).await;
    std::process::exit(code);
}
