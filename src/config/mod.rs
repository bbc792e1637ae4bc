//! Configuration: `actlint.toml`, `.actlint.toml` or `[tool.actlint]` in
//! `pyproject.toml`, found from each linted file's directory upwards (the
//! closest wins; in one directory `.actlint.toml` comes before
//! `actlint.toml`, which comes before `pyproject.toml`), or given with
//! `--config`; `--isolated` ignores them all. Command-line options apply on
//! top of the configuration.
//!
//! [`Resolver`] finds the configuration of a file and resolves it into
//! [`Settings`]: which rules run, at which severity, with which options and
//! model hints, and where each value came from (`--show-settings`).

pub mod error;
pub mod file;
pub mod glob;
pub mod output;
pub mod selector;
pub mod untrusted;

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::ir::hints::{Hint, ModelHints};
pub use error::ConfigError;
pub use file::{ConfigFile, Located};

use crate::diagnostic::Severity;
use crate::escape;
use crate::lint::suppress::PointerIgnore;
use crate::lint::Options;
use crate::rules::{OptionValue, RuleMeta, RuleOption, RuleOptions};
use glob::{Pattern, PatternSet};
use selector::Selector;

/// File names searched in each directory, in order of precedence.
pub const CONFIG_NAMES: [&str; 3] = [".actlint.toml", "actlint.toml", "pyproject.toml"];

/// Excluded unless `exclude` is set: tool and environment directories that
/// hold JSON and YAML files that are not models.
pub const DEFAULT_EXCLUDE: [&str; 11] = [
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "node_modules",
    "site-packages",
    ".ipynb_checkpoints",
];

/// Where a setting came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    Default,
    /// A command-line flag (`--select`).
    Cli(&'static str),
    /// A place in a configuration file.
    File {
        path: Arc<str>,
        line: usize,
        column: usize,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::Cli(flag) => f.write_str(flag),
            Origin::File { path, line, column } => write!(f, "{path}:{line}:{column}"),
        }
    }
}

/// What the command line says, applied over the configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config PATH`: this file instead of discovery.
    pub config: Option<PathBuf>,
    /// `--isolated`: no configuration files at all.
    pub isolated: bool,
    /// `--select` (replaces the configuration's selection).
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `--fail-on`; `Some(None)` is `never`.
    pub fail_on: Option<Option<Severity>>,
    /// `--limit KEY=VALUE` (checked), applied over `[limits]`.
    pub limits: Vec<(String, String)>,
}

/// One layer of rule selection: the configuration's, then the command line's.
struct Selection<'a> {
    select: Option<(&'a [Located<Selector>], Origin)>,
    extend_select: &'a [Located<Selector>],
    ignore: &'a [Located<Selector>],
}

impl<'a> Selection<'a> {
    /// A configuration file's layer.
    fn of(
        select: &'a Option<Located<Vec<Located<Selector>>>>,
        extend_select: &'a [Located<Selector>],
        ignore: &'a [Located<Selector>],
    ) -> Self {
        Selection {
            select: select
                .as_ref()
                .map(|s| (s.value.as_slice(), s.origin.clone())),
            extend_select,
            ignore,
        }
    }
}

/// The command line's selectors, checked.
#[derive(Default)]
struct CliSelection {
    select: Option<Vec<Located<Selector>>>,
    extend_select: Vec<Located<Selector>>,
    ignore: Vec<Located<Selector>>,
}

/// Finds and caches configuration files, and resolves settings per file.
pub struct Resolver {
    cwd: PathBuf,
    overrides: Overrides,
    cli: CliSelection,
    explicit: Option<Arc<ConfigFile>>,
    /// Directory -> the configuration that governs it.
    dirs: HashMap<PathBuf, Option<Arc<ConfigFile>>>,
    /// The rule settings of each configuration and set of matching
    /// `per-file-ignores` entries: the same for most files of a run, so
    /// resolved once. The entry holds its configuration, so the address in
    /// the key cannot be reused by another one.
    rule_cache: std::sync::Mutex<HashMap<RulesKey, CachedRules>>,
}

/// A configuration (by address; 0 for none) and the indices of its
/// `per-file-ignores` entries without a pointer that match a file.
type RulesKey = (usize, Vec<usize>);
type CachedRules = (Option<Arc<ConfigFile>>, Arc<Vec<RuleSetting>>);

