//! The Keras layer catalogue: which layer classes each Keras generation
//! accepts and which constructor arguments each class takes, read from
//! `keras_layers.tsv` (generated from Keras itself; see its header).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::ir::Format;

const TABLE: &str = include_str!("../keras_layers.tsv");

/// A Keras generation, as the catalogue's first column names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    Keras1,
    Keras2,
    Keras3,
}

impl Generation {
    fn parse(s: &str) -> Option<Generation> {
        match s {
            "keras1" => Some(Generation::Keras1),
            "keras2" => Some(Generation::Keras2),
            "keras3" => Some(Generation::Keras3),
            _ => None,
        }
    }

    /// The generations whose names a format's files use. The simple format
    /// takes the names of Keras 2 and 3 (its users write either), and the
    /// TensorFlow.js converter wraps configs of either.
    pub fn of(format: Format) -> &'static [Generation] {
        match format {
            Format::Keras1 => &[Generation::Keras1],
            Format::Keras2 => &[Generation::Keras2],
            Format::Keras3 => &[Generation::Keras3],
            Format::Simple | Format::TfjsLayers => &[Generation::Keras3, Generation::Keras2],
        }
    }
}

/// One layer class of one generation.
#[derive(Debug)]
pub struct LayerClass {
    /// What an alias resolves to (`Convolution2D` -> `Conv2D`).
    pub canonical: &'static str,
    /// The class's own constructor arguments and `get_config()` keys.
    pub args: Vec<&'static str>,
    /// Whether `**kwargs` reach the base `Layer` (so its keys are accepted).
    pub base: bool,
}

struct Catalogue {
    classes: HashMap<Generation, HashMap<&'static str, LayerClass>>,
    /// Class names per generation, sorted, for did-you-mean.
    names: HashMap<Generation, Vec<&'static str>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut classes: HashMap<Generation, HashMap<&'static str, LayerClass>> = HashMap::new();
        let mut names: HashMap<Generation, Vec<&'static str>> = HashMap::new();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.starts_with("generation\t") || line.is_empty() {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').collect();
            let [generation, class, canonical, _kind, args, base] = cols[..] else {
                continue;
            };
            let Some(generation) = Generation::parse(generation) else {
                continue;
            };
            let mut args: Vec<&'static str> = args.split(',').filter(|a| !a.is_empty()).collect();
            args.sort_unstable();
            if class != "*" {
                names.entry(generation).or_default().push(class);
            }
            classes.entry(generation).or_default().insert(
                class,
                LayerClass {
                    canonical,
                    args,
                    base: base == "yes",
                },
            );
        }
        for list in names.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Catalogue { classes, names }
    })
}

fn get<'c>(cat: &'c Catalogue, g: Generation, class: &str) -> Option<&'c LayerClass> {
    cat.classes.get(&g)?.get(class)
}

/// The class as one of `generations` defines it (the first that does).
pub fn layer_class(generations: &[Generation], class: &str) -> Option<&'static LayerClass> {
    let cat = catalogue();
    generations.iter().find_map(|&g| get(cat, g, class))
}

/// Whether a built-in class of one of `generations` takes the argument `key`
/// (its own arguments, or the base `Layer`'s when its `**kwargs` reach it);
/// `None` when no generation defines the class.
///
/// A camelCase key (`batchInputShape`) is also tried in snake_case: the
/// TensorFlow.js converter and loader write and accept Keras's keys in
/// either form.
pub fn takes_argument(generations: &[Generation], class: &str, key: &str) -> Option<bool> {
    let found = takes_exactly(generations, class, key);
    if found == Some(false) && key.bytes().any(|b| b.is_ascii_uppercase()) {
        return takes_exactly(generations, class, &snake_case(key));
    }
    found
}

/// `batchInputShape` -> `batch_input_shape`.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn takes_exactly(generations: &[Generation], class: &str, key: &str) -> Option<bool> {
    let cat = catalogue();
    let mut known = false;
    for &g in generations {
        let Some(c) = get(cat, g, class) else {
            continue;
        };
        known = true;
        if c.args.binary_search(&key).is_ok() {
            return Some(true);
        }
        if c.base
            && cat
                .classes
                .get(&g)
                .and_then(|m| m.get("*"))
                .is_some_and(|b| b.args.binary_search(&key).is_ok())
        {
            return Some(true);
        }
    }
    known.then_some(false)
}

/// The arguments a class takes in `generations` (own and base), for
/// did-you-mean.
pub fn arguments(generations: &[Generation], class: &str) -> Vec<&'static str> {
    let cat = catalogue();
    let mut all = Vec::new();
    for &g in generations {
        if let Some(c) = get(cat, g, class) {
            all.extend(c.args.iter().copied());
            if c.base {
                if let Some(b) = get(cat, g, "*") {
                    all.extend(b.args.iter().copied());
                }
            }
        }
    }
    all.sort_unstable();
    all.dedup();
    all
}

/// Every layer class name of `generations`, for did-you-mean.
pub fn class_names(generations: &[Generation]) -> Vec<&'static str> {
    let cat = catalogue();
    generations
        .iter()
        .filter_map(|g| cat.names.get(g))
        .flat_map(|names| names.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_read() {
        let k3 = [Generation::Keras3];
        assert_eq!(takes_argument(&k3, "Dense", "units"), Some(true));
        assert_eq!(takes_argument(&k3, "Dense", "name"), Some(true), "base key");
        assert_eq!(takes_argument(&k3, "Dense", "activaton"), Some(false));
        assert_eq!(takes_argument(&k3, "Dence", "units"), None);
        assert_eq!(
            takes_argument(&k3, "InputLayer", "batchInputShape"),
            Some(true)
        );
        assert_eq!(
            takes_argument(&[Generation::Keras1], "Dense", "output_dim"),
            Some(true)
        );
        assert_eq!(
            layer_class(&[Generation::Keras1], "Convolution2D").map(|c| c.canonical),
            Some("Convolution2D")
        );
        assert!(class_names(&k3).contains(&"Conv2D"));
        assert!(!class_names(&k3).contains(&"*"));
    }
}
