//! The spanned node tree: one representation for JSON and YAML documents.
//!
//! Every node carries the byte range of its value in the source text, so a
//! diagnostic can point at exactly the value that is wrong. Keys carry their
//! own span too.

pub mod edit;
pub mod encoded;
pub mod json;
pub mod notebook;
pub mod yaml;

use crate::source::Span;

/// A number as written: its float value, and its integer value when it is one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    pub int: Option<i64>,
}

/// The text of a string value or key. Nearly all of them in a model config
/// (`class_name`, `kernel_initializer`, `relu`, `float32`, layer names) are
/// short: held inline, without an allocation of their own.
pub type Str = compact_str::CompactString;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(Str),
    Array(Vec<Node>),
    Object(Vec<Entry>),
    /// A value that is present but not known statically: an argument in
    /// Python source computed at run time (`activation=get_act()`). The JSON
    /// and YAML parsers never produce it. Readers treat it as unknown, never
    /// as absent (so no Keras default replaces it) and never as a type error.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Str,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// The value under `key` in a mapping. Like Python's `json.loads`, the last
    /// of duplicated keys wins.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Object(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value under `key`, ignoring explicit nulls.
    pub fn get_some(&self, key: &str) -> Option<&Node> {
        self.get(key).filter(|n| !n.is_null())
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Number(n) => Some(n.value),
            _ => None,
        }
    }
    /// A non-negative integer (also a float with an integral value, as
    /// tf-keras sometimes writes `64.0`).
    pub fn as_u64(&self) -> Option<u64> {
        match self.value {
            Value::Number(Number { int: Some(i), .. }) if i >= 0 => Some(i as u64),
            Value::Number(Number { value, int: None })
                if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < 9.0e15 =>
            {
                Some(value as u64)
            }
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Number(Number { int: Some(i), .. }) => Some(i),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    /// A value not known statically (see [`Value::Unknown`]).
    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown)
    }

    /// A short name for the kind of value, for messages ("a string", "a list").
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "a mapping",
            Value::Unknown => "a value not known statically",
        }
    }

    /// Number of nodes in this subtree (this node included).
    pub fn count(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            n += 1;
            match &node.value {
                Value::Array(items) => stack.extend(items.iter()),
                Value::Object(entries) => stack.extend(entries.iter().map(|e| &e.value)),
                _ => {}
            }
        }
        n
    }
}

/// A syntax error with the place it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// Bounds applied while building a tree, so hostile input cannot exhaust
/// the stack or memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting depth of arrays/objects.
    pub max_depth: usize,
    /// Maximum number of nodes, counting nodes produced by YAML aliases.
    pub max_nodes: usize,
    /// Maximum number of nodes copied for YAML anchors and aliases (an
    /// alias is expanded into a copy of what its anchor names, so a few
    /// lines of nested aliases can stand for billions of nodes).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_nodes: 5_000_000,
            max_alias_nodes: 1_000_000,
        }
    }
}
