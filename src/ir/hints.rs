//! Model hints: the task, classes and input range of models whose files
//! cannot say them (Keras JSON), declared in the configuration
//! (`[[models]]`, read by `config`) with their origin (`actlint.toml:14:8`). They feed
//! the same task inference as the simple format's `task:`; what a file
//! declares itself wins over a hint.

use crate::diagnostic::Diagnostic;
use crate::ir::{InputRange, Model, Spanned, Task};
use crate::source::Span;

/// A hinted value and where it was configured (`actlint.toml:14:8`).
#[derive(Clone, Debug, PartialEq)]
pub struct Hint<T> {
    pub value: T,
    pub origin: String,
}

/// The hints that apply to one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelHints {
    pub task: Option<Hint<Task>>,
    pub classes: Option<Hint<u64>>,
    pub input_range: Option<Hint<InputRange>>,
}

impl ModelHints {
    pub fn is_empty(&self) -> bool {
        self.task.is_none() && self.classes.is_none() && self.input_range.is_none()
    }
}

/// What [`apply`] filled in, to explain findings that point at it.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The span given to hinted values: an empty span at the model's start.
    /// Labels there are about a hint, not about the file's text.
    pub span: Span,
    /// "task `regression` (actlint.toml:3:8)", one per applied hint.
    pub notes: Vec<String>,
}

/// Fills in what the model does not declare itself.
pub fn apply(model: &mut Model, hints: &ModelHints) -> Option<Applied> {
    if hints.is_empty() {
        return None;
    }
    let span = Span::empty(model.span.start);
    let mut notes = Vec::new();
    if let (None, Some(h)) = (&model.task, &hints.task) {
        model.task = Some(Spanned::new(h.value, span));
        notes.push(format!("task `{}` ({})", h.value.as_str(), h.origin));
    }
    if let (None, Some(h)) = (&model.classes, &hints.classes) {
        model.classes = Some(Spanned::new(h.value, span));
        notes.push(format!("classes = {} ({})", h.value, h.origin));
    }
    if let (None, Some(h)) = (&model.input_range, &hints.input_range) {
        model.input_range = Some(Spanned::new(h.value, span));
        let range = match h.value {
            InputRange::Range(a, b) => format!("[{a}, {b}]"),
            InputRange::Standardized => "\"standardized\"".to_string(),
        };
        notes.push(format!("input-range = {range} ({})", h.origin));
    }
    (!notes.is_empty()).then_some(Applied { span, notes })
}

/// Labels that rules put on hinted values point at no text of the file:
/// they are dropped, and the help says where the value was configured.
pub fn relabel(diagnostics: &mut [Diagnostic], applied: &Applied) {
    for d in diagnostics {
        let before = d.secondary.len();
        d.secondary.retain(|l| l.span != applied.span);
        let mut touched = d.secondary.len() != before;
        if d.primary.as_ref().is_some_and(|p| p.span == applied.span) {
            touched = true;
            if !d.secondary.is_empty() {
                d.primary = Some(d.secondary.remove(0));
            }
        }
        if touched {
            let note = format!(
                "the model hint{} in the configuration set{} {}",
                if applied.notes.len() == 1 { "" } else { "s" },
                if applied.notes.len() == 1 { "s" } else { "" },
                applied.notes.join(", ")
            );
            // One line: renderers show a help's line breaks escaped, as
            // they can come from the model.
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h}; {note}"),
                None => note,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};

    #[test]
    fn file_declarations_win_and_labels_move() {
        let yaml = "task: binary\nlayers:\n  - {type: Dense, units: 1, activation: sigmoid}\n";
        let doc = crate::tree::yaml::parse(yaml, Default::default()).unwrap();
        let crate::ir::Detected::Model(mut model) = crate::ir::build(&doc[0]) else {
            panic!("a model")
        };
        let hints = ModelHints {
            task: Some(Hint {
                value: Task::Regression,
                origin: "actlint.toml:3:8".into(),
            }),
            classes: Some(Hint {
                value: 4,
                origin: "actlint.toml:4:11".into(),
            }),
            input_range: None,
        };
        let applied = apply(&mut model, &hints).unwrap();
        assert_eq!(model.task.as_ref().unwrap().value, Task::Binary);
        assert_eq!(model.classes.as_ref().unwrap().value, 4);
        assert_eq!(applied.notes, ["classes = 4 (actlint.toml:4:11)"]);

        let mut d = vec![Diagnostic::new("ACT109", "x", Severity::Error, "m")];
        d[0].primary = Some(Label::new(applied.span, "declared"));
        d[0].secondary.push(Label::new(Span::new(3, 5), "other"));
        relabel(&mut d, &applied);
        assert_eq!(d[0].primary.as_ref().unwrap().span, Span::new(3, 5));
        assert!(d[0].secondary.is_empty());
        assert!(d[0].help.as_ref().unwrap().contains("actlint.toml:4:11"));
    }
}
