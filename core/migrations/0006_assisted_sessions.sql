-- Assisted sessions, as the volunteer's profile remembers them: no personal data of
-- the assisted citizen (see core::assist).

CREATE TABLE assisted_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    started_at INTEGER NOT NULL,
    day TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consent_at INTEGER NOT NULL,
    assisted_by TEXT,
    ended_at INTEGER,
    end_kind TEXT CHECK (end_kind IN ('ended', 'abandoned')),
    helped INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE assisted_outcomes (
    session_id TEXT NOT NULL REFERENCES assisted_sessions(id),
    procedure_code TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('submitted', 'not_sent', 'draft_abandoned'))
) STRICT;
CREATE INDEX assisted_outcomes_session ON assisted_outcomes(session_id);
