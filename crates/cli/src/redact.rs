//! URLs as `oac` prints them: the value of a query parameter that usually carries a
//! credential (`?key=…`, `?api-key=…`, `?token=…`, `?sig=…`) is masked, so
//! `oac resolve` and `oac doctor` output can be pasted into a bug report.

use oac::Endpoints;
use oac::url::Url;

/// What a masked value is shown as.
pub const MASK: &str = "***";

/// Query parameter names whose values are credentials, compared ignoring case with
/// `_` read as `-`. `api-version` and other settings are not among them.
const SECRET_PARAMETERS: &[&str] = &[
    "key",
    "api-key",
    "apikey",
    "x-api-key",
    "subscription-key",
    "ocp-apim-subscription-key",
    "token",
    "access-token",
    "auth-token",
    "id-token",
    "refresh-token",
    "auth",
    "authorization",
    "sig",
    "signature",
    "secret",
    "client-secret",
    "password",
    "code",
];

/// Whether the query parameter `name` carries a credential.
fn is_secret(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase().replace('_', "-");
    SECRET_PARAMETERS.contains(&name.as_str())
}

/// `url` with the value of every credential-carrying query parameter replaced by
/// [`MASK`]; every other part exactly as it was.
pub fn url(url: &Url) -> Url {
    let Some(query) = url.query() else {
        return url.clone();
    };
    let mut masked_any = false;
    let pieces: Vec<String> = query
        .split('&')
        .map(|piece| {
            let (name, _) = piece.split_once('=').unwrap_or((piece, ""));
            let decoded: String = url_decode(name);
            if is_secret(&decoded) {
                masked_any = true;
                format!("{name}={MASK}")
            } else {
                piece.to_owned()
            }
        })
        .collect();
    let mut shown = url.clone();
    if masked_any {
        shown.set_query(Some(&pieces.join("&")));
    }
    shown
}

/// `endpoints` with their URLs masked as [`url`] does.
pub fn endpoints(endpoints: &Endpoints) -> Endpoints {
    let mut shown = endpoints.clone();
    shown.chat = url(&endpoints.chat);
    shown.models = endpoints.models.as_ref().map(url);
    shown
}

/// A query parameter name as the server reads it (`%2D` → `-`, `+` → space), with the
/// `url` crate's own form decoding.
fn url_decode(name: &str) -> String {
    Url::parse(&format!("http://h/?{name}="))
        .ok()
        .and_then(|url| {
            url.query_pairs()
                .next()
                .map(|(decoded, _)| decoded.into_owned())
        })
        .unwrap_or_else(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        url(&Url::parse(text).unwrap()).to_string()
    }

    #[test]
    fn key_parameters_are_masked() {
        assert_eq!(
            shown("https://gw.example.com/v1/chat/completions?api-key=sk-secret&x=1"),
            "https://gw.example.com/v1/chat/completions?api-key=***&x=1"
        );
        assert_eq!(
            shown("https://f.azurewebsites.net/api/chat?code=abc%3D%3D"),
            "https://f.azurewebsites.net/api/chat?code=***"
        );
        assert_eq!(
            shown("https://h/v1?API_KEY=a&Token=b&sig=c&access_token=d&key=e"),
            "https://h/v1?API_KEY=***&Token=***&sig=***&access_token=***&key=***"
        );
    }

    #[test]
    fn encoded_names_are_recognised() {
        assert_eq!(
            shown("https://h/v1?api%2Dkey=s"),
            "https://h/v1?api%2Dkey=***"
        );
    }

    #[test]
    fn other_parameters_are_kept_exactly() {
        let azure = "https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-08-01-preview";
        assert_eq!(shown(azure), azure);
        assert_eq!(
            shown("https://h/v1?keyword=a%20b&monkey=1"),
            "https://h/v1?keyword=a%20b&monkey=1"
        );
        assert_eq!(shown("https://h/v1"), "https://h/v1");
    }
}
