//! The README's commands, checked.
//!
//! Every command in a shell code block of `README.md` (```sh, ```bash,
//! ```shell, and the `$ ` lines of ```console) must have an entry in
//! [`COMMANDS`], and every entry must still be in the README. An entry either
//! runs the command against the binary this crate builds, checking its exit
//! code and a line of its output (and, in a ```console block, its whole
//! output as printed there), or names the command as documented only, with
//! the reason it is not run here. Commands that need another tool are
//! skipped with a message when the tool is missing, unless
//! `ACTLINT_REQUIRE_EXTERNAL=1`, which turns the skip into a failure.
//!
//! The file also checks what the README and the pre-commit documentation
//! say about the repository: the example model shown is the fixture, the
//! hooks exist and run serially, the documented release tag exists, and the
//! documented `repo: local` hook works under pre-commit (skipped, like the
//! commands that need another tool, when git or pre-commit is missing).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What is done with one README command.
enum Check {
    /// Run with `sh -c` in the repository root, with the built `actlint`
    /// first on `PATH`: the exit code, and a line the output (standard
    /// output and standard error) must contain.
    Run { code: i32, line: &'static str },
    /// `cargo run -- ARGS`: the binary that `cargo run` builds is the one
    /// this test was built with, so it is run with ARGS. (`cargo` itself
    /// cannot run here: `cargo test` holds the lock on the build directory.)
    CargoRun { code: i32, line: &'static str },
    /// Run like [`Run`], but in a scratch directory where `fixtures/` is
    /// the repository's (a link): the command writes `file` there, which
    /// must contain `line`.
    RunWriting {
        code: i32,
        file: &'static str,
        line: &'static str,
    },
    /// Not run by this test, for the reason given.
    DocumentedOnly(&'static str),
}

use Check::*;

/// Every command of the README, as written there (without its comment).
const COMMANDS: &[(&str, Check)] = &[
    // Before and after.
    (
        "actlint fixtures/forum/rainfall_lstm.yaml",
        Run {
            code: 1,
            line: "2 problems (2 warnings) in 1 file",
        },
    ),
    (
        "actlint fixtures/ok/forecaster_lstm.keras.json",
        Run {
            code: 0,
            line: "no problems in 1 file",
        },
    ),
    // Install.
    (
        "cargo install --path .",
        DocumentedOnly(
            "a release build (fat LTO: minutes) installed into ~/.cargo/bin; \
             CI installs it with `--root` into a scratch directory",
        ),
    ),
    (
        "cargo install --locked --git <repository-url> actlint",
        DocumentedOnly(
            "`<repository-url>` is a placeholder for the repository's address, \
             and the install is a network clone plus a release build",
        ),
    ),
    (
        "pip install .",
        DocumentedOnly(
            "builds the release wheel with maturin from PyPI (network, minutes); \
             CI builds the same wheel and installs it into a fresh virtualenv",
        ),
    ),
    // Set up from a clone.
    (
        "cargo run -- fixtures/forum/rainfall_lstm.yaml",
        CargoRun {
            code: 1,
            line: "2 problems (2 warnings) in 1 file",
        },
    ),
    (
        "cargo test",
        DocumentedOnly("it is the command that runs this test"),
    ),
    // Usage.
    (
        "actlint fixtures/ok/",
        Run {
            code: 0,
            line: "no problems in ",
        },
    ),
    (
        "actlint --format concise fixtures/forum/",
        Run {
            code: 1,
            line: "fixtures/forum/rainfall_lstm.yaml:7:17: warning[ACT301] ",
        },
    ),
    (
        "actlint --format json fixtures/forum/rainfall_lstm.yaml",
        Run {
            code: 1,
            line: r#""code": "ACT103","#,
        },
    ),
    (
        "actlint --fail-on error fixtures/forum/rainfall_lstm.yaml",
        Run {
            code: 0,
            line: "2 problems (2 warnings) in 1 file",
        },
    ),
    (
        "cat fixtures/forum/rainfall_lstm.yaml | actlint - --stdin-filename rainfall_lstm.yaml",
        Run {
            code: 1,
            line: "╭─[rainfall_lstm.yaml:7:17]",
        },
    ),
    (
        "actlint --diff --unsafe-fixes fixtures/forum/rainfall_lstm.yaml",
        Run {
            code: 1,
            line: "+    activation: tanh",
        },
    ),
    (
        "actlint rules",
        Run {
            code: 0,
            line: "non-saturating-recurrent-activation",
        },
    ),
    (
        "actlint rule ACT301",
        Run {
            code: 0,
            line: "# ACT301 non-saturating-recurrent-activation",
        },
    ),
    // See the model.
    (
        "actlint graph fixtures/forum/rainfall_lstm.keras.json -o rainfall.svg",
        RunWriting {
            code: 0,
            file: "rainfall.svg",
            line: r#"data-codes="ACT301" data-severity="warning""#,
        },
    ),
    (
        "actlint graph --format mermaid fixtures/forum/rainfall_lstm.keras.json",
        Run {
            code: 0,
            line: "flowchart TB",
        },
    ),
    (
        "actlint graph --format dot fixtures/forum/rainfall_lstm.keras.json",
        Run {
            code: 0,
            line: "digraph model {",
        },
    ),
    (
        "actlint --format html -o report.html fixtures/",
        RunWriting {
            code: 1,
            file: "report.html",
            line: "<h1>actlint report</h1>",
        },
    ),
];

/// The environment variable that turns a skipped external check into a
/// failure (set by CI, where every tool is installed).
const REQUIRE_ENV: &str = "ACTLINT_REQUIRE_EXTERNAL";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md exists")
}

/// A shell command of the README, and the output printed under it (only in
/// a ```console block).
#[derive(Debug)]
struct Documented {
    command: String,
    output: Option<String>,
}

/// The fenced code blocks of a Markdown text: (info string, body).
fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match open.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some((info.trim().to_string(), String::new()));
                }
            }
            Some((_, body)) => {
                if line.starts_with("```") {
                    blocks.push(open.take().expect("a block is open"));
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code block");
    blocks
}

/// A command line without its trailing comment (`  # ...`).
fn strip_comment(line: &str) -> &str {
    match line.find("  #") {
        Some(i) => line[..i].trim_end(),
        None => line.trim_end(),
    }
}

fn documented_commands(markdown: &str) -> Vec<Documented> {
    let mut commands = Vec::new();
    for (info, body) in code_blocks(markdown) {
        match info.as_str() {
            "sh" | "bash" | "shell" => {
                for line in body.lines() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    commands.push(Documented {
                        command: strip_comment(line).to_string(),
                        output: None,
                    });
                }
            }
            "console" => {
                for line in body.lines() {
                    if let Some(command) = line.strip_prefix("$ ") {
                        commands.push(Documented {
                            command: strip_comment(command).to_string(),
                            output: Some(String::new()),
                        });
                    } else {
                        let last = commands
                            .last_mut()
                            .and_then(|c| c.output.as_mut())
                            .expect("a ```console block starts with a `$ ` command");
                        last.push_str(line);
                        last.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    commands
}

fn check_for(command: &str) -> Option<&'static Check> {
    COMMANDS
        .iter()
        .find(|(c, _)| *c == command)
        .map(|(_, check)| check)
}

fn actlint() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_actlint"))
}

/// Runs a README command as a user would in a shell at the repository root,
/// with this build's `actlint` first on `PATH` and a fixed, colourless
/// terminal.
fn run_shell(command: &str) -> Output {
    run_shell_in(command, root())
}

fn run_shell_in(command: &str, dir: &Path) -> Output {
    let bin_dir = actlint().parent().expect("the binary is in a directory");
    let mut path = vec![bin_dir.to_path_buf()];
    if let Some(existing) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&existing));
    }
    Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", std::env::join_paths(path).expect("PATH entries"))
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("`sh -c {command:?}` could not start: {e}"))
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_readme_command_has_a_check() {
    let documented = documented_commands(&readme());
    assert!(
        documented.len() >= 10,
        "found only {} commands in the README's shell blocks: is the parser still right?",
        documented.len()
    );
    let missing: Vec<&str> = documented
        .iter()
        .map(|d| d.command.as_str())
        .filter(|c| check_for(c).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "README commands without an entry in COMMANDS (tests/readme.rs): {missing:#?}"
    );
    let stale: Vec<&str> = COMMANDS
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !documented.iter().any(|d| d.command == *c))
        .collect();
    assert!(
        stale.is_empty(),
        "entries of COMMANDS (tests/readme.rs) no longer in the README: {stale:#?}"
    );
}

