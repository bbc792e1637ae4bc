//! The output formats: the one list the command line (`--output-format`),
//! the configuration (`output-format = "..."`) and the renderers share.

use clap::ValueEnum;

/// How a run's findings are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics with the source around each label.
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message (name)`.
    Concise,
    /// One versioned JSON document (see docs/actlint-output.schema.json).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the changed files).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// One self-contained HTML page: a summary, and per file the model's
    /// graph with the findings on it (use with `-o report.html`).
    Html,
}

impl OutputFormat {
    /// Every format, in the order help and errors list them.
    pub const ALL: [OutputFormat; 7] = [
        OutputFormat::Human,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Gitlab,
        OutputFormat::Html,
    ];

    /// The name the command line and the configuration use.
    pub const fn name(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Html => "html",
        }
    }

    /// The format a name stands for.
    pub fn from_name(name: &str) -> Option<OutputFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The names `output-format` accepts, in [`OutputFormat::ALL`] order.
pub const OUTPUT_FORMATS: [&str; OutputFormat::ALL.len()] = {
    let mut names = [""; OutputFormat::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = OutputFormat::ALL[i].name();
        i += 1;
    }
    names
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The names clap derives are the names the configuration accepts.
    #[test]
    fn one_list_of_names() {
        for f in OutputFormat::ALL {
            let clap_name = f.to_possible_value().expect("not skipped");
            assert_eq!(clap_name.get_name(), f.name());
            assert_eq!(OutputFormat::from_name(f.name()), Some(f));
        }
        assert_eq!(
            OutputFormat::value_variants().len(),
            OutputFormat::ALL.len()
        );
    }
}
