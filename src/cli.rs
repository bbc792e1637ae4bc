//! The command line: collect paths, lint each file, render, choose the exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::config::{self, Resolver};
use crate::diagnostic::Severity;
use crate::escape;
use crate::lint::{FileReport, Status};
use crate::render;
use crate::run::{discover, pool};

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

    /// Output format [default: `output-format` from the configuration, else human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// The file name to report for standard input (also used to detect its format).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Lowest severity that makes the exit code 1 [default: `fail-on` from the
    /// configuration, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// When to use colour in human output (`auto` honours `NO_COLOR`, then `FORCE_COLOR`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Say on standard error which files were skipped (not model configs) and why.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print only the findings: no summary line.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print how many findings each rule has (most first) instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Write the output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Use this configuration file (actlint.toml, .actlint.toml or
    /// pyproject.toml) for every file instead of discovering one.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore all configuration files.
    #[arg(long)]
    pub isolated: bool,

    /// Rules to check, replacing the configuration's selection: codes
    /// (ACT401), names (relu-without-he-init), code prefixes (ACT4),
    /// categories (initialization) or ALL; comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Rules to check in addition to the selected ones.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Rules not to check.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Exit with status 0 even when findings are reported (usage, I/O and
    /// configuration errors still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print the settings that apply to FILE, and where each comes from, then exit.
    #[arg(long, value_name = "FILE")]
    pub show_settings: Option<PathBuf>,

    /// Record the findings as counts per file and rule in FILE (a baseline),
    /// then exit.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings beyond the counts recorded in the baseline FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Lint files on N threads [default: one per core; 0 also means one per
    /// core]. The output is the same whatever N is.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Change a resource limit, e.g. `--limit max-file-size=128MiB` or
    /// `--limit max-layers=500000` (repeatable). Keys: max-file-size,
    /// max-archive-entries, max-archive-member-size, max-python-size,
    /// max-depth, max-nodes, max-alias-nodes, max-layers, max-graph-edges.
    #[arg(long = "limit", value_name = "KEY=VALUE", value_parser = parse_limit)]
    pub limits: Vec<(String, String)>,

    /// Apply the safe fixes (marked `[*]`) to the files and report what
    /// remains; standard input is fixed to standard output.
    #[arg(long)]
    pub fix: bool,

    /// Also apply unsafe fixes (which change what the model computes) with
    /// `--fix` or `--diff`; without them, count them as fixable.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change instead of writing
    /// it; exit 1 when there is something to fix.
    #[arg(long)]
    pub diff: bool,

    /// Apply fixes like `--fix`, but report nothing of what remains and exit
    /// 0 unless a file could not be fixed.
    #[arg(long)]
    pub fix_only: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the documentation of a rule, by code (ACT101) or name (softmax-single-unit).
    Rule {
        /// The rule's code or name.
        rule: String,
    },
    /// List every rule: code, name, category, default severity, enabled by default, summary.
    Rules {
        /// `text` (a table), `json` (for tools), or `markdown` (the rule table of docs/rules.md; with
        /// `--full`, the whole rule reference in docs/rules.md).
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
        /// With `--format markdown`: every rule's documentation, not only the table.
        #[arg(long)]
        full: bool,
    },
    /// Run the language server: LSP over standard input and output, for
    /// editors (diagnostics as you type, quick fixes, hover help).
    Server,
    /// Draw a model's layer graph with the findings on it: SVG (laid out by
    /// actlint itself), Mermaid (renders on GitHub) or Graphviz DOT.
    Graph {
        /// The model file (`-` reads standard input).
        file: PathBuf,
        /// The picture's format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Svg)]
        format: GraphFormat,
        /// Write the picture to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "PATH")]
        output_file: Option<PathBuf>,
        /// Draw each nested model as one box instead of a frame around its
        /// layers, and each chain of identical layers without findings as
        /// one box (`Dense ×12`).
        #[arg(long)]
        collapse: bool,
        /// The file name to report for standard input (also used to detect its format).
        #[arg(long, value_name = "PATH")]
        stdin_filename: Option<String>,
    },
    /// Print a shell completion script to standard output (bash, zsh, fish,
    /// powershell or elvish).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

