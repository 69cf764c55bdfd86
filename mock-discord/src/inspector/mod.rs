//! The live inspector at `/__mock`: each login drawn as a sequence diagram
//! between Browser, App and Provider, growing as requests happen.
//!
//! * [`page`]: the page, its script and style, the event stream
//!   (`/__mock/events`) and the steps as JSON (`/__mock/steps`).
//! * [`timeline`]: the steps, from the mock's exchanges and the app's
//!   notes, with their secrets shortened.
//! * [`explain`]: what each exchange is, where the RFC says so, and the
//!   attack it stops.
//! * [`notes`]: where an app in the same process reports its decisions.
//! * [`watchers`]: how many pages may watch at once.
//!
//! The inspector only shows: the checks it draws (PKCE's, say) are made by
//! the provider's own code, in [`crate::oauth`].

pub mod explain;
pub mod notes;
pub mod page;
pub mod timeline;
pub mod watchers;

pub use watchers::MAX_WATCHERS;
