//! The receipts' path: the trust list of the portal's signing keys
//! ([`crate::receipt::TrustList`]).

/// `GET` → the trust list: a COSE_Sign1 ([`TrustList::open`](crate::receipt::TrustList::open)),
/// media type `application/cose`. Public: it holds public keys only.
pub const PATH_RECEIPT_KEYS: &str = "/api/v1/receipt-keys";