/// The output formats (one list, shared with the configuration).
pub use crate::config::output::OutputFormat as Format;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A standalone SVG picture.
    Svg,
    /// A Mermaid flowchart (for GitHub Markdown: a ```mermaid block).
    Mermaid,
    /// Graphviz DOT (`dot -Tpng`).
    Dot,
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

pub fn main() -> ExitCode {
    // A panic while linting a file is reported in that file's results, not
    // printed in the middle of the output (see `crate::lint::isolate`).
    crate::lint::isolate::install_panic_hook();
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

pub fn run(cli: Cli) -> u8 {
    match &cli.command {
        Some(command) => run_command(&cli, command),
        None => lint_files(&cli),
    }
}

/// A subcommand: `rule`, `rules`, `server`, `graph` or `completions`.
fn run_command(cli: &Cli, command: &Command) -> u8 {
    match command {
        Command::Rule { rule } => print_rule(rule),
        Command::Server => crate::server::run(),
        Command::Graph {
            file,
            format,
            output_file,
            collapse,
            stdin_filename,
        } => graph(
            cli,
            file,
            *format,
            output_file.as_deref(),
            *collapse,
            stdin_filename.as_deref(),
        ),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "actlint", &mut script);
            write_stdout(&script)
        }
        Command::Rules { format, full } => {
            use crate::rules::docs;
            let text = match (format, full) {
                (RulesFormat::Text, _) => docs::list_text(),
                (RulesFormat::Json, _) => docs::list_json(),
                (RulesFormat::Markdown, false) => docs::table_markdown(),
                (RulesFormat::Markdown, true) => docs::reference_markdown(),
            };
            write_stdout(text.as_bytes())
        }
    }
}

/// The lint run (no subcommand): `--show-settings`, or the files planned,
/// linted (or fixed) and compared with the baseline, then the output
/// written and the exit code chosen.
fn lint_files(cli: &Cli) -> u8 {
    let mut resolver = match Resolver::new(overrides(cli)) {
        Ok(r) => r,
        Err(errors) => return config_errors(cli, &errors),
    };
    if let Some(file) = &cli.show_settings {
        return match resolver.show(file) {
            Ok(text) => write_stdout(text.as_bytes()),
            Err(errors) => config_errors(cli, &errors),
        };
    }
    if cli.paths.is_empty() {
        return no_paths();
    }
    let format = match resolve_format(cli, &mut resolver) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut planned = match plan(cli, &mut resolver) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let session = crate::run::write::Session::new(crate::run::write::Mode::from_flags(
        cli.fix,
        cli.unsafe_fixes,
        cli.diff,
        cli.fix_only,
    ))
    .within(&cli.paths);
    // The HTML report draws clean files too: their text and models are kept.
    let keep_sources = format == Format::Html && !cli.statistics;
    let linted = pool::lint_all_keeping(&planned.jobs, planned.threads, keep_sources, |(t, o)| {
        session.lint(t, o)
    });
    planned.io_problems.extend(linted.problems);
    let mut reports = linted.reports;
    let baseline_notes = match baseline(cli, &mut reports, &planned.io_problems) {
        Ok(notes) => notes,
        Err(code) => return code,
    };
    finish(cli, format, &session, &reports, planned, &baseline_notes)
}

/// No path on the command line: clap's usage error, exit code 2.
fn no_paths() -> u8 {
    let _ = Cli::command()
        .error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "no paths given: pass model files or directories, or `-` to read standard input",
        )
        .print();
    EXIT_ERROR
}

