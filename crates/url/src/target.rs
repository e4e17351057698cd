//! The validated URL split into what the rules look at (host, trimmed path,
//! query) and what every derived URL shares (scheme, host, port).

use url::Url;

use crate::path;
use crate::query::Query;

/// A validated http(s) URL, taken apart.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// Scheme, host and port; empty path, no query.
    origin: Url,
    /// Lower-case host.
    pub(crate) host: String,
    /// The path with trailing slashes dropped (rule 4): `""` or `/a/b`.
    pub(crate) path: String,
    /// The URL's own query.
    pub(crate) query: Query,
}

impl Target {
    pub(crate) fn new(mut url: Url) -> Self {
        let path = path::trim_trailing_slashes(url.path()).to_owned();
        let query = Query::parse(url.query());
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        url.set_query(None);
        url.set_fragment(None);
        url.set_path("");
        Self {
            origin: url,
            host,
            path,
            query,
        }
    }

    /// The URL on this origin with `path` (already encoded) and `query`.
    pub(crate) fn url(&self, path: &str, query: Option<&str>) -> Url {
        let mut url = self.origin.clone();
        url.set_path(path);
        url.set_query(query);
        url
    }
}
