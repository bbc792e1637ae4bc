//! Configuration, selection, suppressions and baselines, as a user meets
//! them: real files in a temporary project, the real binary, its output and
//! its exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A deep plain chain of eight Dense(relu) hidden layers with the default
/// Glorot init: one ACT401 warning at 4:17 (the first `relu`), nothing else.
const RELU_GLOROT: &str = "\
layers:
  - type: Dense
    units: 8
    activation: relu
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: relu}
  - type: Dense
    units: 1
    activation: sigmoid
loss: binary_crossentropy
";

/// Three tanh hidden layers (ACT204 info on each, ACT203 from depth 3) and
/// a Dropout of 0.4 (ACT603 below a max-rate of 0.4).
const TANH_STACK: &str = "\
layers:
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dropout, rate: 0.4}
  - {type: Dense, units: 1, activation: sigmoid}
loss: binary_crossentropy
";

/// Real Keras 3 JSON of a clean binary classifier (a 1-unit sigmoid head).
fn keras_binary() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ok/binary_classifier.keras.json"),
    )
    .expect("fixture")
}

/// A temporary project directory, removed when dropped.
struct Project {
    /// Holds an empty `actlint.toml`, so that discovery never reaches the
    /// configuration of whatever directory the temporary directory is in.
    outer: PathBuf,
    root: PathBuf,
}

impl Project {
    fn new() -> Project {
        static N: AtomicUsize = AtomicUsize::new(0);
        let outer = std::env::temp_dir().join(format!(
            "actlint-config-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&outer);
        let root = outer.join("project");
        std::fs::create_dir_all(&root).expect("temp dir");
        std::fs::write(outer.join("actlint.toml"), "").expect("sentinel configuration");
        Project { outer, root }
    }

    fn file(&self, path: &str, text: &str) -> &Project {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("dirs");
        std::fs::write(p, text).expect("write");
        self
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).expect("read")
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.root.join(path)).expect("remove");
    }

    /// Runs actlint in the project root.
    fn run(&self, args: &[&str]) -> Output {
        self.run_in(".", args, None)
    }

