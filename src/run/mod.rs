//! A run: the files to lint ([`discover`]), linting them on a thread pool
//! ([`pool`]), fixing and writing them back ([`write`]), and the baseline
//! of accepted findings ([`baseline`]).

pub mod baseline;
pub mod discover;
pub mod ignores;
pub mod pool;
pub mod write;
