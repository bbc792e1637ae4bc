//! Security rules.

pub mod lambda_layer;
