//! Did-you-mean: the closest known name to a misspelled one (for a help
//! line), and the one correction a fix may apply when only one is plausible.

use super::catalog;

/// How close candidate names are to a misspelled one, all compared without
/// case.
pub struct Typo {
    lower: String,
    /// Without underscores: `he_normal` is `HeNormal`.
    plain: String,
}

impl Typo {
    pub fn new(name: &str) -> Typo {
        let lower = name.to_ascii_lowercase();
        let plain = lower.replace('_', "");
        Typo { lower, plain }
    }

    /// A score (2 for the same name up to case and underscores, else the
    /// better of Jaro-Winkler and the normalized edit distance, which scores
    /// transpositions of short names such as `rleu`/`relu` well) and the
    /// edit distance.
    pub fn measure(&self, candidate: &str) -> (f64, usize) {
        let cand = candidate.to_ascii_lowercase();
        let distance = strsim::osa_distance(&self.lower, &cand);
        let same = cand == self.lower
            || cand.len() >= self.plain.len()
                && cand.chars().filter(|&c| c != '_').eq(self.plain.chars());
        let score = if same {
            2.0
        } else {
            strsim::jaro_winkler(&self.lower, &cand)
                .max(1.0 - distance as f64 / self.lower.len().max(cand.len()).max(1) as f64)
        };
        (score, distance)
    }
}

/// The index of the best-scoring candidate (the first of equals) when it is
/// close enough to be a plausible typo.
pub fn best_match(measured: &[(f64, usize)]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &(score, _)) in measured.iter().enumerate() {
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.8).map(|(i, _)| i)
}

/// The longest name a did-you-mean is looked for: Keras's longest names
/// (`sparse_categorical_crossentropy`) are about half of it. Comparing costs
/// the product of the lengths, so a megabyte-long name from a hostile file
/// would cost seconds per candidate; no name that long is a typo of a short
/// one anyway.
pub const MAX_TYPO_LEN: usize = 64;

/// The closest known name to a misspelled one, when it is close enough to be
/// a plausible typo (`rleu` -> `relu`, `Relu` -> `relu`).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if name.len() > MAX_TYPO_LEN {
        return None;
    }
    let typo = Typo::new(name);
    let candidates: Vec<&str> = candidates.collect();
    let measured: Vec<(f64, usize)> = candidates.iter().map(|c| typo.measure(c)).collect();
    best_match(&measured).map(|i| candidates[i])
}

/// The correction for a misspelled name when there is exactly one plausible
/// one: the closest candidate, provided no candidate naming something else
/// scores as well. `same` says whether two candidates name the same thing
/// (`he_normal` and `HeNormal`); the returned name has the written name's
/// style (snake_case or CamelCase) where the catalog has both.
pub fn unambiguous_correction<'a>(
    name: &str,
    candidates: &[&'a str],
    same: &dyn Fn(&str, &str) -> bool,
) -> Option<&'a str> {
    if name.len() > MAX_TYPO_LEN {
        return None;
    }
    let typo = Typo::new(name);
    let measured: Vec<(f64, usize)> = candidates.iter().map(|c| typo.measure(c)).collect();
    let best_index = best_match(&measured)?;
    let best = candidates[best_index];
    let (top, edits) = measured[best_index];
    // A rival naming something else that is as few edits away, or scores
    // almost as well, makes it a guess (`xelu`: `elu`, `selu` or `gelu`?).
    if candidates
        .iter()
        .zip(&measured)
        .any(|(c, &(score, distance))| (score > top - 0.02 || distance <= edits) && !same(c, best))
    {
        return None;
    }
    let camel =
        |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !s.contains('_');
    let styled = candidates
        .iter()
        .zip(&measured)
        .filter(|(c, _)| camel(c) == camel(name) && same(c, best))
        .max_by(|(_, a), (_, b)| a.0.total_cmp(&b.0))
        .map(|(c, _)| *c);
    Some(styled.unwrap_or(best))
}

/// The activation a misspelled name stands for, when only one is plausible.
pub fn activation_correction(name: &str) -> Option<&'static str> {
    let names: Vec<&'static str> = catalog::ACTIVATIONS.iter().map(|a| a.name).collect();
    unambiguous_correction(name, &names, &|a, b| a == b)
}

/// The initializer a misspelled name stands for, when only one is plausible.
pub fn initializer_correction(name: &str) -> Option<&'static str> {
    let names: Vec<&'static str> = catalog::initializer_names().collect();
    let same = |a: &str, b: &str| {
        std::ptr::eq(
            catalog::initializer(a).map_or(std::ptr::null(), |i| i as *const _),
            catalog::initializer(b).map_or(std::ptr::null(), |i| i as *const _),
        )
    };
    unambiguous_correction(name, &names, &same)
}

/// The loss a misspelled name stands for, when only one is plausible.
pub fn loss_correction(name: &str) -> Option<&'static str> {
    let names: Vec<&'static str> = catalog::loss_names().collect();
    let same = |a: &str, b: &str| {
        std::ptr::eq(
            catalog::loss_info(a).map_or(std::ptr::null(), |i| i as *const _),
            catalog::loss_info(b).map_or(std::ptr::null(), |i| i as *const _),
        )
    };
    unambiguous_correction(name, &names, &same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_longer_than_any_typo_get_no_suggestion() {
        let long = format!("relu{}", "x".repeat(MAX_TYPO_LEN));
        assert_eq!(closest(&long, ["relu"].into_iter()), None);
        assert_eq!(
            unambiguous_correction(&long, &["relu"], &|a, b| a == b),
            None
        );
        assert_eq!(closest("rleu", ["relu"].into_iter()), Some("relu"));
    }

    #[test]
    fn suggestions() {
        let acts = || catalog::ACTIVATIONS.iter().map(|a| a.name);
        assert_eq!(closest("rleu", acts()), Some("relu"));
        assert_eq!(closest("Relu", acts()), Some("relu"));
        assert_eq!(closest("sigmiod", acts()), Some("sigmoid"));
        assert_eq!(closest("softmx", acts()), Some("softmax"));
        assert_eq!(closest("banana", acts()), None);
        assert_eq!(
            closest("he_norml", catalog::initializer_names()),
            Some("he_normal")
        );
        assert_eq!(
            closest("binary_crossentopy", catalog::loss_names()),
            Some("binary_crossentropy")
        );
    }

    #[test]
    fn corrections_must_be_unambiguous() {
        let names = ["relu", "selu", "elu", "sigmoid", "he_normal", "HeNormal"];
        let same = |a: &str, b: &str| {
            a == b
                || (a.eq_ignore_ascii_case("he_normal") || a == "HeNormal")
                    && (b.eq_ignore_ascii_case("he_normal") || b == "HeNormal")
        };
        assert_eq!(unambiguous_correction("rleu", &names, &same), Some("relu"));
        assert_eq!(
            unambiguous_correction("HeNormall", &names, &same),
            Some("HeNormal")
        );
        assert_eq!(
            unambiguous_correction("he_normall", &names, &same),
            Some("he_normal")
        );
        // `xelu` is as close to `selu` as to `elu`.
        assert_eq!(unambiguous_correction("xelu", &names, &same), None);
    }
}
