//! Resource limits, and the checks on a parsed document that bound the work
//! done on it. Every limit has a name (the configuration key) that the
//! ACT000 diagnostic it produces quotes, so a user can tell which limit was
//! hit and raise it.
//!
//! | key | default | bounds | checked in |
//! |---|---|---|---|
//! | `max-file-size` | 64 MiB | a text file (or standard input) read | [`crate::source`], [`crate::lint::lint_path`] |
//! | `max-archive-entries` | 10,000 | entries a `.keras` archive may list | [`crate::source`] |
//! | `max-archive-member-size` | 64 MiB | `config.json` inflated out of a `.keras` | [`crate::source`] |
//! | `max-python-size` | 8 MiB | Python source or a notebook parsed | [`crate::source`] |
//! | `max-depth` | 256 | nesting of lists and mappings | [`crate::tree`] |
//! | `max-nodes` | 5,000,000 | values in a document, aliases expanded | [`crate::tree`] |
//! | `max-alias-nodes` | 1,000,000 | values copied by YAML anchors and aliases | [`crate::tree::yaml`] |
//! | `max-layers` | 100,000 | layer entries in a model, nested ones included | [`check_layer_entries`] |
//! | `max-graph-edges` | 1,000,000 | connections between layers | [`check_model`] |
//!
//! Cycles in a layer graph are not a limit: they are reported (ACT004) and
//! cut, never followed.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Model;
use crate::lint::Options;
use crate::rules::parse_error;
use crate::source::Syntax;
use crate::tree::{Entry, Node, Value};

/// Bounds on the model built from a document, so that the rules' work is
/// bounded too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelLimits {
    /// Layer entries in one model (nested models and wrapped layers included).
    pub max_layers: usize,
    /// Connections between layers (graph edges) in one model.
    pub max_graph_edges: usize,
}

impl Default for ModelLimits {
    fn default() -> Self {
        ModelLimits {
            max_layers: 100_000,
            max_graph_edges: 1_000_000,
        }
    }
}

/// The highest `max-depth` that [`set`] accepts: parsing and walking a
/// tree recurse once per level, on threads with 8 MiB stacks.
pub const MAX_DEPTH_CEILING: usize = 2048;

/// One configurable limit.
pub struct LimitKey {
    /// The configuration key (`max-file-size`).
    pub key: &'static str,
    /// What it bounds, for documentation and `--show-settings`.
    pub doc: &'static str,
    /// Whether the value is a byte count (accepts `KiB`, `MiB`, `GiB`).
    pub bytes: bool,
}

/// Every limit, in the order of the table above.
pub const KEYS: &[LimitKey] = &[
    LimitKey {
        key: "max-file-size",
        doc: "largest JSON/YAML file (or standard input) read, in bytes",
        bytes: true,
    },
    LimitKey {
        key: "max-archive-entries",
        doc: "most entries a .keras archive may list",
        bytes: false,
    },
    LimitKey {
        key: "max-archive-member-size",
        doc: "largest config.json read out of a .keras archive (uncompressed), in bytes",
        bytes: true,
    },
    LimitKey {
        key: "max-python-size",
        doc: "largest Python source or notebook parsed, in bytes",
        bytes: true,
    },
    LimitKey {
        key: "max-depth",
        doc: "deepest nesting of lists and mappings",
        bytes: false,
    },
    LimitKey {
        key: "max-nodes",
        doc: "most values in one document, YAML aliases expanded",
        bytes: false,
    },
    LimitKey {
        key: "max-alias-nodes",
        doc: "most values copied by YAML anchors and aliases",
        bytes: false,
    },
    LimitKey {
        key: "max-layers",
        doc: "most layer entries in one model, nested models included",
        bytes: false,
    },
    LimitKey {
        key: "max-graph-edges",
        doc: "most connections between layers in one model",
        bytes: false,
    },
];

