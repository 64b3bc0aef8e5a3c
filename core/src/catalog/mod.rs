//! The procedure catalog on the device: synced from the portal, searchable offline.

pub mod search;