/// How a rule is set up for one file.
#[derive(Clone, Debug)]
pub struct RuleSetting {
    pub meta: &'static RuleMeta,
    pub enabled: bool,
    /// Why it is on or off: "default", "`ACT4` in `ignore` (actlint.toml:3:11)".
    pub why: String,
    pub severity: Severity,
    pub severity_origin: Origin,
}

/// Everything that applies to one file.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The file (normalized, absolute).
    pub path: PathBuf,
    pub config: Option<Arc<ConfigFile>>,
    pub rules: Arc<Vec<RuleSetting>>,
    /// `None` inside: `never`.
    pub fail_on: (Option<Severity>, Origin),
    /// Every option rules declare, with its value and where it comes from.
    pub rule_options: Vec<(&'static RuleMeta, &'static RuleOption, OptionValue, Origin)>,
    pub hints: ModelHints,
    pub pointer_ignores: Vec<PointerIgnore>,
    /// The pattern that excludes the file, if one does.
    pub excluded_by: Option<(String, Origin)>,
    /// Resource limits set by `[limits]`, then by `--limit` (checked; a
    /// later one wins), with where each comes from.
    pub limits: Vec<(String, String, Origin)>,
}

impl Settings {
    /// The options to lint the file with.
    pub fn options(&self) -> Options {
        let mut rule_options = RuleOptions::default();
        for &(_, option, value, _) in &self.rule_options {
            rule_options.set(option, value);
        }
        let mut options = Options {
            rule_options,
            select: Some(
                self.rules
                    .iter()
                    .filter(|r| r.enabled)
                    .map(|r| r.meta.code)
                    .collect(),
            ),
            severity: self
                .rules
                .iter()
                .filter(|r| r.severity != r.meta.severity)
                .map(|r| (r.meta.code, r.severity))
                .collect::<BTreeMap<_, _>>(),
            hints: self.hints.clone(),
            pointer_ignores: self.pointer_ignores.clone(),
            ..Options::default()
        };
        // Checked when the configuration and the command line were read.
        for (key, value, _) in &self.limits {
            let _ = crate::lint::limits::set(&mut options, key, value);
        }
        options
    }

    /// The lowest severity that fails the run for this file (`None`: never).
    pub fn fail_threshold(&self) -> Option<Severity> {
        self.fail_on.0
    }
}

impl Resolver {
    pub fn new(overrides: Overrides) -> Result<Resolver, Vec<ConfigError>> {
        let cwd = std::env::current_dir().map_err(|e| {
            vec![ConfigError::plain(
                "actlint",
                format!("cannot read the current directory: {e}"),
            )]
        })?;
        Resolver::with_cwd(overrides, cwd)
    }

