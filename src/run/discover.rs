//! Finding the files to lint.
//!
//! [`collect`] turns the paths of the command line into a list of targets:
//! a file given explicitly is linted whatever its extension; a directory is
//! walked (with the `ignore` crate, as ripgrep does) for `.json`, `.yaml`,
//! `.yml`, `.keras`, `.h5` and `.hdf5` files, and Python source and
//! notebooks (`.py`, `.pyw`, `.ipynb`: linted when they mention Keras) (never `.bin`, `.pkl`, ...), skipping hidden entries, what `.gitignore`,
//! `.ignore` and git's exclude files list, and what an [`ExcludeFn`] rejects.
//! Symbolic links are followed; a link that points back to a directory it is
//! in is reported as a loop and not followed.

use super::ignores::Ignores;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Extensions searched for when walking a directory. Python source and
/// notebooks found this way are linted only when they mention Keras (see
/// `lint::lint_walked_path`).
pub const MODEL_EXTENSIONS: &[&str] = &[
    "json", "yaml", "yml", "keras", "h5", "hdf5", "py", "pyw", "ipynb",
];

/// A problem that is not a finding: a missing path, an unreadable file or
/// directory, a symbolic link loop. Printed as `error: PATH: MESSAGE`; it
/// makes the exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoProblem {
    pub path: String,
    pub message: String,
}

/// Decides whether a path found while walking a directory is left out
/// (`true`), given whether it is a directory; a directory left out is not
/// entered. Paths given on the command line are never passed to it.
pub type ExcludeFn = dyn Fn(&Path, bool) -> bool + Send + Sync;

/// How directories are walked.
#[derive(Clone)]
pub struct WalkOptions {
    /// Skip what `.gitignore` (inside a git repository), `.ignore`,
    /// `.git/info/exclude` and git's global excludes file list.
    pub respect_gitignore: bool,
    /// Excludes from the configuration (`exclude` globs).
    pub exclude: Option<Arc<ExcludeFn>>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_gitignore: true,
            exclude: None,
        }
    }
}

impl std::fmt::Debug for WalkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalkOptions")
            .field("respect_gitignore", &self.respect_gitignore)
            .field("exclude", &self.exclude.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

/// Something to lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Where the file is; for standard input, `--stdin-filename` (or `-`),
    /// which is what configuration lookups and format detection use.
    pub path: PathBuf,
    /// The name reports use: the path as given or as found by the walk.
    pub display: String,
    /// Read standard input instead of `path`.
    pub stdin: bool,
    /// Found by walking a directory, not named on the command line: a
    /// binary file that is clearly not a model is then skipped rather than
    /// reported (see [`crate::lint::FileReport::found_by_walk`]).
    pub walked: bool,
}

/// The result of [`collect`].
#[derive(Debug, Default)]
pub struct Collected {
    /// In command-line order; the files of a directory sorted by name.
    /// A path that occurs twice is kept once.
    pub targets: Vec<Target>,
    pub problems: Vec<IoProblem>,
}

/// The targets the command-line paths name. `-` is standard input, reported
/// as `stdin_name` (default `-`).
pub fn collect(paths: &[PathBuf], stdin_name: Option<&str>, options: &WalkOptions) -> Collected {
    let mut out = Collected::default();
    let mut seen = std::collections::HashSet::new();
    let mut push = |out: &mut Collected, target: Target| {
        if seen.insert((target.stdin, target.path.clone())) {
            out.targets.push(target);
        }
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let name = stdin_name.unwrap_or("-");
            push(
                &mut out,
                Target {
                    path: PathBuf::from(name),
                    display: name.to_string(),
                    stdin: true,
                    walked: false,
                },
            );
            continue;
        }
        // An explicit path is followed through symbolic links.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                out.problems.push(IoProblem {
                    path: path.display().to_string(),
                    message: missing_message(path, &e),
                });
                continue;
            }
        };
        if !meta.is_dir() {
            push(&mut out, file_target(path.clone(), false));
            continue;
        }
        let mut files = Vec::new();
        walk(path, options, &mut files, &mut out.problems);
        for file in files {
            push(&mut out, file_target(file, true));
        }
    }
    out
}

