//! Keras HDF5 model files (`model.save('model.h5')`, Keras 1.x and 2.x, and
//! HDF5 saved under a `.keras` name): the model is in the root group's
//! string attributes `model_config` and `training_config` (JSON), next to
//! `keras_version` and `backend`.
//!
//! [`to_json`] reads those four attributes, and nothing else, out of a
//! buffer the caller has already read through the file size limit, and
//! writes them as one JSON document,
//!
//! ```json
//! {
//!   "model_config": { ...the attribute, indented... },
//!   "training_config": { ... },
//!   "keras_version": "2.19.0",
//!   "backend": "tensorflow"
//! }
//! ```
//!
//! the shape the Keras front end reads (see [`crate::ir::keras`]). That
//! text is what positions, snippets and line numbers of the report refer
//! to: the report names it as the member [`MEMBER`] of the file. Datasets
//! (the weights) are never read.
//!
//! The reader is the `hdf5-pure` crate (no C library). A file it cannot
//! read is an error; a panic inside it is caught here (as well as by the
//! per-file isolation around the whole pipeline, `lint::isolate`) and
//! reported as an internal error for the file, so the paths that call the
//! source stage outside that isolation (`--fix`) are protected too.

/// The HDF5 format signature, at the start of every Keras HDF5 file.
pub const MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

/// The name reports give the JSON text built from the attributes (where a
/// `.keras` archive's says `config.json`).
pub const MEMBER: &str = "HDF5 attributes";

/// The attributes read, in the order they are written into the text.
const ATTRIBUTES: [&str; 4] = [
    "model_config",
    "training_config",
    "keras_version",
    "backend",
];

/// The two attributes that hold JSON.
const JSON_ATTRIBUTES: [&str; 2] = ["model_config", "training_config"];

/// What an HDF5 file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hdf5 {
    /// A model: the JSON text built from its root attributes.
    Model(String),
    /// Readable, but no model in it: why (for `-v`).
    NotAModel(String),
}

/// Why an HDF5 file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hdf5Error {
    /// Not a readable HDF5 file (truncated, corrupt): the reader's message.
    Corrupt(String),
    /// An attribute that should be a string is something else.
    NotAString(&'static str),
    /// The reader panicked (a bug in it, or here).
    Internal(String),
}

impl std::fmt::Display for Hdf5Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hdf5Error::Corrupt(msg) => {
                let msg = msg.strip_prefix("HDF5 format error: ").unwrap_or(msg);
                write!(f, "not a readable HDF5 file: {msg}")
            }
            Hdf5Error::NotAString(name) => write!(
                f,
                "HDF5 attribute `{name}` is not a string: Keras writes the model there as JSON text"
            ),
            // Worded as the per-file isolation words a caught panic, so
            // that the run reports it as a bug (exit code 2).
            Hdf5Error::Internal(msg) => {
                write!(f, "internal error while reading the HDF5 file: {msg}")
            }
        }
    }
}

/// Reads the model attributes of an HDF5 file held in `bytes` (already
/// bounded by the file size limit). A panic in the reader is an
/// [`Hdf5Error::Internal`].
pub fn to_json(bytes: &[u8]) -> Result<Hdf5, Hdf5Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(bytes))).unwrap_or_else(
        |payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_string());
            Err(Hdf5Error::Internal(message))
        },
    )
}

fn read(bytes: &[u8]) -> Result<Hdf5, Hdf5Error> {
    let file = hdf5_pure::File::from_bytes(bytes.to_vec())
        .map_err(|e| Hdf5Error::Corrupt(e.to_string()))?;
    // A truncated file can still show a root group with fewer attributes:
    // the superblock says where the file ends.
    let superblock = file.superblock();
    let end = superblock
        .base_address
        .get()
        .saturating_add(superblock.eof_address);
    if end > bytes.len() as u64 {
        return Err(Hdf5Error::Corrupt(format!(
            "it is truncated: its superblock says it is {end} bytes long, the file has {}",
            bytes.len()
        )));
    }
    // The root group's attribute messages only: its links (the weight
    // groups and datasets) are not followed.
    let attrs = file
        .root()
        .attrs()
        .map_err(|e| Hdf5Error::Corrupt(e.to_string()))?;
    if !attrs.contains_key("model_config") {
        let reason = if attrs.contains_key("layer_names") || attrs.is_empty() {
            "an HDF5 file without a `model_config` attribute: Keras weights (`save_weights`), not a model"
        } else {
            "an HDF5 file without a `model_config` attribute: not a Keras model"
        };
        return Ok(Hdf5::NotAModel(reason.to_string()));
    }
    let mut text = String::from("{");
    let mut first = true;
    for name in ATTRIBUTES {
        let Some(value) = attrs.get(name) else {
            continue;
        };
        let Some(s) = value.as_str() else {
            return Err(Hdf5Error::NotAString(name));
        };
        text.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        text.push('"');
        text.push_str(name);
        text.push_str("\": ");
        if JSON_ATTRIBUTES.contains(&name) {
            indent_json(s, 1, &mut text);
        } else {
            text.push_str(&serde_json::Value::from(s).to_string());
        }
    }
    text.push_str("\n}\n");
    Ok(Hdf5::Model(text))
}

