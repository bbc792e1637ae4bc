//! The walk's ignore files (`.ignore`, `.gitignore`, `.git/info/exclude`),
//! read by actlint itself through the cap for untrusted files.
//!
//! The `ignore` crate reads every ignore file it meets with no size limit and
//! blocks on a FIFO, and it does so even for directories the walk rejects.
//! A repository is untrusted, so the walk turns that reading off and matches
//! with [`ignore::gitignore`] matchers built here from text read by
//! [`crate::config::untrusted::read_text`]: a regular file of at most
//! [`MAX_IGNORE_SIZE`]. A directory whose ignore file is anything else is
//! reported and not walked. Precedence is git's and ripgrep's: a deeper
//! directory wins, and within one directory `.ignore` wins over
//! `.gitignore`, which wins over the repository's `.git/info/exclude` and the
//! user's global excludes file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use crate::config::untrusted::{read_text, ReadError, MAX_IGNORE_SIZE};

/// The ignore rules of one directory, most important first.
type DirRules = Vec<Gitignore>;

/// Ignore matching for one walk.
pub struct Ignores {
    /// The repository's top directory (absolute), when the walk is in one:
    /// `.gitignore` files only count inside a repository.
    top: Option<PathBuf>,
    /// The first directory whose rules are read: the repository's top, or
    /// the walk's root outside a repository.
    first: PathBuf,
    cache: HashMap<PathBuf, Arc<DirRules>>,
    /// `.git/info/exclude` and the global excludes file.
    repository: Vec<Gitignore>,
    /// Ignore files that could not be read, and why.
    pub problems: Vec<(PathBuf, String)>,
}

impl Ignores {
    /// The matchers for a walk of `root` (absolute).
    pub fn new(root: &Path) -> Ignores {
        let top = root
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf);
        let mut ignores = Ignores {
            first: top.clone().unwrap_or_else(|| root.to_path_buf()),
            top,
            cache: HashMap::new(),
            repository: Vec::new(),
            problems: Vec::new(),
        };
        if let Some(top) = ignores.top.clone() {
            // In a linked worktree or a submodule `.git` is a file naming
            // the real git directory; its exclude file is not read there
            // (the `.gitignore` files still are).
            if top.join(".git").is_dir() {
                if let Some(exclude) = ignores.read(&top, &top.join(".git/info/exclude")) {
                    ignores.repository.push(exclude);
                }
            }
            // The user's own excludes file belongs to the machine, not to
            // the repository.
            let (global, _) = Gitignore::global();
            if !global.is_empty() {
                ignores.repository.push(global);
            }
        }
        ignores
    }

    /// The repository's top directory, when the walk is in one.
    pub fn top(&self) -> Option<&Path> {
        self.top.as_deref()
    }

    /// Reads the rules of `dir` ahead of walking it: `Err` when one of its
    /// ignore files cannot be read (the directory is then not walked).
    pub fn enter(&mut self, dir: &Path) -> Result<(), String> {
        self.rules(dir).map(|_| ())
    }

    /// Whether `path` (absolute) is ignored.
    pub fn is_ignored(&mut self, path: &Path, is_dir: bool) -> bool {
        let Some(parent) = path.parent() else {
            return false;
        };
        let dirs: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|d| d.starts_with(&self.first))
            .map(Path::to_path_buf)
            .collect();
        for dir in dirs {
            let Ok(rules) = self.rules(&dir) else {
                return true;
            };
            for rule in rules.iter() {
                match rule.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        self.repository.iter().any(|rule| {
            matches!(
                rule.matched_path_or_any_parents(path, is_dir),
                Match::Ignore(_)
            )
        })
    }

    fn rules(&mut self, dir: &Path) -> Result<Arc<DirRules>, String> {
        if let Some(rules) = self.cache.get(dir) {
            return Ok(rules.clone());
        }
        let mut rules = Vec::new();
        let mut names = vec![".ignore"];
        if self.top.is_some() {
            names.push(".gitignore");
        }
        for name in names {
            let file = dir.join(name);
            if std::fs::symlink_metadata(&file).is_err() {
                continue;
            }
            match self.read(dir, &file) {
                Some(rule) => rules.push(rule),
                None => {
                    let why = self
                        .problems
                        .last()
                        .map(|(_, why)| why.clone())
                        .unwrap_or_default();
                    return Err(why);
                }
            }
        }
        let rules = Arc::new(rules);
        self.cache.insert(dir.to_path_buf(), rules.clone());
        Ok(rules)
    }

    /// One ignore file's rules, relative to `dir`; `None` (and a problem)
    /// when it exists but is not a small regular UTF-8 file.
    fn read(&mut self, dir: &Path, file: &Path) -> Option<Gitignore> {
        let text = match read_text(file, MAX_IGNORE_SIZE) {
            Ok(text) => text,
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Some(Gitignore::empty());
            }
            Err(why) => {
                self.problems.push((
                    file.to_path_buf(),
                    format!("ignore file not read: {why}; the directory was not walked"),
                ));
                return None;
            }
        };
        let mut builder = GitignoreBuilder::new(dir);
        for line in text.lines() {
            // A line the glob syntax rejects is skipped, as git does.
            let _ = builder.add_line(Some(file.to_path_buf()), line);
        }
        Some(builder.build().unwrap_or_else(|_| Gitignore::empty()))
    }
}
