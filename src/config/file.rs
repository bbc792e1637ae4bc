//! Reading one configuration file: `actlint.toml` / `.actlint.toml` (options
//! at the top level) or `pyproject.toml` (options under `[tool.actlint]`).
//!
//! Every key and value is checked, and every problem is reported with its
//! place in the file: unknown keys (with a did-you-mean), values of the wrong
//! type, unknown rules, invalid globs and JSON pointers.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::error::ConfigError;
use super::glob::{Pattern, PatternSet};
use super::selector::Selector;
use super::Origin;
use crate::diagnostic::Severity;
use crate::ir::{InputRange, Task};
use crate::rules::{self, OptionValue, RuleMeta, RuleOption};
use crate::source::LineIndex;

/// The options of the top level (`[tool.actlint]` in `pyproject.toml`).
pub const KEYS: [&str; 13] = [
    "extend",
    "select",
    "extend-select",
    "ignore",
    "severity",
    "fail-on",
    "output-format",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "rules",
    "models",
    "limits",
];

/// The keys of a `[[models]]` entry.
const MODEL_KEYS: [&str; 4] = ["files", "task", "classes", "input-range"];

pub use super::output::OUTPUT_FORMATS;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `actlint.toml` or `.actlint.toml`.
    Actlint,
    /// `[tool.actlint]` in `pyproject.toml`.
    Pyproject,
}

/// A value with where it was written.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub origin: Origin,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    /// The key as written (`legacy/*.json#/config/layers/3`).
    pub key: String,
    pub pattern: Pattern,
    /// The JSON pointer after `#`, when there is one.
    pub pointer: Option<String>,
    pub rules: Vec<Located<Selector>>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct ModelHintEntry {
    pub files: Vec<Pattern>,
    pub task: Option<Located<Task>>,
    pub classes: Option<Located<u64>>,
    pub input_range: Option<Located<InputRange>>,
    pub origin: Origin,
}

/// A rule's option and the value a configuration gives it.
#[derive(Clone, Copy, Debug)]
pub struct RuleOptionValue {
    pub rule: &'static RuleMeta,
    pub option: &'static RuleOption,
    pub value: OptionValue,
}

/// One configuration file, read and checked.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    /// Absolute path.
    pub path: PathBuf,
    /// The path as shown in messages.
    pub display: Arc<str>,
    /// The directory globs are relative to: the file's directory.
    pub root: PathBuf,
    pub kind: Kind,
    pub select: Option<Located<Vec<Located<Selector>>>>,
    pub extend_select: Vec<Located<Selector>>,
    pub ignore: Vec<Located<Selector>>,
    pub severity: Vec<(Located<Selector>, Severity)>,
    /// `None` inside: `never`.
    pub fail_on: Option<Located<Option<Severity>>>,
    pub output_format: Option<Located<String>>,
    pub exclude: Option<Vec<Pattern>>,
    pub extend_exclude: Vec<Pattern>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// `[rules.<code or name>]`: the options rules declare, as set.
    pub rule_options: Vec<Located<RuleOptionValue>>,
    pub models: Vec<ModelHintEntry>,
    /// `[limits]`: (key, value as `--limit` takes it), checked.
    pub limits: Vec<Located<(String, String)>>,
    /// `extend`: the configuration this one builds on.
    pub extend: Option<Extend>,
    /// The rule selections of the configurations extended, the base first:
    /// they apply before this file's own, as the command line's apply after.
    pub inherited: Vec<SelectionLayer>,
    /// The files extended, as shown, the base first.
    pub extends: Vec<Arc<str>>,
    /// The globs above compiled together, on first use.
    pub sets: MatchSets,
}

/// A configuration's patterns as [`PatternSet`]s, built on first use (after
/// `extend` has merged everything in).
#[derive(Clone, Debug, Default)]
pub struct MatchSets {
    /// `exclude` (when set) then `extend-exclude`.
    pub exclude: OnceLock<Arc<PatternSet>>,
    /// The `per-file-ignores` entries, in order.
    pub per_file_ignores: OnceLock<Arc<PatternSet>>,
    /// Every `[[models]]` entry's `files`, in order, and the entry each
    /// pattern belongs to.
    pub models: OnceLock<Arc<(PatternSet, Vec<usize>)>>,
}

/// `extend = "..."`: where it points and where it is written.
#[derive(Clone, Debug)]
pub struct Extend {
    /// Absolute (relative paths are relative to the file's directory, `~/`
    /// to the home directory).
    pub path: PathBuf,
    /// As written.
    pub written: String,
    /// The value's place, in `text`.
    pub span: Range<usize>,
    pub text: Arc<str>,
}

