//! What the loader checks of a native profile against its model, beyond the
//! catalogue data: a reasoning effort the model refuses (a problem: every request
//! would fail), settings the native provider never sends, and an Azure OpenAI
//! api-version too old for reasoning models (warnings).

use oac_url::{Endpoints, Flavor, Url};

use crate::catalog::{CatalogEntry, ModelFamily};
use crate::model_info::{EffortSupport, ModelInfo, ModelInfoOverrides};
use crate::problem::{ProblemKind, Report, WarningKind, child};
use crate::resolve::{Layers, Sourced};

/// What the native checks need to know of the model.
pub(crate) struct NativeModel<'a> {
    /// The configured id.
    pub(crate) id: &'a str,
    /// Where it was set (`--model`, `OPENAI_MODEL`, `profiles.x.model`).
    pub(crate) path: Option<&'a str>,
    /// Its catalogue entry, when the catalogue knows it.
    pub(crate) entry: Option<&'a CatalogEntry>,
    /// Its info, the profile's `model_info` applied.
    pub(crate) info: &'a ModelInfo,
    /// The profile's `model_info` as applied to this model (empty when it
    /// describes another model, see `resolve::model_info_overrides`).
    pub(crate) overrides: &'a ModelInfoOverrides,
}

impl NativeModel<'_> {
    fn family(&self) -> ModelFamily {
        self.entry
            .map_or_else(|| ModelFamily::of_id(self.id), |entry| entry.family)
    }

    /// `` `gpt-4o` ``, plus where it came from when that is not the profile (a
    /// flag or variable that replaced the profile's model).
    fn named(&self, l: &Layers<'_>) -> String {
        match self.path {
            Some(path) if path != l.field("model") => format!("`{}` (from {path})", self.id),
            _ => format!("`{}`", self.id),
        }
    }
}