    pub fn with_cwd(overrides: Overrides, cwd: PathBuf) -> Result<Resolver, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut flag = |flag, values: &[String]| cli_selectors(flag, values, &mut errors);
        let cli = CliSelection {
            select: overrides.select.as_ref().map(|s| flag("--select", s)),
            extend_select: flag("--extend-select", &overrides.extend_select),
            ignore: flag("--ignore", &overrides.ignore),
        };
        let explicit = match &overrides.config {
            Some(path) => explicit_config(path, &cwd, &mut errors)?,
            None => None,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Resolver {
            cwd,
            overrides,
            cli,
            explicit,
            dirs: HashMap::new(),
            rule_cache: Default::default(),
        })
    }

    /// The configuration that governs a directory (normalized, absolute).
    fn config_of_dir(&mut self, dir: &Path) -> Result<Option<Arc<ConfigFile>>, Vec<ConfigError>> {
        if self.overrides.isolated {
            return Ok(None);
        }
        if self.explicit.is_some() {
            return Ok(self.explicit.clone());
        }
        let mut visited = Vec::new();
        let mut found = None;
        let mut cur = Some(dir);
        while let Some(d) = cur {
            if let Some(c) = self.dirs.get(d) {
                found = c.clone();
                break;
            }
            visited.push(d.to_path_buf());
            if let Some(c) = self.find_in(d)? {
                found = Some(Arc::new(c));
                break;
            }
            cur = d.parent();
        }
        for d in visited {
            self.dirs.insert(d, found.clone());
        }
        Ok(found)
    }

    /// The configuration file of one directory, if it has one.
    fn find_in(&self, dir: &Path) -> Result<Option<ConfigFile>, Vec<ConfigError>> {
        for name in CONFIG_NAMES {
            let path = dir.join(name);
            // Directories and broken links are not configurations; a
            // FIFO or a device is an error (from the reader), not a hang.
            if std::fs::metadata(&path).map_or(true, |m| m.is_dir()) {
                continue;
            }
            let display = self.display(&path);
            let text = untrusted::read_text(&path, untrusted::MAX_CONFIG_SIZE).map_err(|e| {
                vec![ConfigError::plain(
                    display.clone(),
                    format!("cannot read the configuration: {e}"),
                )]
            })?;
            let quote = untrusted::quotable(&path, &[dir, &self.cwd]);
            let show = |p: &Path| self.display(p);
            if let Some(c) = load(
                &path,
                display,
                &text,
                quote,
                &self.cwd,
                &show,
                &mut Vec::new(),
            )? {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// How a configuration file is named in messages: relative to the
    /// current directory when it is below it.
    fn display(&self, path: &Path) -> Arc<str> {
        shown(&self.cwd, path)
    }

    /// The configuration of the current directory: where run-wide options
    /// (`output-format`) come from.
    pub fn project(&mut self) -> Result<Option<Arc<ConfigFile>>, Vec<ConfigError>> {
        let cwd = self.cwd.clone();
        self.config_of_dir(&cwd)
    }

    /// The configuration that applies to a file (standard input: pass its
    /// `--stdin-filename`, or `-`).
    pub fn config_for(&mut self, file: &Path) -> Result<Option<Arc<ConfigFile>>, Vec<ConfigError>> {
        let abs = glob::normalize(file, &self.cwd);
        let dir = abs.parent().map_or(self.cwd.clone(), Path::to_path_buf);
        self.config_of_dir(&dir)
    }

    /// Everything that applies to a file.
    pub fn settings_for(&mut self, file: &Path) -> Result<Settings, Vec<ConfigError>> {
        let config = self.config_for(file)?;
        let path = glob::normalize(file, &self.cwd);
        Ok(self.resolve(path, config))
    }

    /// Everything that applies to a file, given the configuration
    /// [`Resolver::config_for`] found for it. It needs no `&mut`, so the
    /// files of a run can be resolved in parallel.
    pub fn settings_with(&self, file: &Path, config: Option<Arc<ConfigFile>>) -> Settings {
        let path = glob::normalize(file, &self.cwd);
        self.resolve(path, config)
    }

    /// Everything that applies to the file `path` (normalized, absolute)
    /// under its configuration.
    fn resolve(&self, path: PathBuf, config: Option<Arc<ConfigFile>>) -> Settings {
        let c = config.as_deref();
        let root = c.map_or(self.cwd.as_path(), |c| c.root.as_path());
        let relative = glob::relative(&path, root);
        let excluded_by = excluded_by(c, &path, &relative);
        let file_ignores = matching_ignores(c, &path, &relative);
        let rules = self.cached_rules(&config, &file_ignores);
        let pointer_ignores = pointer_ignores(&file_ignores);
        let hints = model_hints(c, &path, &relative);
        let fail_on = match (&self.overrides.fail_on, c.and_then(|c| c.fail_on.as_ref())) {
            (Some(f), _) => (*f, Origin::Cli("--fail-on")),
            (None, Some(f)) => (f.value, f.origin.clone()),
            (None, None) => (Some(Severity::Warning), Origin::Default),
        };
        Settings {
            path,
            rules,
            fail_on,
            rule_options: rule_option_values(c),
            hints,
            pointer_ignores,
            excluded_by,
            limits: self.limits(c),
            config,
        }
    }

    /// The rule settings of a configuration and the `per-file-ignores`
    /// entries matching a file, resolved once per distinct pair.
    fn cached_rules(
        &self,
        config: &Option<Arc<ConfigFile>>,
        file_ignores: &[(usize, &file::PerFileIgnore)],
    ) -> Arc<Vec<RuleSetting>> {
        let c = config.as_deref();
        let key = (
            c.map_or(0, |c| c as *const ConfigFile as usize),
            file_ignores
                .iter()
                .filter(|(_, p)| p.pointer.is_none())
                .map(|(i, _)| *i)
                .collect(),
        );
        let cached = self
            .rule_cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).map(|(_, rules)| rules.clone()));
        cached.unwrap_or_else(|| {
            let rules = Arc::new(self.rule_settings(c, file_ignores));
            if let Ok(mut cache) = self.rule_cache.lock() {
                cache.insert(key, (config.clone(), rules.clone()));
            }
            rules
        })
    }

    /// Resource limits: the configuration's `[limits]`, then `--limit`.
    fn limits(&self, c: Option<&ConfigFile>) -> Vec<(String, String, Origin)> {
        c.iter()
            .flat_map(|c| &c.limits)
            .map(|l| (l.value.0.clone(), l.value.1.clone(), l.origin.clone()))
            .chain(
                self.overrides
                    .limits
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone(), Origin::Cli("--limit"))),
            )
            .collect()
    }

    /// Which rules run, at which severity and why, under a configuration and
    /// the `per-file-ignores` entries that match a file.
    fn rule_settings(
        &self,
        c: Option<&ConfigFile>,
        file_ignores: &[(usize, &file::PerFileIgnore)],
    ) -> Vec<RuleSetting> {
        // Rule selection: the configurations extended, the configuration,
        // then the command line.
        let mut layers: Vec<Selection<'_>> = c
            .iter()
            .flat_map(|c| &c.inherited)
            .map(|l| Selection::of(&l.select, &l.extend_select, &l.ignore))
            .collect();
        if let Some(c) = c {
            layers.push(Selection::of(&c.select, &c.extend_select, &c.ignore));
        }
        layers.push(Selection {
            select: self
                .cli
                .select
                .as_ref()
                .map(|s| (s.as_slice(), Origin::Cli("--select"))),
            extend_select: &self.cli.extend_select,
            ignore: &self.cli.ignore,
        });

        let mut metas: Vec<&'static RuleMeta> = selector::selectable().collect();
        metas.sort_by_key(|m| m.code);
        let mut rules = Vec::new();
        for meta in metas {
            let (mut enabled, mut why) = select(meta, &layers);
            if enabled {
                if let Some(p) = file_ignores
                    .iter()
                    .map(|(_, p)| p)
                    .filter(|p| p.pointer.is_none())
                    .find(|p| p.rules.iter().any(|s| s.value.matches(meta)))
                {
                    enabled = false;
                    why = format!("`per-file-ignores` entry `{}` ({})", p.key, p.origin);
                }
            }
            let (severity, severity_origin) = c
                .and_then(|c| {
                    c.severity
                        .iter()
                        .filter(|(s, _)| s.value.matches(meta))
                        .max_by_key(|(s, _)| s.value.specificity())
                })
                .map_or((meta.severity, Origin::Default), |(s, sev)| {
                    (*sev, s.origin.clone())
                });
            rules.push(RuleSetting {
                meta,
                enabled,
                why,
                severity,
                severity_origin,
            });
        }

        rules
    }

    /// `--show-settings`: the resolved settings of a file and where each
    /// value came from.
    pub fn show(&mut self, file: &Path) -> Result<String, Vec<ConfigError>> {
        let settings = self.settings_for(file)?;
        let project = self.project()?;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Settings for {}",
            escape::text(&file.display().to_string())
        );
        let mut rows: Vec<[String; 3]> = Vec::new();
        rows.push([
            "configuration".into(),
            self.configuration_shown(&settings),
            String::new(),
        ]);
        rows.push([
            "excluded".into(),
            match &settings.excluded_by {
                Some((p, _)) => format!("yes, by `{p}`"),
                None => "no".into(),
            },
            settings
                .excluded_by
                .as_ref()
                .map_or(String::new(), |(_, o)| o.to_string()),
        ]);
        rows.push([
            "fail-on".into(),
            settings
                .fail_on
                .0
                .map_or("never".to_string(), |s| s.to_string()),
            settings.fail_on.1.to_string(),
        ]);
        let (format, format_origin) = match project.as_ref().and_then(|p| p.output_format.as_ref())
        {
            Some(f) => (f.value.clone(), f.origin.to_string()),
            None => ("human".to_string(), Origin::Default.to_string()),
        };
        rows.push(["output-format".into(), format, format_origin]);
        for (meta, option, value, origin) in &settings.rule_options {
            rows.push([
                format!("rules.{}.{}", meta.name, option.key),
                value.to_string(),
                origin.to_string(),
            ]);
        }
        rows.extend(hint_rows(&settings.hints));
        rows.extend(limit_rows(&settings));
        for p in &settings.pointer_ignores {
            rows.push([
                format!("per-file-ignores #{}", p.pointer),
                p.codes.join(", "),
                p.origin.clone(),
            ]);
        }
        table(&mut out, &rows, "  ");
        rules_shown(&settings, &mut out);
        Ok(out)
    }

    /// Which configuration a file has, for `--show-settings`: its name and
    /// how it was found (`--config`, `extends ...`), or none and why.
    fn configuration_shown(&self, settings: &Settings) -> String {
        match (&settings.config, self.overrides.isolated) {
            (_, true) => "none (--isolated)".to_string(),
            (Some(c), _) if self.overrides.config.is_some() => format!("{} (--config)", c.display),
            (Some(c), _) if !c.extends.is_empty() => {
                let bases: Vec<&str> = c.extends.iter().rev().map(|b| &**b).collect();
                format!("{} (extends {})", c.display, bases.join(", then "))
            }
            (Some(c), _) => c.display.to_string(),
            (None, _) => "none (defaults)".to_string(),
        }
    }
}