/// One configuration's `select`, `extend-select` and `ignore`.
#[derive(Clone, Debug, Default)]
pub struct SelectionLayer {
    pub select: Option<Located<Vec<Located<Selector>>>>,
    pub extend_select: Vec<Located<Selector>>,
    pub ignore: Vec<Located<Selector>>,
}

impl ConfigFile {
    /// This configuration on top of `base` (already merged with its own
    /// bases), as ruff's `extend` does: rule selections apply in layers, the
    /// base's first; a setting given here replaces the base's; lists that
    /// add (`extend-exclude`, `per-file-ignores`, `[[models]]`, `[severity]`,
    /// `[limits]`) keep the base's entries first. The base's globs stay
    /// relative to the base's directory.
    pub fn on_top_of(mut self, base: ConfigFile) -> ConfigFile {
        self.sets = MatchSets::default();
        let base_root: Arc<Path> = Arc::from(base.root.as_path());
        let rooted = |patterns: Vec<Pattern>| -> Vec<Pattern> {
            patterns.into_iter().map(|p| p.rooted(&base_root)).collect()
        };
        let mut inherited = base.inherited;
        inherited.push(SelectionLayer {
            select: base.select,
            extend_select: base.extend_select,
            ignore: base.ignore,
        });
        self.inherited = inherited;
        let mut extends = base.extends;
        extends.push(base.display);
        self.extends = extends;
        self.severity = base.severity.into_iter().chain(self.severity).collect();
        self.fail_on = self.fail_on.or(base.fail_on);
        self.output_format = self.output_format.or(base.output_format);
        self.exclude = self.exclude.or(base.exclude.map(rooted));
        self.extend_exclude = rooted(base.extend_exclude)
            .into_iter()
            .chain(self.extend_exclude)
            .collect();
        self.per_file_ignores = base
            .per_file_ignores
            .into_iter()
            .map(|mut p| {
                p.pattern = p.pattern.rooted(&base_root);
                p
            })
            .chain(self.per_file_ignores)
            .collect();
        // An option this file sets wins over the base's.
        let own = std::mem::take(&mut self.rule_options);
        self.rule_options = base
            .rule_options
            .into_iter()
            .filter(|b| {
                !own.iter()
                    .any(|o| std::ptr::eq(o.value.option, b.value.option))
            })
            .collect();
        self.rule_options.extend(own);
        self.models = base
            .models
            .into_iter()
            .map(|mut m| {
                m.files = rooted(m.files);
                m
            })
            .chain(self.models)
            .collect();
        self.limits = base.limits.into_iter().chain(self.limits).collect();
        self
    }
}

impl ConfigFile {
    /// How the file names a table, for messages: `[tool.actlint.rules]` or `[rules]`.
    pub fn table_name(&self, table: &str) -> String {
        table_name(self.kind, table)
    }
}

fn table_name(kind: Kind, table: &str) -> String {
    match kind {
        Kind::Actlint => table.to_string(),
        Kind::Pyproject => format!("tool.actlint.{table}"),
    }
}

/// Reads a configuration file's text. `Ok(None)` for a `pyproject.toml`
/// without a `[tool.actlint]` table.
pub fn parse(
    path: &Path,
    display: Arc<str>,
    text: &str,
) -> Result<Option<ConfigFile>, Vec<ConfigError>> {
    let kind = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        Kind::Pyproject
    } else {
        Kind::Actlint
    };
    let shared: Arc<str> = Arc::from(text);
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        // A broken pyproject.toml that says nothing about actlint is
        // another tool's problem.
        Err(_) if kind == Kind::Pyproject && !text.contains("tool.actlint") => return Ok(None),
        Err(e) => {
            return Err(vec![ConfigError {
                origin: display,
                text: Some(shared),
                span: e.span().map(|s| clamp(text, s)),
                message: format!("invalid TOML: {}", e.message().trim_end()),
                label: Some("here".to_string()),
                help: None,
            }]);
        }
    };
    let mut r = Reader {
        display: display.clone(),
        text: shared,
        lines: LineIndex::new(text),
        kind,
        errors: Vec::new(),
    };
    let Some(root_table) = r.options_table(table.get_ref())? else {
        return Ok(None);
    };
    let mut config = ConfigFile::empty(path, display, kind);
    r.top_level(root_table, &mut config);
    if r.errors.is_empty() {
        Ok(Some(config))
    } else {
        r.errors
            .sort_by_key(|e| e.span.as_ref().map_or(0, |s| s.start));
        Err(r.errors)
    }
}

