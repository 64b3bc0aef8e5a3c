-- Payments (decision record 0007). One payment request per dossier, made when its fee
-- falls due; `reference` is what the transfer's description carries (the VietQR purpose).
-- The beneficiary is copied in, so a request keeps the account it was shown with.
CREATE TABLE payment_requests (
    id             INTEGER PRIMARY KEY,
    dossier_id     INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
    agency_code    TEXT NOT NULL,
    reference      TEXT NOT NULL UNIQUE,
    amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0),
    bank_bin       TEXT NOT NULL,
    bank_name      TEXT NOT NULL,
    account        TEXT NOT NULL,
    account_name   TEXT NOT NULL,
    -- When the fee fell due (RFC 3339 +07:00) and the date to pay by.
    due_at         TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('awaiting', 'paid')),
    paid_at        TEXT,
    transaction_id TEXT,
    -- The fee e-receipt (`MCF1:`…), issued with the payment.
    fee_receipt    TEXT,
    CHECK (status = 'awaiting' OR (paid_at IS NOT NULL AND fee_receipt IS NOT NULL))
) STRICT;

-- Every authentic notification of a credited transfer, once per transaction id (the
-- intermediary's retries are duplicates), with what was done: paid a request exactly, or
-- held for the desk's reconciliation until an officer resolves it. Nothing is deleted.
CREATE TABLE payment_transactions (
    id              INTEGER PRIMARY KEY,
    transaction_id  TEXT NOT NULL UNIQUE,
    amount_vnd      INTEGER NOT NULL CHECK (amount_vnd >= 0),
    description     TEXT NOT NULL,
    account         TEXT NOT NULL,
    -- The agency of the credited account ('' when no configured account is).
    agency_code     TEXT NOT NULL,
    credited_at     TEXT NOT NULL,
    -- Vietnam's date of `credited_at`: the day of the reconciliation report.
    report_day      TEXT NOT NULL,
    payer_name      TEXT,
    received_at     INTEGER NOT NULL,
    -- The request whose reference the description carries, if any.
    request_id      INTEGER REFERENCES payment_requests (id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('paid', 'held')),
    hold_reason     TEXT CHECK (hold_reason IN ('wrong_amount', 'unknown_reference',
                                                'second_payment')),
    resolution      TEXT CHECK (resolution IN ('apply', 'refund')),
    resolution_note TEXT,
    resolved_by     INTEGER REFERENCES staff (id),
    resolved_at     INTEGER,
    CHECK ((outcome = 'held') = (hold_reason IS NOT NULL)),
    CHECK (resolution IS NULL OR outcome = 'held')
) STRICT;
CREATE INDEX payment_transactions_day ON payment_transactions (report_day, agency_code);
CREATE INDEX payment_transactions_held ON payment_transactions (outcome, resolution);
CREATE INDEX payment_transactions_request ON payment_transactions (request_id);
