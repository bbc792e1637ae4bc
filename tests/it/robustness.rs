//! Robustness as a user sees it, through the real binary: a bug in one
//! file's lint is reported for that file and the run goes on; files over
//! the limits are reported without being read; directory walks survive
//! symlink loops, dangling links, unreadable entries and special files;
//! and linting writes nothing, anywhere.
//!
//! The walking tests hold whether the walker follows symbolic links (and
//! reports loops) or does not follow them at all.

use crate::common::TempDir;

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};

use actlint::lint::{lint_path, Options};
use serde_json::Value;

const GOOD: &str = "fixtures/ok/binary_classifier.yaml";
/// One ACT101 finding.
const SOFTMAX: &str = "fixtures/misc/softmax_single_unit.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Output {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

fn actlint_in(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_actlint"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove(actlint::lint::isolate::PANIC_TEST_VAR)
        .env("COLUMNS", "100");
    cmd
}

/// Runs to completion, or fails the test if the run does not end within a
/// minute (a hang: these runs take a second or less). The output is read
/// while the child runs, so a full pipe cannot block it.
fn finish(child: Child) -> Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.expect("output"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("actlint did not finish within a minute (a hang)");
        }
    };
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn run(mut cmd: Command, stdin: &[u8]) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    let mut input = child.stdin.take().expect("piped");
    let data = stdin.to_vec();
    // Written from a thread: the binary may stop reading at its limit.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = finish(child);
    let _ = writer.join();
    out
}

fn files_of(doc: &Value) -> Vec<String> {
    doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

fn codes_of<'a>(doc: &'a Value, file: &str) -> Vec<&'a str> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

// ---- isolation

/// `ACTLINT_INTERNAL_PANIC_TEST=CODE:TEXT` makes rule CODE panic in files
/// whose path contains TEXT; debug builds only (`cargo test` builds them).
#[test]
fn a_panicking_rule_is_reported_for_its_file_and_the_rest_is_linted() {
    if !cfg!(debug_assertions) {
        eprintln!("the panic trigger exists in debug builds only");
        return;
    }
    let dir = TempDir::new("panic");
    dir.copy(&root().join(GOOD), "boom.yaml");
    dir.copy(&root().join(SOFTMAX), "softmax.yaml");
    dir.copy(&root().join(GOOD), "good.yaml");
    let mut cmd = actlint_in(dir.path());
    cmd.env(actlint::lint::isolate::PANIC_TEST_VAR, "ACT401:boom")
        .args(["--format", "json", "boom.yaml", "softmax.yaml", "good.yaml"]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(2), "an internal error exits 2: {out:?}");
    assert!(
        !out.stderr.contains("panicked"),
        "no panic message: {out:?}"
    );
    let doc = out.json();
    assert_eq!(files_of(&doc), ["boom.yaml", "good.yaml", "softmax.yaml"]);
    assert_eq!(codes_of(&doc, "boom.yaml"), ["ACT000"]);
    let d = &doc["diagnostics"].as_array().unwrap()[0];
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "internal error in rule ACT401 (relu-without-he-init) while linting this file: ACTLINT_INTERNAL_PANIC_TEST asked rule ACT401 to panic"
        ),
        "{message}"
    );
    assert!(d["help"].as_str().unwrap().contains("please report it"));
    // The other files: linted as usual, findings and all.
    assert_eq!(codes_of(&doc, "softmax.yaml"), ["ACT101"]);
    assert_eq!(codes_of(&doc, "good.yaml"), Vec::<&str>::new());

    // Human output: the report is in the output, no panic text around it;
    // `--fail-on never` does not hide an internal error.
    let mut cmd = actlint_in(dir.path());
    cmd.env(actlint::lint::isolate::PANIC_TEST_VAR, "ACT401:boom")
        .args(["--fail-on", "never", "softmax.yaml", "boom.yaml"]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stdout
            .contains("boom.yaml: internal error in rule ACT401"),
        "{out:?}"
    );
    assert!(out.stdout.contains("softmax over a single unit"), "{out:?}");
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "{out:?}"
    );

    // Standard input goes through the same isolation.
    let mut cmd = actlint_in(dir.path());
    cmd.env(actlint::lint::isolate::PANIC_TEST_VAR, "ACT401")
        .args(["--format", "json", "-", "--stdin-filename", "in.yaml"]);
    let out = run(cmd, &fs::read(root().join(GOOD)).unwrap());
    assert_eq!(out.code, Some(2), "{out:?}");
    assert_eq!(codes_of(&out.json(), "in.yaml"), ["ACT000"]);
}

// ---- limits

