//! Rule 4, query part: the URL's query is kept byte for byte (signed or
//! pre-encoded values survive) and carried to every derived endpoint;
//! configured parameters are merged in and win on a clash.

use url::form_urlencoded;

use crate::UrlError;

/// A query string as an ordered list of pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<Pair>,
}

/// One query component (a name or a value, holding no `&` or `=`) decoded as a
/// server reads it: `+` is a space, `%XX` a byte, invalid UTF-8 replaced.
pub(crate) fn decode_component(piece: &str) -> String {
    form_urlencoded::parse(piece.as_bytes())
        .next()
        .map(|(name, _)| name.into_owned())
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pair {
    /// Decoded name, for comparison.
    name: String,
    /// Decoded value, for reading.
    value: String,
    /// `name=value` exactly as it will be written.
    raw: String,
}

impl Pair {
    fn from_raw(raw: &str) -> Self {
        let (name, value) = form_urlencoded::parse(raw.as_bytes())
            .next()
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .unwrap_or_default();
        Self {
            name,
            value,
            raw: raw.to_owned(),
        }
    }

    fn encoded(name: &str, value: &str) -> Self {
        let raw = form_urlencoded::Serializer::new(String::new())
            .append_pair(name, value)
            .finish();
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
            raw,
        }
    }
}

impl Query {
    /// The pairs of a raw query string (`None` or empty: no pairs). Empty pieces
    /// (`a=1&&b=2`, a trailing `&`) are dropped.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(Pair::from_raw)
            .collect();
        Self { pairs }
    }

    /// The decoded value of the first parameter named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|pair| pair.name == name)
            .map(|pair| pair.value.as_str())
    }

    /// Makes sure `name` has a value: appends `name=value` when absent, fills
    /// it in when present but empty, keeps it otherwise.
    pub(crate) fn fill(&mut self, name: &str, value: &str) {
        match self.pairs.iter_mut().find(|pair| pair.name == name) {
            Some(pair) if pair.value.is_empty() => *pair = Pair::encoded(name, value),
            Some(_) => {}
            None => self.pairs.push(Pair::encoded(name, value)),
        }
    }

    /// Merges configured parameters, which win on a clash: a configured name
    /// takes the place of the first parameter of that name (later ones are
    /// dropped); names not present are appended in configured order. Repeated
    /// configured names are all kept (`tag=a&tag=b`).
    pub(crate) fn merge(&mut self, configured: &[(String, String)]) {
        let configured_pairs = |name: &str| {
            configured
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(n, v)| Pair::encoded(n, v))
                .collect::<Vec<_>>()
        };
        let mut placed: Vec<&str> = Vec::new();
        let mut merged = Vec::with_capacity(self.pairs.len() + configured.len());
        for pair in std::mem::take(&mut self.pairs) {
            match configured.iter().find(|(name, _)| *name == pair.name) {
                None => merged.push(pair),
                Some((name, _)) if !placed.contains(&name.as_str()) => {
                    placed.push(name);
                    merged.extend(configured_pairs(name));
                }
                Some(_) => {}
            }
        }
        for (name, _) in configured {
            if !placed.contains(&name.as_str()) {
                placed.push(name);
                merged.extend(configured_pairs(name));
            }
        }
        self.pairs = merged;
    }

    /// The query string to set on a URL, `None` when there are no parameters.
    pub(crate) fn to_query_string(&self) -> Option<String> {
        if self.pairs.is_empty() {
            return None;
        }
        let raws: Vec<&str> = self.pairs.iter().map(|pair| pair.raw.as_str()).collect();
        Some(raws.join("&"))
    }
}

/// `url` with `params` merged into its query by the rule every derived endpoint
/// follows: the URL's own parameters are kept byte for byte, a parameter in
/// `params` takes the place of the first one of the same name (later ones are
/// dropped), new names are appended in order, and repeated names in `params` are
/// all kept. Providers use it for per-request query parameters, so a request's
/// query follows the same rule as the profile's.
///
/// ```
/// use oac_url::{Url, merge_query};
///
/// let url = Url::parse("https://x.example/v1/chat/completions?sig=a%2Bb&api-version=1").unwrap();
/// let merged = merge_query(&url, &[("api-version".into(), "2".into()), ("tag".into(), "a b".into())]);
/// assert_eq!(merged.query(), Some("sig=a%2Bb&api-version=2&tag=a+b"));
/// ```
pub fn merge_query(url: &url::Url, params: &[(String, String)]) -> url::Url {
    if params.is_empty() {
        return url.clone();
    }
    let mut query = Query::parse(url.query());
    query.merge(params);
    let mut merged = url.clone();
    merged.set_query(query.to_query_string().as_deref());
    merged
}