/// The end of a lint run: the report (or what fixing writes) to standard
/// output or `--output-file`, the notes to standard error, the exit code.
fn finish(
    cli: &Cli,
    format: Format,
    session: &crate::run::write::Session,
    reports: &[FileReport],
    planned: Planned,
    baseline_notes: &str,
) -> u8 {
    let mut io_problems = planned.io_problems;
    let color = use_color(
        cli,
        cli.output_file.is_none() && std::io::stdout().is_terminal(),
    );
    // When no path could be read, "no problems in 0 files" would read as a
    // clean run: the errors on standard error are the whole answer.
    let nothing_read = reports.is_empty() && !io_problems.is_empty();
    let summary = !cli.quiet && !nothing_read;
    let report = render_reports(cli, format, reports, color, summary);
    let (out, fixed) = fixing_output(cli, session, report, &mut io_problems);
    if let Err(code) = write_output(cli.output_file.as_deref(), &out) {
        return code;
    }
    let notes = notes(
        cli,
        reports,
        &planned.excluded,
        baseline_notes,
        &io_problems,
    );
    let _ = std::io::stderr().lock().write_all(notes.as_bytes());
    if cli.exit_zero && io_problems.is_empty() {
        return EXIT_CLEAN;
    }
    // `--diff` fails when there is something to fix; `--fix-only` only when
    // a file could not be fixed.
    if session.mode.diff || session.mode.only {
        return match (io_problems.is_empty(), session.mode.diff && fixed > 0) {
            (false, _) => EXIT_ERROR,
            (true, true) => EXIT_FINDINGS,
            (true, false) => EXIT_CLEAN,
        };
    }
    exit_code(reports, !io_problems.is_empty(), &|r| {
        planned
            .thresholds
            .get(&r.path)
            .copied()
            .unwrap_or(Some(Severity::Warning))
    })
}

/// What goes to the output when fixing: the diffs or the fixed standard
/// input instead of the `report` (the fix summary goes to standard error
/// here), with the number of fixes applied. Not fixing: the report.
fn fixing_output(
    cli: &Cli,
    session: &crate::run::write::Session,
    report: String,
    io_problems: &mut Vec<discover::IoProblem>,
) -> (Vec<u8>, usize) {
    if !session.mode.fixing() {
        return (report.into_bytes(), 0);
    }
    let finished = session.finish(report, !cli.quiet);
    io_problems.extend(finished.problems);
    let _ = std::io::stderr()
        .lock()
        .write_all(finished.stderr.as_bytes());
    (finished.stdout, finished.applied)
}

/// Writes the output to `--output-file` (`path`) or standard output; `Err`
/// with the exit code when it cannot be written.
fn write_output(path: Option<&Path>, out: &[u8]) -> Result<(), u8> {
    let Some(path) = path else {
        return match write_stdout(out) {
            EXIT_CLEAN => Ok(()),
            _ => Err(EXIT_ERROR),
        };
    };
    write_output_file(path, &String::from_utf8_lossy(out)).map_err(|e| {
        eprintln!(
            "error: cannot write {}: {e}",
            escape::text(&path.display().to_string())
        );
        EXIT_ERROR
    })
}

/// What a run lints: each file with its options, its fail-on threshold,
/// the `-v` notes on excluded files, and the paths that could not be read.
struct Planned {
    jobs: Vec<(discover::Target, crate::lint::Options)>,
    thresholds: HashMap<String, Option<Severity>>,
    excluded: String,
    io_problems: Vec<discover::IoProblem>,
    threads: usize,
}

