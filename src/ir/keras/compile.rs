//! A Keras model's compile settings: `compile_config` (or the HDF5
//! `training_config`), its optimizer, loss and metrics.

use super::Builder;
use crate::ir::layer::describe;
use crate::ir::{read, Spanned};
use crate::tree::{Node, Value};

impl Builder {
    /// The loss and metrics nodes of `compile_config` (or HDF5
    /// `training_config`); `{}` or null means not compiled.
    pub(super) fn compile_settings<'n>(
        &mut self,
        compile: Option<&'n Node>,
        h5: bool,
    ) -> (Option<&'n Node>, Option<&'n Node>) {
        let key = if h5 {
            "training_config"
        } else {
            "compile_config"
        };
        let Some(compile) = compile.filter(|c| !c.is_null()) else {
            return (None, None);
        };
        if compile.as_object().is_none() {
            self.problem(
                format!(
                    "`{key}` must be a mapping of compile arguments, found {}",
                    describe(compile)
                ),
                compile.span,
                None,
            );
            return (None, None);
        }
        self.optimizer(compile);
        let loss = compile.get("loss");
        if let Some(l) = loss.filter(|l| !is_settings_value(l)) {
            self.problem(
                format!(
                    "`loss` must be a name, a loss object, a mapping or a list, found {}",
                    describe(l)
                ),
                l.span,
                None,
            );
            return (None, None);
        }
        let metrics = compile.get("metrics");
        if let Some(m) = metrics.filter(|m| !is_settings_value(m)) {
            self.problem(
                format!(
                    "`metrics` must be a name, a list or a mapping, found {}",
                    describe(m)
                ),
                m.span,
                None,
            );
            return (loss, None);
        }
        (loss, metrics)
    }

    /// The optimizer as written (`optimizer`, or the HDF5 `optimizer_config`),
    /// without tf-keras's `Custom>` prefix.
    fn optimizer(&mut self, compile: &Node) {
        let optimizer = compile
            .get_some("optimizer")
            .or_else(|| compile.get_some("optimizer_config"));
        if let Some(o) = optimizer.and_then(read::named_object) {
            let name = o
                .name
                .strip_prefix("Custom>")
                .unwrap_or(&o.name)
                .to_string();
            self.model.optimizer = Some(Spanned::new(name, o.span));
        }
    }
}

/// A loss or metrics value of a form the heads can read: a name, an object,
/// a mapping or a list (or null, or not known statically).
fn is_settings_value(node: &Node) -> bool {
    matches!(
        node.value,
        Value::String(_) | Value::Null | Value::Object(_) | Value::Array(_) | Value::Unknown
    )
}