#[test]
fn readme_commands_run_as_documented() {
    let mut failures = Vec::new();
    for documented in documented_commands(&readme()) {
        let command = documented.command.as_str();
        let Some(check) = check_for(command) else {
            continue; // reported by every_readme_command_has_a_check
        };
        let mut scratch = None;
        let (shell, code, line) = match check {
            Run { code, line } => (command.to_string(), *code, *line),
            RunWriting { code, file, line } => {
                let dir = crate::common::TempDir::new("readme-writing");
                #[cfg(unix)]
                std::os::unix::fs::symlink(root().join("fixtures"), dir.path().join("fixtures"))
                    .expect("link fixtures/");
                #[cfg(not(unix))]
                {
                    eprintln!("README: not run here: `{command}`: needs a symbolic link");
                    continue;
                }
                scratch = Some((dir, *file));
                (command.to_string(), *code, *line)
            }
            CargoRun { code, line } => {
                let args = command.strip_prefix("cargo run -- ").unwrap_or_else(|| {
                    panic!("a CargoRun entry is `cargo run -- ARGS`: {command}")
                });
                (format!("actlint {args}"), *code, *line)
            }
            DocumentedOnly(reason) => {
                eprintln!("README: not run here: `{command}`: {reason}");
                continue;
            }
        };
        let output = match &scratch {
            Some((dir, _)) => run_shell_in(&shell, dir.path()),
            None => run_shell(&shell),
        };
        let (mut stdout, stderr) = text(&output);
        if let Some((dir, file)) = &scratch {
            // The line is looked for in the file written.
            stdout = std::fs::read_to_string(dir.path().join(file)).unwrap_or_default();
        }
        let mut problems = Vec::new();
        if output.status.code() != Some(code) {
            problems.push(format!(
                "exit code {:?}, the README says {code}",
                output.status.code()
            ));
        }
        if !stdout.contains(line) && !stderr.contains(line) {
            problems.push(format!("the output has no line with {line:?}"));
        }
        if let Some(expected) = &documented.output {
            if stdout != *expected {
                problems.push(format!(
                    "the output is not the one printed in the README:\n--- README\n{expected}--- actlint\n{stdout}---"
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "`{command}`:\n  {}\n  stdout:\n{stdout}\n  stderr:\n{stderr}",
                problems.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_example_model_is_the_fixture() {
    let readme = readme();
    let shown = code_blocks(&readme)
        .into_iter()
        .find(|(info, _)| info == "yaml")
        .map(|(_, body)| body)
        .expect("the README shows the example model in a ```yaml block");
    let fixture = std::fs::read_to_string(root().join("fixtures/forum/rainfall_lstm.yaml"))
        .expect("the example fixture exists");
    // The fixture opens with comment lines; the README shows the model.
    let model: String = fixture
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        shown, model,
        "the model in the README is not fixtures/forum/rainfall_lstm.yaml"
    );
}

/// The hooks of `.pre-commit-hooks.yaml`: (id, the lines of its entry).
fn hooks() -> Vec<(String, Vec<String>)> {
    let manifest = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml"))
        .expect(".pre-commit-hooks.yaml exists");
    let mut hooks: Vec<(String, Vec<String>)> = Vec::new();
    for line in manifest.lines() {
        if let Some(id) = line.strip_prefix("- id:") {
            hooks.push((id.trim().to_string(), Vec::new()));
        } else if line.starts_with("  ") {
            if let Some((_, lines)) = hooks.last_mut() {
                lines.push(line.trim().to_string());
            }
        }
    }
    hooks
}

#[test]
fn precommit_documentation_matches_the_hooks() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["actlint", "actlint-py"]);
    let files = "files: '(?i)\\.(json|ya?ml|keras|h5|hdf5|pyw?|ipynb)$'";
    for (id, lines) in &hooks {
        for expected in ["require_serial: true", files] {
            assert!(
                lines.iter().any(|l| l == expected),
                "hook `{id}` in .pre-commit-hooks.yaml has no `{expected}`"
            );
        }
    }
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md exists");
    for id in ["actlint", "actlint-py"] {
        assert!(
            ci.contains(&format!("id: {id}")) || ci.contains(&format!("`id: {id}`")),
            "docs/ci.md does not name the hook `{id}`"
        );
    }
    // The `repo: local` example uses the hooks' own file pattern and runs serially.
    let local = &ci[ci
        .find("- repo: local")
        .expect("docs/ci.md has a `repo: local` example")..];
    let local = &local[..local.find("```").expect("the example ends")];
    for expected in [files, "require_serial: true", "language: system"] {
        assert!(
            local.contains(expected),
            "the `repo: local` example in docs/ci.md has no `{expected}`"
        );
    }
}

fn git(args: &[&str]) -> Option<Output> {
    Command::new("git")
        .args(args)
        .current_dir(root())
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .output()
        .ok()
}

fn skip(test: &str, why: &str) {
    if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        panic!("{test}: {why}, and {REQUIRE_ENV}=1 requires the check to run");
    }
    eprintln!("{test}: skipped: {why}");
}

/// The release the documentation pins (`rev: v0.1.0`, `--tag v0.1.0`) is a
/// tag of this repository.
#[test]
fn documented_release_tag_exists() {
    const TEST: &str = "documented_release_tag_exists";
    const TAG: &str = "v0.1.0";
    let docs: Vec<PathBuf> = vec![root().join("README.md"), root().join("docs/ci.md")];
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("the page exists");
        assert!(
            text.contains(TAG),
            "{} no longer names {TAG}: update this test",
            doc.display()
        );
    }
    // A checkout without history or tags (an archive, a shallow or
    // `--no-tags` clone) cannot answer; that is said, not failed, even when
    // external checks are required, since the tag is not a tool.
    let Some(inside) = git(&["rev-parse", "--is-inside-work-tree"]) else {
        return skip(TEST, "git is not installed");
    };
    if !inside.status.success() {
        return eprintln!("{TEST}: skipped: not a git checkout");
    }
    let shallow = git(&["rev-parse", "--is-shallow-repository"]).expect("git runs");
    if String::from_utf8_lossy(&shallow.stdout).trim() == "true" {
        return eprintln!("{TEST}: skipped: a shallow clone may not have the tags");
    }
    let tags = git(&["tag", "--list"]).expect("git runs");
    if tags.stdout.is_empty() {
        return eprintln!(
            "{TEST}: skipped: this clone has no tags (fetch them: `git fetch --tags`)"
        );
    }
    let tag = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("refs/tags/{TAG}"),
    ])
    .expect("git runs");
    assert!(
        tag.status.success(),
        "the documentation pins `{TAG}`, which is not a tag of this repository \
         (fetch the tags: `git fetch --tags`)"
    );
}

