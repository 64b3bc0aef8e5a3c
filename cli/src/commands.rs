//! Dispatch: runs the command the arguments name and prints its outcome.

use motcua_core::Lang;

use crate::args::{
    CalendarCommand, CatalogCommand, Cli, Command, DraftCommand, LoginStep, PortalCommand,
};
use crate::client::{ClientContext, ConfigUse};
use crate::error::CliError;
use crate::login::{login_begin, login_finish, login_loopback, logout, whoami};
use crate::output::Output;

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
            command:
                PortalCommand::ReceiptKeys {
                    mut location,
                    command,
                },
        } => match cli.data_dir {
            Some(dir) => {
                location.data_dir = dir;
                crate::receipt::keys(&out, &location, &command).await
            }
            None => Err(CliError::InvalidArgument(
                "--data-dir: the portal's data directory".into(),
            )),
        },
        Command::Portal {
            command: PortalCommand::Payments { command },
        } => crate::payments::run_portal(&out, &cli.portal, command).await,
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
        Command::Pay { code, png } => {
            match ClientContext::new(&cli.portal, cli.data_dir, cli.assisted).await {
                Ok(client) => crate::payments::pay(&out, &client, &code, png.as_deref()).await,
                Err(e) => Err(e),
            }
        }
        Command::FeeReceipt {
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
                Ok(client) => {
                    crate::payments::fee_receipt(&out, &client, &code, png.as_deref()).await
                }
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
