-- Uploads the phone gave up (an attachment removed from a draft, a draft
-- deleted), to delete on the portal (tus termination) at the next delivery run;
-- a portal that never hears of it lets them expire.

CREATE TABLE abandoned_uploads (
    url TEXT PRIMARY KEY NOT NULL,
    abandoned_at INTEGER NOT NULL
) STRICT;
