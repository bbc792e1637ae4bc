//! Hostile repositories: what a pull request can put in front of actlint in
//! CI (configurations, files they `extend`, baselines, model files and
//! their names) must not leak secrets, forge CI annotations, hang the run
//! or exhaust its memory. Every input is generated here; each test runs the
//! binary and checks what a user (or a CI runner) sees.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::TempDir;

/// Longer than any of these runs takes; a run still going is a hang.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs actlint in `dir`, with `env` added, standard input closed; kills it
/// and fails after [`TIMEOUT`].
fn run_in(dir: &Path, args: &[OsString], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_actlint"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("actlint runs");
    // Drain the pipes on threads, so that a large output cannot block the
    // child while we wait for it.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("actlint {args:?} did not finish in {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Standard error as one line of words: miette wraps long messages.
fn flat(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

/// The output formats, with the flags that select each.
const FORMATS: &[&[&str]] = &[
    &["--format", "human", "--color", "never"],
    &["--format", "concise"],
    &["--format", "json"],
    &["--format", "sarif"],
    &["--format", "github"],
    &["--format", "gitlab"],
    &["--format", "html"],
    &["--statistics"],
    &["--statistics", "--format", "json"],
    &["--format", "human", "--color", "never", "-v"],
    &["--format", "concise", "-v"],
    &["--format", "github", "-v"],
];

/// A value no file of the machine holds.
fn random_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    format!("tok{:016x}{}", h.finish(), std::process::id())
}

/// Item 1: `extend` naming a file that is not a regular `.toml` file
/// inside the project: the error gives a place, never the file's text.
#[test]
fn secrets_in_files_outside_the_project_never_reach_the_output() {
    let secret = random_secret();
    let tmp = TempDir::new("hostile-secret");
    tmp.write(
        "outside/creds",
        format!("API_TOKEN={secret}\nOTHER=1\n").as_bytes(),
    );
    tmp.write("outside/bad.toml", format!("token = {secret}\n").as_bytes());
    tmp.write(
        "outside/valid.toml",
        format!("select = [\"{secret}\"]\n").as_bytes(),
    );
    tmp.write(
        "outside/long.toml",
        format!("a = [{}{secret}\n", "1, ".repeat(5000)).as_bytes(),
    );
    let project = tmp.path().join("project");
    tmp.write(
        "project/m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    std::os::unix::fs::symlink(
        tmp.path().join("outside/bad.toml"),
        project.join("link.toml"),
    )
    .unwrap();
    let mut targets = vec![
        "../outside/creds".to_string(),
        "../outside/bad.toml".to_string(),
        "../outside/valid.toml".to_string(),
        "../outside/long.toml".to_string(),
        tmp.path().join("outside/creds").display().to_string(),
        "link.toml".to_string(),
    ];
    if Path::new("/proc/self/environ").exists() {
        targets.push("/proc/self/environ".to_string());
    } else {
        eprintln!("no /proc/self/environ here: that case is skipped");
    }
    for target in &targets {
        tmp.write(
            "project/actlint.toml",
            format!("extend = \"{target}\"\n").as_bytes(),
        );
        for format in FORMATS {
            let mut a = args(format);
            a.push("m.yaml".into());
            let out = run_in(&project, &a, &[("ACTLINT_PLANTED_SECRET", &secret)]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stdout.contains(&secret) && !stderr.contains(&secret),
                "extend = {target:?}, {format:?}: the secret is printed\nstdout:\n{stdout}\nstderr:\n{stderr}"
            );
            assert_eq!(out.status.code(), Some(2), "{target} {format:?}: {stderr}");
            assert!(
                flat(&out.stderr).contains("not shown"),
                "{target}: {stderr}"
            );
        }
    }
}

/// Item 1: inside the project, errors still quote the line, but only a
/// window of it around the error.
#[test]
fn errors_in_the_project_quote_a_window_of_a_long_line() {
    let tmp = TempDir::new("hostile-window");
    let far = "x".repeat(3000);
    tmp.write(
        "actlint.toml",
        format!("a = \"{far}FARAWAY{far}\" = 1\nselect = [\"ACT1\"]\n").as_bytes(),
    );
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    let out = run_in(tmp.path(), &args(&["m.yaml"]), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("actlint.toml:1:"), "{stderr}");
    assert!(!stderr.contains("FARAWAY"), "{stderr}");
    assert!(stderr.lines().all(|l| l.chars().count() < 200), "{stderr}");
}

/// Every line of `bytes` (one stream of one run): none is a GitHub
/// workflow command (trimmed start `::`, or `##[` anywhere) unless it is
/// one of the annotations `--format github` writes, and no raw control
/// character other than newline and tab is there.
fn assert_no_forgery(what: &str, bytes: &[u8], annotations: bool) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let raw = c.is_control() && c != '\n' && c != '\t';
        assert!(!raw && !bidi, "{what}: raw {c:?} at byte {i}:\n{text}");
    }
    for line in text.split('\n') {
        assert!(!line.contains("##["), "{what}: `##[` in {line:?}\n{text}");
        let t = line.trim_start();
        if !t.starts_with("::") {
            continue;
        }
        let command = t[2..].split([' ', ':']).next().unwrap_or_default();
        assert!(
            annotations && matches!(command, "error" | "warning" | "notice") && line == t,
            "{what}: a workflow command: {line:?}\n{text}"
        );
        // The properties end at the first `::`; they hold no input text
        // but the escaped file name.
        let props = &t[2 + command.len()..];
        let (props, _message) = props.split_once("::").expect("a message");
        assert!(
            props.split(',').all(|p| {
                let p = p.trim_start();
                p.is_empty()
                    || ["file=", "line=", "col=", "endLine=", "endColumn=", "title="]
                        .iter()
                        .any(|k| p.starts_with(k))
            }),
            "{what}: forged properties in {line:?}"
        );
    }
}

