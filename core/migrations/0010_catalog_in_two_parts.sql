-- The catalog in two parts (decision record 0006): the summary of every
-- procedure (what search and lists need; `detail_version` says which detail is
-- current), each procedure's detail (documents, form) once opened, and the bytes
-- of a download cut halfway, continued with a Range request. The catalog is a
-- public cache: the old tables are dropped, and the next refresh (or the catalog
-- shipped with the app) fills the new ones.

DROP TABLE procedure_aliases;
DROP TABLE procedures;
DROP TABLE catalog_meta;
CREATE TABLE catalog_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL,
    synthetic INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
CREATE TABLE procedures (
    code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    field_vi TEXT NOT NULL,
    popularity INTEGER NOT NULL,
    summary TEXT NOT NULL,
    detail_version TEXT NOT NULL
) STRICT;
CREATE TABLE procedure_aliases (
    phrase TEXT NOT NULL,
    code TEXT NOT NULL REFERENCES procedures(code) ON DELETE CASCADE
) STRICT;
CREATE INDEX procedure_aliases_code ON procedure_aliases(code);
CREATE TABLE procedure_details (
    code TEXT PRIMARY KEY NOT NULL,
    version TEXT NOT NULL,
    body TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
CREATE TABLE catalog_downloads (
    path TEXT PRIMARY KEY NOT NULL,
    validator TEXT NOT NULL,
    received BLOB NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