/// Collects every path, then resolves each file's settings (its
/// configuration found per directory, the settings in parallel); `Err` is
/// the exit code of a configuration error.
fn plan(cli: &Cli, resolver: &mut Resolver) -> Result<Planned, u8> {
    // Collect every path first, resolve each file's settings, then lint in
    // parallel (see `crate::run`).
    let walk = discover::WalkOptions {
        exclude: excluded_directories(cli),
        ..discover::WalkOptions::default()
    };
    let collected = discover::collect(&cli.paths, cli.stdin_filename.as_deref(), &walk);
    let io_problems = collected.problems;
    // The fail-on threshold of each file (its configuration's, or --fail-on).
    let mut thresholds: HashMap<String, Option<Severity>> = HashMap::new();
    let mut excluded = String::new();
    let threads = pool::thread_count(cli.threads);
    // Find each file's configuration (cached per directory), then resolve
    // the settings of all files in parallel.
    let mut found = Vec::with_capacity(collected.targets.len());
    for target in collected.targets {
        match resolver.config_for(&target.path) {
            Ok(config) => found.push((target, config)),
            Err(errors) => return Err(config_errors(cli, &errors)),
        }
    }
    let resolved = pool::map_ordered(&found, threads, |(target, config)| {
        let settings = resolver.settings_with(&target.path, config.clone());
        let options = settings.excluded_by.is_none().then(|| settings.options());
        (settings, options)
    });
    let mut jobs = Vec::with_capacity(found.len());
    for ((target, _), (settings, options)) in found.into_iter().zip(resolved) {
        let Some(options) = options else {
            if let Some((pattern, origin)) = &settings.excluded_by {
                excluded.push_str(&format!(
                    "skipped {}: excluded by `{}` ({})\n",
                    escape::text(&target.display),
                    escape::text(pattern),
                    escape::text(&origin.to_string())
                ));
            }
            continue;
        };
        thresholds.insert(target.display.clone(), settings.fail_threshold());
        jobs.push((target, options));
    }
    Ok(Planned {
        jobs,
        thresholds,
        excluded,
        io_problems,
        threads,
    })
}

/// `--write-baseline` (the run ends there: `Err` with its exit code) and
/// `--baseline` (the findings it lists are dropped; `Ok` with its notes).
fn baseline(
    cli: &Cli,
    reports: &mut [FileReport],
    io_problems: &[discover::IoProblem],
) -> Result<String, u8> {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(path) = &cli.write_baseline {
        if !io_problems.is_empty() {
            // A baseline of a partial run would drop the entries of the
            // files that could not be read.
            for p in io_problems {
                eprintln!(
                    "error: {}: {}",
                    escape::text(&p.path),
                    escape::text(&p.message)
                );
            }
            eprintln!("error: baseline not written");
            return Err(EXIT_ERROR);
        }
        return Err(match crate::run::baseline::write(path, reports, &cwd) {
            Ok(message) => write_stdout(format!("{}\n", escape::text(&message)).as_bytes()),
            Err(e) => {
                eprintln!("error: {}", escape::text(&e));
                EXIT_ERROR
            }
        });
    }
    let mut baseline_notes = String::new();
    if let Some(path) = &cli.baseline {
        match crate::run::baseline::read(path, &cwd) {
            Ok(b) => baseline_notes = b.apply(reports, &cwd).notes(&b),
            Err(e) => {
                eprintln!("error: {}", escape::text(&e));
                return Err(EXIT_ERROR);
            }
        }
    }
    Ok(baseline_notes)
}

/// What goes to standard error after the findings: under `-v` the files
/// skipped and excluded, the baseline's notes, and the paths that could not
/// be read.
fn notes(
    cli: &Cli,
    reports: &[FileReport],
    excluded: &str,
    baseline_notes: &str,
    io_problems: &[discover::IoProblem],
) -> String {
    let mut notes = String::new();
    if cli.verbose {
        // Files that are valid JSON/YAML but not model configs are skipped
        // quietly (pre-commit hands over every YAML file); `-v` says so.
        for r in reports {
            if let Status::Skipped { reason } = &r.status {
                notes.push_str(&format!(
                    "skipped {}: {}\n",
                    escape::text(&r.path),
                    escape::text(reason)
                ));
            }
        }
    }
    if cli.verbose {
        notes.push_str(excluded);
    }
    notes.push_str(baseline_notes);
    for p in io_problems {
        notes.push_str(&format!(
            "error: {}: {}\n",
            escape::text(&p.path),
            escape::text(&p.message)
        ));
    }
    notes
}