/// Sets the limit `key` (one of [`KEYS`]) from its written value: a
/// positive integer, for byte counts also with a `KiB`, `MiB` or `GiB`
/// suffix (`64MiB`, `512 KiB`).
pub fn set(options: &mut Options, key: &str, value: &str) -> Result<(), String> {
    let Some(spec) = KEYS.iter().find(|k| k.key == key) else {
        let names: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
        return Err(
            match crate::ir::suggest::closest(key, names.iter().copied()) {
                Some(s) => format!("unknown limit `{key}`; did you mean `{s}`?"),
                None => format!("unknown limit `{key}`; the limits are {}", names.join(", ")),
            },
        );
    };
    let n = parse_count(value, spec.bytes).ok_or_else(|| {
        let unit = if spec.bytes {
            " (a byte count: `67108864`, `64MiB`)"
        } else {
            ""
        };
        format!("`{key}` must be a positive integer{unit}, found `{value}`")
    })?;
    let size = usize::try_from(n).unwrap_or(usize::MAX);
    if key == "max-depth" && size > MAX_DEPTH_CEILING {
        return Err(format!(
            "`max-depth` can be at most {MAX_DEPTH_CEILING} (deeper nesting could overflow the stack), found `{value}`"
        ));
    }
    match key {
        "max-file-size" => options.read_limits.max_file_size = n,
        "max-archive-entries" => options.read_limits.max_archive_entries = size,
        "max-archive-member-size" => options.read_limits.max_archive_member_size = n,
        "max-python-size" => options.read_limits.max_python_size = n,
        "max-depth" => options.tree_limits.max_depth = size,
        "max-nodes" => options.tree_limits.max_nodes = size,
        "max-alias-nodes" => options.tree_limits.max_alias_nodes = size,
        "max-layers" => options.model_limits.max_layers = size,
        "max-graph-edges" => options.model_limits.max_graph_edges = size,
        _ => unreachable!("every key of KEYS is handled"),
    }
    Ok(())
}

/// The current value of the limit `key`, as `set` accepts it.
pub fn get(options: &Options, key: &str) -> Option<u64> {
    let to = |n: usize| n as u64;
    Some(match key {
        "max-file-size" => options.read_limits.max_file_size,
        "max-archive-entries" => to(options.read_limits.max_archive_entries),
        "max-archive-member-size" => options.read_limits.max_archive_member_size,
        "max-python-size" => options.read_limits.max_python_size,
        "max-depth" => to(options.tree_limits.max_depth),
        "max-nodes" => to(options.tree_limits.max_nodes),
        "max-alias-nodes" => to(options.tree_limits.max_alias_nodes),
        "max-layers" => to(options.model_limits.max_layers),
        "max-graph-edges" => to(options.model_limits.max_graph_edges),
        _ => return None,
    })
}

fn parse_count(value: &str, bytes: bool) -> Option<u64> {
    let v = value.trim();
    let digits_end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(digits_end);
    let n: u64 = digits.parse().ok()?;
    let factor: u64 = match unit.trim() {
        "" => 1,
        "KiB" if bytes => 1 << 10,
        "MiB" if bytes => 1 << 20,
        "GiB" if bytes => 1 << 30,
        _ => return None,
    };
    n.checked_mul(factor).filter(|&n| n > 0)
}

fn limit_diag(message: String) -> Diagnostic {
    parse_error::META.diag(message)
}

