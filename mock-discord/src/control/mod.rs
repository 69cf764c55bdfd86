//! What the mock offers its users that no real provider does, under
//! `/__mock`:
//!
//! * [`routes`]: the control routes (reset, move the clock, inject a fault,
//!   read the journal), and the inspector's page and streams.
//! * [`faults`]: "the next N requests to this endpoint fail this way", and
//!   [`fault_answers`], what each fault answers instead.
//! * [`journal`]: every exchange, secrets shortened, for tests and
//!   `GET /__mock/requests`.
//! * [`local_host`]: these routes answer only at this machine's own
//!   address (no DNS rebinding), a rule the stages' lab pages share.
//!
//! None of it exists on Discord or Google.

pub mod fault_answers;
pub mod faults;
pub mod journal;
pub mod local_host;
pub mod routes;
