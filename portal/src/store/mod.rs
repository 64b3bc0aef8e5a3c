//! Where the portal's storage engines live (decision 0009). SQLite, the default, is still
//! [`crate::db`]; [`postgres`] is the PostgreSQL engine as far as it is built: its
//! connection pool and its numbered migrations, applied once however many portal
//! processes start together. The handlers do not use it yet: the store interface per area
//! that both engines implement comes next (the decision's plan, steps 1 and 3).

pub mod postgres;
pub mod sql;