/// Most levels indented: deeper content keeps the last indentation, so the
/// text grows at most by a bounded factor.
const MAX_INDENT: usize = 16;

/// Appends JSON text `json` to `out`, one member or element a line,
/// indented two spaces a level starting at `level`. Only the layout
/// changes: strings, numbers, `NaN` and key order are copied as they are,
/// and text that is not JSON is copied too (the parser reports it where it
/// is). Keras writes `model_config` on one line; indented, the report's
/// snippets and line numbers point at one layer setting.
pub fn indent_json(json: &str, level: usize, out: &mut String) {
    let bytes = json.as_bytes();
    let mut depth = level;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' => {
                // Copy the string with its escapes.
                let end = string_end(bytes, i);
                out.push_str(&json[i..end]);
                i = end;
                continue;
            }
            b'{' | b'[' => {
                out.push(c as char);
                let close = if c == b'{' { b'}' } else { b']' };
                let next = next_significant(bytes, i + 1);
                if next.map(|j| bytes[j]) == Some(close) {
                    out.push(close as char);
                    i = next.map_or(bytes.len(), |j| j + 1);
                    continue;
                }
                depth += 1;
                newline(out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(c as char);
            }
            b',' => {
                out.push(',');
                newline(out, depth);
            }
            b':' => out.push_str(": "),
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                let end = token_end(bytes, i);
                out.push_str(&json[i..end]);
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// A line break and the indentation of `depth` (at most [`MAX_INDENT`]).
fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth.min(MAX_INDENT) {
        out.push_str("  ");
    }
}

/// The end of the string literal opening at `start`, past its closing
/// quote (or the end of the text).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

/// The end of a number, a literal or stray text starting at `start`: the
/// next structural character, whitespace or string.
fn token_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len()
        && !matches!(
            bytes[i],
            b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\t' | b'\n' | b'\r'
        )
    {
        i += 1;
    }
    i
}

fn next_significant(bytes: &[u8], from: usize) -> Option<usize> {
    (from..bytes.len()).find(|&j| !matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indented(json: &str) -> String {
        let mut out = String::new();
        indent_json(json, 0, &mut out);
        out
    }

    #[test]
    fn indenting_keeps_every_token() {
        let json = r#"{"a": [1, 2.50, NaN], "b": {}, "c": [], "d": "x, {y}: \"z\"", "e": {"f": -Infinity}}"#;
        let out = indented(json);
        assert_eq!(
            out,
            "{\n  \"a\": [\n    1,\n    2.50,\n    NaN\n  ],\n  \"b\": {},\n  \"c\": [],\n  \"d\": \"x, {y}: \\\"z\\\"\",\n  \"e\": {\n    \"f\": -Infinity\n  }\n}"
        );
        let strip = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(strip(&out), strip(json));
    }

    #[test]
    fn indenting_text_that_is_not_json_does_not_panic() {
        for s in [
            "",
            "\"",
            "\"\\",
            "{",
            "}}]]",
            "[[[",
            "a b",
            "{\"é\": \"ü\\\"",
            "\\\"é",
        ] {
            let _ = indented(s);
        }
        // Deep nesting stops indenting past a bound.
        let deep = "[".repeat(1000);
        assert!(indented(&deep).len() < deep.len() * (2 * MAX_INDENT + 3));
    }

    #[test]
    fn garbage_after_the_signature_is_an_error_not_a_panic() {
        let mut bytes = MAGIC.to_vec();
        bytes.extend([0u8; 100]);
        assert!(matches!(to_json(&bytes), Err(Hdf5Error::Corrupt(_))));
        assert!(matches!(to_json(MAGIC), Err(Hdf5Error::Corrupt(_))));
        assert!(matches!(to_json(b""), Err(Hdf5Error::Corrupt(_))));
    }

    #[test]
    fn a_truncated_file_is_an_error() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/formats/h5/uncompiled_relu_lstm.h5"
        );
        let bytes = std::fs::read(path).unwrap();
        assert!(matches!(to_json(&bytes), Ok(Hdf5::Model(_))));
        for cut in [0, 7, 8, 100, 2000, 5000, bytes.len() - 1] {
            let e = to_json(&bytes[..cut]).unwrap_err();
            assert!(matches!(e, Hdf5Error::Corrupt(_)), "cut at {cut}: {e:?}");
        }
    }
}