#[test]
fn the_parser_reads_shell_and_console_blocks() {
    let md = "text\n```sh\n# a comment line\nactlint a.yaml   # lint a\n\ncat a | actlint -\n```\n\
              ```console\n$ actlint b.yaml\nno problems in 1 file\n```\n```yaml\nkey: value\n```\n";
    let commands = documented_commands(md);
    let found: Vec<(&str, Option<&str>)> = commands
        .iter()
        .map(|c| (c.command.as_str(), c.output.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("actlint a.yaml", None),
            ("cat a | actlint -", None),
            ("actlint b.yaml", Some("no problems in 1 file\n")),
        ]
    );
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "actlint-readme-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tool_runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The `repo: local` hook of docs/ci.md, exactly as documented, run by
/// pre-commit itself on a bad and a good model, with this build's `actlint`
/// on `PATH` (as `cargo install` or `pip install` would put it there).
#[test]
fn documented_local_precommit_hook_runs() {
    const TEST: &str = "documented_local_precommit_hook_runs";
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md exists");
    let config = code_blocks(&ci)
        .into_iter()
        .map(|(_, body)| body)
        .find(|body| body.contains("- repo: local"))
        .expect("docs/ci.md has a `repo: local` configuration");
    for tool in ["git", "pre-commit"] {
        if !tool_runs(tool) {
            return skip(TEST, &format!("{tool} is not installed"));
        }
    }
    let scratch = Scratch::new("precommit");
    let project = scratch.0.join("project");
    std::fs::create_dir_all(project.join("models")).unwrap();
    std::fs::write(project.join(".pre-commit-config.yaml"), &config).unwrap();
    for (from, to) in [
        ("fixtures/forum/rainfall_lstm.yaml", "models/bad.yaml"),
        ("fixtures/ok/binary_classifier.yaml", "models/good.yaml"),
    ] {
        std::fs::copy(root().join(from), project.join(to)).unwrap();
    }
    std::fs::write(project.join("notes.yaml"), "title: not a model\n").unwrap();

    let bin_dir = actlint().parent().expect("the binary is in a directory");
    let mut path = vec![bin_dir.to_path_buf()];
    if let Some(existing) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&existing));
    }
    let path = std::env::join_paths(path).expect("PATH entries");
    let run = |program: &str, args: &[&str]| -> Output {
        Command::new(program)
            .args(args)
            .current_dir(&project)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", scratch.0.join("pre-commit-home"))
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program} could not start: {e}"))
    };
    for args in [
        &["-c", "init.defaultBranch=main", "init", "-q"][..],
        &["add", "-A"][..],
    ] {
        let out = run("git", args);
        assert!(out.status.success(), "git {args:?}: {:?}", text(&out));
    }

    let bad = run(
        "pre-commit",
        &["run", "--color=never", "--files", "models/bad.yaml"],
    );
    let (stdout, stderr) = text(&bad);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "the hook passes a bad model:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("ACT103") && stdout.contains("models/bad.yaml"),
        "the hook does not report the bad model's findings:\n{stdout}\n{stderr}"
    );

    let good = run(
        "pre-commit",
        &[
            "run",
            "--color=never",
            "--files",
            "models/good.yaml",
            "notes.yaml",
        ],
    );
    let (stdout, stderr) = text(&good);
    assert_eq!(
        good.status.code(),
        Some(0),
        "the hook fails a good model or a YAML file that is not a model:\n{stdout}\n{stderr}"
    );
}