/// `actlint graph`: lint one file with its configuration, then draw its
/// models with the findings on them. Exit 0 when drawn (findings or not),
/// 2 when there is no model to draw.
fn graph(
    cli: &Cli,
    file: &Path,
    format: GraphFormat,
    output: Option<&Path>,
    collapse: bool,
    stdin_name: Option<&str>,
) -> u8 {
    use render::graph;
    let report = match lint_one(cli, file, stdin_name) {
        Ok(report) => report,
        Err(code) => return code,
    };
    if report.models.is_empty() {
        return nothing_to_draw(&report);
    }
    let picture = graph::Picture::of_file(
        &report,
        &report.models,
        graph::Options {
            collapse_nested: collapse,
            collapse_runs: collapse,
        },
    );
    let format = match format {
        GraphFormat::Svg => graph::Format::Svg,
        GraphFormat::Mermaid => graph::Format::Mermaid,
        GraphFormat::Dot => graph::Format::Dot,
    };
    let text = graph::render(&picture, format);
    if format == graph::Format::Mermaid {
        mermaid_size_note(&picture, &text);
    }
    match write_output(output, text.as_bytes()) {
        Ok(()) => EXIT_CLEAN,
        Err(code) => code,
    }
}

/// Lints the one file of `actlint graph` (`-` is standard input, named
/// `stdin_name`) with its configuration; `Err` with the exit code when the
/// configuration is wrong or the file cannot be read.
fn lint_one(cli: &Cli, file: &Path, stdin_name: Option<&str>) -> Result<FileReport, u8> {
    let mut resolver = Resolver::new(overrides(cli)).map_err(|e| config_errors(cli, &e))?;
    let stdin = file == Path::new("-");
    let display = match (stdin, stdin_name) {
        (true, Some(name)) => name.to_string(),
        (true, None) => "-".to_string(),
        (false, _) => file.display().to_string(),
    };
    let settings = resolver
        .settings_for(Path::new(&display))
        .map_err(|e| config_errors(cli, &e))?;
    let options = settings.options();
    let read = if stdin {
        crate::lint::read::lint_reader(&display, std::io::stdin().lock(), &options)
    } else {
        crate::lint::read::lint_path(file, &display, &options)
    };
    read.map_err(|e| {
        eprintln!("error: {}: {e}", escape::text(&display));
        EXIT_ERROR
    })
}

/// `actlint graph` on a file with no model: why (it was skipped, or its
/// first finding), and exit code 2.
fn nothing_to_draw(report: &FileReport) -> u8 {
    let why = match (&report.status, report.diagnostics.first()) {
        (Status::Skipped { reason }, _) => reason.clone(),
        (_, Some(d)) => d.message.clone(),
        _ => "no model found".to_string(),
    };
    eprintln!(
        "error: {}: nothing to draw: {}",
        escape::text(&report.path),
        escape::text(&why)
    );
    EXIT_ERROR
}

/// A note on standard error when a Mermaid diagram is larger than Mermaid
/// (and GitHub) draws by default.
fn mermaid_size_note(picture: &render::graph::Picture, text: &str) {
    use render::graph::mermaid::{GITHUB_MAX_EDGES, GITHUB_MAX_TEXT};
    if picture.edges.len() > GITHUB_MAX_EDGES || text.len() > GITHUB_MAX_TEXT {
        eprintln!(
            "note: {} edges, {} bytes: Mermaid (and GitHub) draws diagrams of at most {} edges and {} bytes \
             by default; try --collapse, or the SVG picture",
            picture.edges.len(),
            text.len(),
            GITHUB_MAX_EDGES,
            GITHUB_MAX_TEXT
        );
    }
}