/// The `--show-settings` rows of the model hints: each hint's value and
/// origin, or none.
fn hint_rows(h: &ModelHints) -> Vec<[String; 3]> {
    let hint_rows: [(&str, Option<(String, &str)>); 3] = [
        (
            "models.task",
            h.task
                .as_ref()
                .map(|t| (t.value.as_str().to_string(), t.origin.as_str())),
        ),
        (
            "models.classes",
            h.classes
                .as_ref()
                .map(|t| (t.value.to_string(), t.origin.as_str())),
        ),
        (
            "models.input-range",
            h.input_range.as_ref().map(|t| {
                let v = match t.value {
                    crate::ir::InputRange::Range(a, b) => format!("[{a}, {b}]"),
                    crate::ir::InputRange::Standardized => "standardized".to_string(),
                };
                (v, t.origin.as_str())
            }),
        ),
    ];
    hint_rows
        .into_iter()
        .map(|(key, value)| match value {
            Some((v, o)) => [key.into(), v, o.to_string()],
            None => [key.into(), "none".into(), "default".into()],
        })
        .collect()
}

/// The `--show-settings` rows of the resource limits: every limit's value
/// and where it was set.
fn limit_rows(settings: &Settings) -> Vec<[String; 3]> {
    let options = settings.options();
    crate::lint::limits::KEYS
        .iter()
        .map(|spec| {
            let origin = settings
                .limits
                .iter()
                .rfind(|(key, _, _)| key == spec.key)
                .map_or_else(|| "default".to_string(), |(_, _, o)| o.to_string());
            [
                format!("limits.{}", spec.key),
                crate::lint::limits::get(&options, spec.key)
                    .map_or_else(String::new, |v| v.to_string()),
                origin,
            ]
        })
        .collect()
}