/// The decoded value of `url`'s first query parameter named `name` (names compared
/// decoded), by the same decoding every query rule of the workspace uses.
///
/// ```
/// use oac_url::{Url, query_value};
///
/// let url = Url::parse("https://x.example/v1?api%2Dversion=2024-10-21&tag=a+b").unwrap();
/// assert_eq!(query_value(&url, "api-version").as_deref(), Some("2024-10-21"));
/// assert_eq!(query_value(&url, "tag").as_deref(), Some("a b"));
/// assert_eq!(query_value(&url, "missing"), None);
/// ```
pub fn query_value(url: &url::Url, name: &str) -> Option<String> {
    Query::parse(url.query()).get(name).map(str::to_owned)
}

/// Configured parameters must have names.
pub(crate) fn validate_configured(configured: &[(String, String)]) -> Result<(), UrlError> {
    if configured.iter().any(|(name, _)| name.trim().is_empty()) {
        return Err(UrlError::QueryNameRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn merged(raw: Option<&str>, configured: &[(&str, &str)]) -> Option<String> {
        let mut query = Query::parse(raw);
        query.merge(&config(configured));
        query.to_query_string()
    }

    #[test]
    fn url_query_is_kept_byte_for_byte() {
        assert_eq!(
            merged(Some("sig=a%2Bb%3D&x=a%20b&y=c+d"), &[]).as_deref(),
            Some("sig=a%2Bb%3D&x=a%20b&y=c+d")
        );
    }

    #[test]
    fn empty_query_and_empty_pieces_are_dropped() {
        assert_eq!(merged(Some(""), &[]), None);
        assert_eq!(merged(Some("a=1&&b=2&"), &[]).as_deref(), Some("a=1&b=2"));
    }

    #[test]
    fn configured_parameters_are_appended_in_order() {
        assert_eq!(
            merged(Some("tenant=a"), &[("z", "1"), ("b", "2")]).as_deref(),
            Some("tenant=a&z=1&b=2")
        );
    }

    #[test]
    fn configuration_wins_on_a_clash_in_place() {
        assert_eq!(
            merged(Some("a=1&tenant=url&b=2"), &[("tenant", "config")]).as_deref(),
            Some("a=1&tenant=config&b=2")
        );
    }

    #[test]
    fn clash_drops_later_url_duplicates() {
        assert_eq!(
            merged(Some("t=1&a=2&t=3"), &[("t", "c")]).as_deref(),
            Some("t=c&a=2")
        );
    }

    #[test]
    fn clash_is_found_on_decoded_names() {
        assert_eq!(
            merged(Some("api%2Dversion=1"), &[("api-version", "2")]).as_deref(),
            Some("api-version=2")
        );
    }

    #[test]
    fn repeated_configured_names_are_all_kept() {
        assert_eq!(
            merged(Some("x=1&tag=u"), &[("tag", "a"), ("tag", "b")]).as_deref(),
            Some("x=1&tag=a&tag=b")
        );
    }

    #[test]
    fn configured_values_are_encoded() {
        assert_eq!(
            merged(None, &[("q", "a b&c=d")]).as_deref(),
            Some("q=a+b%26c%3Dd")
        );
    }

    #[test]
    fn fill_keeps_an_existing_value() {
        let mut query = Query::parse(Some("api-version=2024-10-21"));
        query.fill("api-version", "default");
        assert_eq!(
            query.to_query_string().as_deref(),
            Some("api-version=2024-10-21")
        );
    }

    #[test]
    fn fill_appends_a_missing_value() {
        let mut query = Query::parse(Some("a=1"));
        query.fill("api-version", "default");
        assert_eq!(
            query.to_query_string().as_deref(),
            Some("a=1&api-version=default")
        );
    }

    #[test]
    fn fill_replaces_an_empty_value_in_place() {
        let mut query = Query::parse(Some("api-version=&a=1"));
        query.fill("api-version", "default");
        assert_eq!(
            query.to_query_string().as_deref(),
            Some("api-version=default&a=1")
        );
    }

    #[test]
    fn empty_configured_name_is_rejected() {
        assert_eq!(
            validate_configured(&config(&[(" ", "x")])),
            Err(UrlError::QueryNameRequired)
        );
        assert_eq!(validate_configured(&config(&[("a", "")])), Ok(()));
    }
}
