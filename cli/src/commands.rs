//! Argument parsing and the commands other than `demo`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand};
use motcua_core::identity::IdentityError;
use motcua_core::{Lang, Localized, OpenError};
use serde::Serialize;
use url::Url;

pub use crate::client::{ClientContext, ConfigUse, fetch_client_config};
use crate::output::{Output, profile_text};

/// The `motcua` command line.
#[derive(Debug, Parser)]
#[command(
    name = "motcua",
    version,
    about = "MotCua — dịch vụ công trực tuyến / online public services: portal, login, demo"
)]
pub struct Cli {
    /// Base URL of the portal.
    #[arg(
        long,
        global = true,
        env = "MOTCUA_PORTAL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub portal: Url,
    /// Data directory (the client profile; for `portal serve`, the portal's database).
    #[arg(long, global = true, env = "MOTCUA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages: vi or en.
    #[arg(long, global = true, env = "MOTCUA_LANG", default_value = "vi")]
    pub lang: String,
    /// Act in the open assisted session (the citizen being helped), not in the
    /// volunteer's own profile: `motcua --assisted login`, `--assisted draft new …`.
    #[arg(long, global = true)]
    pub assisted: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
// Parsed once per process; boxing the portal's configuration would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the reference portal.
    Portal {
        /// Portal command.
        #[command(subcommand)]
        command: PortalCommand,
    },
    /// Log in with electronic identity. Without a step: opens a loopback listener
    /// (RFC 8252), prints the URL to open and waits for the browser to come back.
    Login {
        /// Two-step login for scripts and other browsers.
        #[command(subcommand)]
        step: Option<LoginStep>,
        /// How long to wait for the browser, in seconds.
        #[arg(long, default_value_t = 300)]
        timeout_secs: u64,
    },
    /// Show who is logged in (asks the portal).
    Whoami,
    /// Log out: revoke the session at the portal and erase local tokens. Drafts stay for
    /// the same citizen's next login; another citizen's login erases them.
    Logout {
        /// Also erase this citizen's data from the device now (drafts, attachments, local
        /// copies of dossiers and receipts), including anything not yet sent.
        #[arg(long)]
        erase: bool,
    },
    /// Start an embedded portal and walk the journey with a demo citizen.
    Demo,
    /// Search the procedures (offline once the catalog is downloaded).
    Search {
        /// What to look for, in your own words, with or without diacritics.
        query: String,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Show one procedure: documents, fee, time, form.
    Procedure {
        /// National procedure code, e.g. 1.001193.
        code: String,
    },
    /// Drafts of dossiers: create, fill, attach, show.
    Draft {
        /// Draft command.
        #[command(subcommand)]
        command: DraftCommand,
    },
    /// List the drafts.
    Drafts,
    /// Submit a draft (exactly once, however bad the network).
    Submit {
        /// Draft id.
        #[arg(allow_hyphen_values = true)]
        draft: String,
    },
    /// The dossiers submitted from this device.
    Dossiers,
    /// Fetch the status changes of your dossiers since the last sync.
    Sync,
    /// Where your dossiers are, as this device holds them (no network; `sync` first for
    /// the latest); with a code, that dossier's timeline.
    Status {
        /// Dossier code.
        code: Option<String>,
    },
    /// Look a dossier code up without logging in (little data).
    Lookup {
        /// Dossier code.
        code: String,
    },
    /// Ask to withdraw one of your dossiers (before its result is ready).
    Withdraw {
        /// Dossier code.
        code: String,
        /// Why (shown to the desk).
        #[arg(long)]
        note: Option<String>,
    },
    /// Answer the desk's supplement request: starts (or reopens) the answer, a draft to
    /// fill with `draft set <id> supplement_note …`, `draft attach …`, then `submit <id>`.
    Supplement {
        /// Dossier code.
        code: String,
    },
    /// Assisted sessions: file for someone else on your phone, then erase their data.
    Assist {
        /// Assist command.
        #[command(subcommand)]
        command: crate::assist::AssistCommand,
    },
    /// The officer's side at the desk PC (staff login).
    Desk {
        /// Desk command.
        #[command(subcommand)]
        command: crate::desk::DeskCommand,
    },
    /// Working days: appointment dates and holidays.
    Calendar {
        /// Calendar command.
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// The procedure catalog.
    Catalog {
        /// Catalog command.
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Show the receipt QR code of one of your dossiers (in the terminal; --png writes an
    /// image).
    Receipt {
        /// Dossier code.
        code: String,
        /// Also write the QR code as a PNG image to this file.
        #[arg(long)]
        png: Option<PathBuf>,
        /// The province root key (`ed25519:…`); default: the one the portal announces.
        #[arg(long, env = "MOTCUA_RECEIPT_ROOT_KEY")]
        root_key: Option<String>,
    },
    /// Verify a receipt (desk): its QR text, or an image of it; offline once the key list
    /// was fetched. The exit status says the verdict (see --help).
    #[command(after_help = crate::receipt::VERIFY_EXIT_CODES)]
    Verify {
        /// The scanned text (`MC1:…`) or an image file (PNG, JPEG) with the QR code.
        input: String,
        /// The ID number on the card of the person at the desk, to check it is the
        /// applicant's.
        #[arg(long)]
        id_number: Option<String>,
        /// Do not try to refresh the key list first.
        #[arg(long)]
        offline: bool,
        /// The province root key (`ed25519:…`); default: the one the portal announces.
        #[arg(long, env = "MOTCUA_RECEIPT_ROOT_KEY")]
        root_key: Option<String>,
    },
}

/// Receipt-signing key commands (on the portal's data directory).
#[derive(Debug, Subcommand)]
pub enum ReceiptKeysCommand {
    /// The keys and the root public key the apps must carry.
    List,
    /// Retire the active key (its receipts stay valid) and start a new one.
    Rotate,
    /// Revoke a key: its receipts stop verifying once verifiers refresh the key list.
    Revoke {
        /// Key id (8 hexadecimal digits, see `list`).
        kid: String,
    },
}

/// Draft commands.
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Start a draft of a procedure, pre-filled from your identity and earlier dossiers.
    New {
        /// Procedure code, e.g. 1.004873.
        procedure_code: String,
    },
    /// Set one field (an empty value clears it).
    Set {
        /// Draft id.
        #[arg(allow_hyphen_values = true)]
        draft: String,
        /// Field id (see `draft show`).
        field: String,
        /// The value (may start with `-`, as a note or a negative number can).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Attach a file (photo or PDF) to a required document.
    Attach {
        /// Draft id.
        #[arg(allow_hyphen_values = true)]
        draft: String,
        /// Document requirement id (see `procedure <code> --json`).
        requirement: String,
        /// The file.
        file: PathBuf,
    },
    /// Show a draft with its fields, problems and attachments.
    Show {
        /// Draft id.
        #[arg(allow_hyphen_values = true)]
        draft: String,
    },
}

/// Calendar commands.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The date a number of working days after a date (the appointment date).
    Due {
        /// Receipt date, YYYY-MM-DD or DD/MM/YYYY.
        #[arg(long)]
        from: String,
        /// Working days.
        #[arg(long)]
        days: u32,
    },
    /// The days off of a year: public holidays, days in lieu, government decisions.
    Holidays {
        /// The year.
        year: i32,
    },
}

/// Catalog commands.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Download the catalog if it changed.
    Refresh,
    /// Write a synthetic benchmark catalog (the real procedures plus generated ones).
    Synthetic {
        /// Number of procedures in all.
        #[arg(long, default_value_t = 2000)]
        count: usize,
        /// Directory to write `procedures.json` and `aliases.json` to (for
        /// `portal serve --catalog DIR`).
        #[arg(long)]
        out: PathBuf,
    },
}

/// Portal commands.
// Parsed once per process, like `Command`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// Serve the portal API and its built-in OpenID provider.
    Serve(motcua_portal::PortalConfig),
    /// The receipt-signing keys: list, rotate, revoke.
    ReceiptKeys {
        /// Key command.
        #[command(subcommand)]
        command: ReceiptKeysCommand,
    },
}

/// The two-step login.
#[derive(Debug, Subcommand)]
pub enum LoginStep {
    /// Print the authorization URL to open in any browser.
    Begin {
        /// Where the browser is sent back; copy the address it lands on into `login finish`.
        #[arg(long, default_value = "http://127.0.0.1/callback")]
        redirect_uri: String,
    },
    /// Complete the login with the URL the browser landed on.
    Finish {
        /// The full callback URL, with its `code` and `state`.
        callback_url: String,
    },
}

/// Everything that can make a command fail.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Login, session or profile.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// Opening the local profile.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The portal could not be asked for its configuration.
    #[error("portal unreachable: {0}")]
    PortalUnreachable(String),
    /// The portal server failed.
    #[error("portal: {0}")]
    Portal(String),
    /// The scripted browser of the demo failed.
    #[error("browser: {0}")]
    Browser(#[from] crate::browser::BrowserError),
    /// Local I/O.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The login's browser did not come back in time.
    #[error("timed out waiting for the browser")]
    Timeout,
    /// The procedure catalog.
    #[error(transparent)]
    Catalog(#[from] motcua_core::catalog::CatalogError),
    /// No such procedure.
    #[error("no procedure {0}")]
    NotFound(String),
    /// Drafts and submission.
    #[error(transparent)]
    Dossier(#[from] motcua_core::dossier::DossierError),
    /// An argument that does not parse.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Status tracking.
    #[error(transparent)]
    Tracking(#[from] motcua_core::tracking::TrackingError),
    /// Receipts.
    #[error(transparent)]
    Receipt(#[from] motcua_core::receipt::ReceiptError),
    /// The desk (staff) side.
    #[error(transparent)]
    Desk(motcua_core::desk::DeskError),
    /// Assisted sessions.
    #[error(transparent)]
    Assist(motcua_core::assist::AssistError),
}

impl Localized for CliError {
    fn code(&self) -> &'static str {
        match self {
            CliError::Identity(e) => e.code(),
            CliError::Open(e) => e.code(),
            CliError::PortalUnreachable(_) => "network_unavailable",
            CliError::Portal(_) => "portal_failed",
            CliError::Browser(_) => "browser_failed",
            CliError::Io(_) => "io_failed",
            CliError::Timeout => "timed_out",
            CliError::Catalog(e) => e.code(),
            CliError::NotFound(_) => "procedure_not_found",
            CliError::Dossier(e) => e.code(),
            CliError::InvalidArgument(_) => "invalid_argument",
            CliError::Tracking(e) => e.code(),
            CliError::Receipt(e) => e.code(),
            CliError::Desk(e) => e.code(),
            CliError::Assist(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        let pick = |vi: &str, en: &str| match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        };
        match self {
            CliError::Identity(e) => e.message(lang),
            CliError::Open(e) => e.message(lang),
            CliError::PortalUnreachable(detail) => pick(
                &format!("Không kết nối được cổng dịch vụ công ({detail})."),
                &format!("Could not reach the portal ({detail})."),
            ),
            CliError::Portal(detail) => pick(
                &format!("Cổng dịch vụ công gặp lỗi: {detail}"),
                &format!("The portal failed: {detail}"),
            ),
            CliError::Browser(detail) => pick(
                &format!("Trình duyệt mô phỏng gặp lỗi: {detail}"),
                &format!("The scripted browser failed: {detail}"),
            ),
            CliError::Io(detail) => pick(
                &format!("Lỗi đọc/ghi: {detail}"),
                &format!("Input/output error: {detail}"),
            ),
            CliError::Timeout => pick(
                "Hết thời gian chờ trình duyệt quay lại.",
                "Timed out waiting for the browser to come back.",
            ),
            CliError::Catalog(e) => e.message(lang),
            CliError::Dossier(e) => e.message(lang),
            CliError::Tracking(e) => e.message(lang),
            CliError::Receipt(e) => e.message(lang),
            CliError::Desk(e) => e.message(lang),
            CliError::Assist(e) => e.message(lang),
            CliError::InvalidArgument(detail) => pick(
                &format!("Tham số không hợp lệ: {detail}"),
                &format!("Invalid argument: {detail}"),
            ),
            CliError::NotFound(code) => pick(
                &format!("Không có thủ tục mã {code} trong danh mục."),
                &format!("There is no procedure with code {code} in the catalog."),
            ),
        }
    }
}

/// Parses the arguments, runs the command, prints the outcome; returns the exit code.
pub async fn run(cli: Cli) -> i32 {
    let out = Output {
        json: cli.json,
        lang: Lang::from_tag(&cli.lang),
    };
    let result = match cli.command {
        Command::Portal {
            command: PortalCommand::Serve(mut config),
        } => {
            if let Some(dir) = cli.data_dir {
                config.data_dir = dir;
            }
            motcua_portal::serve_until_signal(config)
                .await
                .map_err(|e| CliError::Portal(e.to_string()))
        }
        Command::Portal {
            command: PortalCommand::ReceiptKeys { command },
        } => match cli.data_dir {
            Some(dir) => crate::receipt::keys(&out, &dir, &command),
            None => Err(CliError::InvalidArgument(
                "--data-dir: the portal's data directory".into(),
            )),
        },
        Command::Receipt {
            code,
            png,
            root_key,
        } => {
            match ClientContext::open(
                &cli.portal,
                cli.data_dir,
                cli.assisted,
                root_key.as_deref(),
                ConfigUse::Revalidate,
            )
            .await
            {
                Ok(client) => crate::receipt::receipt(&out, &client, &code, png.as_deref()).await,
                Err(e) => Err(e),
            }
        }
        Command::Verify {
            input,
            id_number,
            offline,
            root_key,
        } => {
            // The only command whose exit status tells more than success or failure.
            // Offline verification needs no network: none is opened.
            let config_use = if offline {
                ConfigUse::Offline
            } else {
                ConfigUse::Revalidate
            };
            let verified = match ClientContext::open(
                &cli.portal,
                cli.data_dir,
                cli.assisted,
                root_key.as_deref(),
                config_use,
            )
            .await
            {
                Ok(client) => {
                    crate::receipt::verify(&out, &client, &input, id_number.as_deref(), offline)
                        .await
                }
                Err(e) => Err(e),
            };
            return match verified {
                Ok(code) => code,
                Err(error) => {
                    out.error(&error);
                    1
                }
            };
        }
        Command::Demo => crate::demo::run(&out).await,
        Command::Login { step, timeout_secs } => {
            // Logging in depends on the issuer and client id: revalidated.
            let client = ClientContext::open(
                &cli.portal,
                cli.data_dir,
                cli.assisted,
                None,
                ConfigUse::Revalidate,
            )
            .await;
            match (client, step) {
                (Err(e), _) => Err(e),
                (Ok(client), None) => login_loopback(&out, &client, timeout_secs).await,
                (Ok(client), Some(LoginStep::Begin { redirect_uri })) => {
                    login_begin(&out, &client, &redirect_uri).await
                }
                (Ok(client), Some(LoginStep::Finish { callback_url })) => {
                    login_finish(&out, &client, &callback_url).await
                }
            }
        }
        Command::Search { query, limit } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::catalog::search(&out, &client, &query, limit).await,
                Err(e) => Err(e),
            }
        }
        Command::Procedure { code } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::catalog::procedure(&out, &client, &code).await,
                Err(e) => Err(e),
            }
        }
        Command::Calendar {
            command: CalendarCommand::Due { from, days },
        } => crate::calendar::due(&out, &from, days),
        Command::Calendar {
            command: CalendarCommand::Holidays { year },
        } => crate::calendar::holidays(&out, year),
        Command::Catalog {
            command: CatalogCommand::Synthetic { count, out: dir },
        } => crate::catalog::synthetic(&out, count, &dir),
        Command::Catalog {
            command: CatalogCommand::Refresh,
        } => match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
            Ok(client) => crate::catalog::refresh(&out, &client).await,
            Err(e) => Err(e),
        },
        Command::Draft { command } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => match command {
                    DraftCommand::New { procedure_code } => {
                        crate::dossier::new(&out, &client, &procedure_code).await
                    }
                    DraftCommand::Set {
                        draft,
                        field,
                        value,
                    } => crate::dossier::set(&out, &client, &draft, &field, &value),
                    DraftCommand::Attach {
                        draft,
                        requirement,
                        file,
                    } => crate::dossier::attach(&out, &client, &draft, &requirement, &file),
                    DraftCommand::Show { draft } => crate::dossier::show(&out, &client, &draft),
                },
                Err(e) => Err(e),
            }
        }
        Command::Drafts => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::dossier::list(&out, &client),
                Err(e) => Err(e),
            }
        }
        Command::Submit { draft } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::dossier::submit(&out, &client, &draft).await,
                Err(e) => Err(e),
            }
        }
        Command::Dossiers => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::dossier::dossiers(&out, &client).await,
                Err(e) => Err(e),
            }
        }
        Command::Sync => match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
            Ok(client) => crate::tracking::sync(&out, &client).await,
            Err(e) => Err(e),
        },
        Command::Status { code } => {
            // What the device holds: no network (`motcua sync` fetches).
            match ClientContext::open(
                &cli.portal,
                cli.data_dir,
                cli.assisted,
                None,
                ConfigUse::Offline,
            )
            .await
            {
                Ok(client) => crate::tracking::status(&out, &client, code.as_deref()).await,
                Err(e) => Err(e),
            }
        }
        Command::Lookup { code } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::tracking::lookup(&out, &client, &code).await,
                Err(e) => Err(e),
            }
        }
        Command::Withdraw { code, note } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => {
                    crate::tracking::withdraw(&out, &client, &code, note.as_deref()).await
                }
                Err(e) => Err(e),
            }
        }
        Command::Supplement { code } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::tracking::supplement(&out, &client, &code).await,
                Err(e) => Err(e),
            }
        }
        Command::Assist { command } => {
            match ClientContext::new(&cli.portal, cli.data_dir, false).await {
                Ok(client) => crate::assist::run(&out, &client, command).await,
                Err(e) => Err(e),
            }
        }
        Command::Desk { command } => {
            crate::desk::run(&out, &cli.portal, cli.data_dir, command).await
        }
        Command::Whoami => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => whoami(&out, &client).await,
                Err(e) => Err(e),
            }
        }
        Command::Logout { erase } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => logout(&out, &client, erase).await,
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            out.error(&error);
            1
        }
    }
}

