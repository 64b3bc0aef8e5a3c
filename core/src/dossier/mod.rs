//! Dossiers on the device: drafts (autosaved, sealed), attachments prepared for upload,
//! and the submission outbox that delivers each dossier exactly once.

pub mod media;