fn file_target(path: PathBuf, walked: bool) -> Target {
    Target {
        display: path.display().to_string(),
        path,
        stdin: false,
        walked,
    }
}

/// The model files under a directory, sorted by name within each directory.
fn walk(
    root: &Path,
    options: &WalkOptions,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<IoProblem>,
) {
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let ignores = if options.respect_gitignore {
        match root_ignores(root, &absolute, problems) {
            Some(ignores) => Some(Arc::new(Mutex::new(ignores))),
            None => return,
        }
    } else {
        None
    };
    let builder = walker(root, &absolute, options, ignores.clone());
    for result in builder.build() {
        match result {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && has_model_extension(entry.path()) {
                    files.push(entry.into_path());
                }
            }
            Err(err) => {
                if let Some(problem) = walk_problem(&err) {
                    problems.push(problem);
                }
            }
        }
    }
    if let Some(ignores) = ignores {
        let mut ignores = ignores.lock().unwrap_or_else(|e| e.into_inner());
        report_ignore_problems(root, &absolute, &mut ignores, problems);
    }
}

/// The ignore files of the root (at `absolute`) and of its parents inside
/// the repository; `None` when one cannot be read (reported: the root is
/// not walked).
fn root_ignores(root: &Path, absolute: &Path, problems: &mut Vec<IoProblem>) -> Option<Ignores> {
    let mut ignores = Ignores::new(absolute);
    let dirs: Vec<PathBuf> = absolute
        .ancestors()
        .take_while(|d| ignores.top().is_none_or(|top| d.starts_with(top)))
        .map(Path::to_path_buf)
        .collect();
    for dir in dirs.iter().rev() {
        if ignores.enter(dir).is_err() {
            report_ignore_problems(root, absolute, &mut ignores, problems);
            return None;
        }
    }
    Some(ignores)
}

/// The walk of `root`, sorted by file name, following links, skipping
/// hidden entries, what the exclude hook excludes and (with `ignores`)
/// what the ignore files ignore.
fn walker(
    root: &Path,
    absolute: &Path,
    options: &WalkOptions,
    ignores: Option<Arc<Mutex<Ignores>>>,
) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    // The ignore files are read by `Ignores`, through the cap for untrusted
    // files, not by the `ignore` crate (which reads them uncapped).
    builder
        .hidden(true)
        .parents(false)
        .ignore(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    let exclude = options.exclude.clone();
    let (walk_root, walk_absolute) = (root.to_path_buf(), absolute.to_path_buf());
    // The walk never asks about the root itself: it was given explicitly.
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if exclude.as_ref().is_some_and(|ex| ex(entry.path(), is_dir)) {
            return false;
        }
        let Some(ignores) = &ignores else {
            return true;
        };
        let path = entry.path();
        let abs = walk_absolute.join(path.strip_prefix(&walk_root).unwrap_or(path));
        let mut ignores = ignores.lock().unwrap_or_else(|e| e.into_inner());
        if ignores.is_ignored(&abs, is_dir) {
            return false;
        }
        !(is_dir && ignores.enter(&abs).is_err())
    });
    builder
}

/// The ignore files that could not be read, named as the walk names paths.
fn report_ignore_problems(
    root: &Path,
    absolute: &Path,
    ignores: &mut Ignores,
    problems: &mut Vec<IoProblem>,
) {
    for (file, message) in ignores.problems.drain(..) {
        let shown = file
            .strip_prefix(absolute)
            .map_or(file.clone(), |r| root.join(r));
        problems.push(IoProblem {
            path: shown.display().to_string(),
            message,
        });
    }
}