impl ConfigFile {
    /// A configuration of `kind` at `path` that sets nothing.
    fn empty(path: &Path, display: Arc<str>, kind: Kind) -> ConfigFile {
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        ConfigFile {
            path: path.to_path_buf(),
            display,
            root,
            kind,
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            severity: Vec::new(),
            fail_on: None,
            output_format: None,
            exclude: None,
            extend_exclude: Vec::new(),
            per_file_ignores: Vec::new(),
            rule_options: Vec::new(),
            models: Vec::new(),
            limits: Vec::new(),
            extend: None,
            inherited: Vec::new(),
            extends: Vec::new(),
            sets: MatchSets::default(),
        }
    }
}

fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    start..end
}

/// "a string", "an integer", ... for messages.
fn kind_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

struct Reader<'t> {
    display: Arc<str>,
    text: Arc<str>,
    /// Built once: positions are asked for every value read (each hint's
    /// and glob's origin), and rebuilding it per value made reading a
    /// configuration quadratic in its length.
    lines: LineIndex<'t>,
    kind: Kind,
    errors: Vec<ConfigError>,
}

impl Reader<'_> {
    fn origin(&self, span: &Range<usize>) -> Origin {
        let p = self.index_position(span.start);
        Origin::File {
            path: self.display.clone(),
            line: p.0,
            column: p.1,
        }
    }

    fn index_position(&self, offset: usize) -> (usize, usize) {
        let p = self.lines.position(offset);
        (p.line, p.column)
    }

    fn error(&mut self, span: Range<usize>, message: String, label: &str, help: Option<&str>) {
        let span = clamp(&self.text, span);
        self.errors.push(ConfigError {
            origin: self.display.clone(),
            text: Some(self.text.clone()),
            span: Some(span),
            message,
            label: Some(label.to_string()),
            help: help.map(str::to_string),
        });
    }

    fn unknown_key(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        known: &[&str],
        what: &str,
    ) {
        let name = key.get_ref().as_ref();
        let help = match crate::ir::suggest::closest(name, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("{what} are: {}", known.join(", ")),
        };
        self.error(
            key.span(),
            format!("unknown option `{name}`"),
            "unknown option",
            Some(&help),
        );
    }

    /// The table that holds the options: the whole file, or in
    /// `pyproject.toml` `[tool.actlint]` (`Ok(None)` when there is none;
    /// `Err` when it is not a table).
    fn options_table<'d, 'i>(
        &mut self,
        document: &'d DeTable<'i>,
    ) -> Result<Option<&'d DeTable<'i>>, Vec<ConfigError>> {
        if self.kind == Kind::Actlint {
            return Ok(Some(document));
        }
        let Some(tool) = document.get("tool") else {
            return Ok(None);
        };
        let Some(actlint) = tool.get_ref().as_table().and_then(|t| t.get("actlint")) else {
            return Ok(None);
        };
        match actlint.get_ref().as_table() {
            Some(t) => Ok(Some(t)),
            None => {
                self.error(
                    actlint.span(),
                    format!(
                        "`tool.actlint` must be a table, found {}",
                        kind_name(actlint.get_ref())
                    ),
                    "expected a table",
                    Some("write the options under a `[tool.actlint]` header"),
                );
                Err(std::mem::take(&mut self.errors))
            }
        }
    }

    fn top_level(&mut self, table: &DeTable<'_>, config: &mut ConfigFile) {
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            match name {
                "select" => {
                    if let Some(list) = self.selectors(name, value) {
                        config.select = Some(Located {
                            value: list,
                            origin: self.origin(&key.span()),
                            span: key.span(),
                        });
                    }
                }
                "extend-select" => {
                    config.extend_select = self.selectors(name, value).unwrap_or_default();
                }
                "ignore" => config.ignore = self.selectors(name, value).unwrap_or_default(),
                "severity" => self.severity(value, config),
                "fail-on" => {
                    let options = ["error", "warning", "info", "never"];
                    if let Some(s) = self.choice(name, value, &options) {
                        config.fail_on = Some(Located {
                            value: Severity::parse(&s),
                            origin: self.origin(&value.span()),
                            span: value.span(),
                        });
                    }
                }
                "extend" => self.extend(value, config),
                "output-format" => {
                    if let Some(s) = self.choice(name, value, &OUTPUT_FORMATS) {
                        config.output_format = Some(Located {
                            value: s,
                            origin: self.origin(&value.span()),
                            span: value.span(),
                        });
                    }
                }
                "exclude" => config.exclude = self.patterns(name, value),
                "extend-exclude" => {
                    config.extend_exclude = self.patterns(name, value).unwrap_or_default();
                }
                "per-file-ignores" => self.per_file_ignores(value, config),
                "rules" => self.rules(value, config),
                "models" => self.models(value, config),
                "limits" => self.limits(value, config),
                _ => self.unknown_key(key, &KEYS, "the options"),
            }
        }
    }

    /// `extend = "..."`: the configuration this one builds on (`~/` is the
    /// home directory; a relative path is relative to this file).
    fn extend(&mut self, value: &Value<'_>, config: &mut ConfigFile) {
        let written = match value.get_ref().as_str() {
            Some(written) if !written.trim().is_empty() => written,
            _ => {
                return self.error(
                    value.span(),
                    format!(
                        "`extend` must be the path of a configuration file, found {}",
                        kind_name(value.get_ref())
                    ),
                    "expected a path",
                    Some("`extend = \"../actlint.toml\"` or `extend = \"../pyproject.toml\"`"),
                )
            }
        };
        let expanded = match written.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(rest)),
            None => Some(PathBuf::from(written)),
        };
        match expanded {
            Some(p) => {
                config.extend = Some(Extend {
                    path: super::glob::normalize(&p, &config.root),
                    written: written.to_string(),
                    span: value.span(),
                    text: self.text.clone(),
                })
            }
            None => self.error(
                value.span(),
                "`extend` starts with `~/` but HOME is not set".to_string(),
                "no home directory",
                Some("write the path relative to this file, or absolute"),
            ),
        }
    }

    /// A string among `options`, with a did-you-mean.
    fn choice(&mut self, key: &str, value: &Value<'_>, options: &[&str]) -> Option<String> {
        let listed = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let Some(s) = value.get_ref().as_str() else {
            self.error(
                value.span(),
                format!(
                    "`{key}` must be a string, found {}",
                    kind_name(value.get_ref())
                ),
                "expected a string",
                Some(&format!("one of {listed}")),
            );
            return None;
        };
        if options.contains(&s) {
            return Some(s.to_string());
        }
        let help = match crate::ir::suggest::closest(s, options.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("use one of {listed}"),
        };
        self.error(
            value.span(),
            format!("`{s}` is not a valid `{key}`"),
            &format!("expected one of {listed}"),
            Some(&help),
        );
        None
    }

    /// An array of strings, each with its span.
    fn strings<'v>(
        &mut self,
        key: &str,
        value: &'v Value<'_>,
        example: &str,
    ) -> Option<Vec<(&'v str, Range<usize>)>> {
        let Some(items) = value.get_ref().as_array() else {
            self.error(
                value.span(),
                format!(
                    "`{key}` must be an array of strings, found {}",
                    kind_name(value.get_ref())
                ),
                "expected an array",
                Some(&format!("for example `{key} = {example}`")),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push((s, item.span())),
                None => self.error(
                    item.span(),
                    format!(
                        "`{key}` must hold strings, found {}",
                        kind_name(item.get_ref())
                    ),
                    "expected a string",
                    None,
                ),
            }
        }
        Some(out)
    }

    fn selector(&mut self, s: &str, span: Range<usize>) -> Option<Located<Selector>> {
        match Selector::parse(s) {
            Ok(sel) => Some(Located {
                value: sel,
                origin: self.origin(&span),
                span,
            }),
            Err(e) => {
                self.error(span, e.message, &e.label, e.help.as_deref());
                None
            }
        }
    }

    fn selectors(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<Located<Selector>>> {
        let items = self.strings(key, value, r#"["ACT4", "hidden"]"#)?;
        Some(
            items
                .into_iter()
                .filter_map(|(s, span)| self.selector(s, span))
                .collect(),
        )
    }

    fn patterns(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<Pattern>> {
        let items = self.strings(key, value, r#"["legacy/", "models/*.keras.json"]"#)?;
        Some(
            items
                .into_iter()
                .filter_map(|(s, span)| self.pattern(s, span))
                .collect(),
        )
    }

    fn pattern(&mut self, s: &str, span: Range<usize>) -> Option<Pattern> {
        match Pattern::new(s, self.origin(&span)) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(
                    span,
                    format!("invalid glob `{s}`: {e}"),
                    "invalid glob",
                    None,
                );
                None
            }
        }
    }

    fn table<'v, 'i>(
        &mut self,
        key: &str,
        value: &'v Value<'i>,
        help: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref().as_table() {
            Some(t) => Some(t),
            None => {
                self.error(
                    value.span(),
                    format!(
                        "`{key}` must be a table, found {}",
                        kind_name(value.get_ref())
                    ),
                    "expected a table",
                    Some(help),
                );
                None
            }
        }
    }

    fn severity(&mut self, value: &Value<'_>, config: &mut ConfigFile) {
        let header = table_name(self.kind, "severity");
        let help = format!("write `[{header}]` with lines like `ACT204 = \"warning\"`");
        let Some(table) = self.table("severity", value, &help) else {
            return;
        };
        for (key, level) in table.iter() {
            let Some(sel) = self.selector(key.get_ref(), key.span()) else {
                continue;
            };
            let levels = ["error", "warning", "info"];
            let Some(s) = self.choice("severity", level, &levels) else {
                continue;
            };
            let severity = Severity::parse(&s).expect("one of the levels");
            config.severity.push((sel, severity));
        }
        // Two entries naming the same rules with the same specificity
        // (`ACT401` and `relu-without-he-init`) would make the result depend
        // on their order.
        let mut seen: Vec<(&Located<Selector>, Severity)> = Vec::new();
        let mut clashes = Vec::new();
        for (sel, sev) in &config.severity {
            if let Some((other, _)) = seen.iter().find(|(o, s)| {
                o.value.specificity() == sel.value.specificity()
                    && codes(&o.value) == codes(&sel.value)
                    && *s != *sev
            }) {
                let (first, second) = if other.span.start < sel.span.start {
                    (*other, sel)
                } else {
                    (sel, *other)
                };
                clashes.push((
                    second.span.clone(),
                    first.value.to_string(),
                    second.value.to_string(),
                ));
            }
            seen.push((sel, *sev));
        }
        for (span, first, second) in clashes {
            self.error(
                span,
                format!("`{second}` and `{first}` name the same rules with different severities"),
                "set twice",
                Some("keep one of the two entries"),
            );
        }
    }

    fn per_file_ignores(&mut self, value: &Value<'_>, config: &mut ConfigFile) {
        let header = table_name(self.kind, "per-file-ignores");
        let help = format!("write `[{header}]` with lines like `\"tests/**\" = [\"ACT4\"]`");
        let Some(table) = self.table("per-file-ignores", value, &help) else {
            return;
        };
        for (key, rules) in table.iter() {
            let written = key.get_ref().as_ref();
            let (glob, pointer) = match written.split_once('#') {
                Some((g, p)) => (g, Some(p)),
                None => (written, None),
            };
            let pointer = match pointer {
                None | Some("") => None,
                Some(p) => match check_pointer(p) {
                    Ok(()) => Some(p.to_string()),
                    Err(why) => {
                        self.error(
                            key.span(),
                            format!("invalid JSON pointer `{p}` in `{written}`: {why}"),
                            "invalid JSON pointer",
                            Some("a pointer follows RFC 6901: `#/config/layers/3` names the fourth layer of a Keras model; write `~1` for `/` and `~0` for `~` in names"),
                        );
                        continue;
                    }
                },
            };
            let origin = self.origin(&key.span());
            let Some(pattern) = self.pattern(glob, key.span()) else {
                continue;
            };
            let Some(list) = self.selectors(&format!("{header}.\"{written}\""), rules) else {
                continue;
            };
            config.per_file_ignores.push(PerFileIgnore {
                key: written.to_string(),
                pattern,
                pointer,
                rules: list,
                origin,
            });
        }
    }

    /// `[rules.<code or name>]`: the options rules declare.
    fn rules(&mut self, value: &Value<'_>, config: &mut ConfigFile) {
        let header = table_name(self.kind, "rules");
        let help = format!("write `[{header}.vanishing-gradient-risk]` followed by `depth = 6`");
        let Some(table) = self.table("rules", value, &help) else {
            return;
        };
        let mut seen: Vec<&str> = Vec::new();
        for (key, options) in table.iter() {
            let Some(meta) = self.configurable_rule(key, &seen) else {
                continue;
            };
            seen.push(meta.code);
            let written = key.get_ref().as_ref();
            let Some(options) = self.table(&format!("{header}.{written}"), options, &help) else {
                continue;
            };
            for (okey, ovalue) in options.iter() {
                self.rule_option(meta, okey, ovalue, config);
            }
        }
    }

    /// The rule a `[rules.<key>]` table configures: an error when no rule
    /// has that code or name, the rule has no options, or it was configured
    /// already (its code in `seen`).
    fn configurable_rule(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        seen: &[&str],
    ) -> Option<&'static RuleMeta> {
        let written = key.get_ref().as_ref();
        let Some(meta) = rules::find(written) else {
            let help = match rules::registry::suggest(written) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("rules with options are {}", rules_with_options()),
            };
            self.error(
                key.span(),
                format!("unknown rule `{written}`"),
                "unknown rule",
                Some(&help),
            );
            return None;
        };
        if meta.options.is_empty() {
            self.error(
                key.span(),
                format!("{} `{}` has no options", meta.code, meta.name),
                "no options",
                Some(&format!("rules with options are {}", rules_with_options())),
            );
            return None;
        }
        if seen.contains(&meta.code) {
            self.error(
                key.span(),
                format!("options for {} `{}` are given twice", meta.code, meta.name),
                "given again",
                Some("configure a rule once, by its code or by its name"),
            );
            return None;
        }
        Some(meta)
    }

    /// One option of a rule (`depth = 6`), checked against what the rule
    /// declares it accepts.
    fn rule_option(
        &mut self,
        meta: &'static RuleMeta,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Value<'_>,
        config: &mut ConfigFile,
    ) {
        let Some(option) = meta.option(key.get_ref().as_ref()) else {
            let keys: Vec<&str> = meta.options.iter().map(|o| o.key).collect();
            self.unknown_key(key, &keys, &format!("the options of {}", meta.code));
            return;
        };
        let (integer, float) = match value.get_ref() {
            DeValue::Integer(i) => (i64::from_str_radix(i.as_str(), i.radix()).ok(), None),
            DeValue::Float(f) => (None, f.as_str().parse::<f64>().ok()),
            _ => (None, None),
        };
        match option.accept(integer, float) {
            Some(accepted) => config.rule_options.push(Located {
                value: RuleOptionValue {
                    rule: meta,
                    option,
                    value: accepted,
                },
                origin: self.origin(&value.span()),
                span: value.span(),
            }),
            None => self.error(
                value.span(),
                format!("`{}` must be {}", option.key, option.expected),
                &option.label(),
                Some(&format!(
                    "the default is {}: {}",
                    option.default, option.default_means
                )),
            ),
        }
    }

    /// `[limits]`: the resource limits of `--limit`, by the same keys.
    fn limits(&mut self, value: &Value<'_>, config: &mut ConfigFile) {
        let header = table_name(self.kind, "limits");
        let help =
            format!("write `[{header}]` followed by lines like `max-file-size = \"128MiB\"`");
        let Some(table) = self.table("limits", value, &help) else {
            return;
        };
        let keys: Vec<&str> = crate::lint::limits::KEYS.iter().map(|k| k.key).collect();
        for (key, v) in table.iter() {
            let name = key.get_ref().as_ref();
            if !keys.contains(&name) {
                self.unknown_key(key, &keys, "the limits");
                continue;
            }
            let text = match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .map(|n| n.to_string()),
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            };
            let checked = text
                .ok_or_else(|| {
                    format!(
                        "`{name}` must be a positive integer, found {}",
                        kind_name(v.get_ref())
                    )
                })
                .and_then(|t| {
                    crate::lint::limits::set(&mut crate::lint::Options::default(), name, &t)
                        .map(|()| t)
                });
            match checked {
                Ok(t) => config.limits.push(Located {
                    value: (name.to_string(), t),
                    origin: self.origin(&v.span()),
                    span: v.span(),
                }),
                Err(message) => self.error(
                    v.span(),
                    message,
                    "invalid limit",
                    Some("a positive integer; byte counts also take `KiB`, `MiB` or `GiB` in a string: `\"128MiB\"`"),
                ),
            }
        }
    }

    fn models(&mut self, value: &Value<'_>, config: &mut ConfigFile) {
        let header = table_name(self.kind, "models");
        let entries = match value.get_ref().as_array() {
            Some(a) if a.iter().all(|e| e.get_ref().is_table()) => a,
            _ => {
                self.error(
                    value.span(),
                    format!(
                        "`models` must be an array of tables, found {}",
                        kind_name(value.get_ref())
                    ),
                    "expected `[[models]]` entries",
                    Some(&format!(
                        "write each hint as `[[{header}]]` followed by `files = \"models/churn*.json\"` and `task = \"binary\"`"
                    )),
                );
                return;
            }
        };
        for entry in entries.iter() {
            if let Some(hint) = self.model_hint(entry) {
                config.models.push(hint);
            }
        }
    }

    /// One `[[models]]` entry; `None` (an error) when it has no `files`.
    fn model_hint(&mut self, entry: &Value<'_>) -> Option<ModelHintEntry> {
        let table = entry.get_ref().as_table().expect("checked above");
        let mut hint = ModelHintEntry {
            files: Vec::new(),
            task: None,
            classes: None,
            input_range: None,
            origin: self.origin(&entry.span()),
        };
        let mut has_files = false;
        for (key, v) in table.iter() {
            has_files |= key.get_ref().as_ref() == "files";
            self.hint_key(key, v, &mut hint);
        }
        if !has_files {
            let at = entry.span();
            self.error(
                at.start..at.start,
                "model hint without `files`: it would apply to no file".to_string(),
                "`files` missing",
                Some("add `files = \"models/churn*.json\"` (a glob relative to this file's directory)"),
            );
            return None;
        }
        Some(hint)
    }

    /// A value read from `v`, with its place.
    fn located<T>(&self, value: T, v: &Value<'_>) -> Located<T> {
        Located {
            value,
            origin: self.origin(&v.span()),
            span: v.span(),
        }
    }

    /// One key of a `[[models]]` entry, read into `hint`.
    fn hint_key(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Value<'_>,
        hint: &mut ModelHintEntry,
    ) {
        match key.get_ref().as_ref() {
            "files" => {
                if let Some(s) = v.get_ref().as_str() {
                    hint.files.extend(self.pattern(s, v.span()));
                } else {
                    hint.files = self.patterns("files", v).unwrap_or_default();
                }
            }
            "task" => {
                let names = ["regression", "binary", "multiclass", "multilabel"];
                if let Some(t) = self.choice("task", v, &names) {
                    hint.task = Some(self.located(Task::parse(&t).expect("one of the tasks"), v));
                }
            }
            "classes" => match positive_integer(v.get_ref()) {
                Some(n) => hint.classes = Some(self.located(n, v)),
                None => self.error(
                    v.span(),
                    format!(
                        "`classes` must be a positive integer, found {}",
                        kind_name(v.get_ref())
                    ),
                    "expected a positive integer",
                    None,
                ),
            },
            "input-range" => match input_range(v.get_ref()) {
                Some(r) => hint.input_range = Some(self.located(r, v)),
                None => self.error(
                    v.span(),
                    "`input-range` must be `[low, high]` with low < high, or \"standardized\""
                        .to_string(),
                    "expected `[low, high]` or \"standardized\"",
                    Some("for inputs scaled to [0, 1] write `input-range = [0, 1]`"),
                ),
            },
            _ => self.unknown_key(key, &MODEL_KEYS, "the keys of a model hint"),
        }
    }
}