/// Counts the layer entries of a model document before the model is built
/// (every list under a `layers` key, nested models included), so that an
/// enormous model is reported instead of being built and checked.
pub fn check_layer_entries(doc: &Node, limits: &ModelLimits) -> Option<Diagnostic> {
    let mut total = 0usize;
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(entries) => {
                for e in entries {
                    if let (true, Some(items)) = (e.key == "layers", e.value.as_array()) {
                        total += items.len();
                        if total > limits.max_layers {
                            return Some(
                                limit_diag(format!(
                                    "the model has more than {} layer entries, over the layer limit (`max-layers`); it was not checked",
                                    limits.max_layers
                                ))
                                .at(e.key_span, "the limit is reached in this list")
                                .help("raise `max-layers` to check a model this large"),
                            );
                        }
                    }
                    stack.push(&e.value);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}

/// Bounds on a built model: graph edges (and layers, which the pre-check
/// counts only approximately).
pub fn check_model(model: &Model, limits: &ModelLimits) -> Option<Diagnostic> {
    if model.layers.len() > limits.max_layers {
        let layer = &model.layers[limits.max_layers];
        return Some(
            limit_diag(format!(
                "the model has {} layers, over the layer limit of {} (`max-layers`); it was not checked",
                model.layers.len(),
                limits.max_layers
            ))
            .at(layer.class.span, "the layer past the limit")
            .help("raise `max-layers` to check a model this large"),
        );
    }
    let mut edges = 0usize;
    for layer in &model.layers {
        edges += layer.inputs.len();
        if edges > limits.max_graph_edges {
            return Some(
                limit_diag(format!(
                    "the model's layers have more than {} connections, over the graph size limit (`max-graph-edges`); it was not checked",
                    limits.max_graph_edges
                ))
                .at(layer.class.span, "the limit is reached at this layer")
                .help("raise `max-graph-edges` to check a model this large"),
            );
        }
    }
    None
}

/// Duplicate keys reported per document at most.
pub const MAX_DUPLICATE_KEY_REPORTS: usize = 50;

/// Keys that appear twice in one mapping. The later value is the one used
/// (as Python's `json` and PyYAML do, and as Keras sees the file), so the
/// earlier one is silently ignored: almost always a mistake. In JSON this
/// is valid (reported as info, which fails no run by default); YAML 1.2
/// forbids it and loaders disagree about which value wins (a warning).
pub fn duplicate_keys(doc: &Node, syntax: Syntax) -> Vec<Diagnostic> {
    let (severity, help) = match syntax {
        Syntax::Json => (
            Severity::Info,
            "remove one of them: Python's `json` (and so Keras) keeps the last value, other JSON readers may keep the first or reject the file",
        ),
        Syntax::Python | Syntax::Notebook => (
            Severity::Info,
            "remove one of them: Python keeps the last value of a key repeated in a dict literal",
        ),
        Syntax::Yaml => (
            Severity::Warning,
            "remove one of them: YAML 1.2 does not allow duplicate keys, and YAML loaders disagree about which value wins",
        ),
    };
    let mut out = Vec::new();
    let mut stack = vec![doc];
    // Reused across mappings: each key's occurrences, in first-seen order,
    // and (for large mappings) where each key's group is.
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(entries) => {
                stack.extend(entries.iter().map(|e| &e.value));
                key_groups(entries, &mut groups, &mut index);
                // One finding per duplicated key, however often it repeats.
                for (key, at) in groups.iter().filter(|(_, at)| at.len() > 1) {
                    if out.len() >= MAX_DUPLICATE_KEY_REPORTS {
                        break;
                    }
                    let mut d = duplicate_key(key, at, entries).help(help);
                    d.severity = severity;
                    out.push(d);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out.sort_by_key(|d| d.sort_key());
    out
}

/// The keys of a mapping's `entries`, each with the indices of its
/// entries in first-seen order, into `groups` (cleared first; `index` is
/// scratch space). Small mappings (nearly all of them) are scanned instead
/// of hashed, which is several times cheaper.
fn key_groups<'a>(
    entries: &'a [Entry],
    groups: &mut Vec<(&'a str, Vec<usize>)>,
    index: &mut HashMap<&'a str, usize>,
) {
    let small = entries.len() <= 16;
    groups.clear();
    index.clear();
    for (i, e) in entries.iter().enumerate() {
        if e.key == "<complex key>" {
            continue;
        }
        let at = if small {
            groups.iter().position(|(k, _)| *k == e.key.as_str())
        } else {
            index.get(e.key.as_str()).copied()
        };
        match at {
            Some(at) => groups[at].1.push(i),
            None => {
                if !small {
                    index.insert(&e.key, groups.len());
                }
                groups.push((&e.key, vec![i]));
            }
        }
    }
}

/// The finding on a key written more than once (at the entries `at`, in
/// order): every occurrence but the last is ignored.
fn duplicate_key(key: &str, at: &[usize], entries: &[Entry]) -> Diagnostic {
    let (used, ignored) = at.split_last().expect("two or more");
    let message = if ignored.len() == 1 {
        format!("duplicate key `{key}`: the later value is used and this one is ignored")
    } else {
        format!(
            "key `{key}` appears {} times: the last value is used and the other {} are ignored",
            at.len(),
            ignored.len()
        )
    };
    let mut d = limit_diag(message).at(entries[ignored[0]].key_span, "ignored");
    for &i in &ignored[1..] {
        d = d.label(entries[i].key_span, "ignored too");
    }
    d.label(entries[*used].key_span, "this value is used")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_bytes;

    fn options_with(key: &str, value: &str) -> Options {
        let mut o = Options::default();
        set(&mut o, key, value).unwrap();
        o
    }

    #[test]
    fn every_key_can_be_set_and_read_back() {
        for (i, k) in KEYS.iter().enumerate() {
            let mut o = Options::default();
            let value = (i as u64 + 1) * 100;
            set(&mut o, k.key, &value.to_string()).unwrap();
            assert_eq!(get(&o, k.key), Some(value), "{}", k.key);
        }
        assert_eq!(
            get(&options_with("max-file-size", "2 MiB"), "max-file-size"),
            Some(2 << 20)
        );
        assert_eq!(
            get(
                &options_with("max-archive-member-size", "3KiB"),
                "max-archive-member-size"
            ),
            Some(3072)
        );
    }

    #[test]
    fn bad_values_and_keys_are_explained() {
        let mut o = Options::default();
        assert_eq!(
            set(&mut o, "max-layer", "5").unwrap_err(),
            "unknown limit `max-layer`; did you mean `max-layers`?"
        );
        assert_eq!(
            set(&mut o, "max-depth", "0").unwrap_err(),
            "`max-depth` must be a positive integer, found `0`"
        );
        assert_eq!(
            set(&mut o, "max-depth", "5MiB").unwrap_err(),
            "`max-depth` must be a positive integer, found `5MiB`"
        );
        assert!(set(&mut o, "max-file-size", "99999999999GiB").is_err());
        assert_eq!(
            set(&mut o, "max-depth", "4096").unwrap_err(),
            "`max-depth` can be at most 2048 (deeper nesting could overflow the stack), found `4096`"
        );
        // Failed settings change nothing.
        let d = Options::default();
        assert_eq!(
            (o.read_limits, o.tree_limits, o.model_limits),
            (d.read_limits, d.tree_limits, d.model_limits)
        );
    }

    fn messages(path: &str, text: &str, options: &Options) -> Vec<String> {
        lint_bytes(path, text.as_bytes(), options)
            .diagnostics
            .iter()
            .map(|d| format!("{} {}: {}", d.code, d.severity, d.message))
            .collect()
    }

    const THREE_LAYERS: &str = "layers:\n  - {type: Dense, units: 8, activation: relu, kernel_initializer: he_normal}\n  - {type: Dense, units: 8, activation: relu, kernel_initializer: he_normal}\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n";

    #[test]
    fn layer_limit_names_itself() {
        assert_eq!(
            messages("m.yaml", THREE_LAYERS, &Options::default()),
            Vec::<String>::new()
        );
        let m = messages("m.yaml", THREE_LAYERS, &options_with("max-layers", "2"));
        assert_eq!(
            m,
            ["ACT000 error: the model has more than 2 layer entries, over the layer limit (`max-layers`); it was not checked"]
        );
    }

    #[test]
    fn graph_size_limit_names_itself() {
        let m = messages(
            "m.yaml",
            THREE_LAYERS,
            &options_with("max-graph-edges", "1"),
        );
        assert_eq!(
            m,
            ["ACT000 error: the model's layers have more than 1 connections, over the graph size limit (`max-graph-edges`); it was not checked"]
        );
    }

    #[test]
    fn tree_limits_name_themselves() {
        let m = messages("m.yaml", THREE_LAYERS, &options_with("max-depth", "2"));
        assert_eq!(m.len(), 1);
        assert!(m[0].contains("(depth limit, `max-depth`)"), "{m:?}");
        let m = messages("m.yaml", THREE_LAYERS, &options_with("max-nodes", "10"));
        assert!(m[0].contains("(node limit, `max-nodes`)"), "{m:?}");
        let m = messages("m.yaml", THREE_LAYERS, &options_with("max-file-size", "20"));
        assert!(m[0].contains("`max-file-size`"), "{m:?}");
        let aliased = "d: &d {type: Dense, units: 8, activation: relu, kernel_initializer: he_normal}\nlayers: [*d, *d, {type: Dense, units: 1, activation: sigmoid}]\nloss: binary_crossentropy\n";
        assert_eq!(
            messages("m.yaml", aliased, &Options::default()),
            Vec::<String>::new()
        );
        let m = messages("m.yaml", aliased, &options_with("max-alias-nodes", "12"));
        assert!(
            m[0].contains("(alias expansion limit, `max-alias-nodes`)"),
            "{m:?}"
        );
    }

    #[test]
    fn duplicate_keys_warn_in_yaml_and_inform_in_json() {
        let yaml = "layers:\n  - type: Dense\n    units: 1\n    activation: softmax\n    activation: sigmoid\nloss: binary_crossentropy\n";
        let report = lint_bytes("m.yaml", yaml.as_bytes(), &Options::default());
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
        let d = &report.diagnostics[0];
        assert_eq!((d.code, d.severity), ("ACT000", Severity::Warning));
        let first = yaml.find("activation").unwrap();
        assert_eq!(d.primary.as_ref().unwrap().span.start, first);
        assert_eq!(d.secondary[0].span.start, yaml.rfind("activation").unwrap());
        // The later value is the one linted: a sigmoid head with binary
        // crossentropy is fine.
        let json = r#"{"layers": [{"type": "Dense", "units": 1, "activation": "softmax", "activation": "sigmoid"}], "loss": "binary_crossentropy"}"#;
        let m = messages("m.json", json, &Options::default());
        assert_eq!(
            m,
            ["ACT000 info: duplicate key `activation`: the later value is used and this one is ignored"]
        );
        // Not reported in files that are not models.
        assert!(messages("x.yaml", "a: 1\na: 2\n", &Options::default()).is_empty());
    }

    /// A key repeated three times is one finding with a label on each
    /// occurrence, in small and large mappings alike.
    #[test]
    fn one_finding_per_duplicated_key() {
        for filler in [0, 40] {
            let extra: String = (0..filler).map(|i| format!("k{i}: 1\n")).collect();
            let yaml = format!(
                "layers:\n  - {{type: Dense, units: 1, activation: sigmoid}}\nloss: mse\nloss: binary_crossentropy\n{extra}loss: binary_crossentropy\n"
            );
            let d = duplicate_keys(
                &crate::tree::yaml::parse(&yaml, Default::default()).unwrap()[0],
                Syntax::Yaml,
            );
            assert_eq!(d.len(), 1, "{d:#?}");
            assert_eq!(
                d[0].message,
                "key `loss` appears 3 times: the last value is used and the other 2 are ignored"
            );
            assert_eq!(d[0].secondary.len(), 2, "one more ignored, one used");
        }
    }
}
