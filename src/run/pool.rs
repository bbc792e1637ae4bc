//! Linting the targets in parallel, on one thread pool per process.
//!
//! [`lint_all`] reads and lints the targets on a thread pool. Each file is
//! read and parsed exactly once, by one thread. Results are put back in
//! target order and sorted by path, so the output is the same whatever the
//! number of threads.

use rayon::prelude::*;

use super::discover::{io_message, IoProblem, Target};
use crate::lint::{self, FileReport, Options};

/// Stack size of the worker threads: the main thread's usual 8 MiB, so a
/// deeply nested file behaves the same on every thread.
const STACK_SIZE: usize = 8 * 1024 * 1024;

/// The number of threads `--threads` asks for: `None` or 0 is one per core.
pub fn thread_count(requested: Option<usize>) -> usize {
    match requested {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// Reads and lints one target with `lint::lint_path` (or `lint_reader` for
/// standard input); a file that cannot be read is a problem.
pub fn lint_target(target: &Target, options: &Options) -> Result<FileReport, IoProblem> {
    let result = if target.stdin {
        lint::lint_reader(&target.display, std::io::stdin().lock(), options)
            .map_err(|e| format!("cannot read standard input: {}", io_message(&e)))
    } else if target.walked {
        lint::lint_walked_path(&target.path, &target.display, options).map_err(|e| read_message(&e))
    } else {
        lint::lint_path(&target.path, &target.display, options).map_err(|e| read_message(&e))
    };
    result
        .map(|report| {
            if target.walked {
                report.found_by_walk()
            } else {
                report
            }
        })
        .map_err(|message| IoProblem {
            path: target.display.clone(),
            message,
        })
}

/// `f` applied to every item on `threads` threads, results in item order.
/// One thread (or one item) runs on the calling thread, with no pool.
pub fn map_ordered<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if threads <= 1 || items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    match pool(threads) {
        // `collect` keeps the items' order.
        Some(pool) => pool.install(|| items.par_iter().map(&f).collect()),
        // No threads to be had: work on this one.
        None => items.iter().map(f).collect(),
    }
}

/// A pool of `threads` threads, started once and kept for the process: a run
/// resolves settings, lints and renders on the same threads. `None` when the
/// threads cannot be started.
fn pool(threads: usize) -> Option<&'static rayon::ThreadPool> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static POOLS: OnceLock<Mutex<HashMap<usize, &'static rayon::ThreadPool>>> = OnceLock::new();
    let mut pools = POOLS.get_or_init(Default::default).lock().ok()?;
    if let Some(pool) = pools.get(&threads) {
        return Some(pool);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("actlint-{i}"))
        .build()
        .ok()?;
    // One per thread count a process asks for (the command line asks for
    // one; the language server for one per setting): leaked on purpose.
    let pool: &'static rayon::ThreadPool = Box::leak(Box::new(pool));
    pools.insert(threads, pool);
    Some(pool)
}

/// The output of a renderer that writes each report on its own (human,
/// concise), rendered in parallel in runs of consecutive reports and joined
/// in order: the same text as `render(reports)`, in a fraction of the time
/// when thousands of findings are shown.
pub fn render_in_parallel<F>(reports: &[FileReport], threads: usize, render: F) -> String
where
    F: Fn(&[FileReport]) -> String + Sync,
{
    if threads <= 1 || reports.len() <= 1 {
        return render(reports);
    }
    // A few runs per thread, so that one run full of findings does not
    // leave the other threads idle.
    let per_run = reports.len().div_ceil(threads * 4);
    let runs: Vec<&[FileReport]> = reports.chunks(per_run).collect();
    map_ordered(&runs, threads, |run| render(run)).concat()
}

/// Why a file found earlier could not be read now.
fn read_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "cannot read file: it no longer exists".to_string(),
        std::io::ErrorKind::IsADirectory => "cannot read file: it is a directory".to_string(),
        _ => format!("cannot read file: {}", io_message(e)),
    }
}

/// The result of [`lint_all`].
#[derive(Debug, Default)]
pub struct LintResults {
    /// Sorted by path (the order of the output).
    pub reports: Vec<FileReport>,
    /// Files that could not be read, in job order.
    pub problems: Vec<IoProblem>,
}

/// Runs `lint` over every job on `threads` threads and sorts the reports by
/// path: the result is the same whatever the number of threads. Each job
/// is linted by one thread, which reads and parses its file once.
///
/// A report without diagnostics keeps no source text: the text is only
/// needed to show where a diagnostic is, and a run over thousands of clean
/// files should not hold them all in memory until the output is written.
pub fn lint_all<J, F>(jobs: &[J], threads: usize, lint: F) -> LintResults
where
    J: Sync,
    F: Fn(&J) -> Result<FileReport, IoProblem> + Sync,
{
    lint_all_keeping(jobs, threads, false, lint)
}

/// [`lint_all`], keeping the source text of clean files and the models
/// built from each file when `keep_sources` says so (the HTML report draws
/// every file's models); otherwise the models are dropped as each file is
/// done.
pub fn lint_all_keeping<J, F>(
    jobs: &[J],
    threads: usize,
    keep_sources: bool,
    lint: F,
) -> LintResults
where
    J: Sync,
    F: Fn(&J) -> Result<FileReport, IoProblem> + Sync,
{
    let outcomes = map_ordered(jobs, threads, |job| {
        lint(job).map(|mut report| {
            if !keep_sources {
                report.models = Vec::new();
                if report.diagnostics.is_empty() {
                    report.source = None;
                }
            }
            report
        })
    });
    let mut linted = LintResults::default();
    for outcome in outcomes {
        match outcome {
            Ok(r) => linted.reports.push(r),
            Err(p) => linted.problems.push(p),
        }
    }
    // Stable: reports of one path keep their job order.
    linted.reports.sort_by(|a, b| a.path.cmp(&b.path));
    linted
}
