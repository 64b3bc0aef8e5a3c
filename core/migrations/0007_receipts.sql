-- Receipts: the one of each accepted dossier (synced with the acceptance), and
-- the trust list of receipt-signing keys as the root key signed it (verified again
-- when read).

CREATE TABLE receipts (
    code TEXT PRIMARY KEY NOT NULL,
    text TEXT NOT NULL
) STRICT;
CREATE TABLE receipt_trust_list (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    signed BLOB NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
