//! Walking directories and linting in parallel, as a user meets it: the
//! real binary over a temporary project.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A clean model: no findings.
const GOOD: &str =
    "layers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n";
/// One ACT101 error.
const BAD: &str = "layers:\n  - {type: Dense, units: 1, activation: softmax}\n";

struct Project(PathBuf);

impl Project {
    fn new() -> Project {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "actlint-walk-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // Keep configuration discovery inside the project.
        std::fs::write(dir.join("actlint.toml"), "").unwrap();
        Project(dir)
    }

    fn file(&self, rel: &str, text: &str) -> &Project {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Runs actlint in the project directory.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("actlint runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files_in(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("JSON output");
    doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn output_is_the_same_on_one_thread_and_on_many() {
    let p = Project::new();
    for i in 0..60 {
        p.file(
            &format!("models/group{}/m{i:02}.yaml", i % 4),
            if i % 7 == 0 { BAD } else { GOOD },
        );
    }
    let one = p.run(&["--format", "concise", "--threads", "1", "models"]);
    for threads in ["2", "8", "0"] {
        let many = p.run(&["--format", "concise", "--threads", threads, "models"]);
        assert_eq!(one, many, "--threads {threads}");
    }
    assert_eq!(one.0, 1);
    assert_eq!(one.1.lines().filter(|l| l.contains("ACT101")).count(), 9);
    // Sorted by path.
    let paths: Vec<&str> = one
        .1
        .lines()
        .filter(|l| l.contains("ACT101"))
        .filter_map(|l| l.split(':').next())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(
        one.1.contains("9 problems (9 errors) in 9 files\n"),
        "{}",
        one.1
    );
}

#[test]
fn the_walk_skips_hidden_gitignored_and_excluded_directories() {
    let p = Project::new();
    p.file("models/a.yaml", GOOD)
        .file("models/notes.txt", BAD)
        .file("models/.drafts/b.yaml", BAD)
        .file("models/build/c.yaml", BAD)
        .file("node_modules/pkg/d.json", "{}")
        .file("legacy/e.yaml", BAD)
        .file(".gitignore", "build/\n")
        .file("actlint.toml", "extend-exclude = [\"legacy\"]\n");
    std::fs::create_dir(p.0.join(".git")).unwrap();
    let (code, out, err) = p.run(&["--format", "json", "-v", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(files_in(&out), ["./models/a.yaml"]);
    // Excluded directories are not entered at all, so nothing in them is
    // even mentioned as excluded.
    assert!(
        !err.contains("legacy") && !err.contains("node_modules"),
        "{err}"
    );
    // Named on the command line, a gitignored directory is linted.
    let (code, out, _) = p.run(&["--format", "json", "models/build"]);
    assert_eq!(code, 1);
    assert_eq!(files_in(&out), ["models/build/c.yaml"]);
}

/// In a linked worktree or a submodule `.git` is a file (`gitdir: ...`):
/// the walk once tried to read `.git/info/exclude` through it and refused
/// the whole directory.
#[test]
fn a_git_worktree_whose_git_is_a_file_is_walked() {
    let p = Project::new();
    p.file("models/a.yaml", GOOD)
        .file("models/build/c.yaml", BAD)
        .file(".gitignore", "build/\n")
        .file(".git", "gitdir: /elsewhere/.git/worktrees/project\n");
    let (code, out, err) = p.run(&["--format", "json", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(files_in(&out), ["./models/a.yaml"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_and_the_rest_is_linted() {
    let p = Project::new();
    p.file("models/a.yaml", BAD);
    std::os::unix::fs::symlink(Path::new("."), p.0.join("models/up")).unwrap();
    let (code, out, err) = p.run(&["--format", "concise", "models"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("models/a.yaml:2:"), "{out}");
    assert!(
        err.starts_with("error: models/up: symbolic link loop"),
        "{err}"
    );
}