/// The `--show-settings` rule table: each rule on or off, its severity,
/// and why.
fn rules_shown(settings: &Settings, out: &mut String) {
    let enabled = settings.rules.iter().filter(|r| r.enabled).count();
    let _ = writeln!(
        out,
        "\nRules ({enabled} of {} enabled):",
        settings.rules.len()
    );
    let rule_rows: Vec<[String; 3]> = settings
        .rules
        .iter()
        .map(|r| {
            let state = if r.enabled { "on" } else { "off" };
            let severity = if r.severity_origin == Origin::Default {
                r.severity.to_string()
            } else {
                format!("{} ({})", r.severity, r.severity_origin)
            };
            [
                format!("{} {}", r.meta.code, r.meta.name),
                format!("{state:<3} {severity}"),
                r.why.clone(),
            ]
        })
        .collect();
    table(out, &rule_rows, "  ");
}

/// The selectors of one command-line flag (`--select`); the ones that do
/// not parse go to `errors`.
fn cli_selectors(
    flag: &'static str,
    values: &[String],
    errors: &mut Vec<ConfigError>,
) -> Vec<Located<Selector>> {
    let mut out = Vec::new();
    for v in values {
        match Selector::parse(v) {
            Ok(s) => out.push(Located {
                value: s,
                origin: Origin::Cli(flag),
                span: 0..0,
            }),
            Err(e) => {
                let mut err = ConfigError::plain(flag, e.message);
                err.help = e.help;
                errors.push(err);
            }
        }
    }
    out
}

/// The configuration `--config` names, read with the files it extends.
/// `Err` when it cannot be read or has no actlint table; its own errors go
/// to `errors` (and give `None`).
fn explicit_config(
    path: &Path,
    cwd: &Path,
    errors: &mut Vec<ConfigError>,
) -> Result<Option<Arc<ConfigFile>>, Vec<ConfigError>> {
    let abs = glob::normalize(path, cwd);
    let display: Arc<str> = Arc::from(path.display().to_string());
    let text = untrusted::read_text(&abs, untrusted::MAX_CONFIG_SIZE).map_err(|e| {
        vec![ConfigError::plain(
            "--config",
            format!("cannot read `{}`: {e}", path.display()),
        )]
    })?;
    let dir = abs.parent().unwrap_or(cwd);
    let quote = untrusted::quotable(&abs, &[dir, cwd]);
    let show = |p: &Path| shown(cwd, p);
    match load(&abs, display, &text, quote, cwd, &show, &mut Vec::new()) {
        Ok(Some(c)) => Ok(Some(Arc::new(c))),
        Ok(None) => Err(vec![ConfigError::plain(
            "--config",
            format!("`{}` has no `[tool.actlint]` table", path.display()),
        )]),
        Err(mut e) => {
            errors.append(&mut e);
            Ok(None)
        }
    }
}