/// Whether the walk picks up a file: `.json`, `.yaml`, `.yml`, `.keras`,
/// `.h5`, `.hdf5`, `.py`, `.pyw`, `.ipynb`, in any case.
pub fn has_model_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MODEL_EXTENSIONS.iter().any(|m| e.eq_ignore_ascii_case(m)))
}

/// The message for a path given on the command line that cannot be opened.
fn missing_message(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        if std::fs::symlink_metadata(path).is_ok() {
            "broken symbolic link: its target does not exist".to_string()
        } else {
            "no such file or directory".to_string()
        }
    } else {
        io_message(e)
    }
}

/// An error of the walk as a problem; `None` for errors about files the
/// walk would not have linted anyway (a broken link named `notes.txt`) and
/// for unreadable `.gitignore` files, which only make the walk less
/// selective.
fn walk_problem(err: &ignore::Error) -> Option<IoProblem> {
    let mut path: Option<&Path> = None;
    let mut cur = err;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path = path.or(Some(p.as_path()));
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err;
            }
            ignore::Error::Loop { ancestor, child } => {
                return Some(IoProblem {
                    path: child.display().to_string(),
                    message: format!(
                        "symbolic link loop: it leads back to `{}`, which contains it; not followed",
                        ancestor.display()
                    ),
                });
            }
            ignore::Error::Io(e) => {
                let path = path?;
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with(".gitignore") || name == ".ignore" {
                    return None;
                }
                let link = std::fs::symlink_metadata(path)
                    .ok()
                    .filter(|m| m.file_type().is_symlink());
                let message = match (e.kind(), link) {
                    (std::io::ErrorKind::NotFound, Some(_)) => {
                        if !has_model_extension(path) {
                            return None;
                        }
                        "broken symbolic link: its target does not exist".to_string()
                    }
                    (std::io::ErrorKind::NotFound, None) => {
                        "vanished while the directory was being read".to_string()
                    }
                    _ => {
                        let dir = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
                        let what = if dir { "directory" } else { "file" };
                        if !dir && !has_model_extension(path) {
                            return None;
                        }
                        format!("cannot read {what}: {}", io_message(e))
                    }
                };
                return Some(IoProblem {
                    path: path.display().to_string(),
                    message,
                });
            }
            // Glob and ignore-file syntax errors come from ignore files,
            // which only make the walk less selective.
            _ => return None,
        }
    }
}