const FORGED: &[&str] = &[
    "\\n::error file=x::forged",
    "\\n##[error]x",
    "::add-mask::hunter2",
    "\\e]0;title\\a",
    "\\r::stop-commands::tok",
    "\\0nul\\x85c1\\u202Ertl",
];

/// A model whose layer names and values carry every forgery (YAML
/// double-quoted escapes), with findings that quote them in messages,
/// labels and help.
fn forged_model() -> String {
    let mut yaml = String::from("layers:\n");
    for f in FORGED {
        yaml.push_str(&format!(
            "  - {{type: Dense, name: \"{f}\", units: 4, activation: \"{f}\"}}\n  - {{type: Dense, name: \"{f}\", units: 4, kernel_initializer: \"{f}\"}}\n"
        ));
    }
    yaml.push_str(
        "  - {type: Dense, units: 1, activation: softmax}\nloss: \"::error::x\\n##[warning]y\"\n",
    );
    yaml
}

/// Item 2: nothing from a model file, its name or a configuration forges a
/// CI annotation or reaches the terminal raw, in any format or on stderr.
#[test]
fn no_output_line_is_a_workflow_command() {
    let tmp = TempDir::new("hostile-forge");
    let model = forged_model();
    tmp.write("plain.yaml", model.as_bytes());
    let evil_name = "evil\n::error::name\u{1b}]0;t\u{7}.yaml";
    tmp.write(evil_name, model.as_bytes());
    let skipped_name = "skip\n::error file=a::skipped\r##[error]s.yaml";
    tmp.write(skipped_name, b"just: data\n");
    let missing = "gone\n::add-mask::missing.yaml";
    // The model's findings must show up, or the test proves nothing.
    let probe = run_in(
        tmp.path(),
        &args(&["--isolated", "--format", "json", "plain.yaml"]),
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&probe.stdout).expect("valid JSON");
    let text = json.to_string();
    assert!(
        text.contains("add-mask") && text.contains("##[error]"),
        "{text}"
    );
    for format in FORMATS {
        for paths in [
            vec!["plain.yaml", evil_name, skipped_name, missing],
            vec!["."],
        ] {
            let mut a = args(&["--isolated"]);
            a.extend(args(format));
            a.extend(paths.iter().map(OsString::from));
            let out = run_in(tmp.path(), &a, &[]);
            let what = format!("{format:?} {paths:?}");
            assert!(
                matches!(out.status.code(), Some(1 | 2)),
                "{what}: {:?}",
                out.status
            );
            assert!(!out.stdout.is_empty(), "{what}: no output");
            let github = format.contains(&"github");
            assert_no_forgery(&format!("{what} stdout"), &out.stdout, github);
            assert_no_forgery(&format!("{what} stderr"), &out.stderr, false);
            if format.contains(&"json") || format.contains(&"sarif") || format.contains(&"gitlab") {
                serde_json::from_slice::<serde_json::Value>(&out.stdout)
                    .unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
            }
        }
    }
}

