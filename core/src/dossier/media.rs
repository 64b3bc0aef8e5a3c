//! Attachment preparation (placeholder; being written).
