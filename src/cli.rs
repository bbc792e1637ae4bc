//! The command line: collect paths, lint each file, render, choose the exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::lint::{self, FileReport, Options, Status};
use crate::render;

/// Exit codes, as ruff and actionlint use them.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "actlint",
    version,
    about = "Lint Keras model configurations: activations, initializers, output layers and losses",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to lint (directories are searched recursively for
    /// .json, .yaml, .yml and .keras files); `-` reads standard input.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The file name to report for standard input (also used to detect its format).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// When to use colour in human output (`NO_COLOR` is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Say which files were skipped and why.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the documentation of a rule, by code (ACT101) or name (softmax-single-unit).
    Rule {
        /// The rule's code or name.
        rule: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Extensions searched for when walking a directory.
const MODEL_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "keras"];

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

/// Problems that are not findings: missing paths, unreadable files.
struct IoProblem {
    path: String,
    message: String,
}

pub fn run(cli: Cli) -> u8 {
    if let Some(Command::Rule { rule }) = &cli.command {
        return print_rule(rule);
    }
    if cli.paths.is_empty() {
        eprintln!("error: no paths given\n\nUsage: actlint [OPTIONS] <PATHS>...\n\nFor more information, try '--help'.");
        return EXIT_ERROR;
    }
    let options = Options::default();
    let mut io_problems = Vec::new();
    let mut reports = Vec::new();
    for path in &cli.paths {
        if path.as_os_str() == "-" {
            let name = cli.stdin_filename.clone().unwrap_or_else(|| "-".to_string());
            let mut bytes = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => reports.push(lint::lint_bytes(&name, &bytes, &options)),
                Err(e) => io_problems.push(IoProblem {
                    path: name,
                    message: format!("cannot read standard input: {e}"),
                }),
            }
            continue;
        }
        let mut files = Vec::new();
        collect(path, true, &mut files, &mut io_problems);
        for file in files {
            let display = file.display().to_string();
            match std::fs::read(&file) {
                Ok(bytes) => reports.push(lint::lint_bytes(&display, &bytes, &options)),
                Err(e) => io_problems.push(IoProblem {
                    path: display,
                    message: format!("cannot read file: {e}"),
                }),
            }
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));

    let stdout = std::io::stdout();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut out = String::new();
    match cli.format {
        Format::Human => {
            let style = render::human::Style {
                color,
                width: terminal_width(),
            };
            out.push_str(&render::human::render(&reports, &style));
            if cli.verbose {
                for r in &reports {
                    if let Status::Skipped { reason } = &r.status {
                        out.push_str(&format!("skipped {}: {reason}\n", r.path));
                    }
                }
            }
            out.push_str(&render::human::summary_line(&reports));
            out.push('\n');
        }
        Format::Json => out.push_str(&render::json::render(&reports)),
    }
    let mut lock = stdout.lock();
    let _ = lock.write_all(out.as_bytes());
    let _ = lock.flush();
    for p in &io_problems {
        eprintln!("error: {}: {}", p.path, p.message);
    }
    exit_code(&reports, !io_problems.is_empty(), cli.fail_on)
}

fn exit_code(reports: &[FileReport], io_failed: bool, fail_on: FailOn) -> u8 {
    if io_failed {
        return EXIT_ERROR;
    }
    let Some(threshold) = fail_on.threshold() else {
        return EXIT_CLEAN;
    };
    let failing = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity >= threshold);
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// Files under a path: the path itself when it is a file (whatever its
/// extension), model files under it when it is a directory. Symlinked
/// directories are not followed, so symlink loops cannot hang the walk.
fn collect(path: &Path, explicit: bool, files: &mut Vec<PathBuf>, problems: &mut Vec<IoProblem>) {
    let meta = match if explicit {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    } {
        Ok(m) => m,
        Err(e) => {
            problems.push(IoProblem {
                path: path.display().to_string(),
                message: if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_string()
                } else {
                    e.to_string()
                },
            });
            return;
        }
    };
    if meta.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => {
                problems.push(IoProblem {
                    path: path.display().to_string(),
                    message: format!("cannot read directory: {e}"),
                });
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            let hidden = child
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            collect(&child, false, files, problems);
        }
    } else if explicit || (meta.is_file() && has_model_extension(path)) {
        files.push(path.to_path_buf());
    }
}

fn has_model_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MODEL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn print_rule(rule: &str) -> u8 {
    match crate::rules::find(rule) {
        Some(meta) => {
            print!("{}", meta.doc);
            if !meta.doc.ends_with('\n') {
                println!();
            }
            EXIT_CLEAN
        }
        None => {
            let names = crate::rules::all_meta();
            let suggestion = crate::catalog::closest(
                rule,
                names.iter().flat_map(|m| [m.code, m.name]),
            );
            match suggestion {
                Some(s) => eprintln!("error: unknown rule `{rule}`; did you mean `{s}`?"),
                None => eprintln!("error: unknown rule `{rule}`; `actlint rule ACT101` shows one rule"),
            }
            EXIT_ERROR
        }
    }
}
