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

use globset::{GlobBuilder, GlobMatcher};

use super::Origin;

#[derive(Clone)]
pub struct Pattern {
    /// As written in the configuration.
    pub text: String,
    pub origin: Origin,
    matcher: GlobMatcher,
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
        let anchored = if is_anchored {
            glob.to_string()
        } else {
            format!("**/{glob}")
        };
        let matcher = GlobBuilder::new(&anchored)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| e.kind().to_string())?
            .compile_matcher();
        Ok(Pattern {
            text: text.to_string(),
            origin,
            matcher,
        })
    }

    /// Whether the pattern matches `relative` (a `/`-separated path) or one
    /// of the directories it is in.
    pub fn matches(&self, relative: &str) -> bool {
        let mut candidate = relative;
        loop {
            if self.matcher.is_match(candidate) {
                return true;
            }
            match candidate.rfind('/') {
                Some(i) => candidate = &candidate[..i],
                None => return false,
            }
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
