//! Did-you-mean: the one rule every crate of the workspace suggests a correction with
//! (a mistyped key, choice word, price field or model id). It lives here because this
//! is the lowest crate that suggests words and it depends on no crate of ours; the
//! provider crate re-exports it (`oac_provider::choice::closest`).

/// The closest of `candidates` to `input`, when one is close enough to be a typo:
/// Jaro–Winkler similarity of at least 0.8, ignoring ASCII case (good at prefixes
/// and transpositions, the usual typos in keys). With equal scores, the first wins.
///
/// ```
/// use oac_pricing::closest;
///
/// assert_eq!(closest("base_ur", ["model", "base_url"]), Some("base_url"));
/// assert_eq!(closest("GPT4o", ["gpt-4o", "gpt-4o-mini"]), Some("gpt-4o"));
/// assert_eq!(closest("zzz", ["model", "base_url"]), None);
/// ```
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    const THRESHOLD: f64 = 0.8;
    let input = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let score = strsim::jaro_winkler(&input, &candidate.to_ascii_lowercase());
            (candidate, score)
        })
        .filter(|(_, score)| *score >= THRESHOLD)
        .fold(
            None,
            |best: Option<(&str, f64)>, (candidate, score)| match best {
                Some((_, best_score)) if best_score >= score => best,
                _ => Some((candidate, score)),
            },
        )
        .map(|(candidate, _)| candidate)
}
