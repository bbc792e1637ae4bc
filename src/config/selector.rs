//! Rule selectors, as `select`, `ignore`, `severity` and `per-file-ignores`
//! take them: a code (`ACT401`), a name (`relu-without-he-init`), a code
//! prefix (`ACT4`), a category (`initialization`) or `ALL`.
//!
//! When selectors disagree about a rule, the more specific one wins: a code or
//! name beats a longer prefix, which beats a shorter prefix, which beats a
//! category, which beats `ALL`.

use std::fmt;

use crate::rules::{self, Category, RuleMeta};

/// Categories that can be selected (ACT000 `parse-error` is always reported).
pub const CATEGORIES: [Category; 8] = [
    Category::Correctness,
    Category::Output,
    Category::Hidden,
    Category::Recurrent,
    Category::Initialization,
    Category::Input,
    Category::Regularization,
    Category::Security,
];

#[derive(Clone, Debug)]
pub enum Selector {
    All,
    Category(Category),
    /// `ACT`, `ACT4`, `ACT40`.
    Prefix(String),
    Rule(&'static RuleMeta),
}

impl PartialEq for Selector {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Selector::All, Selector::All) => true,
            (Selector::Category(a), Selector::Category(b)) => a == b,
            (Selector::Prefix(a), Selector::Prefix(b)) => a == b,
            (Selector::Rule(a), Selector::Rule(b)) => a.code == b.code,
            _ => false,
        }
    }
}

/// Why a selector is not valid, with a did-you-mean where one is close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// Every rule a selector can reach: the registry (ACT000 is not in it).
pub fn selectable() -> impl Iterator<Item = &'static RuleMeta> {
    rules::registry().iter().map(|r| r.meta())
}

pub fn parse_error_is_fixed(meta: &RuleMeta) -> Option<SelectorError> {
    (meta.code == rules::parse_error::META.code).then(|| SelectorError {
        message: format!(
            "{} `{}` is always reported: it cannot be selected, ignored, suppressed or re-graded",
            meta.code, meta.name
        ),
        label: "always reported".to_string(),
        help: Some(
            "a file that cannot be read is not checked at all; to skip such a file, add it to `extend-exclude`"
                .to_string(),
        ),
    })
}

impl Selector {
    pub fn parse(s: &str) -> Result<Selector, SelectorError> {
        if s.trim().is_empty() {
            return Err(SelectorError {
                message: "empty rule selector".to_string(),
                label: "empty".to_string(),
                help: Some(
                    "write a rule code (`ACT401`), a name (`relu-without-he-init`), a code prefix (`ACT4`) or a category (`initialization`)"
                        .to_string(),
                ),
            });
        }
        if s == "ALL" {
            return Ok(Selector::All);
        }
        if let Some(c) = CATEGORIES.iter().find(|c| c.as_str() == s) {
            return Ok(Selector::Category(*c));
        }
        if let Some(meta) = rules::find(s) {
            if let Some(e) = parse_error_is_fixed(meta) {
                return Err(e);
            }
            return Ok(Selector::Rule(meta));
        }
        if let Some(digits) = s.strip_prefix("ACT") {
            if digits.len() < 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
                if selectable().any(|m| m.code.starts_with(s)) {
                    return Ok(Selector::Prefix(s.to_string()));
                }
                let help = match rules::registry::suggest(s) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("rule codes run from ACT001 to {}", last_code()),
                };
                return Err(SelectorError {
                    message: format!("no rule code starts with `{s}`"),
                    label: "matches no rule".to_string(),
                    help: Some(help),
                });
            }
        }
        let candidates: Vec<&str> = rules::all_meta()
            .iter()
            .flat_map(|m| [m.code, m.name])
            .chain(CATEGORIES.iter().map(|c| c.as_str()))
            .chain(["ALL"])
            .collect();
        let help = match crate::ir::suggest::closest(s, candidates.into_iter()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "selectors are rule codes (`ACT401`), names (`relu-without-he-init`), code prefixes (`ACT4`), categories (`initialization`) or `ALL`; `actlint rule CODE` shows a rule".to_string(),
        };
        Err(SelectorError {
            message: format!("unknown rule `{s}`"),
            label: "unknown rule".to_string(),
            help: Some(help),
        })
    }

    pub fn matches(&self, meta: &RuleMeta) -> bool {
        if meta.code == rules::parse_error::META.code {
            return false;
        }
        match self {
            Selector::All => true,
            Selector::Category(c) => meta.category == *c,
            Selector::Prefix(p) => meta.code.starts_with(p.as_str()),
            Selector::Rule(m) => m.code == meta.code,
        }
    }

    /// Higher is more specific.
    pub fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Category(_) => 1,
            // `ACT` is 2, `ACT4` 3, `ACT40` 4.
            Selector::Prefix(p) => p.len() - 1,
            Selector::Rule(_) => 10,
        }
    }

    /// The rules this selector reaches.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        selectable().filter(|m| self.matches(m)).collect()
    }
}

fn last_code() -> &'static str {
    selectable().map(|m| m.code).max().unwrap_or("ACT999")
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("ALL"),
            Selector::Category(c) => f.write_str(c.as_str()),
            Selector::Prefix(p) => f.write_str(p),
            Selector::Rule(m) => f.write_str(m.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        assert_eq!(Selector::parse("ALL"), Ok(Selector::All));
        assert_eq!(
            Selector::parse("hidden"),
            Ok(Selector::Category(Category::Hidden))
        );
        assert_eq!(
            Selector::parse("ACT4"),
            Ok(Selector::Prefix("ACT4".to_string()))
        );
        let by_code = Selector::parse("ACT401").unwrap();
        let by_name = Selector::parse("relu-without-he-init").unwrap();
        assert_eq!(by_code, by_name);
        assert!(matches!(by_code, Selector::Rule(m) if m.code == "ACT401"));
    }

    #[test]
    fn misspellings_get_a_suggestion() {
        let e = Selector::parse("ACT41").unwrap_err();
        assert_eq!(e.message, "no rule code starts with `ACT41`");
        assert_eq!(e.help.as_deref(), Some("did you mean `ACT401`?"));
        let e = Selector::parse("ACT4011").unwrap_err();
        assert_eq!(e.message, "unknown rule `ACT4011`");
        let e = Selector::parse("relu-without-he-int").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `relu-without-he-init`?")
        );
        let e = Selector::parse("act401").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `ACT401`?"));
        let e = Selector::parse("ACT8").unwrap_err();
        assert_eq!(e.message, "no rule code starts with `ACT8`");
        assert!(Selector::parse("ACT000")
            .unwrap_err()
            .message
            .contains("always reported"));
    }

    #[test]
    fn specificity_orders_selectors() {
        let s = |t: &str| Selector::parse(t).unwrap().specificity();
        assert!(s("ACT401") > s("ACT40"));
        assert!(s("ACT40") > s("ACT4"));
        assert!(s("ACT4") > s("ACT"));
        assert!(s("ACT") > s("initialization"));
        assert!(s("initialization") > s("ALL"));
    }

    #[test]
    fn parse_error_is_never_matched() {
        assert!(!Selector::All.matches(rules::parse_error::META));
        assert!(!Selector::parse("ACT0")
            .unwrap()
            .matches(rules::parse_error::META));
    }
}
