//! The `motcua` command line: runs the reference portal, logs in like a native app, and
//! walks the whole journey in `motcua demo`. A front end over `motcua-core` (and, for
//! `portal serve` and `demo`, `motcua-portal`): it formats, it does not decide.

pub mod args;
pub mod assist;
pub mod browser;
pub mod calendar;
pub mod catalog;
pub mod client;
pub mod commands;
pub mod demo;
pub mod desk;
pub mod dossier;
pub mod error;
pub mod files;
pub mod login;
pub mod output;
pub mod payments;
pub mod receipt;
pub mod tracking;
