//! Globs of `exclude`, `per-file-ignores` and `[[models]] files`, matched
//! against paths relative to the directory of the configuration file.
//!
//! - A pattern with a `/` (other than a trailing one) is anchored there:
//!   `models/*.json`, `/legacy`.
//! - A pattern without one matches a file or directory name anywhere, as in
//!   `.gitignore`: `*.keras.json`, `legacy` (a trailing `/` is allowed).
//! - A pattern that matches a directory applies to everything under it.
//! - `*` and `?` stay within one path component; `**` crosses components.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use std::collections::HashMap;
use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use super::Origin;

#[derive(Clone)]
pub struct Pattern {
    /// As written in the configuration.
    pub text: String,
    pub origin: Origin,
    /// The directory the pattern is relative to, when it is not the
    /// configuration's own: a pattern inherited through `extend` stays
    /// relative to the file that wrote it.
    pub root: Option<Arc<Path>>,
    matcher: Matcher,
}

/// Most patterns are plain names (`.venv`, `legacy`) or plain paths
/// (`models/old`): those are compared as text, which costs nothing to
/// build. Only patterns with wildcards compile a glob.
#[derive(Clone)]
enum Matcher {
    /// A name without wildcards, matched against every component.
    Name(String),
    /// A path without wildcards, anchored at the configuration's directory.
    Path(String),
    /// Compiled on first use: a [`PatternSet`] compiles its globs together.
    Glob(Glob, Arc<OnceLock<GlobMatcher>>),
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl Pattern {
    pub fn new(text: &str, origin: Origin) -> Result<Pattern, String> {
        let mut glob = text.trim();
        while let Some(rest) = glob.strip_prefix("./") {
            glob = rest;
        }
        let glob = glob.trim_end_matches('/');
        // A `/` anywhere but at the end anchors the pattern.
        let is_anchored = glob.contains('/');
        let glob = glob.trim_start_matches('/');
        if glob.is_empty() {
            return Err("the pattern is empty".to_string());
        }
        let literal = !glob.contains(['*', '?', '[', ']', '{', '}', '\\']);
        let matcher = match (literal, is_anchored) {
            (true, false) => Matcher::Name(glob.to_string()),
            (true, true)
                if !glob
                    .split('/')
                    .any(|c| c.is_empty() || c == "." || c == "..") =>
            {
                Matcher::Path(glob.to_string())
            }
            _ => {
                let anchored = if is_anchored {
                    glob.to_string()
                } else {
                    format!("**/{glob}")
                };
                Matcher::Glob(
                    GlobBuilder::new(&anchored)
                        .literal_separator(true)
                        .backslash_escape(true)
                        .build()
                        .map_err(|e| e.kind().to_string())?,
                    Arc::default(),
                )
            }
        };
        Ok(Pattern {
            text: text.to_string(),
            origin,
            root: None,
            matcher,
        })
    }

    /// The pattern, relative to `root` unless it already has a root of its own.
    pub fn rooted(mut self, root: &Arc<Path>) -> Pattern {
        if self.root.is_none() {
            self.root = Some(root.clone());
        }
        self
    }

    /// Whether the pattern matches the file at `path` (normalized, absolute),
    /// given its path `relative` to the configuration's directory.
    pub fn matches_file(&self, path: &Path, relative: &str) -> bool {
        match &self.root {
            Some(root) => self.matches(&self::relative(path, root)),
            None => self.matches(relative),
        }
    }

    /// Whether the pattern matches `relative` (a `/`-separated path) or one
    /// of the directories it is in.
    pub fn matches(&self, relative: &str) -> bool {
        let matcher = match &self.matcher {
            Matcher::Name(name) => return relative.split('/').any(|c| c == name),
            Matcher::Path(path) => {
                return relative
                    .strip_prefix(path.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            }
            Matcher::Glob(glob, matcher) => matcher.get_or_init(|| glob.compile_matcher()),
        };
        glob_matches(matcher, relative)
    }
}

/// Many patterns matched at once: which of them match a file costs about the
/// same for ten patterns as for a hundred thousand (names and paths are
/// looked up per path component, globs run as one [`GlobSet`]), where
/// trying each pattern made a run cost files × patterns.
pub struct PatternSet {
    groups: Vec<Group>,
}

impl fmt::Debug for PatternSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PatternSet({} groups)", self.groups.len())
    }
}