/// Writes `bytes` to `file` in `data_dir`, both private whatever the umask: the directory
/// `0700` (it holds the core's store, the profile's personal data, which on a desktop only
/// these modes keep from other local users; the core tightens it too when it opens its
/// store), the file `0600`.
pub(crate) fn write_private(data_dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
        builder.mode(0o700);
        options.mode(0o600);
    }
    builder.create(data_dir)?;
    let mut handle = options.open(file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // An existing file keeps its mode through open: tighten one an older CLI left.
        handle.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    handle.write_all(bytes)
}

/// The data directory given, or the user's default one.
pub fn data_dir_or_default(data_dir: Option<PathBuf>) -> PathBuf {
    data_dir.unwrap_or_else(default_data_dir)
}

fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("motcua");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/motcua"),
        None => PathBuf::from(".motcua"),
    }
}

#[derive(Serialize)]
struct LoginBegun<'a> {
    url: &'a str,
    redirect_uri: &'a str,
}

async fn login_begin(
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

async fn login_finish(
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

async fn login_loopback(
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

async fn whoami(out: &Output, client: &ClientContext) -> Result<(), CliError> {
    let profile = client.core.identity().whoami().await?;
    out.result(&profile, || profile_text(out, &profile));
    Ok(())
}

#[derive(Serialize)]
struct LoggedOut {
    revoked_on_portal: bool,
    erased: bool,
}

async fn logout(out: &Output, client: &ClientContext, erase: bool) -> Result<(), CliError> {
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
                    "Đã xoá phiên trên máy; chưa báo được cho cổng (phiên sẽ tự hết hạn).",
                    "Local session erased; the portal was not reached (its session will expire).",
                )
                .to_owned()
            };
            if erase {
                text.push(' ');
                text.push_str(out.t(
                    "Dữ liệu của bạn đã được xoá khỏi máy này.",
                    "Your data was erased from this device.",
                ));
            }
            text
        },
    );
    Ok(())
}