/// The pattern that excludes a file (`exclude`, else the default
/// exclusions, then `extend-exclude`), with its origin.
fn excluded_by(c: Option<&ConfigFile>, path: &Path, relative: &str) -> Option<(String, Origin)> {
    let exclude = c
        .and_then(|c| c.exclude.as_ref())
        .unwrap_or_else(|| default_exclude());
    let extend: &[Pattern] = c.map_or(&[], |c| &c.extend_exclude);
    match c {
        // The patterns of a configuration match as one set: a run costs
        // files + patterns, not files × patterns.
        Some(c) => {
            let set = c
                .sets
                .exclude
                .get_or_init(|| Arc::new(PatternSet::new(exclude.iter().chain(extend))));
            set.matching(path, relative)
                .first()
                .and_then(|&i| exclude.iter().chain(extend).nth(i))
        }
        None => exclude.iter().find(|p| p.matches_file(path, relative)),
    }
    .map(|p| (p.text.clone(), p.origin.clone()))
}

/// The `per-file-ignores` entries whose glob matches a file, with their
/// indices.
fn matching_ignores<'c>(
    c: Option<&'c ConfigFile>,
    path: &Path,
    relative: &str,
) -> Vec<(usize, &'c file::PerFileIgnore)> {
    c.map(|c| {
        let set = c.sets.per_file_ignores.get_or_init(|| {
            Arc::new(PatternSet::new(
                c.per_file_ignores.iter().map(|p| &p.pattern),
            ))
        });
        set.matching(path, relative)
            .into_iter()
            .map(|i| (i, &c.per_file_ignores[i]))
            .collect()
    })
    .unwrap_or_default()
}

/// The matching `per-file-ignores` entries with a JSON pointer, as the
/// lint applies them: the pointer and the codes it silences there.
fn pointer_ignores(file_ignores: &[(usize, &file::PerFileIgnore)]) -> Vec<PointerIgnore> {
    file_ignores
        .iter()
        .filter_map(|(_, p)| {
            let pointer = p.pointer.clone()?;
            let mut codes: Vec<&'static str> = p
                .rules
                .iter()
                .flat_map(|s| s.value.rules())
                .map(|m| m.code)
                .collect();
            codes.sort_unstable();
            codes.dedup();
            Some(PointerIgnore {
                entry: p.key.clone(),
                pointer,
                codes,
                origin: p.origin.to_string(),
            })
        })
        .collect()
}

/// The `[[models]]` hints for a file: of the entries whose `files` match
/// it, a later entry's value wins.
fn model_hints(c: Option<&ConfigFile>, path: &Path, relative: &str) -> ModelHints {
    let mut hints = ModelHints::default();
    let Some(c) = c else {
        return hints;
    };
    let set = c.sets.models.get_or_init(|| {
        let owners = c
            .models
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.files.iter().map(move |_| i))
            .collect();
        let patterns = c.models.iter().flat_map(|m| m.files.iter());
        Arc::new((PatternSet::new(patterns), owners))
    });
    let mut owners: Vec<usize> = set
        .0
        .matching(path, relative)
        .into_iter()
        .map(|i| set.1[i])
        .collect();
    owners.dedup();
    for m in owners.iter().map(|&i| &c.models[i]) {
        if let Some(t) = &m.task {
            hints.task = Some(Hint {
                value: t.value,
                origin: t.origin.to_string(),
            });
        }
        if let Some(n) = &m.classes {
            hints.classes = Some(Hint {
                value: n.value,
                origin: n.origin.to_string(),
            });
        }
        if let Some(r) = &m.input_range {
            hints.input_range = Some(Hint {
                value: r.value,
                origin: r.origin.to_string(),
            });
        }
    }
    hints
}