/// The patterns of one root.
struct Group {
    root: Option<Arc<Path>>,
    names: HashMap<String, Vec<usize>>,
    paths: HashMap<String, Vec<usize>>,
    globs: GlobSet,
    /// The pattern index of each glob of `globs`.
    glob_ids: Vec<usize>,
}

impl PatternSet {
    /// The set of `patterns`; [`PatternSet::matching`] answers with their
    /// indices in this order.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p Pattern>) -> PatternSet {
        struct Building {
            root: Option<Arc<Path>>,
            names: HashMap<String, Vec<usize>>,
            paths: HashMap<String, Vec<usize>>,
            globs: GlobSetBuilder,
            glob_ids: Vec<usize>,
        }
        let mut building: Vec<Building> = Vec::new();
        for (i, p) in patterns.into_iter().enumerate() {
            let at = match building.iter().position(|b| b.root == p.root) {
                Some(at) => at,
                None => {
                    building.push(Building {
                        root: p.root.clone(),
                        names: HashMap::new(),
                        paths: HashMap::new(),
                        globs: GlobSetBuilder::new(),
                        glob_ids: Vec::new(),
                    });
                    building.len() - 1
                }
            };
            let b = &mut building[at];
            match &p.matcher {
                Matcher::Name(name) => b.names.entry(name.clone()).or_default().push(i),
                Matcher::Path(path) => b.paths.entry(path.clone()).or_default().push(i),
                Matcher::Glob(glob, _) => {
                    b.globs.add(glob.clone());
                    b.glob_ids.push(i);
                }
            }
        }
        let groups = building
            .into_iter()
            .map(|b| Group {
                root: b.root,
                names: b.names,
                paths: b.paths,
                // Each glob compiled on its own already, so the set does.
                globs: b.globs.build().unwrap_or_else(|_| GlobSet::empty()),
                glob_ids: b.glob_ids,
            })
            .collect();
        PatternSet { groups }
    }

    /// The indices of the patterns that match the file at `path`
    /// (normalized, absolute), given its path `relative` to the
    /// configuration's directory, in increasing order.
    pub fn matching(&self, path: &Path, relative: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut hits = Vec::new();
        for g in &self.groups {
            let own;
            let relative = match &g.root {
                Some(root) => {
                    own = self::relative(path, root);
                    own.as_str()
                }
                None => relative,
            };
            if !g.names.is_empty() {
                for component in relative.split('/') {
                    if let Some(ids) = g.names.get(component) {
                        found.extend_from_slice(ids);
                    }
                }
            }
            // `relative` and each directory it is in.
            let mut candidate = relative;
            loop {
                if let Some(ids) = g.paths.get(candidate) {
                    found.extend_from_slice(ids);
                }
                if !g.glob_ids.is_empty() {
                    g.globs.matches_into(candidate, &mut hits);
                    found.extend(hits.iter().map(|&h| g.glob_ids[h]));
                }
                match candidate.rfind('/') {
                    Some(i) => candidate = &candidate[..i],
                    None => break,
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Whether a glob matches `relative` or one of the directories it is in.
fn glob_matches(glob: &GlobMatcher, relative: &str) -> bool {
    let mut candidate = relative;
    loop {
        if glob.is_match(candidate) {
            return true;
        }
        match candidate.rfind('/') {
            Some(i) => candidate = &candidate[..i],
            None => return false,
        }
    }
}

/// A path made absolute against `cwd`, with `.` and `..` resolved lexically
/// (symbolic links are not followed, as `ruff` and `git` do for patterns).
pub fn normalize(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` (both normalized absolute paths), `/`-separated,
/// with `..` where `path` is outside `base`.
pub fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..b.len() {
        parts.push("..".to_string());
    }
    for c in &p[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Pattern {
        Pattern::new(text, Origin::Default).unwrap()
    }

    #[test]
    fn anchored_and_unanchored_patterns() {
        assert!(p("models/*.json").matches("models/a.json"));
        assert!(!p("models/*.json").matches("x/models/a.json"));
        assert!(!p("models/*.json").matches("models/sub/a.json"));
        assert!(p("models/**/*.json").matches("models/sub/a.json"));
        assert!(p("*.keras.json").matches("deep/down/m.keras.json"));
        assert!(p("./models/*.json").matches("models/a.json"));
    }

    #[test]
    fn directories_cover_their_files() {
        assert!(p("legacy").matches("legacy/a.json"));
        assert!(p("legacy/").matches("src/legacy/deep/a.json"));
        assert!(p("/legacy").matches("legacy/a.json"));
        assert!(!p("/legacy").matches("src/legacy/a.json"));
        assert!(!p("legacy").matches("legacy2/a.json"));
    }

    #[test]
    fn plain_names_and_paths_match_like_globs() {
        // Compared as text, with the same results as the glob they stand for.
        for (pattern, path) in [
            ("legacy", "legacy"),
            ("legacy", "a/legacy/b.json"),
            ("legacy", "legacy2/a.json"),
            ("legacy", "a/xlegacy"),
            (".venv", "x/.venv/lib/m.json"),
            ("m.json", "deep/m.json"),
            ("models/old", "models/old/a.json"),
            ("models/old", "models/older/a.json"),
            ("models/old", "x/models/old/a.json"),
            ("/models/old.json", "models/old.json"),
            ("models/old/", "models/old"),
        ] {
            let fast = p(pattern);
            assert!(!matches!(fast.matcher, Matcher::Glob(..)), "{pattern}");
            let trimmed = pattern.trim_matches('/');
            // The glob the pattern would be without the shortcut.
            let reference = GlobBuilder::new(&if pattern.trim_end_matches('/').contains('/') {
                trimmed.to_string()
            } else {
                format!("**/{trimmed}")
            })
            .literal_separator(true)
            .build()
            .unwrap()
            .compile_matcher();
            let expected = glob_matches(&reference, path);
            assert_eq!(fast.matches(path), expected, "{pattern} on {path}");
        }
    }

    /// A set answers what trying each of its patterns answers.
    #[test]
    fn a_pattern_set_matches_what_its_patterns_match() {
        let texts = [
            "legacy",
            "models/old",
            "*.keras.json",
            "models/*.json",
            "/top",
            "**/deep/*.yaml",
            "legacy",
            "b?d.json",
        ];
        let root: Arc<Path> = Arc::from(Path::new("/repo/sub"));
        let mut patterns: Vec<Pattern> = texts.iter().map(|t| p(t)).collect();
        // One pattern relative to another directory, as `extend` makes them.
        patterns.push(p("x/*.json").rooted(&root));
        let set = PatternSet::new(&patterns);
        for relative in [
            "legacy/a.json",
            "src/legacy/a.json",
            "models/old/m.json",
            "models/a.json",
            "models/sub/a.json",
            "a.keras.json",
            "top/a.json",
            "src/top/a.json",
            "x/deep/m.yaml",
            "bad.json",
            "sub/x/m.json",
            "other.yaml",
        ] {
            let path = Path::new("/repo").join(relative);
            let expected: Vec<usize> = patterns
                .iter()
                .enumerate()
                .filter(|(_, p)| p.matches_file(&path, relative))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(set.matching(&path, relative), expected, "{relative}");
        }
    }

    #[test]
    fn relative_paths() {
        let base = Path::new("/repo/conf");
        assert_eq!(relative(Path::new("/repo/conf/m/a.json"), base), "m/a.json");
        assert_eq!(
            relative(Path::new("/repo/other/a.json"), base),
            "../other/a.json"
        );
        assert_eq!(
            normalize(Path::new("../x/./y.json"), Path::new("/repo/conf")),
            PathBuf::from("/repo/x/y.json")
        );
    }

    #[test]
    fn invalid_globs_are_errors() {
        assert!(Pattern::new("a/[b", Origin::Default).is_err());
        assert!(Pattern::new("/", Origin::Default).is_err());
    }
}
