//! Baselines: record today's findings, then report only new ones.
//!
//! A baseline file counts findings per file and rule, without line numbers,
//! so edits that move a finding do not invalidate it:
//!
//! ```json
//! {
//!   "version": 1,
//!   "files": {
//!     "models/churn.json": { "ACT401": 2, "ACT204": 1 }
//!   }
//! }
//! ```
//!
//! Paths are relative to the baseline file's directory, with `/`
//! separators; files and rules are sorted, so the file is stable under
//! version control. With `--baseline`, a file's findings of a rule are hidden
//! while there are no more of them than recorded; when there are more, all
//! of them are shown (which one is new cannot be told without line numbers),
//! and a note says how many were expected. Entries with fewer findings than
//! recorded are listed so the baseline can be pruned by writing it again.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::{glob, untrusted};
use crate::escape;
use crate::lint::FileReport;

pub const VERSION: u64 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u64,
    /// File (relative to the baseline's directory) -> rule code -> count.
    pub files: BTreeMap<String, BTreeMap<String, usize>>,
}

/// A baseline, read and located.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// As given on the command line, for messages.
    pub display: String,
    /// The directory paths are relative to (absolute).
    pub dir: PathBuf,
    pub data: BaselineFile,
}

/// The key of a report in a baseline: its path relative to `dir`.
fn key(report_path: &str, dir: &Path, cwd: &Path) -> String {
    if report_path == "-" {
        return report_path.to_string();
    }
    glob::relative(&glob::normalize(Path::new(report_path), cwd), dir)
}

fn dir_of(path: &Path, cwd: &Path) -> PathBuf {
    let abs = glob::normalize(path, cwd);
    abs.parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
}

/// The counts of a run's findings.
pub fn counts(reports: &[FileReport], dir: &Path, cwd: &Path) -> BaselineFile {
    let mut files: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in reports {
        for d in &r.diagnostics {
            *files
                .entry(key(&r.path, dir, cwd))
                .or_default()
                .entry(d.code.to_string())
                .or_default() += 1;
        }
    }
    BaselineFile {
        version: VERSION,
        files,
    }
}

/// `--write-baseline`: writes the counts of a run's findings. Returns the
/// message to print.
pub fn write(path: &Path, reports: &[FileReport], cwd: &Path) -> Result<String, String> {
    let data = counts(reports, &dir_of(path, cwd), cwd);
    let mut text = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?;
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let findings: usize = data.files.values().flat_map(|c| c.values()).sum();
    let files = data.files.len();
    Ok(format!(
        "wrote {}: {findings} finding{} in {files} file{}",
        path.display(),
        if findings == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
    ))
}

/// `--baseline`: reads a baseline file.
pub fn read(path: &Path, cwd: &Path) -> Result<Baseline, String> {
    let display = path.display().to_string();
    let text = untrusted::read_text(path, untrusted::MAX_BASELINE_SIZE).map_err(|e| {
        if e.kind() == Some(std::io::ErrorKind::NotFound) {
            format!("baseline {display} does not exist; create it with `actlint --write-baseline {display} PATHS`")
        } else {
            format!("cannot read baseline {display}: {e}")
        }
    })?;
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("version").and_then(|v| v.as_u64()));
    if let Some(v) = version.filter(|&v| v != VERSION) {
        return Err(format!(
            "baseline {display} has version {v}; this actlint reads version {VERSION}: write it again with `--write-baseline`"
        ));
    }
    let data: BaselineFile = serde_json::from_str(&text)
        .map_err(|e| format!("baseline {display} is not a valid baseline: {e}"))?;
    Ok(Baseline {
        display,
        dir: dir_of(path, cwd),
        data,
    })
}

/// What applying a baseline did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Findings hidden.
    pub baselined: usize,
    /// (file, code, found, recorded) where more were found than recorded.
    pub exceeded: Vec<(String, String, usize, usize)>,
    /// (file, code, found, recorded) where fewer were found than recorded.
    pub stale: Vec<(String, String, usize, usize)>,
}

impl Baseline {
    /// Hides the findings the baseline covers.
    pub fn apply(&self, reports: &mut [FileReport], cwd: &Path) -> Outcome {
        let mut outcome = Outcome::default();
        let mut linted = BTreeSet::new();
        for r in reports.iter_mut() {
            let file = key(&r.path, &self.dir, cwd);
            let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
            for d in &r.diagnostics {
                *found.entry(d.code).or_default() += 1;
            }
            let recorded = self.data.files.get(&file);
            let allowed = |code: &str| recorded.and_then(|c| c.get(code)).copied().unwrap_or(0);
            let hidden: BTreeSet<&'static str> = found
                .iter()
                .filter(|(code, n)| **n <= allowed(code))
                .map(|(code, _)| *code)
                .collect();
            for (code, n) in &found {
                let a = allowed(code);
                if *n <= a {
                    outcome.baselined += n;
                } else if a > 0 {
                    outcome
                        .exceeded
                        .push((file.clone(), code.to_string(), *n, a));
                }
            }
            if let Some(rec) = recorded {
                for (code, a) in rec {
                    let n = found.get(code.as_str()).copied().unwrap_or(0);
                    if n < *a {
                        outcome.stale.push((file.clone(), code.clone(), n, *a));
                    }
                }
            }
            r.diagnostics.retain(|d| !hidden.contains(d.code));
            linted.insert(file);
        }
        // Files not linted in this run are stale only when they are gone.
        for (file, rec) in &self.data.files {
            if linted.contains(file) || self.dir.join(file).exists() {
                continue;
            }
            for (code, a) in rec {
                outcome.stale.push((file.clone(), code.clone(), 0, *a));
            }
        }
        outcome.stale.sort();
        outcome
    }
}