#[test]
fn a_file_over_the_size_limit_is_reported_without_being_read() {
    let dir = TempDir::new("big");
    // Sparse: 65 MiB that take no space and would take a while to parse.
    let big = fs::File::create(dir.path().join("big.json")).unwrap();
    big.set_len(65 << 20).unwrap();
    drop(big);
    dir.copy(&root().join(SOFTMAX), "softmax.yaml");
    let mut cmd = actlint_in(dir.path());
    cmd.args(["--format", "json", "big.json", "softmax.yaml"]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(1), "{out:?}");
    let doc = out.json();
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "big.json")
        .expect("big.json is reported");
    assert_eq!(
        d["message"],
        "file is 68157440 bytes (65 MiB), over the file size limit of 67108864 bytes (64 MiB) (`max-file-size`); it was not read"
    );
    assert_eq!(codes_of(&doc, "softmax.yaml"), ["ACT101"]);

    // Standard input is read through the same cap.
    let mut input = vec![b' '; (64 << 20) + 1];
    input[0] = b'[';
    let mut cmd = actlint_in(dir.path());
    cmd.args(["--format", "json", "-", "--stdin-filename", "in.json"]);
    let out = run(cmd, &input);
    assert_eq!(out.code, Some(1), "{out:?}");
    let doc = out.json();
    assert_eq!(
        doc["diagnostics"][0]["message"],
        "file is larger than the file size limit of 67108864 bytes (64 MiB) (`max-file-size`); it was not read"
    );
}