/// An I/O error as a message: `permission denied` rather than
/// `Permission denied (os error 13)`.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{FileReport, Options};
    use crate::run::pool::{lint_all, lint_target, render_in_parallel, LintResults};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A temporary directory, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "actlint-runner-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
        fn file(&self, rel: &str, text: &str) -> PathBuf {
            let p = self.0.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            p
        }
        fn rel(&self, targets: &[Target]) -> Vec<String> {
            targets
                .iter()
                .map(|t| {
                    t.path
                        .strip_prefix(&self.0)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const GOOD: &str =
        "layers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n";
    const BAD: &str = "layers:\n  - {type: Dense, units: 1, activation: softmax}\n";

    #[test]
    fn directories_yield_model_files_sorted_and_skip_hidden_and_ignored() {
        let t = TempDir::new();
        for f in [
            "b.yaml",
            "a.json",
            "sub/c.YML",
            "sub/d.keras",
            "notes.txt",
            "README",
            ".hidden.yaml",
            ".cache/e.yaml",
            "build/f.json",
            "kept/g.json",
        ] {
            t.file(f, GOOD);
        }
        t.file(".gitignore", "build/\n");
        // `.gitignore` means something inside a git repository only.
        let c = collect(std::slice::from_ref(&t.0), None, &WalkOptions::default());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(
            t.rel(&c.targets),
            [
                "a.json",
                "b.yaml",
                "build/f.json",
                "kept/g.json",
                "sub/c.YML",
                "sub/d.keras"
            ]
        );
        std::fs::create_dir(t.0.join(".git")).unwrap();
        let c = collect(std::slice::from_ref(&t.0), None, &WalkOptions::default());
        assert_eq!(
            t.rel(&c.targets),
            [
                "a.json",
                "b.yaml",
                "kept/g.json",
                "sub/c.YML",
                "sub/d.keras"
            ]
        );
        let all = WalkOptions {
            respect_gitignore: false,
            ..WalkOptions::default()
        };
        let c = collect(std::slice::from_ref(&t.0), None, &all);
        assert!(t.rel(&c.targets).contains(&"build/f.json".to_string()));
    }

    #[test]
    fn explicit_files_are_linted_whatever_their_name_and_counted_once() {
        let t = TempDir::new();
        let notes = t.file("notes.txt", GOOD);
        let hidden = t.file(".hidden/x.yaml", GOOD);
        let ignored = t.file("build/y.json", GOOD);
        t.file(".gitignore", "build/\n");
        std::fs::create_dir(t.0.join(".git")).unwrap();
        let paths = [
            notes.clone(),
            hidden.clone(),
            ignored.clone(),
            notes.clone(),
        ];
        let c = collect(&paths, None, &WalkOptions::default());
        assert_eq!(
            t.rel(&c.targets),
            ["notes.txt", ".hidden/x.yaml", "build/y.json"]
        );
        // An explicitly named hidden or ignored directory is walked too.
        let c = collect(
            &[t.0.join(".hidden"), t.0.join("build")],
            None,
            &WalkOptions::default(),
        );
        assert_eq!(t.rel(&c.targets), [".hidden/x.yaml", "build/y.json"]);
    }

    #[test]
    fn the_exclude_hook_prunes_what_the_walk_finds_only() {
        let t = TempDir::new();
        let kept = t.file("models/a.json", GOOD);
        t.file("legacy/b.json", GOOD);
        t.file("models/c.tmp.json", GOOD);
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let root = t.0.clone();
        let options = WalkOptions {
            exclude: Some(Arc::new(move |p: &Path, dir: bool| {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                log.lock().unwrap().push((rel.clone(), dir));
                rel == "legacy" || rel.ends_with(".tmp.json")
            })),
            ..WalkOptions::default()
        };
        let c = collect(std::slice::from_ref(&t.0), None, &options);
        assert_eq!(t.rel(&c.targets), ["models/a.json"]);
        let asked = asked.lock().unwrap().clone();
        assert!(asked.contains(&("legacy".to_string(), true)), "{asked:?}");
        // Pruned directories are not entered.
        assert!(
            !asked.iter().any(|(p, _)| p.starts_with("legacy/")),
            "{asked:?}"
        );
        // A file named on the command line is not subject to it.
        let c = collect(&[t.0.join("models/c.tmp.json"), kept], None, &options);
        assert_eq!(t.rel(&c.targets), ["models/c.tmp.json", "models/a.json"]);
    }

    #[test]
    fn missing_paths_are_problems_and_the_rest_is_still_collected() {
        let t = TempDir::new();
        let a = t.file("a.yaml", GOOD);
        let missing = t.0.join("missing.yaml");
        let c = collect(&[missing.clone(), a], None, &WalkOptions::default());
        assert_eq!(t.rel(&c.targets), ["a.yaml"]);
        assert_eq!(
            c.problems,
            [IoProblem {
                path: missing.display().to_string(),
                message: "no such file or directory".into()
            }]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_loops_and_broken_links_reported() {
        use std::os::unix::fs::symlink;
        let t = TempDir::new();
        t.file("real/a.json", GOOD);
        symlink(t.0.join("real"), t.0.join("linked")).unwrap();
        symlink(&t.0, t.0.join("real/loop")).unwrap();
        symlink(t.0.join("nowhere.json"), t.0.join("broken.json")).unwrap();
        symlink(t.0.join("nowhere.txt"), t.0.join("broken.txt")).unwrap();
        let c = collect(std::slice::from_ref(&t.0), None, &WalkOptions::default());
        assert_eq!(t.rel(&c.targets), ["linked/a.json", "real/a.json"]);
        let messages: Vec<(String, String)> = c
            .problems
            .iter()
            .map(|p| {
                let rel = Path::new(&p.path).strip_prefix(&t.0).unwrap();
                (rel.display().to_string(), p.message.clone())
            })
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(
            messages[0],
            (
                "broken.json".to_string(),
                "broken symbolic link: its target does not exist".to_string()
            )
        );
        // The loop is met once under each way into `real`.
        for (path, message) in &messages[1..] {
            assert!(path.ends_with("loop"), "{path}");
            assert!(message.starts_with("symbolic link loop"), "{message}");
        }
        let c = collect(&[t.0.join("broken.json")], None, &WalkOptions::default());
        assert_eq!(
            c.problems[0].message,
            "broken symbolic link: its target does not exist"
        );
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_threads() {
        let t = TempDir::new();
        for i in 0..40 {
            t.file(
                &format!("m{:02}.yaml", 39 - i),
                if i % 3 == 0 { BAD } else { GOOD },
            );
        }
        let c = collect(std::slice::from_ref(&t.0), None, &WalkOptions::default());
        let options = Options::default();
        let lint = |t: &Target| lint_target(t, &options);
        let one = lint_all(&c.targets, 1, lint);
        let four = lint_all(&c.targets, 4, lint);
        let summary = |l: &LintResults| -> Vec<(String, Vec<&'static str>, bool)> {
            l.reports
                .iter()
                .map(|r| {
                    let codes = r.diagnostics.iter().map(|d| d.code).collect();
                    (r.path.clone(), codes, r.source.is_some())
                })
                .collect()
        };
        assert_eq!(summary(&one), summary(&four));
        assert_eq!(one.reports.len(), 40);
        let mut sorted = summary(&one);
        sorted.sort();
        assert_eq!(sorted, summary(&one));
        // Only reports with something to show keep their text.
        assert!(summary(&one)
            .iter()
            .all(|(_, codes, kept)| codes.is_empty() != *kept));
    }

    #[test]
    fn rendering_in_parallel_gives_the_same_text() {
        let t = TempDir::new();
        for i in 0..30 {
            t.file(
                &format!("m{i:02}.yaml"),
                if i % 2 == 0 { BAD } else { GOOD },
            );
        }
        let c = collect(std::slice::from_ref(&t.0), None, &WalkOptions::default());
        let options = Options::default();
        let linted = lint_all(&c.targets, 2, |t| lint_target(t, &options));
        let style = crate::render::human::Style {
            color: false,
            width: 80,
        };
        let human = |r: &[FileReport]| crate::render::human::render(r, &style);
        let serial = human(&linted.reports);
        assert_eq!(serial.matches("ACT101").count(), 15);
        for threads in [2, 3, 8] {
            assert_eq!(render_in_parallel(&linted.reports, threads, human), serial);
            assert_eq!(
                render_in_parallel(&linted.reports, threads, crate::render::concise::render),
                crate::render::concise::render(&linted.reports)
            );
        }
    }

    #[test]
    fn a_file_that_vanishes_after_the_walk_is_a_problem_and_the_rest_is_linted() {
        let t = TempDir::new();
        let a = t.file("a.yaml", GOOD);
        let b = t.file("b.yaml", BAD);
        let c = collect(std::slice::from_ref(&t.0), None, &WalkOptions::default());
        std::fs::remove_file(&a).unwrap();
        let options = Options::default();
        let linted = lint_all(&c.targets, 2, |t| lint_target(t, &options));
        assert_eq!(linted.reports.len(), 1);
        assert_eq!(linted.reports[0].path, b.display().to_string());
        assert_eq!(
            linted.problems,
            [IoProblem {
                path: a.display().to_string(),
                message: "cannot read file: it no longer exists".into()
            }]
        );
    }
}
