//! The payments' configuration: the intermediary's shared secret and the beneficiary
//! account of each agency, with development defaults that announce themselves.

use std::path::PathBuf;

use motcua_protocol::vietqr::{MAX_NAME_LEN, VietQr};
use serde::Deserialize;

use crate::error::PortalError;

/// The development secret of payment notifications; a portal started with it says so.
pub const DEFAULT_PAYMENTS_SECRET: &str = "motcua-dev-payments-secret";
/// Default `--payments-due-days`: working days to pay once the fee falls due.
pub const DEFAULT_PAYMENTS_DUE_DAYS: u32 = 3;
/// The demo beneficiary when no accounts file is given: a bank BIN (970403) with an
/// account no bank has, so a demo transfer can never reach anyone.
const DEMO_BANK_BIN: &str = "970403";
const DEMO_ACCOUNT: &str = "MOTCUADEMO0001";

/// The payment options of `motcua portal serve`.
#[derive(clap::Args, Clone)]
pub struct PaymentsArgs {
    /// Shared secret of the payment intermediary's notifications (HMAC-SHA256 over the
    /// timestamp and the body). The default is for development only and is announced by a
    /// warning at start: set a random one in production.
    #[arg(
        long = "payments-secret",
        env = "MOTCUA_PAYMENTS_SECRET",
        default_value = DEFAULT_PAYMENTS_SECRET,
        hide_env_values = true
    )]
    pub payments_secret: String,
    /// JSON file of the beneficiary accounts: `{"agencies": [{"agency_code", "bank_bin",
    /// "bank_name", "account", "account_name", "fee_due": "on_request" | "on_filing"}]}`.
    /// Default: a demo account for the portal's agency (development only; warned).
    #[arg(long = "payments-accounts", env = "MOTCUA_PAYMENTS_ACCOUNTS")]
    pub payments_accounts: Option<PathBuf>,
    /// Working days to pay once a fee falls due (the payment request's due date).
    #[arg(long = "payments-due-days", env = "MOTCUA_PAYMENTS_DUE_DAYS", default_value_t = DEFAULT_PAYMENTS_DUE_DAYS)]
    pub payments_due_days: u32,
}

impl std::fmt::Debug for PaymentsArgs {
    // The secret must never reach a log through a stray `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentsArgs")
            .field("payments_accounts", &self.payments_accounts)
            .field("payments_due_days", &self.payments_due_days)
            .finish_non_exhaustive()
    }
}

impl PaymentsArgs {
    /// Defaults (the development secret and the demo account), as tests start a portal.
    pub fn for_tests() -> PaymentsArgs {
        PaymentsArgs {
            payments_secret: DEFAULT_PAYMENTS_SECRET.into(),
            payments_accounts: None,
            payments_due_days: DEFAULT_PAYMENTS_DUE_DAYS,
        }
    }
}

/// When an agency's fee falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FeeDue {
    /// When the desk requests payment (status 6, `request_payment`).
    #[default]
    OnRequest,
    /// At submission: the fee is paid on filing.
    OnFiling,
}

/// One agency's account, as configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgencyAccount {
    pub agency_code: String,
    pub bank_bin: String,
    pub bank_name: String,
    pub account: String,
    pub account_name: String,
    #[serde(default)]
    pub fee_due: FeeDue,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    agencies: Vec<AgencyAccount>,
}

/// The payments' settings, loaded at start.
pub(crate) struct PaymentsConfig {
    pub secret: Vec<u8>,
    pub due_days: u32,
    pub accounts: Vec<AgencyAccount>,
}

impl PaymentsConfig {
    /// Reads the options; `agency_code` is the portal's (for the demo account).
    pub(crate) fn load(
        args: &PaymentsArgs,
        agency_code: &str,
    ) -> Result<PaymentsConfig, PortalError> {
        if args.payments_secret.len() < 16 {
            return Err(PortalError::Config(
                "the payments secret must be at least 16 bytes".into(),
            ));
        }
        if args.payments_secret == DEFAULT_PAYMENTS_SECRET {
            tracing::warn!(
                "payment notifications are checked with the default development secret; \
                 never expose this portal (set --payments-secret or MOTCUA_PAYMENTS_SECRET)"
            );
        }
        let accounts = match &args.payments_accounts {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|source| PortalError::Io {
                    context: "cannot read the payments accounts file",
                    source,
                })?;
                let file: AccountsFile = serde_json::from_slice(&bytes).map_err(|error| {
                    PortalError::Config(format!("the payments accounts file: {error}"))
                })?;
                file.agencies
            }
            None => {
                tracing::warn!(
                    "fees are requested to a demo beneficiary account that no bank has \
                     (development only; set --payments-accounts)"
                );
                vec![AgencyAccount {
                    agency_code: agency_code.to_owned(),
                    bank_bin: DEMO_BANK_BIN.into(),
                    bank_name: "Ngân hàng thử nghiệm (demo)".into(),
                    account: DEMO_ACCOUNT.into(),
                    account_name: "MOTCUA DEMO".into(),
                    fee_due: FeeDue::OnRequest,
                }]
            }
        };
        for account in &accounts {
            check(account)?;
        }
        Ok(PaymentsConfig {
            secret: args.payments_secret.as_bytes().to_vec(),
            due_days: args.payments_due_days.max(1),
            accounts,
        })
    }

    /// The account of `agency_code`.
    pub(crate) fn account_of(&self, agency_code: &str) -> Option<&AgencyAccount> {
        self.accounts
            .iter()
            .find(|account| account.agency_code == agency_code)
    }

    /// The agency whose account is `account` ('' for none).
    pub(crate) fn agency_of_account(&self, account: &str) -> String {
        self.accounts
            .iter()
            .find(|configured| configured.account == account)
            .map(|configured| configured.agency_code.clone())
            .unwrap_or_default()
    }
}

/// An account a VietQR code can carry (checked by encoding one), with a name a bank shows.
fn check(account: &AgencyAccount) -> Result<(), PortalError> {
    VietQr::transfer(&account.bank_bin, &account.account, 1, "MC")
        .encode()
        .map_err(|error| {
            PortalError::Config(format!(
                "the payments account of {}: {error}",
                account.agency_code
            ))
        })?;
    if account.account_name.trim().is_empty()
        || account.account_name.chars().count() > 2 * MAX_NAME_LEN
    {
        return Err(PortalError::Config(format!(
            "the payments account of {}: the account name must be 1 to 50 characters",
            account.agency_code
        )));
    }
    Ok(())
}