/// The command line's part of the configuration.
/// `--limit KEY=VALUE`, checked against the limits' keys and values.
fn parse_limit(arg: &str) -> Result<(String, String), String> {
    let (key, value) = arg
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, found `{arg}`"))?;
    let (key, value) = (key.trim(), value.trim());
    crate::lint::limits::set(&mut crate::lint::Options::default(), key, value)?;
    Ok((key.to_string(), value.to_string()))
}

fn overrides(cli: &Cli) -> config::Overrides {
    config::Overrides {
        config: cli.config.clone(),
        isolated: cli.isolated,
        select: cli.select.clone(),
        extend_select: cli.extend_select.clone(),
        ignore: cli.ignore.clone(),
        fail_on: cli.fail_on.map(FailOn::threshold),
        limits: cli.limits.clone(),
    }
}

/// The walk's exclude hook: a directory that the configuration governing it
/// excludes (`exclude`, `extend-exclude`) is not entered, so that
/// `node_modules/` or a virtualenv costs nothing. Files are checked one by
/// one after the walk (with `-v` saying which were excluded).
fn excluded_directories(cli: &Cli) -> Option<std::sync::Arc<discover::ExcludeFn>> {
    // A resolver of its own: the walk's hook must be `Send + Sync`.
    let resolver = std::sync::Mutex::new(Resolver::new(overrides(cli)).ok()?);
    Some(std::sync::Arc::new(move |path: &Path, is_dir: bool| {
        is_dir
            && resolver
                .lock()
                .is_ok_and(|mut r| r.settings_for(path).is_ok_and(|s| s.excluded_by.is_some()))
    }))
}

/// `--color auto`: a non-empty `NO_COLOR` turns colour off, else a
/// non-empty `FORCE_COLOR` turns it on, else colour when writing to a
/// terminal. `NO_COLOR` wins when both are set (no-color.org,
/// force-color.org); `--color always|never` wins over both.
fn auto_color(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        false
    } else {
        set("FORCE_COLOR") || terminal
    }
}

/// Whether to write colour: `--color`, and for `auto` [`auto_color`] of
/// whether the output goes to a `terminal`.
fn use_color(cli: &Cli, terminal: bool) -> bool {
    match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => auto_color(terminal),
    }
}

/// Prints configuration errors; the exit code for them.
fn config_errors(cli: &Cli, errors: &[config::ConfigError]) -> u8 {
    let color = use_color(cli, std::io::stderr().is_terminal());
    let _ = std::io::stderr()
        .lock()
        .write_all(config::error::render(errors, color).as_bytes());
    EXIT_ERROR
}

/// `--format`, else `output-format` from the configuration of the current
/// directory, else human.
fn resolve_format(cli: &Cli, resolver: &mut Resolver) -> Result<Format, u8> {
    if let Some(f) = cli.format {
        return Ok(f);
    }
    let project = resolver
        .project()
        .map_err(|errors| config_errors(cli, &errors))?;
    let Some(name) = project.as_ref().and_then(|c| c.output_format.as_ref()) else {
        return Ok(Format::Human);
    };
    Format::from_str(&name.value, false).map_err(|_| {
        eprintln!(
            "error: output format `{}` ({}) is not available in this version of actlint",
            escape::text(&name.value),
            escape::text(&name.origin.to_string())
        );
        EXIT_ERROR
    })
}

/// The output for a run in `format` (`--statistics` applied; the summary
/// lines only with `summary`).
fn render_reports(
    cli: &Cli,
    format: Format,
    reports: &[FileReport],
    color: bool,
    summary: bool,
) -> String {
    let threads = pool::thread_count(cli.threads);
    if cli.statistics {
        return render_statistics(format, reports, summary);
    }
    // CI formats report paths relative to the repository root.
    let paths = || {
        std::env::current_dir()
            .map_or_else(|_| render::ci::Paths::as_given(), render::ci::Paths::detect)
    };
    match format {
        Format::Human | Format::Concise => render_text(cli, format, reports, color, summary),
        Format::Json => escape::json(render::json::render(reports)),
        Format::Sarif => escape::json(render::sarif::render(reports, &paths())),
        Format::Github => render::github::render(reports, &paths(), summary),
        Format::Gitlab => escape::json(render::gitlab::render(reports, &paths())),
        Format::Html => render::html::render(reports, threads),
    }
}

