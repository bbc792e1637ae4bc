//! The pre-commit hook, run by pre-commit itself: `pre-commit try-repo`
//! builds actlint from a snapshot of this repository (`language: rust`
//! runs `cargo install --path .`) and runs the `actlint` hook in a
//! temporary git repository holding a good model, a bad model and a YAML
//! file that is not a model.
//!
//! Skipped with a message when `pre-commit` or `git` is not installed, or
//! when building the hook fails (it needs the crates.io registry), unless
//! ACTLINT_REQUIRE_EXTERNAL=1 (set by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::external::{self, TempDir};

const TEST: &str = "precommit_hook_fails_on_a_bad_model_and_passes_a_good_one";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A git command that ignores the environment of an enclosing git process
/// (tests may run inside a hook) and needs no user configuration.
fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=actlint tests",
            "-c",
            "user.email=tests@actlint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The files of this repository as they are now (committed or not, without
/// what .gitignore excludes); outside a git checkout, every file but
/// `target/` and `.git/`.
fn source_files() -> Vec<PathBuf> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(manifest_dir())
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output();
    if let Ok(out) = listed {
        if out.status.success() && !out.stdout.is_empty() {
            return String::from_utf8_lossy(&out.stdout)
                .split('\0')
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .filter(|p| manifest_dir().join(p).is_file())
                .collect();
        }
    }
    let mut files = Vec::new();
    walk(manifest_dir(), Path::new(""), &mut files);
    files
}

fn walk(root: &Path, rel: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if rel.as_os_str().is_empty() && (name == "target" || name == ".git") {
            continue;
        }
        let path = rel.join(&name);
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(root, &path, files),
            Ok(t) if t.is_file() => files.push(path),
            _ => {}
        }
    }
}

/// A git repository holding this repository's current files in one commit:
/// `try-repo` clones the committed state only, and a working tree may have
/// new files that are not committed yet.
fn snapshot_of_this_repository(into: &Path) {
    for rel in source_files() {
        let to = into.join(&rel);
        std::fs::create_dir_all(to.parent().expect("a file has a parent")).unwrap();
        std::fs::copy(manifest_dir().join(&rel), &to)
            .unwrap_or_else(|e| panic!("copy {}: {e}", rel.display()));
    }
    assert!(
        into.join(".pre-commit-hooks.yaml").is_file(),
        "the hook manifest is in the repository"
    );
    git(into, &["init", "-q"]);
    git(into, &["add", "-A"]);
    git(into, &["commit", "-q", "-m", "snapshot"]);
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(manifest_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

struct Run {
    code: Option<i32>,
    output: String,
}

fn try_repo(project: &Path, hook_repo: &Path, home: &Path, args: &[&str]) -> Run {
    let out = Command::new("pre-commit")
        .args(["try-repo", "--color=never"])
        .arg(hook_repo)
        .arg("actlint")
        .args(args)
        .current_dir(project)
        .env("PRE_COMMIT_HOME", home)
        // pre-commit's own `cargo install`, made cheaper: compiled
        // dependencies are kept between runs (only actlint itself is built
        // again for each clone), and the release profile is not optimised.
        // What is tested is the hook, not the optimiser.
        .env(
            "CARGO_TARGET_DIR",
            manifest_dir().join("target").join("precommit-hook"),
        )
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("pre-commit runs");
    let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    if out.status.code() == Some(3) {
        // pre-commit's "unexpected error": installing the hook failed.
        let log = std::fs::read_to_string(home.join("pre-commit.log")).unwrap_or_default();
        output.push_str("\n--- pre-commit.log ---\n");
        output.push_str(&log);
    }
    Run {
        code: out.status.code(),
        output,
    }
}

#[test]
fn precommit_hook_fails_on_a_bad_model_and_passes_a_good_one() {
    for tool in ["git", "pre-commit"] {
        if !available(tool) {
            external::missing(TEST, tool);
            return;
        }
    }
    let tmp = TempDir::new("pre-commit");
    let hook_repo = tmp.path().join("actlint");
    let project = tmp.path().join("project");
    let home = tmp.path().join("cache");
    std::fs::create_dir_all(&hook_repo).unwrap();
    std::fs::create_dir_all(&project).unwrap();
    snapshot_of_this_repository(&hook_repo);

    let files: [(&str, Vec<u8>); 4] = [
        (
            "models/good.yaml",
            fixture("fixtures/ok/binary_classifier.yaml"),
        ),
        (
            "models/bad.yaml",
            fixture("fixtures/misc/softmax_single_unit.yaml"),
        ),
        (
            "deploy/settings.yaml",
            b"replicas: 2\nimage: registry.example/app:1.0\n".to_vec(),
        ),
        ("README.md", b"# a project with models\n".to_vec()),
    ];
    for (rel, bytes) in &files {
        let path = project.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    git(&project, &["init", "-q"]);
    git(&project, &["add", "-A"]);

    // The good model and a YAML file that is not a model: the hook passes.
    let good = try_repo(
        &project,
        &hook_repo,
        &home,
        &["--files", "models/good.yaml", "deploy/settings.yaml"],
    );
    if good.code == Some(3) && !external::required() {
        eprintln!(
            "{TEST}: skipped: pre-commit could not build the hook (it needs the crates.io registry):\n{}",
            good.output
        );
        return;
    }
    assert_eq!(good.code, Some(0), "the hook passes:\n{}", good.output);
    assert!(good.output.contains("actlint"), "{}", good.output);
    assert!(good.output.contains("Passed"), "{}", good.output);

    // Every file: the bad model fails the hook, with actlint's diagnostic.
    let all = try_repo(&project, &hook_repo, &home, &["--all-files"]);
    assert_eq!(all.code, Some(1), "the hook fails:\n{}", all.output);
    assert!(all.output.contains("Failed"), "{}", all.output);
    for expected in [
        "ACT101 softmax-single-unit",
        "softmax over a single unit always outputs 1.0",
        "models/bad.yaml",
        "1 problem (1 error) in 1 file",
    ] {
        assert!(
            all.output.contains(expected),
            "`{expected}` in:\n{}",
            all.output
        );
    }
    for quiet in ["models/good.yaml", "settings.yaml", "README.md"] {
        assert!(
            !all.output.contains(quiet),
            "nothing about {quiet}:\n{}",
            all.output
        );
    }
}
