//! The one rule for secrets in URLs and headers: which parameter or header names
//! carry a credential ([`is_secret_name`]), and how a URL is shown with them masked
//! ([`masked_url`]). Every crate of ours that shows a URL, a header or a query
//! parameter asks these two functions.

use url::Url;

/// What a masked value is shown as.
pub const MASK: &str = "***";

/// Secret values shorter than this are not searched for by value: replacing every
/// `ab` in a URL would garble it, and such a short value is no credential. (They are
/// still masked by name.)
pub const MIN_SECRET_LEN: usize = 4;

/// Pieces that make any name containing them secret (`x-api-key`, `apikey`,
/// `access_token`, `Authorization`, `X-Client-Secret`, `Cookie`, …).
const SECRET_PARTS: &[&str] = &[
    "key",
    "token",
    "secret",
    "passw",
    "auth",
    "cookie",
    "session",
    "credential",
    "signature",
    "bearer",
    "jwt",
];

/// Whole words (between non-alphanumeric characters) that make a name secret: too
/// short to be searched for inside other words (`sig`, Azure Functions' `code`).
const SECRET_WORDS: &[&str] = &["sig", "code", "pwd", "pass", "sas", "otp"];

/// Whether the query parameter or header `name` carries a credential: its value is
/// masked wherever it is shown and a header of that name is marked sensitive.
///
/// Compared ignoring ASCII case: a name containing `key`, `token`, `secret`,
/// `passw`, `auth`, `cookie`, `session`, `credential`, `signature`, `bearer` or `jwt`,
/// or having `sig`, `code`, `pwd`, `pass`, `sas` or `otp` as a whole word
/// (`x-sig`, `code`). Settings such as `api-version` are not secret.
///
/// ```
/// use oac_url::is_secret_name;
///
/// for name in ["api_key", "X-Api-Key", "access_token", "auth_key", "sig", "code", "Cookie"] {
///     assert!(is_secret_name(name), "{name}");
/// }
/// for name in ["api-version", "X-Title", "OpenAI-Organization", "model", "region"] {
///     assert!(!is_secret_name(name), "{name}");
/// }
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    SECRET_PARTS.iter().any(|part| name.contains(part))
        || name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| SECRET_WORDS.contains(&word))
}

/// `url` as text for people: a userinfo password, the value of every query parameter whose name is
/// secret ([`is_secret_name`], the name read percent-decoded) replaced by [`MASK`],
/// and every piece of the URL (userinfo, host, path segment, query name or value)
/// that contains one of the known `secrets` (an API key, in any percent-encoding)
/// replaced by [`MASK`] too. Everything else is kept exactly as it was (the query is
/// not re-encoded).
///
/// ```
/// use oac_url::{Url, masked_url};
///
/// let url = Url::parse("https://h.example/sk-live-123/v1?api_token=t0k&foo=sk-live-123&x=1")?;
/// assert_eq!(masked_url(&url, &["sk-live-123"]), "https://h.example/***/v1?api_token=***&foo=***&x=1");
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn masked_url(url: &Url, secrets: &[&str]) -> String {
    let mut url = url.clone();
    if url.password().is_some() {
        // A password in the userinfo is a secret by definition.
        let _ = url.set_password(Some(MASK));
    }
    let text = url.as_str();
    let (before_query, query) = match (url.query(), text.find('?')) {
        (Some(query), Some(at)) => (&text[..at], Some(query)),
        _ => (text, None),
    };
    let mut shown = before_query.to_owned();
    if let Some(query) = query {
        shown.push('?');
        shown.push_str(&masked_query(query));
        if let Some(fragment) = url.fragment() {
            shown.push('#');
            shown.push_str(fragment);
        }
    }
    mask_values(&shown, secrets)
}

