-- The order rows were made in (SQLite's migration of the same number adds the same
-- column): the tie-breaker of keys made, and catalogs published, within one second. Set by
-- every insert to one more than the table's highest, inside the writing transaction.
ALTER TABLE signing_keys ADD COLUMN ordinal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE receipt_keys ADD COLUMN ordinal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE catalog_versions ADD COLUMN ordinal BIGINT NOT NULL DEFAULT 0;
UPDATE signing_keys k SET ordinal = o.n
    FROM (SELECT kid, row_number() OVER (ORDER BY created_at, kid) AS n FROM signing_keys) o
    WHERE o.kid = k.kid;
UPDATE receipt_keys k SET ordinal = o.n
    FROM (SELECT kid, row_number() OVER (ORDER BY not_before, kid) AS n FROM receipt_keys) o
    WHERE o.kid = k.kid;
UPDATE catalog_versions v SET ordinal = o.n
    FROM (SELECT version, row_number() OVER (ORDER BY last_published_at, version) AS n
          FROM catalog_versions) o
    WHERE o.version = v.version;
