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
        Err(_) => oac::url::masked_text(text, secrets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The rule itself is tested in the url crate; here, that both kinds of text use it.
    #[test]
    fn parsed_and_unparsable_urls_are_masked() {
        assert_eq!(
            text("https://h/sk-abcdef/v1?api_token=t&x=1", &["sk-abcdef"]),
            "https://h/***/v1?api_token=***&x=1"
        );
        assert_eq!(
            text("h:99999/v1?api_token=t&foo=sk-abcdef", &["sk-abcdef"]),
            "h:99999/v1?api_token=***&foo=***"
        );
    }
}
