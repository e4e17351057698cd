//! The rules a profile's typed values must follow, whether they came from a file,
//! an import or code: model id, temperature range, timeouts, proxy, prices and
//! tiers, output tokens against the context window.

use oac_pricing::PriceError;
use oac_url::Url;

use crate::model_info::{ModelInfo, ModelInfoOverrides};
use crate::problem::{ProblemKind, Report, child};
use crate::profile::Profile;
use crate::schema;

/// Checks the values of one profile as written; `at` is its path (`profiles.x`,
/// or empty for a profile built in code). Each setting's rules are named by its
/// entry in the schema.
pub(crate) fn profile(p: &Profile, at: &str, report: &mut Report) {
    schema::check_fields(p, at, report);
}

/// `model`, when set: not blank.
pub(crate) fn model_setting(model: &Option<String>, path: &str, report: &mut Report) {
    if let Some(model) = model {
        model_id(model, path, report);
    }
}

/// `temperature`, when set: 0 to 2.
pub(crate) fn temperature_setting(value: &Option<f64>, path: &str, report: &mut Report) {
    if let Some(value) = value {
        temperature(*value, path, report);
    }
}

/// `proxy`, when set: an http, https or SOCKS URL with a host.
pub(crate) fn proxy_setting(value: &Option<String>, path: &str, report: &mut Report) {
    if let Some(value) = value {
        proxy(value, path, report);
    }
}

/// A model id must not be blank.
pub(crate) fn model_id(model: &str, path: &str, report: &mut Report) {
    if model.trim().is_empty() {
        report.problem(
            ProblemKind::EmptyModel,
            path,
            "the model id is empty; set it to the id the provider expects, e.g. `gpt-4o-mini` or `meta-llama/Llama-3.3-70B-Instruct-Turbo`",
        );
    }
}

fn temperature(value: f64, path: &str, report: &mut Report) {
    if !(0.0..=2.0).contains(&value) {
        report.problem(
            ProblemKind::TemperatureOutOfRange,
            path,
            format!("temperature {value} is out of range; use a value from 0 to 2 (or remove it to let the provider decide)"),
        );
    }
}

fn proxy(proxy: &str, path: &str, report: &mut Report) {
    const SCHEMES: [&str; 4] = ["http", "https", "socks5", "socks5h"];
    let problem = match Url::parse(proxy.trim()) {
        Ok(url) if !SCHEMES.contains(&url.scheme()) => Some(format!(
            "the proxy uses the `{}` scheme; use http, https, socks5 or socks5h, e.g. http://proxy.example.com:8080",
            url.scheme()
        )),
        Ok(url) if url.host().is_none() => Some(
            "the proxy URL has no host; write it like http://proxy.example.com:8080".to_owned(),
        ),
        Ok(_) => None,
        // The text may carry proxy credentials: only the parser's reason is shown.
        Err(err) => Some(format!(
            "the proxy is not a valid URL ({err}); write it like http://proxy.example.com:8080"
        )),
    };
    if let Some(message) = problem {
        report.problem(ProblemKind::InvalidProxy, path, message);
    }
}

/// Checks a `model_info` table as written.
pub(crate) fn model_info(o: &ModelInfoOverrides, at: &str, report: &mut Report) {
    if o.context_window == Some(0) {
        report.problem(
            ProblemKind::InvalidValue,
            child(at, "context_window"),
            "context_window is 0; set the model's context window in tokens, e.g. 128000",
        );
    }
    if let (Some(max_output), Some(context)) = (o.max_output_tokens, o.context_window) {
        max_output_within_context(max_output, context, &child(at, "max_output_tokens"), report);
    }
    for problem in o.prices.problems() {
        let (field, cause) = match problem {
            PriceError::InField { field, source } => (field, *source),
            other => (String::new(), other),
        };
        let kind = match cause {
            PriceError::NegativeValue { .. } | PriceError::NegativePrice { .. } => {
                ProblemKind::NegativePrice
            }
            PriceError::TiersNotAscending { .. } => ProblemKind::TiersNotAscending,
            _ => ProblemKind::InvalidValue,
        };
        let path = if field.is_empty() {
            at.to_owned()
        } else if at.is_empty() {
            field
        } else {
            format!("{at}.{field}")
        };
        report.problem(kind, path, cause.to_string());
    }
}

/// Checks the merged info when one of the two numbers came from the base (the
/// compatible default or a catalogue entry); when both came from `model_info`,
/// [`model_info`] already did.
pub(crate) fn merged_model_info(
    info: &ModelInfo,
    overrides: &ModelInfoOverrides,
    at: &str,
    report: &mut Report,
) {
    if overrides.max_output_tokens.is_some() && overrides.context_window.is_some() {
        return;
    }
    let Some(max_output) = info.max_output_tokens else {
        return;
    };
    let path = if overrides.max_output_tokens.is_some() {
        child(at, "max_output_tokens")
    } else if overrides.context_window.is_some() {
        child(at, "context_window")
    } else {
        return;
    };
    max_output_within_context(max_output, info.context_window, &path, report);
}

fn max_output_within_context(max_output: u32, context: u32, path: &str, report: &mut Report) {
    if max_output > context {
        report.problem(
            ProblemKind::MaxOutputAboveContext,
            path,
            format!(
                "max_output_tokens {max_output} is larger than context_window {context}; lower max_output_tokens or set context_window to the model's real window (the default is {})",
                ModelInfo::compatible_default().context_window
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(p: &Profile) -> Vec<String> {
        let mut report = Report::default();
        profile(p, "p", &mut report);
        report.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn temperature_edges_are_allowed() {
        for t in [0.0, 2.0, 1.0] {
            let p = Profile {
                temperature: Some(t),
                ..Profile::default()
            };
            assert!(problems(&p).is_empty(), "{t}");
        }
    }

    #[test]
    fn nan_temperature_is_out_of_range() {
        let p = Profile {
            temperature: Some(f64::NAN),
            ..Profile::default()
        };
        assert_eq!(problems(&p).len(), 1);
    }

    #[test]
    fn proxy_with_credentials_is_accepted_and_never_echoed() {
        let mut p = Profile {
            proxy: Some("http://user:pw@proxy:8080".into()),
            ..Profile::default()
        };
        assert!(problems(&p).is_empty());
        p.proxy = Some("ftp://user:pw@proxy".into());
        let shown = problems(&p).join("\n");
        assert!(!shown.contains("pw"), "{shown}");
    }

    #[test]
    fn max_output_from_default_context_window() {
        let mut overrides = ModelInfoOverrides::default();
        overrides.max_output_tokens = Some(200_000);
        let info = ModelInfo::compatible_default().with_overrides(&overrides);
        let mut report = Report::default();
        merged_model_info(&info, &overrides, "p.model_info", &mut report);
        assert_eq!(report.problems.len(), 1);
        assert_eq!(report.problems[0].path, "p.model_info.max_output_tokens");
    }
}
