//! ACT005 `duplicate-layer-name`: two layers of one model share a name.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::ir::Layer;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// two layers of one model share a name.
    pub struct DuplicateLayerName {
        code: "ACT005",
        name: "duplicate-layer-name",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for DuplicateLayerName {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // Each model (the top level and every nested one) is its own namespace;
        // a wrapped layer lives inside its wrapper, not in the model's namespace.
        // One pass to group the named layers by model, and a map of first
        // uses: a model with 20,000 layers must not cost 20,000² comparisons.
        let mut by_graph: Vec<Vec<&Layer>> = vec![Vec::new(); model.graphs.len()];
        for l in &model.layers {
            if l.wrapper.is_none() && l.name.is_some() {
                if let Some(named) = by_graph.get_mut(l.graph) {
                    named.push(l);
                }
            }
        }
        for (gid, mut named) in by_graph.into_iter().enumerate() {
            named.sort_by_key(|l| l.name.as_ref().map(|n| n.span.start));
            let mut first_use: HashMap<&str, &Layer> = HashMap::with_capacity(named.len());
            for layer in named {
                let name = layer.name.as_ref().expect("filtered on names");
                let first = *first_use.entry(name.value.as_str()).or_insert(layer);
                if std::ptr::eq(first, layer) {
                    continue;
                }
                let first_name = first.name.as_ref().expect("filtered on names");
                let scope = match model.graphs[gid].owner {
                    Some(owner) => format!(" in the nested model {}", model.describe_layer(owner)),
                    None => String::new(),
                };
                let message = if first.class() == layer.class() {
                    format!(
                        "two `{}` layers are named `{}`{scope}",
                        layer.class(),
                        name.value
                    )
                } else {
                    format!(
                        "a `{}` and a `{}` layer are both named `{}`{scope}",
                        first.class(),
                        layer.class(),
                        name.value
                    )
                };
                out.push(
                    META.diag(message)
                        .at(name.span, "duplicate name")
                        .label(first_name.span, "first used here")
                        .help(format!(
                        "rename one of them: layer names must be unique within a model, and Keras \
                         refuses to build a model in which `{}` names two layers",
                        name.value
                    ))
                        .layer(Some(&name.value)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(yaml: &str) -> Vec<Diagnostic> {
        testing::lint("model.yaml", yaml, &["ACT005"])
    }

    #[test]
    fn labels_the_second_occurrence_and_points_at_the_first() {
        let yaml = "layers:\n  - {type: Dense, name: h, units: 4}\n  - {type: Dropout, name: h, rate: 0.1}\n  - {type: Dense, name: h, units: 1}\n";
        let d = lint(yaml);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            d[0].message,
            "a `Dense` and a `Dropout` layer are both named `h`"
        );
        assert_eq!(d[1].message, "two `Dense` layers are named `h`");
        let first = yaml.find("name: h").unwrap() + "name: ".len();
        for diag in &d {
            assert_eq!(diag.secondary[0].span.start, first);
            assert!(diag.primary.as_ref().unwrap().span.start > first);
        }
    }

    #[test]
    fn nested_models_and_wrapped_layers_are_separate_namespaces() {
        let yaml = "layers:\n  - type: Bidirectional\n    name: enc\n    layer: {type: LSTM, name: enc, units: 4}\n  - type: Sequential\n    name: block\n    layers:\n      - {type: Dense, name: out, units: 4}\n  - {type: Dense, name: out, units: 1}\n";
        assert!(lint(yaml).is_empty());
        let yaml = "layers:\n  - type: Sequential\n    name: block\n    layers:\n      - {type: Dense, name: d, units: 4}\n      - {type: Dense, name: d, units: 4}\n  - {type: Dense, name: out, units: 1}\n";
        let d = lint(yaml);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "two `Dense` layers are named `d` in the nested model `block`"
        );
    }
}