    fn run_in(&self, dir: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_actlint"));
        cmd.current_dir(self.root.join(dir))
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_COLOR")
            .env("COLUMNS", "100")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the binary runs");
        if let Some(text) = stdin {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(text.as_bytes())
                .expect("write stdin");
        }
        let out = child.wait_with_output().expect("the binary finishes");
        Output {
            code: out.status.code().expect("an exit code"),
            stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Runs with `--format json` and returns `file CODE severity line:column`
    /// for each finding.
    fn findings(&self, args: &[&str]) -> (i32, Vec<String>) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        (out.code, out.findings())
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.outer);
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn findings(&self) -> Vec<String> {
        let json: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{self:?}"));
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                format!(
                    "{} {} {} {}:{}",
                    d["file"].as_str().unwrap(),
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap(),
                    d["line"],
                    d["column"]
                )
            })
            .collect()
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The `--show-settings` line starting with `key`, blanks collapsed.
fn setting(out: &Output, key: &str) -> String {
    out.stdout
        .lines()
        .find(|l| l.trim_start().starts_with(key))
        .unwrap_or_else(|| panic!("no line `{key}`:\n{out:?}"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn codes(findings: &[String]) -> Vec<&str> {
    findings
        .iter()
        .map(|f| f.split(' ').nth(1).expect("a code"))
        .collect()
}

// ---------------------------------------------------------------- discovery

#[test]
fn the_closest_configuration_wins_without_merging() {
    let p = Project::new();
    p.file(
        "actlint.toml",
        "ignore = [\"ACT401\"]\nfail-on = \"never\"\n",
    )
    .file("a.yaml", RELU_GLOROT)
    .file("sub/actlint.toml", "ignore = [\"ACT204\"]\n")
    .file("sub/b.yaml", RELU_GLOROT)
    .file("sub/deeper/c.yaml", RELU_GLOROT)
    .file("other/d.yaml", RELU_GLOROT);
    let (code, found) = p.findings(&["."]);
    // a.yaml and other/d.yaml: the root ignores ACT401. sub/: its own
    // configuration, which does not inherit the root's `ignore`.
    assert_eq!(
        found,
        [
            "./sub/b.yaml ACT401 warning 4:17",
            "./sub/deeper/c.yaml ACT401 warning 4:17"
        ]
    );
    // The sub configuration's default fail-on (warning) applies to its files.
    assert_eq!(code, 1);

    // Run from inside the sub directory: discovery is per file, not per cwd.
    let out = p.run_in("sub", &["--format", "json", "b.yaml", "../a.yaml"], None);
    assert_eq!(out.findings(), ["b.yaml ACT401 warning 4:17"]);
}

#[test]
fn extend_builds_on_another_configuration() {
    let p = Project::new();
    p.file(
        "base.toml",
        "ignore = [\"ACT401\"]\nextend-exclude = [\"sub/skipped.yaml\"]\n\n[severity]\nACT204 = \"warning\"\n",
    )
    .file("sub/actlint.toml", "extend = \"../base.toml\"\n")
    .file("sub/m.yaml", RELU_GLOROT)
    .file("sub/skipped.yaml", RELU_GLOROT)
    .file("sub/t.yaml", TANH_STACK);
    // The base's `ignore`, its exclude (relative to the base's directory)
    // and its severities apply to the files under the extending one.
    let (code, found) = p.findings(&["sub"]);
    assert_eq!(
        found,
        [
            "sub/t.yaml ACT204 warning 2:41",
            "sub/t.yaml ACT204 warning 3:41",
            "sub/t.yaml ACT204 warning 4:41"
        ]
    );
    assert_eq!(code, 1);
    let out = p.run(&["--show-settings", "sub/m.yaml"]);
    assert_eq!(
        setting(&out, "configuration"),
        "configuration sub/actlint.toml (extends base.toml)"
    );
    // Selections apply in layers, the base's first: the extending file
    // can select again what the base ignores.
    p.file(
        "sub/actlint.toml",
        "extend = \"../base.toml\"\nextend-select = [\"ACT401\"]\n\n[severity]\nACT204 = \"info\"\n",
    );
    let found = p.findings(&["sub"]).1;
    assert_eq!(
        found,
        [
            "sub/m.yaml ACT401 warning 4:17",
            "sub/t.yaml ACT204 info 2:41",
            "sub/t.yaml ACT204 info 3:41",
            "sub/t.yaml ACT204 info 4:41"
        ]
    );

    // A missing file and a cycle are configuration errors at `extend`.
    p.file("sub/actlint.toml", "extend = \"../nope.toml\"\n");
    let out = p.run(&["--color", "never", "sub/m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("cannot read `../nope.toml`, which `extend` names: no such file"),
        "{out:?}"
    );
    assert!(out.stderr.contains("sub/actlint.toml:1:10"), "{out:?}");
    p.file("sub/actlint.toml", "extend = \"../base.toml\"\n")
        .file("base.toml", "extend = \"sub/actlint.toml\"\n");
    let out = p.run(&["--color", "never", "sub/m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(
            "`extend` makes a cycle: `sub/actlint.toml` extends `base.toml` extends `sub/actlint.toml`"
        ),
        "{out:?}"
    );
}

#[test]
fn precedence_in_one_directory_dot_actlint_then_actlint_then_pyproject() {
    let p = Project::new();
    p.file("m.yaml", TANH_STACK)
        .file("pyproject.toml", "[tool.actlint]\nignore = [\"ALL\"]\n")
        .file("actlint.toml", "ignore = [\"ACT204\"]\n")
        .file(
            ".actlint.toml",
            "select = [\"ACT203\"]\n\n[rules.ACT203]\ndepth = 3\n",
        );
    assert_eq!(p.findings(&["m.yaml"]).1, ["m.yaml ACT203 warning 2:41"]);
    p.remove(".actlint.toml");
    assert_eq!(p.findings(&["m.yaml"]).1, Vec::<String>::new());
    p.remove("actlint.toml");
    // Only pyproject.toml is left: everything is ignored.
    assert_eq!(p.findings(&["m.yaml"]).1, Vec::<String>::new());
    p.file("pyproject.toml", "[tool.actlint]\nextend-select = []\n");
    assert_eq!(
        codes(&p.findings(&["m.yaml"]).1),
        ["ACT204", "ACT204", "ACT204"]
    );
}

#[test]
fn a_pyproject_without_actlint_settings_is_passed_over() {
    let p = Project::new();
    p.file("actlint.toml", "ignore = [\"ACT401\"]\n")
        .file("pkg/pyproject.toml", "[tool.ruff]\nline-length = 88\n")
        .file("pkg/m.yaml", RELU_GLOROT);
    assert_eq!(p.findings(&["pkg/m.yaml"]).1, Vec::<String>::new());
    let out = p.run(&["--show-settings", "pkg/m.yaml"]);
    assert_eq!(setting(&out, "configuration"), "configuration actlint.toml");
}

#[test]
fn config_flag_and_isolated() {
    let p = Project::new();
    p.file("actlint.toml", "ignore = [\"ACT401\"]\n")
        .file("strict.toml", "[severity]\nACT401 = \"error\"\n")
        .file("m.yaml", RELU_GLOROT);
    assert_eq!(p.findings(&["m.yaml"]).1, Vec::<String>::new());
    assert_eq!(
        p.findings(&["--config", "strict.toml", "m.yaml"]).1,
        ["m.yaml ACT401 error 4:17"]
    );
    assert_eq!(
        p.findings(&["--isolated", "m.yaml"]).1,
        ["m.yaml ACT401 warning 4:17"]
    );
    let out = p.run(&["--config", "missing.toml", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("cannot read `missing.toml`: no such file"),
        "{out:?}"
    );
    // A pyproject.toml given with --config must have the table.
    p.file("pyproject.toml", "[project]\nname = \"x\"\n");
    let out = p.run(&["--config", "pyproject.toml", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("has no `[tool.actlint]` table"),
        "{out:?}"
    );
}

#[test]
fn standard_input_uses_the_configuration_of_its_stdin_filename() {
    let p = Project::new();
    p.file("sub/actlint.toml", "[severity]\nACT401 = \"info\"\n");
    let out = p.run_in(
        ".",
        &["--format", "json", "-", "--stdin-filename", "sub/m.yaml"],
        Some(RELU_GLOROT),
    );
    assert_eq!(out.findings(), ["sub/m.yaml ACT401 info 4:17"]);
    assert_eq!(out.code, 0, "an info does not fail at fail-on warning");
}

// ---------------------------------------------------------------- selection

#[test]
fn select_extend_select_and_ignore_by_code_name_prefix_and_category() {
    let p = Project::new();
    p.file("m.yaml", TANH_STACK);
    let run = |config: &str, args: &[&str]| {
        p.file("actlint.toml", config);
        let mut all = args.to_vec();
        all.push("m.yaml");
        codes(&p.findings(&all).1)
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // Defaults: ACT204 on each tanh layer.
    assert_eq!(run("", &[]), ["ACT204", "ACT204", "ACT204"]);
    // By category, by name, by prefix, by code.
    assert_eq!(run("ignore = [\"hidden\"]\n", &[]), Vec::<String>::new());
    assert_eq!(
        run("ignore = [\"saturating-hidden-activation\"]\n", &[]),
        Vec::<String>::new()
    );
    assert_eq!(
        run(
            "select = [\"ACT6\"]\n[rules.high-dropout-rate]\nmax-rate = 0.3\n",
            &[]
        ),
        ["ACT603"]
    );
    assert_eq!(
        run(
            "select = [\"ACT203\"]\nextend-select = [\"ACT603\"]\n[rules.ACT203]\ndepth = 3\n[rules.ACT603]\nmax-rate = 0.3\n",
            &[]
        ),
        ["ACT203", "ACT603"]
    );
    // The more specific selector wins: the category is ignored, the code kept.
    assert_eq!(
        run("ignore = [\"hidden\"]\nextend-select = [\"ACT204\"]\n", &[]),
        ["ACT204", "ACT204", "ACT204"]
    );
    // Flags: --select replaces the configuration's selection, --extend-select
    // adds to it, --ignore removes.
    let cfg = "ignore = [\"ACT204\"]\n[rules.ACT603]\nmax-rate = 0.3\n";
    assert_eq!(run(cfg, &[]), ["ACT603"]);
    assert_eq!(
        run(cfg, &["--select", "ACT204"]),
        ["ACT204", "ACT204", "ACT204"]
    );
    assert_eq!(
        run(cfg, &["--extend-select", "saturating-hidden-activation"]),
        ["ACT204", "ACT204", "ACT204", "ACT603"]
    );
    assert_eq!(run(cfg, &["--ignore", "ACT6"]), Vec::<String>::new());
    assert_eq!(
        run(cfg, &["--select", "ACT2,ACT6", "--ignore", "ACT204"]),
        ["ACT603"]
    );
}

#[test]
fn severity_overrides_and_fail_on() {
    let p = Project::new();
    p.file("m.yaml", RELU_GLOROT);
    p.file(
        "actlint.toml",
        "[severity]\nrelu-without-he-init = \"info\"\n",
    );
    let (code, found) = p.findings(&["m.yaml"]);
    assert_eq!(
        (code, found),
        (0, vec!["m.yaml ACT401 info 4:17".to_string()])
    );
    // A prefix applies to all its rules; the code is more specific.
    p.file(
        "actlint.toml",
        "[severity]\nACT4 = \"error\"\nACT402 = \"info\"\n",
    );
    assert_eq!(
        p.findings(&["m.yaml"]),
        (1, vec!["m.yaml ACT401 error 4:17".to_string()])
    );
    p.file("actlint.toml", "fail-on = \"error\"\n");
    assert_eq!(p.findings(&["m.yaml"]).0, 0);
    assert_eq!(p.findings(&["--fail-on", "warning", "m.yaml"]).0, 1);
    p.file(
        "actlint.toml",
        "fail-on = \"never\"\n[severity]\nACT401 = \"error\"\n",
    );
    assert_eq!(p.findings(&["m.yaml"]).0, 0);
    p.file("actlint.toml", "");
    assert_eq!(p.findings(&["m.yaml"]).0, 1);
    let out = p.run(&["--exit-zero", "m.yaml"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("ACT401"), "findings are still shown");
    // --exit-zero does not hide usage errors.
    assert_eq!(p.run(&["--exit-zero", "missing.yaml"]).code, 2);
}

#[test]
fn fail_on_follows_each_files_configuration() {
    let p = Project::new();
    p.file("legacy/actlint.toml", "fail-on = \"error\"\n")
        .file("legacy/m.yaml", RELU_GLOROT)
        .file("new/m.yaml", "layers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n");
    let (code, found) = p.findings(&["."]);
    assert_eq!(found, ["./legacy/m.yaml ACT401 warning 4:17"]);
    assert_eq!(code, 0, "the legacy directory only fails on errors");
}

#[test]
fn exclude_and_extend_exclude() {
    let p = Project::new();
    p.file("models/a.yaml", RELU_GLOROT)
        .file("models/legacy/b.yaml", RELU_GLOROT)
        .file("scratch/c.yaml", RELU_GLOROT)
        .file("node_modules/pkg/d.yaml", RELU_GLOROT)
        .file("tmp.draft.yaml", RELU_GLOROT);
    let files = |args: &[&str]| -> Vec<String> {
        let mut all = args.to_vec();
        all.push(".");
        let mut f: Vec<String> = p
            .findings(&all)
            .1
            .iter()
            .map(|s| s.split(' ').next().unwrap().to_string())
            .collect();
        f.sort();
        f
    };
    // Defaults exclude node_modules.
    assert_eq!(
        files(&[]),
        [
            "./models/a.yaml",
            "./models/legacy/b.yaml",
            "./scratch/c.yaml",
            "./tmp.draft.yaml"
        ]
    );
    p.file(
        "actlint.toml",
        "extend-exclude = [\"legacy/\", \"/scratch\", \"*.draft.yaml\"]\n",
    );
    assert_eq!(files(&[]), ["./models/a.yaml"]);
    // `exclude` replaces the defaults.
    p.file("actlint.toml", "exclude = [\"models\"]\n");
    assert_eq!(
        files(&[]),
        [
            "./node_modules/pkg/d.yaml",
            "./scratch/c.yaml",
            "./tmp.draft.yaml"
        ]
    );
    // Files named on the command line are excluded too (pre-commit names
    // every file); -v says so.
    let out = p.run(&["-v", "models/a.yaml"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("skipped models/a.yaml: excluded by `models` (actlint.toml:1:12)"),
        "{out:?}"
    );
}

#[test]
fn per_file_ignores_by_glob() {
    let p = Project::new();
    p.file(
        "actlint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"ACT4\", \"hidden\"]\n\"experiments\" = [\"relu-without-he-init\"]\n",
    )
    .file("tests/fixtures/a.yaml", RELU_GLOROT)
    .file("src/experiments/b.yaml", RELU_GLOROT)
    .file("models/c.yaml", RELU_GLOROT);
    assert_eq!(
        p.findings(&["."]).1,
        ["./models/c.yaml ACT401 warning 4:17"]
    );
    let out = p.run(&["--show-settings", "tests/fixtures/a.yaml"]);
    assert_eq!(
        setting(&out, "ACT401"),
        "ACT401 relu-without-he-init off warning `per-file-ignores` entry `tests/**` (actlint.toml:2:1)"
    );
}

#[test]
fn per_file_ignores_with_a_json_pointer() {
    let p = Project::new();
    // Keras JSON whose first Dense layer is relu with Glorot init.
    let keras = keras_binary().replacen(
        "\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"HeNormal\"",
        "\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"GlorotUniform\"",
        1,
    );
    assert_ne!(
        keras,
        keras_binary(),
        "the fixture has a HeNormal Dense layer"
    );
    p.file("legacy/model.json", &keras);
    let (_, found) = p.findings(&["legacy/model.json"]);
    assert_eq!(codes(&found), ["ACT401"]);

    p.file(
        "actlint.toml",
        "[per-file-ignores]\n\"legacy/*.json#/config/layers/1\" = [\"ACT401\"]\n",
    );
    assert_eq!(p.findings(&["legacy/model.json"]).1, Vec::<String>::new());

    // A pointer at a layer without the finding, and one at nothing.
    p.file(
        "actlint.toml",
        "[per-file-ignores]\n\"legacy/*.json#/config/layers/2\" = [\"ACT401\"]\n\"legacy/model.json#/config/layers/9\" = [\"ACT204\"]\n",
    );
    let out = p.run(&["--format", "json", "legacy/model.json"]);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let messages: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "ACT006".to_string(),
                "unused suppression: the `per-file-ignores` entry `legacy/model.json#/config/layers/9` (actlint.toml:3:1) points at nothing in this file: `/config/layers` has 4 items".to_string()
            ),
            (
                "ACT401".to_string(),
                "1 ReLU-family layer uses Glorot initialization and no normalization in a shallow chain (2 hidden weight layers, fewer than 8): `dense`".to_string()
            ),
            (
                "ACT006".to_string(),
                "unused suppression: nothing inside `/config/layers/2` is reported by ACT401 `relu-without-he-init` (the `per-file-ignores` entry `legacy/*.json#/config/layers/2` (actlint.toml:2:1))".to_string()
            ),
        ]
    );
}

// ------------------------------------------------------------ rule options

#[test]
fn rule_options_depth_and_max_rate() {
    let p = Project::new();
    p.file("m.yaml", TANH_STACK);
    assert!(!codes(&p.findings(&["m.yaml"]).1).contains(&"ACT203"));
    assert!(!codes(&p.findings(&["m.yaml"]).1).contains(&"ACT603"));
    p.file(
        "actlint.toml",
        "[rules.vanishing-gradient-risk]\ndepth = 3\n\n[rules.ACT603]\nmax-rate = 0.3\n",
    );
    // Above `max-rate` and below `warn-rate` (0.8): info.
    assert_eq!(
        p.findings(&["m.yaml"]).1,
        ["m.yaml ACT203 warning 2:41", "m.yaml ACT603 info 5:27"]
    );
    p.file(
        "actlint.toml",
        "[rules.vanishing-gradient-risk]\ndepth = 3\n\n[rules.ACT603]\nmax-rate = 0.3\nwarn-rate = 0.4\n",
    );
    assert_eq!(
        p.findings(&["m.yaml"]).1,
        ["m.yaml ACT203 warning 2:41", "m.yaml ACT603 warning 5:27"]
    );
    let out = p.run(&["--show-settings", "m.yaml"]);
    assert_eq!(
        setting(&out, "rules.vanishing-gradient-risk.depth"),
        "rules.vanishing-gradient-risk.depth 3 actlint.toml:2:9"
    );
    assert_eq!(
        setting(&out, "rules.high-dropout-rate.max-rate"),
        "rules.high-dropout-rate.max-rate 0.3 actlint.toml:5:12"
    );
}

#[test]
fn limits_from_the_configuration_and_the_flag_on_top() {
    let p = Project::new();
    p.file("m.yaml", RELU_GLOROT);
    assert_eq!(codes(&p.findings(&["m.yaml"]).1), ["ACT401"]);
    p.file(
        "actlint.toml",
        "[limits]\nmax-layers = 1\nmax-file-size = \"1MiB\"\n",
    );
    let (code, found) = p.findings(&["m.yaml"]);
    assert_eq!(
        found,
        ["m.yaml ACT000 error 1:1"],
        "the model is over the limit"
    );
    assert_eq!(code, 1);
    let out = p.run(&["--format", "json", "m.yaml"]);
    assert!(out.stdout.contains("`max-layers`"), "{out:?}");
    // `--limit` wins over the configuration.
    assert_eq!(
        codes(&p.findings(&["--limit", "max-layers=10", "m.yaml"]).1),
        ["ACT401"]
    );
    let out = p.run(&["--show-settings", "m.yaml"]);
    assert_eq!(
        setting(&out, "limits.max-layers"),
        "limits.max-layers 1 actlint.toml:2:14"
    );
    assert_eq!(
        setting(&out, "limits.max-file-size"),
        "limits.max-file-size 1048576 actlint.toml:3:17"
    );
    assert_eq!(
        setting(&out, "limits.max-depth"),
        "limits.max-depth 256 default"
    );
    let out = p.run(&["--show-settings", "m.yaml", "--limit", "max-layers=10"]);
    assert_eq!(
        setting(&out, "limits.max-layers"),
        "limits.max-layers 10 --limit"
    );

    // Unknown keys and bad values are configuration errors, at their place.
    p.file(
        "actlint.toml",
        "[limits]\nmax-layer = 10\nmax-depth = \"deep\"\nmax-nodes = true\n",
    );
    let out = p.run(&["--color", "never", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("did you mean `max-layers`?"), "{out:?}");
    assert!(out.stderr.contains("actlint.toml:2:1"), "{out:?}");
    assert!(
        out.stderr
            .contains("`max-depth` must be a positive integer, found `deep`"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("`max-nodes` must be a positive integer, found a boolean"),
        "{out:?}"
    );
}

// ------------------------------------------------------------- model hints

#[test]
fn model_hints_feed_task_inference_for_keras_json() {
    let p = Project::new();
    p.file("models/churn_v2.json", &keras_binary())
        .file("models/other.json", &keras_binary());
    assert_eq!(p.findings(&["models"]).1, Vec::<String>::new());
    p.file(
        "pyproject.toml",
        "[project]\nname = \"churn\"\n\n[[tool.actlint.models]]\nfiles = \"models/churn*.json\"\ntask = \"regression\"\n",
    );
    let out = p.run(&["--format", "json", "models"]);
    assert_eq!(out.findings(), ["models/churn_v2.json ACT109 error 1:2215"]);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("the declared task is regression"),
        "{d}"
    );
    assert!(
        d["help"].as_str().unwrap().ends_with(
            "the model hint in the configuration sets task `regression` (pyproject.toml:6:8)"
        ),
        "{d}"
    );
    // The label on the hint is dropped: it has no place in the model file.
    assert_eq!(d["labels"].as_array().unwrap().len(), 1, "{d}");

    // A later entry overrides an earlier one; the file's own task would win.
    p.file(
        "pyproject.toml",
        "[[tool.actlint.models]]\nfiles = [\"models/*.json\"]\ntask = \"regression\"\n\n[[tool.actlint.models]]\nfiles = \"other.json\"\ntask = \"binary\"\nclasses = 2\ninput-range = [0, 1]\n",
    );
    assert_eq!(
        p.findings(&["models"]).1,
        ["models/churn_v2.json ACT109 error 1:2215"]
    );
    let out = p.run(&["--show-settings", "models/other.json"]);
    assert_eq!(
        setting(&out, "models.task"),
        "models.task binary pyproject.toml:7:8"
    );
    assert_eq!(
        setting(&out, "models.classes"),
        "models.classes 2 pyproject.toml:8:11"
    );
    assert_eq!(
        setting(&out, "models.input-range"),
        "models.input-range [0, 1] pyproject.toml:9:15"
    );
}

// ---------------------------------------------------------- output format

#[test]
fn output_format_from_the_configuration_and_the_flag() {
    let p = Project::new();
    p.file("m.yaml", RELU_GLOROT)
        .file("actlint.toml", "output-format = \"concise\"\n");
    let out = p.run(&["m.yaml"]);
    assert!(
        out.stdout.starts_with("m.yaml:4:17: warning[ACT401]"),
        "{out:?}"
    );
    let out = p.run(&["--format", "json", "m.yaml"]);
    assert!(out.stdout.starts_with('{'), "{out:?}");
}

// ------------------------------------------------------------ suppressions

#[test]
fn yaml_suppressions_on_the_line_above_and_file_wide() {
    let p = Project::new();
    p.file(
        "line.yaml",
        &RELU_GLOROT.replace(
            "    activation: relu\n",
            "    activation: relu  # actlint: ignore[ACT401] he init is applied at build time\n",
        ),
    )
    .file(
        "node.yaml",
        &RELU_GLOROT.replace(
            "  - type: Dense\n    units: 8",
            "  - type: Dense  # actlint: ignore[relu-without-he-init]\n    units: 8",
        ),
    )
    .file(
        "above.yaml",
        &RELU_GLOROT.replace(
            "  - type: Dense\n    units: 8",
            "  # actlint: ignore[ACT401, ACT204] reason: transfer-learned weights\n  - type: Dense\n    units: 8",
        ),
    )
    .file(
        "file.yaml",
        &format!("# actlint: ignore-file[ACT401]\n{RELU_GLOROT}"),
    )
    .file(
        "typo.yaml",
        &format!("# actlint: ignore-file[ACT41]\n# actlint: ignor[ACT401]\n{RELU_GLOROT}"),
    )
    .file(
        "moved.yaml",
        // The suppression stays on the layer when the offending value moves.
        "layers:\n  - type: Dense  # actlint: ignore[ACT401]\n    units: 8\n    name: hidden\n    use_bias: true\n    activation: relu\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n",
    );
    let (code, found) = p.findings(&["."]);
    assert_eq!(
        found,
        [
            // The second rule of the comment above suppressed nothing.
            "./above.yaml ACT006 warning 2:29",
            "./typo.yaml ACT006 error 1:24",
            "./typo.yaml ACT006 error 2:12",
            "./typo.yaml ACT401 warning 6:17",
        ]
    );
    assert_eq!(code, 1);
    let out = p.run(&["--format", "concise", "typo.yaml"]);
    assert!(
        out.stdout
            .contains("unknown rule `ACT41` in suppression comment"),
        "{out:?}"
    );
    // Unused suppressions of a rule that does not run here say so; ACT006
    // itself can be ignored.
    let out = p.run(&["--format", "concise", "--ignore", "ACT401", "line.yaml"]);
    assert!(
        out.stdout.contains(
            "unused suppression: ACT401 `relu-without-he-init` is not enabled for this file"
        ),
        "{out:?}"
    );
    assert_eq!(
        p.findings(&["--ignore", "ACT401,unused-suppression", "line.yaml"])
            .1,
        Vec::<String>::new()
    );
}

#[test]
fn suppression_rendered() {
    let p = Project::new();
    p.file(
        "m.yaml",
        &RELU_GLOROT.replace(
            "units: 1\n",
            "units: 1  # actlint: ignore[ACT401] not here\n",
        ),
    );
    let out = p.run(&["--color", "never", "m.yaml"]);
    insta::assert_snapshot!("unused_suppression", out.stdout);
}

// ---------------------------------------------------------------- baseline

#[test]
fn baseline_write_read_and_prune() {
    let p = Project::new();
    p.file("models/a.yaml", RELU_GLOROT)
        .file("models/b.yaml", TANH_STACK)
        .file("models/gone.yaml", RELU_GLOROT);
    let out = p.run(&["--write-baseline", "ci/baseline.json", "models"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "wrote ci/baseline.json: 5 findings in 3 files\n"
    );
    // Counts per file and rule, paths relative to the baseline's directory.
    assert_eq!(
        p.read("ci/baseline.json"),
        r#"{
  "version": 1,
  "files": {
    "../models/a.yaml": {
      "ACT401": 1
    },
    "../models/b.yaml": {
      "ACT204": 3
    },
    "../models/gone.yaml": {
      "ACT401": 1
    }
  }
}
"#
    );

    // Nothing new: nothing reported, exit 0, and a note on what is hidden.
    let out = p.run(&["--baseline", "ci/baseline.json", "models"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.ends_with("no problems in 3 files\n"), "{out:?}");
    assert_eq!(
        out.stderr,
        "5 findings recorded in the baseline ci/baseline.json not shown\n"
    );

    // Edits that move a finding do not matter; a new finding does. One file
    // fixed and one deleted: their entries are reported for pruning.
    p.file(
        "models/a.yaml",
        &format!(
            "name: moved\n{}",
            RELU_GLOROT.replace("units: 1\n", "units: 1\n    # the output layer\n")
        ),
    );
    p.file(
        "models/b.yaml",
        &TANH_STACK
            .replace("relu", "tanh")
            .replacen("tanh", "relu", 1),
    );
    p.file(
        "models/new.yaml",
        "layers:\n  - {type: Dense, units: 1, activation: softmax}\nloss: binary_crossentropy\n",
    );
    p.remove("models/gone.yaml");
    let out = p.run_in(
        ".",
        &[
            "--format",
            "json",
            "--baseline",
            "ci/baseline.json",
            "models",
        ],
        None,
    );
    assert_eq!(
        codes(&out.findings()),
        ["ACT401", "ACT101"],
        "b.yaml's new ACT401 and new.yaml's ACT101: {out:?}"
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "3 findings recorded in the baseline ci/baseline.json not shown\n\
         2 baseline entries are no longer found; run `actlint --write-baseline ci/baseline.json ...` again to prune them:\n  \
         ../models/b.yaml: ACT204 recorded 3, found 2\n  \
         ../models/gone.yaml: ACT401 recorded 1, found 0\n"
    );

    // More findings of a rule than recorded: all of them are shown.
    p.file("models/a.yaml", &format!("{RELU_GLOROT}---\n{RELU_GLOROT}"));
    let out = p.run_in(
        ".",
        &[
            "--format",
            "json",
            "--baseline",
            "ci/baseline.json",
            "models/a.yaml",
        ],
        None,
    );
    assert_eq!(codes(&out.findings()), ["ACT401", "ACT401"]);
    assert!(
        out.stderr.contains(
            "../models/a.yaml: 2 ACT401 findings where the baseline records 1; all 2 are shown"
        ),
        "{out:?}"
    );

    // A broken baseline is an error.
    p.file("ci/baseline.json", "{\"version\": 7, \"files\": {}}");
    let out = p.run(&["--baseline", "ci/baseline.json", "models"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("has version 7"), "{out:?}");
}

// ------------------------------------------------------------------ errors

#[test]
fn configuration_errors_point_at_their_place() {
    let p = Project::new();
    p.file("m.yaml", RELU_GLOROT).file(
        "actlint.toml",
        "selct = [\"ACT4\"]\nfail-on = \"warn\"\nignore = [\"relu-without-he-int\"]\n\n[rules.ACT401]\ndepth = 6\n\n[[models]]\nfiles = \"m.yaml\"\ntask = \"binar\"\n",
    );
    let out = p.run(&["--color", "never", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!("configuration_errors", out.stderr);
}

#[test]
fn pyproject_errors_and_toml_syntax_errors() {
    let p = Project::new();
    p.file("m.yaml", RELU_GLOROT).file(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.actlint]\nextend-select = \"ACT6\"\n\n[tool.actlint.severity]\nACT401 = \"fatal\"\n",
    );
    let out = p.run(&["--color", "never", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    insta::assert_snapshot!("pyproject_errors", out.stderr);

    p.file("pyproject.toml", "[tool.actlint]\nselect = [\"ACT4\"\n");
    let out = p.run(&["--color", "never", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    insta::assert_snapshot!("toml_syntax_error", out.stderr);
}

#[test]
fn flag_errors() {
    let p = Project::new();
    p.file("m.yaml", RELU_GLOROT);
    let out = p.run(&["--color", "never", "--select", "ACT4,hiden", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "invalid-configuration\n\n  × --select: unknown rule `hiden`\n  help: did you mean `hidden`?\n"
    );
    let out = p.run(&["--config", "a.toml", "--isolated", "m.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn show_settings_says_where_each_value_comes_from() {
    let p = Project::new();
    p.file(
        "actlint.toml",
        "ignore = [\"ACT2\"]\nextend-select = [\"ACT204\"]\n\n[severity]\nACT401 = \"error\"\n",
    );
    let out = p.run(&[
        "--show-settings",
        "m.yaml",
        "--fail-on",
        "info",
        "--ignore",
        "ACT101",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let line = |key: &str| setting(&out, key);
    assert_eq!(out.stdout.lines().next(), Some("Settings for m.yaml"));
    assert_eq!(line("configuration"), "configuration actlint.toml");
    assert_eq!(line("fail-on"), "fail-on info --fail-on");
    assert_eq!(
        line("ACT101"),
        "ACT101 softmax-single-unit off error `ACT101` (--ignore)"
    );
    assert_eq!(
        line("ACT201"),
        "ACT201 linear-hidden-stack off warning `ACT2` (actlint.toml:1:11)"
    );
    assert_eq!(
        line("ACT204"),
        "ACT204 saturating-hidden-activation on info `ACT204` (actlint.toml:2:18)"
    );
    assert_eq!(
        line("ACT401"),
        "ACT401 relu-without-he-init on error (actlint.toml:5:1) default"
    );
}
