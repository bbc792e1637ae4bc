//! The settings an editor may send (`initializationOptions`, and the
//! `settings` of `workspace/didChangeConfiguration`), either as they are or
//! under an `actlint` key:
//!
//! ```json
//! {"actlint": {"select": ["ACT1", "ACT4"], "extendSelect": [], "ignore": ["ACT204"],
//!              "configuration": "ci/actlint.toml", "isolated": false}}
//! ```
//!
//! They are the command line's `--select`, `--extend-select`, `--ignore`,
//! `--config` and `--isolated`, and apply over the configuration files in
//! the same way. Rule lists may also be comma-separated strings.

use std::path::Path;

use serde_json::Value;

use crate::config::Overrides;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientSettings {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// A configuration file to use instead of discovery (relative to the
    /// workspace root).
    pub configuration: Option<String>,
    pub isolated: bool,
}

impl ClientSettings {
    /// The settings in a JSON value; `None` when it holds no actlint
    /// settings (clients that pull settings send `null`).
    pub fn from_json(value: &Value) -> Option<ClientSettings> {
        let obj = value.get("actlint").unwrap_or(value).as_object()?;
        let known = [
            "select",
            "extendSelect",
            "extend-select",
            "ignore",
            "configuration",
            "config",
            "isolated",
        ];
        if value.get("actlint").is_none() && !obj.keys().any(|k| known.contains(&k.as_str())) {
            return None;
        }
        let list = |key: &str| -> Option<Vec<String>> {
            match obj.get(key)? {
                Value::String(s) => Some(
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                ),
                Value::Array(items) => Some(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                ),
                _ => None,
            }
        };
        Some(ClientSettings {
            select: list("select"),
            extend_select: list("extendSelect")
                .or_else(|| list("extend-select"))
                .unwrap_or_default(),
            ignore: list("ignore").unwrap_or_default(),
            configuration: obj
                .get("configuration")
                .or_else(|| obj.get("config"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            isolated: obj
                .get("isolated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }

    pub fn overrides(&self, root: &Path) -> Overrides {
        Overrides {
            config: self
                .configuration
                .as_deref()
                .filter(|_| !self.isolated)
                .map(|c| super::resolve_path(c, root)),
            isolated: self.isolated,
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            fail_on: None,
            limits: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_are_read_with_or_without_the_actlint_key() {
        let s = ClientSettings::from_json(&json!({"actlint": {"select": ["ACT1"], "ignore": "ACT204, ACT401", "configuration": "ci/a.toml"}})).unwrap();
        assert_eq!(s.select, Some(vec!["ACT1".to_string()]));
        assert_eq!(s.ignore, vec!["ACT204", "ACT401"]);
        let o = s.overrides(Path::new("/ws"));
        assert_eq!(o.config.as_deref(), Some(Path::new("/ws/ci/a.toml")));
        let s = ClientSettings::from_json(&json!({"extend-select": ["ACT205"], "isolated": true}))
            .unwrap();
        assert_eq!(s.extend_select, vec!["ACT205"]);
        assert!(s.overrides(Path::new("/ws")).isolated);
        assert_eq!(ClientSettings::from_json(&json!(null)), None);
        assert_eq!(ClientSettings::from_json(&json!({"python": {}})), None);
        assert_eq!(
            ClientSettings::from_json(&json!({"actlint": {}})),
            Some(ClientSettings::default())
        );
    }
}
