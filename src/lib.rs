//! actlint: a linter for Keras model configurations.
//!
//! The pipeline, one module a stage:
//! [`source`] (bytes to text, `.keras` archives) -> [`tree`] (spanned JSON/YAML
//! nodes) -> [`ir`] (the model: layers, graphs, output heads) -> [`rules`] ->
//! [`diagnostic`] -> [`render`].

pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod ir;
pub mod lint;
pub mod render;
pub mod rules;
pub mod run;
pub mod server;
pub mod source;
pub mod tree;