/// A `.keras` archive is not read whole (its weights can be far larger than
/// the file size limit): only its directory and `config.json` are.
#[test]
fn archives_are_bounded_by_the_archive_limits_not_the_file_size() {
    let archive = root().join("fixtures/formats/softmax_single_unit.keras");
    let mut options = Options::default();
    actlint::lint::limits::set(&mut options, "max-file-size", "16").unwrap();
    let report = lint_path(&archive, "m.keras", &options).unwrap();
    assert_eq!(
        report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        ["ACT101"]
    );
    actlint::lint::limits::set(&mut options, "max-archive-member-size", "100").unwrap();
    let report = lint_path(&archive, "m.keras", &options).unwrap();
    assert_eq!(
        report.diagnostics[0].message,
        "`config.json` in the archive inflates to more than 100 bytes, over the limit (`max-archive-member-size`); it was not read"
    );
    let mut options = Options::default();
    actlint::lint::limits::set(&mut options, "max-archive-entries", "1").unwrap();
    let report = lint_path(&archive, "m.keras", &options).unwrap();
    assert!(
        report.diagnostics[0]
            .message
            .ends_with("entries, over the limit of 1 (`max-archive-entries`); it was not read"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn limits_can_be_changed_on_the_command_line() {
    let mut cmd = actlint_in(root());
    cmd.args(["--format", "json", "--limit", "max-depth=2", GOOD]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(1), "{out:?}");
    let doc = out.json();
    assert_eq!(codes_of(&doc, GOOD), ["ACT000"]);
    assert_eq!(
        doc["diagnostics"][0]["message"],
        "invalid YAML: nesting deeper than 2 levels (depth limit, `max-depth`)"
    );
    let mut cmd = actlint_in(root());
    cmd.args(["--limit", "max-dept=2", GOOD]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr
            .contains("unknown limit `max-dept`; did you mean `max-depth`?"),
        "{out:?}"
    );
}

#[test]
fn a_file_that_vanished_is_an_io_error_not_a_finding() {
    let dir = TempDir::new("vanished");
    let path = dir.copy(&root().join(GOOD), "gone.yaml");
    fs::remove_file(&path).unwrap();
    let e = lint_path(&path, "gone.yaml", &Options::default()).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
}

// ---- directory walking

/// A run over `dir` (as `.`), in JSON; the good file must be linted exactly
/// once and clean. Problems the walker reports (exit 2) must name `names`.
fn walk_and_check(dir: &TempDir, good: &str, names: &[&str]) -> Output {
    let mut cmd = actlint_in(dir.path());
    cmd.args(["--format", "json", "."]);
    let out = run(cmd, b"");
    let doc = out.json();
    let files = files_of(&doc);
    let good_path = format!("./{good}");
    assert_eq!(
        files
            .iter()
            .filter(|f| **f == good_path || **f == good)
            .count(),
        1,
        "{good} is linted once: {out:?}"
    );
    assert!(
        doc["diagnostics"].as_array().unwrap().is_empty(),
        "only clean files were linted: {out:?}"
    );
    match out.code {
        Some(0) => assert_eq!(out.stderr, "", "{out:?}"),
        Some(2) => {
            for name in names {
                assert!(
                    out.stderr.contains(name),
                    "the problem names {name}: {out:?}"
                );
            }
        }
        _ => panic!("exit code: {out:?}"),
    }
    out
}

#[test]
fn symlink_loops_are_not_followed_forever() {
    let dir = TempDir::new("loops");
    dir.copy(&root().join(GOOD), "models/good.yaml");
    // A link to an ancestor, a link to itself, two links to each other.
    std::os::unix::fs::symlink("..", dir.path().join("models/up")).unwrap();
    std::os::unix::fs::symlink("self.json", dir.path().join("self.json")).unwrap();
    std::os::unix::fs::symlink("b.yaml", dir.path().join("a.yaml")).unwrap();
    std::os::unix::fs::symlink("a.yaml", dir.path().join("b.yaml")).unwrap();
    let out = walk_and_check(&dir, "models/good.yaml", &["up"]);
    assert!(
        !out.stdout.contains("models/up/"),
        "the loop is not walked: {out:?}"
    );

    // Named on the command line, a self-referential link is an I/O error
    // and the other files are still linted.
    let mut cmd = actlint_in(dir.path());
    cmd.args(["--format", "json", "self.json", "models/good.yaml"]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("self.json"), "{out:?}");
    assert_eq!(files_of(&out.json()), ["models/good.yaml"]);
}

#[test]
fn dangling_links_are_reported_or_skipped() {
    let dir = TempDir::new("dangling");
    dir.copy(&root().join(GOOD), "good.yaml");
    std::os::unix::fs::symlink("nowhere.json", dir.path().join("dangling.json")).unwrap();
    walk_and_check(&dir, "good.yaml", &["dangling.json"]);
    let mut cmd = actlint_in(dir.path());
    cmd.args(["dangling.json", "good.yaml"]);
    let out = run(cmd, b"");
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("dangling.json"), "{out:?}");
    assert!(out.stdout.contains("no problems in 1 file"), "{out:?}");
}

/// FIFOs and sockets named like models are not opened by a walk (a FIFO
/// would block the run forever).
#[test]
fn special_files_do_not_hang_a_walk() {
    let dir = TempDir::new("special");
    dir.copy(&root().join(GOOD), "good.yaml");
    let fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let _socket =
        std::os::unix::net::UnixListener::bind(dir.path().join("socket.yaml")).expect("a socket");
    walk_and_check(&dir, "good.yaml", &[]);
}

/// The same command, run as an unprivileged user when the tests run as
/// root (root reads everything, whatever the permissions). The binary is
/// copied into `dir` first: the build directory may not be reachable by
/// other users.
fn unprivileged(dir: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::MetadataExt as _;
    let is_root = fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let mut cmd = if is_root {
        let binary = dir.join("actlint-under-test");
        fs::copy(env!("CARGO_BIN_EXE_actlint"), &binary).unwrap();
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&binary);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_actlint"))
    };
    cmd.current_dir(dir)
        .env_remove(actlint::lint::isolate::PANIC_TEST_VAR)
        .env("COLUMNS", "100")
        .args(args);
    run(cmd, b"")
}

#[test]
fn unreadable_files_and_directories_are_reported_and_skipped() {
    let dir = TempDir::new("unreadable");
    dir.copy(&root().join(GOOD), "good.yaml");
    let secret = dir.copy(&root().join(GOOD), "secret.yaml");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    let locked = dir.path().join("locked");
    dir.copy(&root().join(GOOD), "locked/inner.yaml");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // Found by a walk, and named on the command line.
    let out = unprivileged(dir.path(), &["--format", "json", "."]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("secret.yaml"), "{out:?}");
    assert!(out.stderr.contains("locked"), "{out:?}");
    assert_eq!(files_of(&out.json()), ["./good.yaml"], "{out:?}");
    let out = unprivileged(
        dir.path(),
        &["--format", "json", "good.yaml", "secret.yaml", "locked"],
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("secret.yaml"), "{out:?}");
    assert!(out.stderr.contains("locked"), "{out:?}");
    let doc = out.json();
    let files = files_of(&doc);
    assert!(
        files.iter().any(|f| f.ends_with("good.yaml")),
        "the readable file is still linted: {out:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.contains("secret") || f.contains("inner")),
        "{out:?}"
    );
}

// ---- read-only

/// Path, size, modification time and permissions of everything under `dir`.
fn listing(dir: &Path) -> Vec<(PathBuf, u64, SystemTime, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let meta = fs::symlink_metadata(&d).unwrap();
        out.push((
            d.clone(),
            meta.len(),
            meta.modified().unwrap(),
            meta.permissions().mode(),
        ));
        if meta.is_dir() {
            for e in fs::read_dir(&d).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
    }
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn make_read_only(dir: &Path) {
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            make_read_only(&e.path());
        } else {
            fs::set_permissions(e.path(), fs::Permissions::from_mode(0o444)).unwrap();
        }
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
}

/// Linting a read-only copy of every fixture, in every output format, from
/// inside it, with HOME and TMPDIR pointing at empty directories: nothing
/// is written, created or deleted anywhere (root could write despite the
/// permissions, so the listings, with modification times, are what proves
/// it).
#[test]
fn linting_writes_nothing() {
    let tmp = TempDir::new("readonly");
    let tree = tmp.path().join("fixtures");
    copy_tree(&root().join("fixtures"), &tree);
    let home = tmp.path().join("home");
    let temp = tmp.path().join("tmp");
    fs::create_dir_all(&home).unwrap();
    fs::create_dir_all(&temp).unwrap();
    make_read_only(&tree);
    let before = (listing(&tree), listing(&home), listing(&temp));
    let runs: &[&[&str]] = &[
        &["."],
        &["--format", "json", "."],
        &["--format", "sarif", "."],
        &["--format", "github", "."],
        &["--format", "gitlab", "."],
        &["--format", "concise", "."],
        &["--statistics", "."],
        &[
            "-v",
            "bad",
            "ok/binary_classifier.yaml",
            "bad/hdf5_signature.h5",
        ],
        &["-", "--stdin-filename", "ok/binary_classifier.yaml"],
    ];
    for args in runs {
        let mut cmd = actlint_in(&tree);
        cmd.env("HOME", &home)
            .env("TMPDIR", &temp)
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .args(*args);
        let out = run(cmd, &fs::read(root().join(GOOD)).unwrap());
        assert!(matches!(out.code, Some(0 | 1)), "{args:?}: {out:?}");
    }
    let after = (listing(&tree), listing(&home), listing(&temp));
    assert!(
        before == after,
        "something was written:\nbefore {before:#?}\nafter {after:#?}"
    );
}

// ---- what the source may do

/// Calls that write, delete, spawn or connect, and the only places in
/// `src/` allowed to make them: writing what the user asked for (the
/// `--output-file`, the `--write-baseline` file, the files `--fix` fixes).
/// Test modules
/// (`#[cfg(test)] mod tests`, at the end of a file) are not checked.
const FORBIDDEN: &[&str] = &[
    "process::Command",
    "Command::new",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "std::net",
    "File::create",
    "OpenOptions",
    "fs::write",
    "create_dir",
    "remove_file",
    "remove_dir",
    "fs::rename",
    "fs::copy",
    "set_permissions",
    "hard_link",
    "os::unix::fs::symlink",
    "set_current_dir",
];

/// (file, function) pairs allowed to use the calls above.
const ALLOWED: &[(&str, &str)] = &[
    ("src/cli.rs", "write_output_file"),
    ("src/run/baseline.rs", "write"),
    // `--fix`: the fixed file, written atomically next to the original.
    ("src/run/write.rs", "write_atomic"),
    // ... through its temporary file, created new beside it.
    ("src/run/write.rs", "write_temporary"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The function a line belongs to: the nearest `fn name` above it.
fn enclosing_fn(lines: &[&str], at: usize) -> Option<String> {
    lines[..=at].iter().rev().find_map(|l| {
        let l = l.trim_start();
        let rest = l
            .strip_prefix("pub fn ")
            .or_else(|| l.strip_prefix("pub(crate) fn "))
            .or_else(|| l.strip_prefix("fn "))?;
        Some(rest.split(['(', '<']).next()?.to_string())
    })
}

#[test]
fn the_source_never_writes_spawns_or_connects_outside_the_allowed_places() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    assert!(files.len() > 20);
    let mut offences = Vec::new();
    let mut used = vec![false; ALLOWED.len()];
    for file in &files {
        let rel = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Stop at the test module.
        let end = lines
            .windows(2)
            .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
            .unwrap_or(lines.len());
        for (i, line) in lines[..end].iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in FORBIDDEN {
                if !code.contains(needle) {
                    continue;
                }
                let function = enclosing_fn(&lines, i).unwrap_or_default();
                match ALLOWED
                    .iter()
                    .position(|&(f, func)| f == rel && func == function)
                {
                    Some(k) => used[k] = true,
                    None => offences.push(format!("{rel}:{}: `{needle}` in fn {function}", i + 1)),
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "writes, processes or network outside the allow-list:\n{}",
        offences.join("\n")
    );
    // An allow-list entry that matches nothing is stale.
    for (k, (f, func)) in ALLOWED.iter().enumerate() {
        assert!(used[k], "allow-list entry {f} fn {func} matches nothing");
    }
}