/// `--statistics`: the count of each rule's findings, as JSON or as a
/// table (with the summary line when `summary`).
fn render_statistics(format: Format, reports: &[FileReport], summary: bool) -> String {
    if format == Format::Json {
        return escape::json(render::statistics::render_json(reports));
    }
    let mut out = render::statistics::render_text(reports);
    if summary {
        out.push_str(&render::human::summary_line(reports));
        out.push('\n');
    }
    out
}

/// The human and concise outputs: (with `-v`, the human output's layer
/// tables,) each file's findings, then when `summary` what `--fix` can do
/// and the summary line.
fn render_text(
    cli: &Cli,
    format: Format,
    reports: &[FileReport],
    color: bool,
    summary: bool,
) -> String {
    let threads = pool::thread_count(cli.threads);
    let mut out = String::new();
    if format == Format::Human && cli.verbose {
        for r in reports {
            out.push_str(&render::human::layer_table(r));
        }
    }
    if format == Format::Human {
        let style = render::human::Style {
            color,
            width: terminal_width(),
        };
        out.push_str(&pool::render_in_parallel(reports, threads, |r| {
            render::human::render(r, &style)
        }));
    } else {
        out.push_str(&pool::render_in_parallel(
            reports,
            threads,
            render::concise::render,
        ));
    }
    if summary {
        // What `--fix` can do, then the summary line, which stays last.
        if let Some(note) = crate::run::write::fixable_note(reports, cli.unsafe_fixes) {
            out.push_str(&note);
            out.push('\n');
        }
        out.push_str(&render::human::summary_line(reports));
        out.push('\n');
    }
    out
}

/// Writes the report to standard output. A report that cannot be written
/// (a full disk, a closed pipe) is an error: exit status 2, and a message
/// on standard error unless standard output is a pipe the reader closed.
fn write_stdout(bytes: &[u8]) -> u8 {
    let mut lock = std::io::stdout().lock();
    match lock.write_all(bytes).and_then(|()| lock.flush()) {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_ERROR,
        Err(e) => {
            eprintln!("error: cannot write the report to standard output: {e}");
            EXIT_ERROR
        }
    }
}

/// Writes `--output-file`, creating its directory when needed.
fn write_output_file(path: &Path, out: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, out)
}

fn exit_code(
    reports: &[FileReport],
    io_failed: bool,
    threshold: &dyn Fn(&FileReport) -> Option<Severity>,
) -> u8 {
    // A caught panic (an internal error) is not a finding: like an I/O
    // error, it means the run could not check everything.
    if io_failed || reports.iter().any(FileReport::internal_error) {
        return EXIT_ERROR;
    }
    let failing = reports
        .iter()
        .any(|r| threshold(r).is_some_and(|t| r.diagnostics.iter().any(|d| d.severity >= t)));
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

fn print_rule(rule: &str) -> u8 {
    // Codes are also found written in lower case.
    let meta = crate::rules::find(rule).or_else(|| crate::rules::find(&rule.to_ascii_uppercase()));
    match meta {
        Some(meta) => {
            let mut doc = meta.doc.to_string();
            if !doc.ends_with('\n') {
                doc.push('\n');
            }
            write_stdout(doc.as_bytes())
        }
        None => {
            match crate::rules::registry::suggest(rule) {
                Some(s) => eprintln!(
                    "error: unknown rule `{}`; did you mean `{s}`?",
                    escape::text(rule)
                ),
                None => eprintln!(
                    "error: unknown rule `{}`; `actlint rule ACT101` shows one rule",
                    escape::text(rule)
                ),
            }
            EXIT_ERROR
        }
    }
}
