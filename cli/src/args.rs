//! The command line's arguments: the command tree `motcua --help` shows.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use url::Url;

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
    /// The fee of one of your dossiers: amount, where to pay, the reference, and the
    /// VietQR code to scan with any banking app (--png writes it as an image for a banking
    /// app on this device). Asks the portal; offline, shows the copy kept here.
    Pay {
        /// Dossier code.
        code: String,
        /// Also write the VietQR code as a PNG image to this file.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// The fee's e-receipt (biên lai điện tử) of one of your dossiers, once paid: a QR code
    /// to show at the desk or share, verified against the key list.
    FeeReceipt {
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
        /// The scanned text (`MC1:…`, or a fee e-receipt's `MCF1:…`) or an image file (PNG, JPEG) with the QR code.
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
        /// The portal's database, when not the SQLite file of `--data-dir`.
        #[command(flatten)]
        location: motcua_portal::DataLocation,
        /// Key command.
        #[command(subcommand)]
        command: crate::receipt::ReceiptKeysCommand,
    },
    /// Fee payments: `notify` sends a signed notification as the payment intermediary
    /// would.
    Payments {
        /// Payments command.
        #[command(subcommand)]
        command: crate::payments::PortalPaymentsCommand,
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
