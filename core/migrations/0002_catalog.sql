-- The procedure catalog, kept whole for offline use. The searchable columns are
-- separate so that the search index is built without parsing every procedure.

CREATE TABLE catalog_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL,
    etag TEXT,
    synthetic INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
CREATE TABLE procedures (
    code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    field_vi TEXT NOT NULL,
    popularity INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE TABLE procedure_aliases (
    phrase TEXT NOT NULL,
    code TEXT NOT NULL REFERENCES procedures(code) ON DELETE CASCADE
) STRICT;
CREATE INDEX procedure_aliases_code ON procedure_aliases(code);