/// A query string (without `?`) with the value of each secret-named parameter
/// masked; everything else as it was.
fn masked_query(query: &str) -> String {
    let pieces: Vec<String> = query
        .split('&')
        .map(|piece| match piece.split_once('=') {
            Some((name, _)) if is_secret_name(&decode(name)) => format!("{name}={MASK}"),
            _ => piece.to_owned(),
        })
        .collect();
    pieces.join("&")
}

/// A URL as typed (perhaps not a valid one: it is quoted in an error message) with
/// its secrets masked, without re-writing anything else: a userinfo password, the
/// values of secret-named query parameters ([`is_secret_name`]) and the known
/// `secrets` anywhere. Text that is one token looking like an API key
/// ([`looks_like_key`], a key pasted where the URL belongs) is described instead.
///
/// ```
/// use oac_url::masked_text;
///
/// assert_eq!(masked_text("api.example.com/v1?api_token=t0k&x=1", &[]), "api.example.com/v1?api_token=***&x=1");
/// assert_eq!(masked_text("ftp://me:hunter22@h/v1", &[]), "ftp://me:***@h/v1");
/// assert_eq!(
///     masked_text("sk-proj-abc123DEF456ghi789", &[]),
///     "(26 characters, not shown because they look like an API key)"
/// );
/// ```
pub fn masked_text(text: &str, secrets: &[&str]) -> String {
    let trimmed = text.trim();
    if !trimmed.contains(['/', '.', ':']) && looks_like_key(trimmed) {
        return format!(
            "({} characters, not shown because they look like an API key)",
            trimmed.chars().count()
        );
    }
    let (before_fragment, fragment) = match text.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (text, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (before_fragment, None),
    };
    let mut shown = masked_userinfo(before_query);
    if let Some(query) = query {
        shown.push('?');
        shown.push_str(&masked_query(query));
    }
    if let Some(fragment) = fragment {
        shown.push('#');
        shown.push_str(fragment);
    }
    mask_values(&shown, secrets)
}

/// `scheme://user:password@host…` with the password masked.
fn masked_userinfo(text: &str) -> String {
    let start = text.find("://").map_or(0, |at| at + 3);
    let authority_end = text[start..].find('/').map_or(text.len(), |at| start + at);
    let authority = &text[start..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:{MASK}{}", &text[..start], &text[start + at..]),
            None => text.to_owned(),
        },
        None => text.to_owned(),
    }
}

