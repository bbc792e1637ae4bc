//! ACT701 `lambda-layer`: a Lambda layer (serialized Python).

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Layer;
use crate::rules::walk;
use crate::rules::{Context, Rule};
use crate::source::Span;
use crate::tree::Node;

crate::declare_rule! {
    /// a Lambda layer: serialized Python that is unsafe to load and opaque to rules.
    pub struct LambdaLayer {
        code: "ACT701",
        name: "lambda-layer",
        category: Security,
        severity: Warning,
    }
}

/// How a Lambda layer stores its function.
enum Function {
    /// Marshalled bytecode: Keras 3 `{class_name: "__lambda__", config: {code}}`,
    /// tf-keras `function_type: "lambda"`.
    Bytecode(Span),
    /// A reference to a named Python function, and the module Keras 3
    /// would import it from.
    Named(String, Span, Option<String>),
    /// Something else, or nothing.
    Unknown(Span),
}

fn function(layer: &Layer) -> Function {
    let class_span = layer.class.span;
    let Some(func) = layer.param("function") else {
        return Function::Unknown(class_span);
    };
    // tf-keras: `function_type` says how `function` is stored.
    if let Some(kind) = layer.param("function_type") {
        match kind.as_str() {
            Some("lambda") => return Function::Bytecode(kind.span),
            Some("function") => {
                if let Some(name) = func.as_str() {
                    return Function::Named(name.to_string(), func.span, None);
                }
            }
            _ => {}
        }
    }
    if let Some(class) = func.get("class_name") {
        if class.as_str() == Some("__lambda__") {
            return Function::Bytecode(class.span);
        }
        // Keras 3 serializes a named function as {class_name: "function", config: "name"}.
        if let Some(name) = func.get("config").and_then(Node::as_str) {
            return Function::Named(
                name.to_string(),
                func.get("config").map_or(func.span, |c| c.span),
                func.get("module")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            );
        }
        return Function::Unknown(func.span);
    }
    match func.as_str() {
        Some(name) => Function::Named(name.to_string(), func.span, None),
        None => Function::Unknown(func.span),
    }
}

/// Whether Keras 3 resolves a function by importing `module`: `builtins`
/// (what Keras writes for a plain function) and Keras's own modules are not
/// an import of project or third-party code.
fn imports_module(module: &str) -> bool {
    !(module == "builtins" || module == "keras" || module.starts_with("keras."))
}

impl Rule for LambdaLayer {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.class() != "Lambda" {
            return;
        }
        let name = walk::describe_with_class(cx.model, layer.id);
        let d = match function(layer) {
            Function::Bytecode(span) => META
                .diag(format!(
                    "{name} stores its function as Python bytecode: loading it needs `safe_mode=False`, which runs that code"
                ))
                .at(span, "marshalled Python bytecode"),
            Function::Named(func, span, _) if func.trim_start().starts_with("lambda") => META
                .diag(format!(
                    "{name} runs the Python code `{func}`: loading it means running that code"
                ))
                .at(span, "Python source code"),
            Function::Named(func, span, Some(module)) if imports_module(&module) => META
                .diag(format!(
                    "{name} calls `{func}` from the Python module `{module}`: loading the model imports that module"
                ))
                .at(span, "loading imports this module's code"),
            Function::Named(func, span, _) => {
                // A plain name is looked up among the functions the loading
                // program registers: no code comes from the file, so this is
                // only about what rules cannot see.
                let mut d = META
                    .diag(format!(
                        "{name} calls the Python function `{func}`: the config does not say what it computes"
                    ))
                    .at(span, "loading needs this function registered");
                d.severity = Severity::Info;
                d
            }
            Function::Unknown(span) => META
                .diag(format!(
                    "{name} runs Python code that the config does not describe"
                ))
                .at(span, "no rule can see what this layer computes"),
        };
        let d = if d
            .primary
            .as_ref()
            .is_some_and(|p| p.span == layer.class.span)
        {
            d
        } else {
            d.label(layer.class.span, "no rule can see what this layer computes")
        };
        out.push(
            d.help(
                    "replace it with a built-in layer (`GlobalAveragePooling1D`, `Rescaling`, `Reshape`, a `keras.ops` call in a functional model) or a layer subclass registered with `@keras.saving.register_keras_serializable()`",
                )
                .layer(layer.name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT701"], 5)
    }

    #[test]
    fn every_lambda_layer_and_nothing_else() {
        let yaml = "
layers:
  - {type: Dense, units: 8}
  - {type: Lambda, function: my_function}
  - type: Sequential
    layers:
      - {type: Lambda}
  - {type: TFOpLambda, function: math.abs}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT701", "ACT701"]);
    }

    /// Keras 3's serialized functions: a plain name is looked up among the
    /// registered functions (info); a module is imported (warning); bytecode
    /// runs (warning).
    #[test]
    fn severity_follows_what_loading_would_do() {
        use crate::diagnostic::Severity;
        let lambda = |function: &str| {
            format!(
                r#"{{"class_name": "Sequential", "config": {{"name": "s", "layers": [
{{"class_name": "InputLayer", "config": {{"name": "x", "batch_shape": [null, 4]}}}},
{{"class_name": "Lambda", "config": {{"name": "f", "function": {function}}}}},
{{"class_name": "Dense", "config": {{"name": "out", "units": 1}}}}]}}}}"#
            )
        };
        let severity = |function: &str| {
            crate::rules::testing::reported("m.json", &lambda(function), "ACT701")
                .iter()
                .map(|d| d.severity)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            severity(
                r#"{"module": "builtins", "class_name": "function", "config": "cosine_similarity", "registered_name": "function"}"#
            ),
            [Severity::Info]
        );
        assert_eq!(
            severity(
                r#"{"module": "os", "class_name": "function", "config": "system", "registered_name": "function"}"#
            ),
            [Severity::Warning]
        );
        assert_eq!(
            severity(
                r#"{"class_name": "__lambda__", "config": {"code": "4wEAAAAA", "defaults": null, "closure": null}}"#
            ),
            [Severity::Warning]
        );
    }
}