/// Item 2: `--diff` shows lines of the model around a fix: those that would
/// forge a command or hold control characters are escaped.
#[test]
fn diffs_forge_nothing() {
    let tmp = TempDir::new("hostile-diff");
    let model = "description: |\n  ::error file=a::forged\n  ##[error]x\nlayers:\n  - {type: Dense, units: 4, activation: rleu}\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n";
    tmp.write("m.yaml", model.as_bytes());
    tmp.write("evil\n::error::n.yaml", model.as_bytes());
    for format in FORMATS {
        let mut a = args(&["--isolated", "--diff"]);
        a.extend(args(format));
        a.extend(["m.yaml", "evil\n::error::n.yaml"].map(OsString::from));
        let out = run_in(tmp.path(), &a, &[]);
        let what = format!("--diff {format:?}");
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .contains("+  - {type: Dense, units: 4, activation: relu}"),
            "{what}"
        );
        assert_no_forgery(&format!("{what} stdout"), &out.stdout, false);
        assert_no_forgery(&format!("{what} stderr"), &out.stderr, false);
    }
}

/// Item 2 and 8: configuration errors quote configuration lines and values
/// escaped.
#[test]
fn configuration_errors_forge_nothing() {
    let configs: &[&[u8]] = &[
        // A bad value that a message quotes.
        b"select = [\"\\u001b]0;title\\u0007\\n::error file=a::forged\\n##[error]x\"]\n",
        // A raw escape sequence on a line that the error shows.
        b"x = 1\n\x1b]0;title\x07\x1b[2J ::error::x = ##[error]\n",
        // An unknown key made of a forgery.
        b"\"\\n::add-mask::k\\u202e\" = 1\n",
        // A broken value on a line starting with `::`.
        b"ok = 1\n::error file=a::x\n",
    ];
    for (i, config) in configs.iter().enumerate() {
        let tmp = TempDir::new("hostile-config");
        tmp.write("actlint.toml", config);
        tmp.write(
            "m.yaml",
            b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
        );
        for format in FORMATS {
            let mut a = args(format);
            a.push("m.yaml".into());
            let out = run_in(tmp.path(), &a, &[]);
            let what = format!("config {i} {format:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
            assert!(stderr.contains("actlint.toml"), "{what}: {stderr}");
            assert_no_forgery(&format!("{what} stdout"), &out.stdout, false);
            assert_no_forgery(&format!("{what} stderr"), &out.stderr, false);
        }
    }
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// Item 3: `extend` naming a FIFO returns promptly with an error.
#[test]
fn extend_naming_a_fifo_fails_promptly() {
    let tmp = TempDir::new("hostile-fifo");
    if !mkfifo(&tmp.path().join("pipe.toml")) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    tmp.write("actlint.toml", b"extend = \"pipe.toml\"\n");
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    let start = Instant::now();
    let out = run_in(tmp.path(), &args(&["m.yaml"]), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let words = flat(&out.stderr);
    assert!(
        words.contains("pipe.toml") && words.contains("not a regular file"),
        "{stderr}"
    );
    // A discovered configuration that is a FIFO, likewise.
    let tmp = TempDir::new("hostile-fifo-config");
    if !mkfifo(&tmp.path().join("actlint.toml")) {
        return;
    }
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    let out = run_in(tmp.path(), &args(&["m.yaml"]), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(flat(&out.stderr).contains("not a regular file"), "{stderr}");
    // A repository whose `.gitignore` is a FIFO: the walk reads it.
    let tmp = TempDir::new("hostile-fifo-gitignore");
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    if !mkfifo(&tmp.path().join(".gitignore")) {
        return;
    }
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    let out = run_in(tmp.path(), &args(&["--isolated", "."]), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".gitignore") && stderr.contains("not a regular file"),
        "{stderr}"
    );
}

/// Item 3: ignore files in subdirectories go through the same cap as the
/// root's: a `.gitignore` that is a FIFO, a link to `/dev/zero` or larger
/// than the limit is reported and its directory is not walked, promptly;
/// the rest of the repository is linted, and a small regular `.gitignore`
/// in a subdirectory still applies.
#[test]
fn ignore_files_in_subdirectories_are_capped() {
    let tmp = TempDir::new("hostile-sub-ignores");
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let bad = b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n";
    for dir in ["fifo", "zero", "big", "plain", "ok"] {
        tmp.write(&format!("{dir}/m.yaml"), bad);
    }
    let fifo = mkfifo(&tmp.path().join("fifo/.gitignore"));
    let zero = Path::new("/dev/zero").exists();
    if zero {
        std::os::unix::fs::symlink("/dev/zero", tmp.path().join("zero/.gitignore")).unwrap();
    }
    tmp.write("big/.gitignore", &vec![b'#'; 2 * 1024 * 1024]);
    tmp.write("plain/.gitignore", b"m.yaml\n");
    let start = Instant::now();
    let out = run_in(
        tmp.path(),
        &args(&["--isolated", "--format", "concise", "."]),
        &[],
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    // Linted: only the directory whose ignore files are fine and say nothing.
    assert!(stdout.contains("ok/m.yaml"), "{stdout}");
    for skipped in ["fifo/m.yaml", "zero/m.yaml", "big/m.yaml", "plain/m.yaml"] {
        assert!(!stdout.contains(skipped), "{skipped}: {stdout}");
    }
    let words = flat(&out.stderr);
    assert!(
        words.contains("big/.gitignore") && words.contains("larger than"),
        "{stderr}"
    );
    if fifo {
        assert!(
            words.contains("fifo/.gitignore") && words.contains("not a regular file"),
            "{stderr}"
        );
    }
    if zero {
        assert!(
            words.contains("zero/.gitignore") && words.contains("not a regular file"),
            "{stderr}"
        );
    }
}

/// Item 3: `extend` naming `/dev/zero` (directly, or through a link that
/// looks like a configuration) is refused without reading it; the error
/// names the limit.
#[test]
fn extend_naming_dev_zero_is_refused_naming_the_limit() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("no /dev/zero here: skipped");
        return;
    }
    let tmp = TempDir::new("hostile-zero");
    std::os::unix::fs::symlink("/dev/zero", tmp.path().join("zero.toml")).unwrap();
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    for target in ["/dev/zero", "zero.toml"] {
        tmp.write(
            "actlint.toml",
            format!("extend = \"{target}\"\n").as_bytes(),
        );
        let out = run_in(tmp.path(), &args(&["m.yaml"]), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(flat(&out.stderr).contains("1 MiB"), "{target}: {stderr}");
        assert!(stderr.len() < 4096, "{target}: {} bytes", stderr.len());
    }
}

/// Item 3: `--baseline` through a link to `/dev/zero`.
#[test]
fn a_baseline_linked_to_dev_zero_is_refused_naming_the_limit() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("no /dev/zero here: skipped");
        return;
    }
    let tmp = TempDir::new("hostile-baseline");
    std::os::unix::fs::symlink("/dev/zero", tmp.path().join("baseline.json")).unwrap();
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    let out = run_in(
        tmp.path(),
        &args(&["--isolated", "--baseline", "baseline.json", "m.yaml"]),
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let words = flat(&out.stderr);
    assert!(
        words.contains("baseline.json") && words.contains("16 MiB"),
        "{stderr}"
    );
    // An oversized regular baseline, likewise.
    let big = std::fs::File::create(tmp.path().join("big.json")).unwrap();
    big.set_len(64 * 1024 * 1024).unwrap();
    let out = run_in(
        tmp.path(),
        &args(&["--isolated", "--baseline", "big.json", "m.yaml"]),
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        flat(&out.stderr).contains("16 MiB") && stderr.len() < 4096,
        "{stderr}"
    );
}

/// Item 3: a 256 MiB (sparse) `actlint.toml` is refused naming the limit,
/// and prints little.
#[test]
fn an_oversized_configuration_is_refused_naming_the_limit() {
    let tmp = TempDir::new("hostile-big-config");
    let f = std::fs::File::create(tmp.path().join("actlint.toml")).unwrap();
    f.set_len(256 * 1024 * 1024).unwrap();
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    let out = run_in(tmp.path(), &args(&["m.yaml"]), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stderr.len() < 4096, "{} bytes on stderr", stderr.len());
    let words = flat(&out.stderr);
    assert!(
        words.contains("actlint.toml") && words.contains("1 MiB"),
        "{stderr}"
    );
}

/// Item 11: a report that cannot be written is an error, not a silent
/// success.
#[test]
fn a_report_that_cannot_be_written_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here: skipped");
        return;
    };
    let tmp = TempDir::new("hostile-full");
    tmp.write(
        "m.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: softmax}\n",
    );
    tmp.write(
        "ok.yaml",
        b"layers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n",
    );
    for (file, format) in [
        ("m.yaml", "human"),
        ("ok.yaml", "json"),
        ("m.yaml", "github"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
            .args(["--isolated", "--format", format, file])
            .current_dir(tmp.path())
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file} {format}: {stderr}");
        assert!(stderr.contains("standard output"), "{stderr}");
    }
}

