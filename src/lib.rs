//! actlint: a linter for Keras model configurations.
//!
//! The pipeline, one module a stage, each importing only the ones before it
//! (docs/architecture.md; checked by `tests/architecture.rs`):
//! [`escape`] (input text made safe to print) -> [`source`] (bytes to text,
//! `.keras` archives, spans, line index) ->
//! [`diagnostic`] (findings and the fix vocabulary) -> [`tree`] (spanned
//! JSON/YAML nodes, text edits) -> [`catalog`] (Keras facts) -> [`ir`] (the
//! model: layers, graphs, output heads) -> [`rules`] -> [`lint`] (one file)
//! -> [`config`] -> [`fix`] -> [`run`] (many files) -> [`render`] ->
//! [`server`] and [`cli`].

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod escape;
pub mod fix;
pub mod ir;
pub mod lint;
pub mod render;
pub mod rules;
pub mod run;
pub mod server;
pub mod source;
pub mod tree;