/// A profile's `reasoning_effort` (and `model_info.reasoning_effort`, the default
/// level) must be a level the native model accepts, or every request would be
/// refused; checked when the levels are known (from the catalogue or the
/// profile's `supports_reasoning_effort`). An alias's own effort always wins, so a
/// different profile effort is only a warning there.
pub(crate) fn efforts(l: &Layers<'_>, model: &NativeModel<'_>, report: &mut Report) {
    let p = l.profile;
    if let Some(alias) = model.entry.and_then(|entry| entry.alias_effort) {
        if let Some(level) = p.reasoning_effort.filter(|level| *level != alias) {
            let wire = model
                .entry
                .map_or(model.id, |entry| entry.wire_model.as_str());
            report.warning(
                WarningKind::SettingIgnored,
                l.field("reasoning_effort"),
                format!(
                    "{} always sends reasoning_effort `{alias}`, so the profile's `{level}` is ignored; remove reasoning_effort, or use `{wire}` to choose the effort",
                    model.named(l)
                ),
            );
        }
        return;
    }
    let known = model.entry.is_some() || model.overrides.supports_reasoning_effort.is_some();
    if !known {
        return;
    }
    let support = &model.info.supports_reasoning_effort;
    let model_info_path = l.field("model_info");
    for (path, level) in [
        (l.field("reasoning_effort"), p.reasoning_effort),
        (
            child(&model_info_path, "reasoning_effort"),
            model.overrides.reasoning_effort,
        ),
    ] {
        let Some(level) = level.filter(|level| !support.allows(*level)) else {
            continue;
        };
        let message = match support {
            EffortSupport::Levels(levels) => format!(
                "{} does not accept reasoning_effort `{level}`, so every request would be refused; use one of: {} (or remove it to use the model's default)",
                model.named(l),
                levels
                    .iter()
                    .map(|level| level.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!(
                "{} does not accept reasoning_effort (`{level}` is set), so every request would be refused; remove it, or use a model that accepts it (o3, o4-mini, gpt-5, …)",
                model.named(l)
            ),
        };
        report.problem(ProblemKind::UnsupportedReasoningEffort, path, message);
    }
}

/// OpenAI rejects `temperature` for its reasoning models, so the native provider
/// never sends it: a profile temperature there has no effect.
pub(crate) fn temperature(l: &Layers<'_>, model: &NativeModel<'_>, report: &mut Report) {
    if l.profile.temperature.is_some() && model.family().is_reasoning() {
        report.warning(
            WarningKind::SettingIgnored,
            l.field("temperature"),
            format!(
                "{} is a reasoning model, which does not accept temperature, so it is never sent; remove temperature",
                model.named(l)
            ),
        );
    }
}

/// The first Azure OpenAI api-version that accepts the `developer` role and
/// `reasoning_effort` of reasoning models.
const AZURE_REASONING_API_VERSION: &str = "2024-12-01-preview";

/// Azure OpenAI deployments answer reasoning-model requests (developer role,
/// `reasoning_effort`) only from api-version 2024-12-01-preview; the default is
/// older (`2024-08-01-preview`). The `/openai/v1` API has no api-version.
pub(crate) fn azure_api_version(
    l: &Layers<'_>,
    model: &NativeModel<'_>,
    endpoints: &Endpoints,
    base_url: Option<&Sourced>,
    report: &mut Report,
) {
    if endpoints.flavor != Flavor::AzureOpenAi
        || !endpoints.chat.path().contains("/deployments/")
        || !model.family().is_reasoning()
    {
        return;
    }
    let Some(version) = query_value(&endpoints.chat, "api-version") else {
        return;
    };
    if !api_version_before(&version, AZURE_REASONING_API_VERSION) {
        return;
    }
    let p = l.profile;
    let in_query = p
        .query
        .iter()
        .any(|(name, value)| name == "api-version" && *value == version);
    let in_url = base_url
        .and_then(|b| Url::parse(b.value.trim()).ok())
        .and_then(|url| query_value(&url, "api-version"))
        .is_some_and(|value| value == version);
    let configured = p
        .azure
        .as_ref()
        .and_then(|azure| azure.api_version.as_deref())
        .is_some_and(|value| value.trim() == version);
    let (path, source, fix) = if in_query {
        (
            l.field("query"),
            "set in query".to_owned(),
            format!("set api-version to \"{AZURE_REASONING_API_VERSION}\" (or newer) in query"),
        )
    } else if in_url {
        (
            base_url.map_or_else(|| l.field("base_url"), |b| b.path.clone()),
            "from the base URL".to_owned(),
            format!(
                "change api-version in the base URL to {AZURE_REASONING_API_VERSION} (or newer)"
            ),
        )
    } else {
        let azure = l.field("azure");
        let (path, source) = if configured {
            (child(&azure, "api_version"), "set in azure.api_version")
        } else {
            (azure, "the default")
        };
        (
            path,
            source.to_owned(),
            format!(
                "set `azure = {{ api_version = \"{AZURE_REASONING_API_VERSION}\" }}` (or newer) in the profile"
            ),
        )
    };
    report.warning(
        WarningKind::ApiVersionTooOld,
        path,
        format!(
            "{} is a reasoning model, and Azure OpenAI accepts its developer messages and reasoning_effort only from api-version {AZURE_REASONING_API_VERSION}, but this profile calls api-version {version} ({source}), so its requests will likely be rejected; {fix}",
            model.named(l)
        ),
    );
}

fn query_value(url: &Url, name: &str) -> Option<String> {
    oac_url::query_value(url, name).map(|value| value.trim().to_owned())
}

/// True when the api-version `version` (`2024-08-01-preview`, `2024-10-21`) is
/// dated before `than`'s date. A version that does not start with a date is not
/// judged.
fn api_version_before(version: &str, than: &str) -> bool {
    let date = |v: &str| {
        let date = v.get(..10)?;
        let bytes = date.as_bytes();
        let shape = bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        shape.then(|| date.to_owned())
    };
    match (date(version), date(than)) {
        (Some(version), Some(than)) => version < than,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_compare_by_date() {
        assert!(api_version_before(
            "2024-08-01-preview",
            "2024-12-01-preview"
        ));
        assert!(api_version_before("2024-10-21", "2024-12-01-preview"));
        assert!(!api_version_before(
            "2024-12-01-preview",
            "2024-12-01-preview"
        ));
        assert!(!api_version_before(
            "2025-01-01-preview",
            "2024-12-01-preview"
        ));
        assert!(!api_version_before("latest", "2024-12-01-preview"));
        assert!(!api_version_before("2024-1", "2024-12-01-preview"));
    }
}
