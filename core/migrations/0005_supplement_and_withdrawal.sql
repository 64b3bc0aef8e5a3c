-- The citizen's side of the lifecycle: a supplement answer is a draft that answers
-- a dossier (same outbox, same exactly-once delivery); a withdrawal waits in its
-- own small queue with its idempotency key; the desk's list of missing items is
-- kept with the event that asked for them.

ALTER TABLE drafts ADD COLUMN answers_dossier TEXT;
CREATE INDEX drafts_answers_dossier ON drafts(answers_dossier)
    WHERE answers_dossier IS NOT NULL;
ALTER TABLE dossier_events ADD COLUMN missing TEXT;
CREATE TABLE pending_withdrawals (
    dossier_code TEXT PRIMARY KEY NOT NULL,
    idempotency_key TEXT NOT NULL,
    note BLOB,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL
) STRICT;
