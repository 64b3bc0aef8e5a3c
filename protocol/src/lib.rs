#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod admin_units;
pub mod api;
pub mod calendar;
pub mod catalog;
pub mod catalog_delivery;
pub mod dossier;
pub mod i18n;
pub mod identity;
pub mod jose;
pub mod lifecycle;
pub mod lunar;
pub mod oidc;
pub mod on_behalf;
pub mod receipt;
pub mod synthetic;
pub mod text;
pub mod time;
pub mod validation;
pub mod vietqr;
