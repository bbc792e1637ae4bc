//! Jupyter notebooks: the code cells, in order, read as one Python program.
//!
//! The cells are decoded by [`crate::tree::notebook`] with a map from every
//! byte of the code back to the notebook text, so spans point at the right
//! place in the `.ipynb` file.

use super::Lowered;
use crate::tree::{encoded, Limits, SyntaxError};

pub use crate::tree::notebook::{code, Code};

/// Reads the models a notebook builds; spans point into the notebook text.
pub fn lower(text: &str, limits: Limits) -> Result<Lowered, SyntaxError> {
    let code = code(text, limits)?;
    match super::lower(&code.text) {
        Ok(mut lowered) => {
            for doc in &mut lowered.docs {
                encoded::remap(doc, &code.map);
            }
            for e in &mut lowered.errors {
                e.span = encoded::map_span(e.span, &code.map);
            }
            Ok(lowered)
        }
        Err(mut e) => {
            let cell = code
                .cells
                .iter()
                .rev()
                .find(|(start, _)| *start <= e.span.start)
                .map_or(1, |(_, n)| *n);
            e.message = format!("in cell {cell}: {}", e.message);
            e.span = encoded::map_span(e.span, &code.map);
            Err(e)
        }
    }
}
