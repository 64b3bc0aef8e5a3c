-- Filing on behalf of someone else (motcua_protocol::on_behalf): the person and
-- the basis, sealed like the field values; NULL when the citizen files for
-- themselves.

ALTER TABLE drafts ADD COLUMN on_behalf_of BLOB;