/// `text` (a URL, or part of one) with every known secret masked: as typed, and in
/// every piece between URL delimiters whose percent-decoded form contains it.
pub fn mask_values(text: &str, secrets: &[&str]) -> String {
    let secrets: Vec<&str> = secrets
        .iter()
        .map(|secret| secret.trim())
        .filter(|secret| secret.len() >= MIN_SECRET_LEN)
        .collect();
    if secrets.is_empty() {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for secret in &secrets {
        if out.contains(secret) {
            out = out.replace(secret, MASK);
        }
    }
    let mut shown = String::with_capacity(out.len());
    let mut piece = String::new();
    let flush = |piece: &mut String, shown: &mut String| {
        let decoded = decode(piece);
        let plain = decode_path(piece);
        if secrets
            .iter()
            .any(|secret| decoded.contains(secret) || plain.contains(secret))
        {
            shown.push_str(MASK);
        } else {
            shown.push_str(piece);
        }
        piece.clear();
    };
    for c in out.chars() {
        if matches!(c, '/' | '?' | '&' | '=' | '#' | '@' | ':' | ';' | ',') {
            flush(&mut piece, &mut shown);
            shown.push(c);
        } else {
            piece.push(c);
        }
    }
    flush(&mut piece, &mut shown);
    shown
}

/// Prefixes that providers put on their API keys (OpenAI and DeepSeek `sk-`,
/// Groq `gsk_`, xAI `xai-`, Perplexity `pplx-`, Fireworks `fw_`, Hugging Face `hf_`,
/// Google `AIza`, NVIDIA `nvapi-`, Replicate `r8_`, GitHub `ghp_`/`github_pat_`,
/// GitLab `glpat-`).
const KEY_PREFIXES: &[&str] = &[
    "sk-",
    "sk_",
    "gsk_",
    "xai-",
    "pplx-",
    "fw_",
    "hf_",
    "AIza",
    "nvapi-",
    "r8_",
    "ghp_",
    "github_pat_",
    "glpat-",
];

/// Whether `text`, given where a name, a path or a URL belongs, could be an API key
/// pasted there by mistake, and so must not be echoed in a message, `Debug` output
/// or a written file. It is the one rule for "this looks like a key".
///
/// True when the text, or one of its `/`- or `\`-separated pieces, is a single
/// token (letters, digits, `-`, `_`, `+`, `=`; no `.`, no spaces) that
/// - starts with a known key prefix (`sk-`, `gsk_`, `xai-`, `AIza`, …) and is 12 or more characters,
/// - or is 16 or more letters and digits, with both (`AKIAIOSFODNN7EXAMPLE`),
/// - or is 20 or more characters mixing upper case, lower case and digits,
/// - or is 32 or more hexadecimal digits.
///
/// File names (`openai.key`), ordinary paths (`~/keys/my_project_2024`) and
/// conventional variable names (`TOGETHER_API_KEY`) are not keys.
///
/// ```
/// use oac_url::looks_like_key;
///
/// assert!(looks_like_key("sk-proj-abc123DEF456ghi789"));
/// assert!(looks_like_key("/home/me/keys/gsk_0123456789abcdefABCD"));
/// assert!(!looks_like_key("~/.config/oac/keys/openai.key"));
/// assert!(!looks_like_key("TOGETHER_API_KEY"));
/// ```
pub fn looks_like_key(text: &str) -> bool {
    text.trim()
        .split(['/', '\\'])
        .any(|piece| piece_looks_like_key(piece.trim()))
}

fn piece_looks_like_key(piece: &str) -> bool {
    let token = !piece.is_empty()
        && piece
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '='));
    if !token {
        return false;
    }
    let len = piece.len();
    let digits = piece.chars().any(|c| c.is_ascii_digit());
    let upper = piece.chars().any(|c| c.is_ascii_uppercase());
    let lower = piece.chars().any(|c| c.is_ascii_lowercase());
    let prefixed = len >= 12 && KEY_PREFIXES.iter().any(|prefix| piece.starts_with(prefix));
    let alphanumeric = piece.chars().all(|c| c.is_ascii_alphanumeric());
    let generated = len >= 16 && digits && (upper || lower) && alphanumeric;
    let mixed = len >= 20 && digits && upper && lower;
    let hex = len >= 32 && piece.chars().all(|c| c.is_ascii_hexdigit());
    prefixed || generated || mixed || hex
}

/// A query piece (no `&` or `=` in it) as a server reads it: `+` is a space,
/// `%XX` a byte; the url crate's own form decoding.
fn decode(piece: &str) -> String {
    crate::query::decode_component(piece)
}

