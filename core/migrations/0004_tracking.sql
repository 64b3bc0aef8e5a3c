-- Status tracking: the portal's status changes (the timeline, for offline
-- viewing), the appointment date, and the sync cursor.

ALTER TABLE dossiers ADD COLUMN appointment_date TEXT;
CREATE TABLE dossier_events (
    seq INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT,
    appointment_date TEXT,
    reason TEXT
) STRICT;
CREATE INDEX dossier_events_code ON dossier_events(code, seq);
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor INTEGER NOT NULL
) STRICT;
