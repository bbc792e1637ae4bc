//! Autofix: applying the fixes rules attached (resolved into byte edits by
//! [`crate::tree::edit`]) without reformatting the file.
//!
//! [`apply`] applies fixes to a text; [`run`] loops lint-and-fix over a
//! text until nothing more applies; [`diff`] shows what a fix would change.
//! [`files`] reads, fixes and atomically writes files for the command line.

pub mod apply;
pub mod diff;
pub mod files;

pub use apply::{apply, run, Fixed};