/// Every option rules declare, with the configuration's value (or the
/// default) and where it comes from.
fn rule_option_values(
    c: Option<&ConfigFile>,
) -> Vec<(&'static RuleMeta, &'static RuleOption, OptionValue, Origin)> {
    crate::rules::all_meta()
        .into_iter()
        .flat_map(|meta| meta.options.iter().map(move |&o| (meta, o)))
        .map(|(meta, option)| {
            let set = c
                .iter()
                .flat_map(|c| &c.rule_options)
                .find(|s| std::ptr::eq(s.value.option, option));
            match set {
                Some(s) => (meta, option, s.value.value, s.origin.clone()),
                None => (meta, option, option.default, Origin::Default),
            }
        })
        .collect()
}

/// How a configuration file is named in messages: relative to `cwd` when it
/// is below it.
fn shown(cwd: &Path, path: &Path) -> Arc<str> {
    match path.strip_prefix(cwd) {
        Ok(rel) => Arc::from(rel.to_string_lossy().replace('\\', "/")),
        Err(_) => Arc::from(path.display().to_string()),
    }
}

/// At most this many files in one chain of `extend`.
const MAX_EXTEND_CHAIN: usize = 32;

/// Reads a configuration file, and the files it extends (`extend`), into one
/// configuration. `chain` holds the files that extend this one, to report a
/// cycle instead of following it. `quote`: whether errors may show the
/// file's text ([`untrusted::quotable`]); if not, they give only a place.
fn load(
    path: &Path,
    display: Arc<str>,
    text: &str,
    quote: bool,
    cwd: &Path,
    show: &dyn Fn(&Path) -> Arc<str>,
    chain: &mut Vec<PathBuf>,
) -> Result<Option<ConfigFile>, Vec<ConfigError>> {
    let redact = |errors: Vec<ConfigError>| {
        if quote {
            errors
        } else {
            untrusted::redact(errors, &display, text)
        }
    };
    let Some(config) = file::parse(path, display.clone(), text).map_err(redact)? else {
        return Ok(None);
    };
    let Some(extend) = config.extend.clone() else {
        return Ok(Some(config));
    };
    let at = |message: String, label: &str, help: Option<&str>| {
        redact(vec![ConfigError {
            origin: config.display.clone(),
            text: Some(extend.text.clone()),
            span: Some(extend.span.clone()),
            message,
            label: Some(label.to_string()),
            help: help.map(str::to_string),
        }])
    };
    chain.push(path.to_path_buf());
    let base_text = extendable(&extend, chain, show)
        .and_then(|()| read_extended(&extend))
        .map_err(|(message, label, help)| at(message, label, help))?;
    // The project of the extended file: the directory of this file, or
    // the current directory.
    let base_quote = untrusted::quotable(&extend.path, &[config.root.as_path(), cwd]);
    let base = load(
        &extend.path,
        show(&extend.path),
        &base_text,
        base_quote,
        cwd,
        show,
        chain,
    )?;
    chain.pop();
    match base {
        Some(base) => Ok(Some(config.on_top_of(base))),
        None => Err(at(
            format!(
                "`{}` has no `[tool.actlint]` table to extend",
                extend.written
            ),
            "nothing to extend",
            None,
        )),
    }
}

/// Why the file `extend` names cannot be extended by the `chain` of files
/// that extend one another: a cycle, or a chain too long. As an error's
/// message, label and help.
fn extendable(
    extend: &file::Extend,
    chain: &[PathBuf],
    show: &dyn Fn(&Path) -> Arc<str>,
) -> Result<(), (String, &'static str, Option<&'static str>)> {
    if chain.contains(&extend.path) {
        let cycle: Vec<String> = chain
            .iter()
            .chain([&extend.path])
            .map(|p| format!("`{}`", show(p)))
            .collect();
        return Err((
            format!("`extend` makes a cycle: {}", cycle.join(" extends ")),
            "extended again",
            Some("remove `extend` from one of them"),
        ));
    }
    if chain.len() >= MAX_EXTEND_CHAIN {
        return Err((
            format!("more than {MAX_EXTEND_CHAIN} configuration files extend one another"),
            "one too many",
            None,
        ));
    }
    Ok(())
}

/// The text of the file `extend` names, or why it cannot be read (as an
/// error's message, label and help).
fn read_extended(
    extend: &file::Extend,
) -> Result<String, (String, &'static str, Option<&'static str>)> {
    untrusted::read_text(&extend.path, untrusted::MAX_CONFIG_SIZE).map_err(|e| {
        let help = (e.kind() == Some(std::io::ErrorKind::NotFound)).then_some(
            "a relative path is relative to the directory of the file that says `extend`",
        );
        (
            format!(
                "cannot read `{}`, which `extend` names: {e}",
                extend.written
            ),
            "cannot read this file",
            help,
        )
    })
}

