//! Autofix: applying the fixes rules attached (resolved into byte edits by
//! [`crate::tree::edit`]) without reformatting the file.
//!
//! [`apply`] applies fixes to a text; [`run`] loops lint-and-fix over a
//! text until nothing more applies; [`diff`] shows what a fix would change.
//! Reading, fixing and writing files for the command line is
//! [`crate::run::write`].

pub mod apply;
pub mod diff;

pub use apply::{apply, run, Fixed};
