//! Input rules.

pub mod input_range_mismatch;
