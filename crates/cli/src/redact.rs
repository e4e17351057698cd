//! URLs as `oac` prints them, by the one secret rule of the url crate
//! ([`oac::url::is_secret_name`], [`oac::url::masked_url`]): the value of every
//! secret-named query parameter (`?key=…`, `?api_token=…`, `?sig=…`, `?code=…`) is
//! masked, and so is the profile's key wherever it sits in a URL (`?foo=<key>`,
//! `/<key>/v1`), so `oac resolve` and `oac doctor` output can be pasted into a bug
//! report.

use oac::ResolvedProfile;
use oac::provider::ExposeSecret;
use oac::url::Url;

/// The secrets of `profile` that may appear in its URLs: the key.
pub fn secrets(profile: &ResolvedProfile) -> Vec<&str> {
    profile
        .api_key()
        .map(ExposeSecret::expose_secret)
        .into_iter()
        .collect()
}

/// Any text from the profile (a proxy, a rule) with the known `secrets` masked.
pub fn text(text: &str, secrets: &[&str]) -> String {
    match Url::parse(text) {
        Ok(parsed) => oac::url::masked_url(&parsed, secrets),
        Err(_) => oac::url::mask_values(text, secrets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, secrets: &[&str]) -> String {
        oac::url::masked_url(&Url::parse(text).unwrap(), secrets)
    }

    #[test]
    fn key_parameters_are_masked() {
        assert_eq!(
            shown(
                "https://gw.example.com/v1/chat/completions?api-key=sk-secret&x=1",
                &[]
            ),
            "https://gw.example.com/v1/chat/completions?api-key=***&x=1"
        );
        assert_eq!(
            shown("https://f.azurewebsites.net/api/chat?code=abc%3D%3D", &[]),
            "https://f.azurewebsites.net/api/chat?code=***"
        );
        assert_eq!(
            shown(
                "https://h/v1?API_KEY=a&Token=b&sig=c&access_token=d&key=e&api_token=f&access_key=g&auth_key=h",
                &[]
            ),
            "https://h/v1?API_KEY=***&Token=***&sig=***&access_token=***&key=***&api_token=***&access_key=***&auth_key=***"
        );
    }

    #[test]
    fn the_key_is_masked_anywhere() {
        assert_eq!(
            shown("https://h/sk-abcdef/v1?foo=sk-abcdef", &["sk-abcdef"]),
            "https://h/***/v1?foo=***"
        );
    }

    #[test]
    fn other_parameters_are_kept_exactly() {
        let azure = "https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-08-01-preview";
        assert_eq!(shown(azure, &[]), azure);
        assert_eq!(
            shown("https://h/v1?q=a%20b&region=1", &[]),
            "https://h/v1?q=a%20b&region=1"
        );
        assert_eq!(shown("https://h/v1", &[]), "https://h/v1");
    }
}
