//! The integration tests, in one binary so that the crate is linked once:
//! one module per area, run with `cargo test --test it [FILTER]`.

mod common;
mod external;

mod architecture;
mod bad_inputs;
mod checklists;
mod cli;
mod complexity;
mod config;
mod corpus;
mod corpus_findings;
mod docs;
mod exhaustive_matches;
mod fix;
mod formats;
mod function_length;
mod generated_docs;
mod graph;
// FIFOs, links, `/proc`, `/dev/zero` and `/dev/full`.
#[cfg(unix)]
mod hostile;
mod precommit;
mod properties;
mod python;
mod readme;
mod real_world;
mod render;
mod robustness;
mod rule_fixtures;
mod schemas;
mod server;
mod shapes;
mod walk;