/// The rules that have options, with their options' keys, for help texts.
fn rules_with_options() -> String {
    rules::all_meta()
        .into_iter()
        .flat_map(|meta| meta.options.iter().map(move |o| (meta, o)))
        .map(|(meta, o)| format!("`{}` ({}: `{}`)", meta.name, meta.code, o.key))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// An integer of at least 1.
fn positive_integer(v: &DeValue<'_>) -> Option<u64> {
    v.as_integer()
        .and_then(|i| u64::from_str_radix(i.as_str(), i.radix()).ok())
        .filter(|&n| n >= 1)
}

fn codes(s: &Selector) -> Vec<&'static str> {
    s.rules().iter().map(|m| m.code).collect()
}

fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Float(f) => f.as_str().parse().ok(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|i| i as f64),
        _ => None,
    }
}

fn input_range(v: &DeValue<'_>) -> Option<InputRange> {
    match v {
        DeValue::String(s) if s == "standardized" => Some(InputRange::Standardized),
        DeValue::Array(items) if items.len() == 2 => {
            let (a, b) = (number(items[0].get_ref())?, number(items[1].get_ref())?);
            (a.is_finite() && b.is_finite() && a < b).then_some(InputRange::Range(a, b))
        }
        _ => None,
    }
}

/// RFC 6901: `/`-separated tokens, `~` only as `~0` or `~1`.
fn check_pointer(p: &str) -> Result<(), &'static str> {
    if !p.starts_with('/') {
        return Err("a pointer starts with `/`");
    }
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err("`~` must be followed by `0` or `1`");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Option<ConfigFile>, Vec<ConfigError>> {
        parse(
            Path::new("/p/actlint.toml"),
            Arc::from("actlint.toml"),
            text,
        )
    }

    fn errors(text: &str) -> Vec<(String, String, Option<String>)> {
        read(text)
            .expect_err("errors expected")
            .into_iter()
            .map(|e| {
                let span = e.span.expect("a place");
                (text[span].to_string(), e.message, e.help)
            })
            .collect()
    }

    #[test]
    fn reads_every_option() {
        let c = read(
            r#"
select = ["ACT1", "hidden"]
extend-select = ["ACT6"]
ignore = ["relu-without-he-init"]
fail-on = "error"
output-format = "json"
exclude = ["legacy/"]
extend-exclude = ["*.tmp.json"]

[severity]
ACT204 = "warning"

[per-file-ignores]
"tests/**" = ["ACT4"]
"old/*.json#/config/layers/3" = ["ACT401"]

[rules.vanishing-gradient-risk]
depth = 7

[rules.ACT603]
max-rate = 0.6

[[models]]
files = "models/churn*.json"
task = "binary"
classes = 2
input-range = [0, 1]
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.select.as_ref().unwrap().value.len(), 2);
        assert_eq!(c.extend_select.len(), 1);
        assert_eq!(c.ignore[0].value.to_string(), "ACT401");
        assert_eq!(c.fail_on.as_ref().unwrap().value, Some(Severity::Error));
        assert_eq!(c.output_format.as_ref().unwrap().value, "json");
        assert_eq!(c.exclude.as_ref().unwrap()[0].text, "legacy/");
        assert_eq!(c.severity[0].1, Severity::Warning);
        assert_eq!(c.per_file_ignores.len(), 2);
        let pointed = c
            .per_file_ignores
            .iter()
            .find(|p| p.pointer.is_some())
            .unwrap();
        assert_eq!(pointed.pointer.as_deref(), Some("/config/layers/3"));
        let option = |key: &str| {
            c.rule_options
                .iter()
                .find(|o| o.value.option.key == key)
                .unwrap()
        };
        assert_eq!(option("depth").value.value, OptionValue::Integer(7));
        assert_eq!(option("max-rate").value.value, OptionValue::Number(0.6));
        let m = &c.models[0];
        assert_eq!(m.task.as_ref().unwrap().value, Task::Binary);
        assert_eq!(m.classes.as_ref().unwrap().value, 2);
        assert_eq!(
            m.input_range.as_ref().unwrap().value,
            InputRange::Range(0.0, 1.0)
        );
        match &option("depth").origin {
            Origin::File { line, column, .. } => assert_eq!((*line, *column), (18, 9)),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn pyproject_without_a_table_is_not_a_config() {
        let p = Path::new("/p/pyproject.toml");
        let none = parse(
            p,
            Arc::from("pyproject.toml"),
            "[tool.ruff]\nline-length = 88\n",
        );
        assert!(none.unwrap().is_none());
        let broken = parse(p, Arc::from("pyproject.toml"), "[tool.ruff\n");
        assert!(broken.unwrap().is_none());
        let c = parse(
            p,
            Arc::from("pyproject.toml"),
            "[tool.actlint]\nignore = [\"ACT204\"]\n",
        );
        assert_eq!(c.unwrap().unwrap().ignore.len(), 1);
    }

    #[test]
    fn errors_point_at_the_place() {
        let e = errors("selct = [\"ACT1\"]\nfail-on = \"warn\"\nignore = [\"ACT41\"]\n");
        assert_eq!(
            e,
            vec![
                (
                    "selct".to_string(),
                    "unknown option `selct`".to_string(),
                    Some("did you mean `select`?".to_string())
                ),
                (
                    "\"warn\"".to_string(),
                    "`warn` is not a valid `fail-on`".to_string(),
                    Some("did you mean `warning`?".to_string())
                ),
                (
                    "\"ACT41\"".to_string(),
                    "no rule code starts with `ACT41`".to_string(),
                    Some("did you mean `ACT401`?".to_string())
                ),
            ]
        );
    }

    #[test]
    fn bad_values_are_errors() {
        let e = errors("[rules.ACT402]\ndepth = 3\n");
        assert_eq!(
            e[0].1,
            "ACT402 `saturating-activation-with-he-init` has no options"
        );
        let e = errors("[rules.ACT203]\ndepht = 3\n");
        assert_eq!(e[0].2.as_deref(), Some("did you mean `depth`?"));
        let e = errors("[rules.ACT203]\ndepth = 1\n");
        assert_eq!(e[0].0, "1");
        let e = errors("[per-file-ignores]\n\"a.json#config/0\" = [\"ACT401\"]\n");
        assert!(e[0].1.contains("invalid JSON pointer"), "{e:?}");
        let e = errors("[[models]]\ntask = \"binary\"\n");
        assert!(e[0].1.contains("without `files`"), "{e:?}");
        let e = errors("[[models]]\nfiles = \"a.json\"\ntask = \"binar\"\n");
        assert_eq!(e[0].2.as_deref(), Some("did you mean `binary`?"));
        let e = errors("exclude = \"legacy\"\n");
        assert!(e[0].1.contains("must be an array"), "{e:?}");
        let e = errors("exclude = [\"a/[b\"]\n");
        assert!(e[0].1.contains("invalid glob"), "{e:?}");
        let e = errors("[severity]\nACT401 = \"error\"\nrelu-without-he-init = \"info\"\n");
        assert!(e[0].1.contains("different severities"), "{e:?}");
        let e = errors("select = [\"ACT000\"]\n");
        assert!(e[0].1.contains("always reported"), "{e:?}");
        let e = errors("select = [\n");
        assert!(e[0].1.starts_with("invalid TOML"), "{e:?}");
    }
}
