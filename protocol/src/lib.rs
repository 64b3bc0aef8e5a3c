#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod admin_units;
pub mod api;
pub mod catalog;
pub mod dossier;
pub mod i18n;
pub mod identity;
pub mod jose;
pub mod oidc;
pub mod synthetic;
pub mod text;
pub mod validation;