/// [`DEFAULT_EXCLUDE`], compiled once.
fn default_exclude() -> &'static Vec<Pattern> {
    static PATTERNS: std::sync::OnceLock<Vec<Pattern>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        DEFAULT_EXCLUDE
            .iter()
            .map(|p| Pattern::new(p, Origin::Default).expect("valid default pattern"))
            .collect()
    })
}

/// Writes rows in aligned columns. Cells hold text from configuration
/// files (patterns, selectors, pointers): each is escaped.
fn table(out: &mut String, rows: &[[String; 3]], indent: &str) {
    let rows: Vec<[String; 3]> = rows
        .iter()
        .map(|r| r.clone().map(|cell| escape::text(&cell).into_owned()))
        .collect();
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    for [a, b, c] in &rows {
        let line = format!("{indent}{a:<w0$}  {b:<w1$}  {c}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Whether a rule is enabled after the selection layers, and why.
fn select(meta: &'static RuleMeta, layers: &[Selection<'_>]) -> (bool, String) {
    let mut state = (
        meta.default_enabled,
        if meta.default_enabled {
            "default".to_string()
        } else {
            "default: not enabled by default".to_string()
        },
    );
    for layer in layers {
        let best = |list: &[&Located<Selector>]| -> Option<(usize, String)> {
            list.iter()
                .filter(|s| s.value.matches(meta))
                .max_by_key(|s| s.value.specificity())
                .map(|s| (s.value.specificity(), describe(s)))
        };
        let enabling: Vec<&Located<Selector>> = layer
            .select
            .iter()
            .flat_map(|(s, _)| s.iter())
            .chain(layer.extend_select)
            .collect();
        let disabling: Vec<&Located<Selector>> = layer.ignore.iter().collect();
        state = match (best(&enabling), best(&disabling)) {
            (Some((e, why_e)), Some((d, why_d))) => {
                if e > d {
                    (true, why_e)
                } else {
                    (false, why_d)
                }
            }
            (Some((_, why)), None) => (true, why),
            (None, Some((_, why))) => (false, why),
            (None, None) => match &layer.select {
                Some((_, origin)) => (false, format!("not in `select` ({origin})")),
                None => state,
            },
        };
    }
    state
}

fn describe(s: &Located<Selector>) -> String {
    format!("`{}` ({})", s.value, s.origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer<'a>(
        select: Option<&'a [Located<Selector>]>,
        extend: &'a [Located<Selector>],
        ignore: &'a [Located<Selector>],
    ) -> Selection<'a> {
        Selection {
            select: select.map(|s| (s, Origin::Default)),
            extend_select: extend,
            ignore,
        }
    }

    fn sels(list: &[&str]) -> Vec<Located<Selector>> {
        list.iter()
            .map(|s| Located {
                value: Selector::parse(s).unwrap(),
                origin: Origin::Cli("--test"),
                span: 0..0,
            })
            .collect()
    }

    fn on(code: &str, layers: &[Selection<'_>]) -> bool {
        select(crate::rules::find(code).unwrap(), layers).0
    }

    #[test]
    fn the_more_specific_selector_wins() {
        let s = sels(&["ACT4"]);
        let i = sels(&["ACT401"]);
        let l = [layer(Some(&s), &[], &i)];
        assert!(!on("ACT401", &l));
        assert!(on("ACT402", &l));
        assert!(!on("ACT101", &l));
        let s = sels(&["ACT401"]);
        let i = sels(&["initialization"]);
        let l = [layer(None, &s, &i)];
        assert!(on("ACT401", &l));
        assert!(!on("ACT402", &l));
        assert!(on("ACT101", &l));
    }

    #[test]
    fn a_later_select_replaces_an_earlier_one() {
        let cfg_ignore = sels(&["ACT101"]);
        let cli_select = sels(&["ACT101"]);
        let l = [
            layer(None, &[], &cfg_ignore),
            layer(Some(&cli_select), &[], &[]),
        ];
        assert!(on("ACT101", &l));
        assert!(!on("ACT401", &l));
        let cli_extend = sels(&["ACT102"]);
        let l = [layer(None, &[], &cfg_ignore), layer(None, &cli_extend, &[])];
        assert!(!on("ACT101", &l));
        assert!(on("ACT102", &l));
    }
}
