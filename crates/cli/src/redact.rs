//! URLs as `oac` prints them, by the one secret rule of the url crate
//! ([`oac::url::is_secret_name`], [`oac::url::masked_url`]): the value of every
//! secret-named query parameter (`?key=…`, `?api_token=…`, `?sig=…`, `?code=…`) is
//! masked, and so is the profile's key wherever it sits in a URL (`?foo=<key>`,
//! `/<key>/v1`), so `oac resolve` and `oac doctor` output can be pasted into a bug
//! report.

use oac::ResolvedProfile;
use oac::provider::ExposeSecret;

/// The secrets of `profile` that may appear in its URLs: the key.
pub fn secrets(profile: &ResolvedProfile) -> Vec<&str> {
    profile
        .api_key()
        .map(ExposeSecret::expose_secret)
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {

    // The rule itself is tested in the url crate; here, that a proxy as `oac` shows
    // it (through `oac::url::masked_text`) keeps nothing of the key.
    #[test]
    fn parsed_and_unparsable_urls_are_masked() {
        use oac::url::masked_text;
        assert_eq!(
            masked_text("https://h/sk-abcdef/v1?api_token=t&x=1", &["sk-abcdef"]),
            "https://h/***/v1?api_token=***&x=1"
        );
        assert_eq!(
            masked_text("h:99999/v1?api_token=t&foo=sk-abcdef", &["sk-abcdef"]),
            "h:99999/v1?api_token=***&foo=***"
        );
    }
}