/// A file whose lines end with a lone `\r` (item 9): positions count those
/// line ends, as the YAML parser does.
#[test]
fn lone_cr_line_ends_give_right_positions() {
    let dir = TempDir::new("lone-cr");
    let file = dir.path().join("cr.yaml");
    std::fs::write(
        &file,
        "task: binary\rlayers:\r  - type: Dense\r    units: 1\r    activation: softmax\rloss: binary_crossentropy\r",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
        .args(["--format", "concise"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cr.yaml:5:17: error[ACT101]"), "{stdout}");
}

/// Item 10: control characters in a YAML comment make the file invalid
/// YAML (PyYAML refuses it): an ACT000 error at the character, printed
/// escaped, never "no problems".
#[test]
fn control_characters_in_yaml_are_an_error_shown_escaped() {
    let dir = TempDir::new("yaml-ctl");
    std::fs::write(
        dir.path().join("m.yaml"),
        "# \x1b]0;pwned\x07\x1b[2J\nlayers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &args(&["--format", "concise", "m.yaml"]), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("m.yaml:1:3: error[ACT000] invalid YAML: control character U+001B"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x07'),
        "{stdout:?}"
    );
}

/// Item 7: `--fix` and the file system. A file reached under two names (a
/// link beside it) is fixed once and the run does not fail; a file with
/// hard links is left alone with a message (replacing it would break the
/// links); a file a walk reaches through a directory link pointing outside
/// the directory given is not written; the owner of a fixed file is kept.
#[cfg(unix)]
#[test]
fn fix_respects_links_and_owners() {
    use std::os::unix::fs::MetadataExt;
    // An unknown activation with a safe fix (`rleu` -> `relu`).
    let model = b"layers:\n  - {type: Dense, units: 8, activation: rleu, kernel_initializer: he_normal}\n  - {type: Dense, units: 1}\nloss: mse\n";
    let fixed = "activation: relu,";

    // Two names, one file.
    let tmp = TempDir::new("fix-two-names");
    tmp.write("models/m.yaml", model);
    std::os::unix::fs::symlink("m.yaml", tmp.path().join("models/alias.yaml")).unwrap();
    let out = run_in(tmp.path(), &args(&["--isolated", "--fix", "models"]), &[]);
    let text = std::fs::read_to_string(tmp.path().join("models/m.yaml")).unwrap();
    assert!(text.contains(fixed), "{text}");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(tmp.path().join("models/alias.yaml"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );

    // A hard link: refused, with a message.
    let tmp = TempDir::new("fix-hard-link");
    tmp.write("m.yaml", model);
    std::fs::hard_link(tmp.path().join("m.yaml"), tmp.path().join("other.txt")).unwrap();
    let out = run_in(tmp.path(), &args(&["--isolated", "--fix", "m.yaml"]), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        flat(&out.stderr).contains("hard links"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(tmp.path().join("m.yaml")).unwrap(), model);

    // A directory link out of the tree.
    let outside = TempDir::new("fix-outside");
    outside.write("victim/m.yaml", model);
    let tmp = TempDir::new("fix-dir-link");
    std::fs::create_dir(tmp.path().join("repo")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("victim"), tmp.path().join("repo/link"))
        .unwrap();
    let out = run_in(tmp.path(), &args(&["--isolated", "--fix", "repo"]), &[]);
    assert_eq!(
        std::fs::read(outside.path().join("victim/m.yaml")).unwrap(),
        model
    );
    assert!(
        flat(&out.stderr).contains("outside the directories given"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The owner is kept (checked where the test may give a file away).
    let tmp = TempDir::new("fix-owner");
    let path = tmp.write("m.yaml", model);
    if std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_ok() {
        let out = run_in(tmp.path(), &args(&["--isolated", "--fix", "m.yaml"]), &[]);
        assert_ne!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read_to_string(&path).unwrap().contains(fixed));
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    } else {
        eprintln!("cannot give a file away here (not root): the owner check is skipped");
    }
}
