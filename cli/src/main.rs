//! `motcua`: see `motcua --help`.

use clap::Parser as _;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = motcua_cli::commands::Cli::parse();
    // Logs go to stderr so that `--json` output on stdout stays machine-readable.
    let default_level = if matches!(cli.command, motcua_cli::commands::Command::Portal { .. }) {
        "info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("MOTCUA_LOG").unwrap_or_else(|_| EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .init();
    let code = motcua_cli::commands::run(cli).await;
    std::process::exit(code);
}
