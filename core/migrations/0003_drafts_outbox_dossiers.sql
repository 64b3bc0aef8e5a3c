-- Drafts and the submission outbox. Field values and file names are sealed
-- (AES-256-GCM under the profile's data key); attachment bytes live sealed in
-- files under `attachments/`.

CREATE TABLE drafts (
    id TEXT PRIMARY KEY NOT NULL,
    procedure_code TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('editing', 'submitting', 'submitted')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    failure TEXT,
    dossier_code TEXT
) STRICT;
CREATE TABLE draft_fields (
    draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    field_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    prefilled INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (draft_id, field_id)
) STRICT;
CREATE TABLE draft_attachments (
    id INTEGER PRIMARY KEY,
    draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    requirement TEXT NOT NULL,
    file_name BLOB NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    blob TEXT NOT NULL,
    upload_url TEXT,
    upload_offset INTEGER NOT NULL DEFAULT 0,
    uploaded INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX draft_attachments_draft ON draft_attachments(draft_id);
CREATE TABLE outbox (
    draft_id TEXT PRIMARY KEY NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE dossiers (
    code TEXT PRIMARY KEY NOT NULL,
    procedure_code TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    draft_id TEXT
) STRICT;