impl Outcome {
    /// Notes for standard error.
    pub fn notes(&self, baseline: &Baseline) -> String {
        let mut out = String::new();
        let b = escape::text(&baseline.display);
        if self.baselined > 0 {
            let _ = writeln!(
                out,
                "{} finding{} recorded in the baseline {b} not shown",
                self.baselined,
                if self.baselined == 1 { "" } else { "s" }
            );
        }
        for (file, code, found, recorded) in &self.exceeded {
            let (file, code) = (escape::text(file), escape::text(code));
            let _ = writeln!(
                out,
                "{file}: {found} {code} findings where the baseline records {recorded}; all {found} are shown"
            );
        }
        if !self.stale.is_empty() {
            let _ = writeln!(
                out,
                "{} baseline entr{} no longer found; run `actlint --write-baseline {b} ...` again to prune {}:",
                self.stale.len(),
                if self.stale.len() == 1 { "y is" } else { "ies are" },
                if self.stale.len() == 1 { "it" } else { "them" },
            );
            for (file, code, found, recorded) in &self.stale {
                let (file, code) = (escape::text(file), escape::text(code));
                let _ = writeln!(out, "  {file}: {code} recorded {recorded}, found {found}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{lint_bytes, Options};

    const TWO_WARNINGS: &str = "layers:
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 1, activation: sigmoid}
loss: binary_crossentropy
";

    fn report(path: &str, yaml: &str) -> FileReport {
        lint_bytes(path, yaml.as_bytes(), &Options::default())
    }

    #[test]
    fn counts_are_relative_to_the_baseline_directory() {
        let r = report("models/a.yaml", TWO_WARNINGS);
        let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code).collect();
        let data = counts(&[r], Path::new("/repo"), Path::new("/repo/sub"));
        let file = data.files.get("sub/models/a.yaml").expect("relative key");
        let total: usize = file.values().sum();
        assert_eq!(total, codes.len());
    }

    #[test]
    fn apply_hides_recorded_and_shows_excess() {
        let cwd = Path::new("/repo");
        let first = report("a.yaml", TWO_WARNINGS);
        let code = first.diagnostics[0].code.to_string();
        let mut data = counts(std::slice::from_ref(&first), cwd, cwd);
        let baseline = Baseline {
            display: "b.json".into(),
            dir: cwd.to_path_buf(),
            data: data.clone(),
        };
        let mut reports = vec![first.clone()];
        let o = baseline.apply(&mut reports, cwd);
        assert!(reports[0].diagnostics.is_empty());
        assert_eq!(o.baselined, first.diagnostics.len());
        assert!(o.stale.is_empty() && o.exceeded.is_empty());

        // One more found than recorded: all of them are shown.
        let mut more = first.clone();
        more.diagnostics.push(first.diagnostics[0].clone());
        let mut reports = vec![more];
        let o = baseline.apply(&mut reports, cwd);
        assert_eq!(o.exceeded, vec![("a.yaml".to_string(), code.clone(), 2, 1)]);
        assert_eq!(
            reports[0]
                .diagnostics
                .iter()
                .filter(|d| d.code == code)
                .count(),
            2
        );

        // A rule not recorded at all: shown, and not called an excess.
        data.files.clear();
        let baseline = Baseline { data, ..baseline };
        let mut reports = vec![first.clone()];
        let o = baseline.apply(&mut reports, cwd);
        assert!(o.exceeded.is_empty());
        assert_eq!(reports[0].diagnostics.len(), first.diagnostics.len());
    }

    #[test]
    fn stale_entries_are_listed() {
        let cwd = Path::new("/nonexistent-root");
        let mut files = BTreeMap::new();
        files.insert(
            "gone.yaml".to_string(),
            BTreeMap::from([("ACT401".to_string(), 1)]),
        );
        files.insert(
            "a.yaml".to_string(),
            BTreeMap::from([("ACT204".to_string(), 3)]),
        );
        let baseline = Baseline {
            display: "b.json".into(),
            dir: cwd.to_path_buf(),
            data: BaselineFile { version: 1, files },
        };
        let mut reports = vec![report("a.yaml", "layers:\n  - {type: Dense, units: 1}\n")];
        let o = baseline.apply(&mut reports, cwd);
        assert_eq!(
            o.stale,
            vec![
                ("a.yaml".to_string(), "ACT204".to_string(), 0, 3),
                ("gone.yaml".to_string(), "ACT401".to_string(), 0, 1)
            ]
        );
        assert!(o
            .notes(&baseline)
            .contains("2 baseline entries are no longer found"));
    }
}
