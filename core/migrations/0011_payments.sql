-- Fees (docs/ARCHITECTURE.md, "Payments"): the last payment request the portal
-- showed for each dossier, kept so the payment screen and the fee's e-receipt
-- open offline. `view` is the portal's answer (JSON), sealed: the e-receipt in
-- it names the payer. `status` is kept readable so the dossier screen can tell
-- a fee is due without opening every view.

CREATE TABLE payments (
    code TEXT PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    view TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