/// A path piece decoded: `%XX` a byte, `+` kept.
fn decode_path(piece: &str) -> String {
    crate::query::decode_component(&piece.replace('+', "%2B"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn shown(text: &str, secrets: &[&str]) -> String {
        masked_url(&Url::parse(text).unwrap(), secrets)
    }

    #[test]
    fn secret_names_one_rule() {
        for name in [
            "key",
            "api-key",
            "API_KEY",
            "apikey",
            "x-api-key",
            "subscription-key",
            "Ocp-Apim-Subscription-Key",
            "token",
            "access_token",
            "api_token",
            "access_key",
            "auth_key",
            "auth",
            "Authorization",
            "Proxy-Authorization",
            "sig",
            "signature",
            "secret",
            "client_secret",
            "password",
            "code",
            "Cookie",
            "X-Session-Id",
            "X-Auth-Token",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "api-version",
            "X-Title",
            "HTTP-Referer",
            "User-Agent",
            "OpenAI-Organization",
            "Content-Type",
            "model",
            "region",
            "deployment",
            "codex-mode",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn names_mask_values_and_keep_the_rest() {
        assert_eq!(
            shown(
                "https://gw.example.com/v1/chat/completions?api-key=sk-secret&x=1",
                &[]
            ),
            "https://gw.example.com/v1/chat/completions?api-key=***&x=1"
        );
        assert_eq!(
            shown("https://h/v1?api%2Dkey=s&api-version=2024-10-21", &[]),
            "https://h/v1?api%2Dkey=***&api-version=2024-10-21"
        );
        assert_eq!(
            shown("https://h/v1?q=a%20b&model=x", &[]),
            "https://h/v1?q=a%20b&model=x"
        );
        assert_eq!(shown("https://h/v1", &[]), "https://h/v1");
    }

    #[test]
    fn known_values_are_masked_anywhere() {
        assert_eq!(
            shown("https://h/sk-abc123/v1?foo=sk-abc123", &["sk-abc123"]),
            "https://h/***/v1?foo=***"
        );
        assert_eq!(
            shown("https://h/v1?foo=sk%2Dabc123", &["sk-abc123"]),
            "https://h/v1?foo=***"
        );
        assert_eq!(
            shown("https://h/v1/p%73k-abc123x", &["sk-abc123"]),
            "https://h/v1/***"
        );
        assert_eq!(
            shown("http://user:hunter22@proxy:3128", &[]),
            "http://user:***@proxy:3128/"
        );
        // Short values are not searched for.
        assert_eq!(shown("https://h/ab/v1", &["ab"]), "https://h/ab/v1");
    }

    #[test]
    fn keys_pasted_where_they_do_not_belong() {
        for text in [
            "sk-abc123def456",
            "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7",
            "gsk_0123456789abcdefghij",
            "AIzaSyA1234567890abcdefgh",
            "AKIAIOSFODNN7EXAMPLE",
            "0123456789abcdef0123456789abcdef",
            "xK8fLm2QpR7sT9vW3yZ5aB1c",
            "keys/sk-abc123def456",
            "C:\\keys\\sk-abc123def456",
            " sk-abc123def456\n",
        ] {
            assert!(looks_like_key(text), "{text:?}");
        }
        for text in [
            "",
            "openai.key",
            "~/.config/oac/keys/openai.key",
            "/etc/ssl/certs/ca-certificates.crt",
            "keys/my_project_2024_keys",
            "TOGETHER_API_KEY",
            "OPENAI_API_KEY_2",
            "catalog.toml",
            "sk-short",
            "my-project-settings",
            "/home/me/llm/config/deepseek-reasoner",
        ] {
            assert!(!looks_like_key(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn a_secret_named_value_or_the_key_is_never_shown(
            key in "[A-Za-z0-9_\\-\\.~+/=]{8,40}",
            value in "[A-Za-z0-9]{10,20}",
            prefix in "(x_|x-|)",
            word in "(api_key|api_token|access_key|auth_key|key|token|sig|code|secret|password|apikey|X-Api-Key)",
            place in 0..4usize,
        ) {
            let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
            let text = match place {
                0 => format!("https://h.example/{encoded}/v1?{prefix}{word}={value}"),
                1 => format!("https://h.example/v1?foo={encoded}&{prefix}{word}={value}&a=1"),
                2 => format!("https://h.example/v1/x{encoded}y?{prefix}{word}={value}#f"),
                _ => format!("https://h.example/v1?{prefix}{word}={value}&bar={key}"),
            };
            let url = Url::parse(&text).unwrap();
            let masked = masked_url(&url, &[&key]);
            prop_assert!(!masked.contains(&value), "{masked}");
            prop_assert!(!masked.contains(&key), "{masked}");
            prop_assert!(!decode(&masked).contains(&key), "{masked}");
        }
    }
}
