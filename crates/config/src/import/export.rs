//! A Kilo Code 5.x / Roo Code settings export: `openai` and `openai-native`
//! provider profiles become profiles; everything else is reported, never fatal.

use oac_url::{Flavor, ResolveOptions, Url};
use secrecy::SecretString;

use super::{
    Import, ImportFormat, ImportedKey, SkippedProfile, State, get, literal_header_key,
    not_an_export,
};
use crate::convert::{Field, boolean, choice, float, string, whole};
use crate::model_info::{EffortSupport, ModelInfoOverrides, ReasoningEffort};
use crate::prices::price;
use crate::problem::{ConfigFormat, child};
use crate::profile::{AzureSettings, Profile, ProviderChoice};
use crate::tree::{Entry, Node, Value};

/// Reads the export whose top level is `top` (it has `providerProfiles`).
pub(super) fn import(top: &[Entry]) -> Result<Import, crate::ConfigError> {
    let Some(profiles_node) = get(top, "providerProfiles") else {
        return Err(not_an_export("`providerProfiles` is missing"));
    };
    let Value::Table(provider_profiles) = &profiles_node.value else {
        return Err(not_an_export("`providerProfiles` is not an object"));
    };
    let Some(Value::Table(api_configs)) = get(provider_profiles, "apiConfigs").map(|n| &n.value)
    else {
        return Err(not_an_export(
            "`providerProfiles.apiConfigs` is missing or not an object",
        ));
    };
    let mut state = State::new(ImportFormat::SettingsExport);
    for entry in top {
        if entry.key != "providerProfiles" {
            state.import.ignored.push(child("", &entry.key));
        }
    }
    state.ignore_unknown(
        "providerProfiles",
        provider_profiles,
        &["apiConfigs", "currentApiConfigName"],
    );
    for entry in api_configs {
        state.api_config(entry);
    }
    state.current(get(provider_profiles, "currentApiConfigName"));
    state.finish_warnings();
    Ok(state.import)
}

/// The export's fields for each kind of profile.
const COMPATIBLE_FIELDS: &[&str] = &[
    "openAiBaseUrl",
    "openAiApiKey",
    "openAiModelId",
    "openAiCustomModelInfo",
    "openAiHeaders",
    "openAiUseAzure",
    "azureApiVersion",
    "openAiStreamingEnabled",
    "openAiR1FormatEnabled",
];
const NATIVE_FIELDS: &[&str] = &["openAiNativeApiKey", "openAiNativeBaseUrl", "apiModelId"];
const COMMON_FIELDS: &[&str] = &[
    "id",
    "apiProvider",
    "includeMaxTokens",
    "modelMaxTokens",
    "modelTemperature",
    "reasoningEffort",
    "enableReasoningEffort",
];

impl State {
    fn api_config(&mut self, entry: &Entry) {
        let name = entry.key.clone();
        let at = child("providerProfiles.apiConfigs", &name);
        let Value::Table(fields) = &entry.node.value else {
            self.warn(
                &at,
                "this profile is not an object; not imported".to_owned(),
            );
            return;
        };
        let Some(kind) = self.importable_kind(&name, fields) else {
            return;
        };
        if name.trim().is_empty() {
            self.warn(&at, "a profile without a name cannot be imported; name it in the extension and export again".to_owned());
            return;
        }
        let native = kind == ProviderChoice::OpenAiNative;
        let mut p = Profile {
            provider: Some(kind),
            ..Profile::default()
        };
        let known: Vec<&str> = COMMON_FIELDS
            .iter()
            .chain(if native {
                NATIVE_FIELDS
            } else {
                COMPATIBLE_FIELDS
            })
            .copied()
            .collect();
        self.ignore_unknown(&at, fields, &known);
        self.common_fields(&name, &at, fields, native, &mut p);
        if !native {
            self.compatible_fields(&name, &at, fields, &mut p);
        }
        self.check(&name, &p, true);
        self.import.config.profiles.insert(name, p);
    }

    /// The provider kind of an `openai` or `openai-native` profile; any other is
    /// skipped (and said so).
    fn importable_kind(&mut self, name: &str, fields: &[Entry]) -> Option<ProviderChoice> {
        let provider = get(fields, "apiProvider").and_then(|node| match &node.value {
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
        match provider.as_deref() {
            Some("openai") => Some(ProviderChoice::Compatible),
            Some("openai-native") => Some(ProviderChoice::OpenAiNative),
            _ => {
                self.import.skipped.push(SkippedProfile {
                    name: name.to_owned(),
                    api_provider: provider,
                    field: "apiProvider",
                    reason: "only `openai` and `openai-native` profiles can be imported".to_owned(),
                });
                None
            }
        }
    }

    /// The fields both kinds have: URL, model, key, token and sampling settings.
    fn common_fields(
        &mut self,
        name: &str,
        at: &str,
        fields: &[Entry],
        native: bool,
        p: &mut Profile,
    ) {
        let (url_field, key_field, model_field) = if native {
            ("openAiNativeBaseUrl", "openAiNativeApiKey", "apiModelId")
        } else {
            ("openAiBaseUrl", "openAiApiKey", "openAiModelId")
        };
        let field = |key: &'static str| field_of(fields, at, key);
        p.base_url = field(url_field)
            .and_then(|f| string(&mut self.cx, &f, "\"https://api.provider.com/v1\""))
            .filter(|url| !url.trim().is_empty());
        p.model = field(model_field)
            .and_then(|f| string(&mut self.cx, &f, "\"gpt-4o-mini\""))
            .filter(|model| !model.trim().is_empty());
        if let Some(f) = field(key_field) {
            match &f.node.value {
                Value::String(key) if key.trim().is_empty() => {}
                Value::String(key) => {
                    let key = ImportedKey::Literal(SecretString::from(key.trim()));
                    self.give_key(name, p, key);
                }
                // The value is never shown: it may be a mangled key.
                other => self.warn(
                    &f.path,
                    format!(
                        "the API key is {}, not a string; not imported, set api_key_file or api_key_env by hand",
                        other.type_name(ConfigFormat::Json)
                    ),
                ),
            }
        }
        p.include_max_tokens = field("includeMaxTokens").and_then(|f| boolean(&mut self.cx, &f));
        p.max_tokens = field("modelMaxTokens")
            .filter(|f| !is_minus_one(f.node))
            .and_then(|f| whole(&mut self.cx, &f, "4096"));
        p.temperature = field("modelTemperature").and_then(|f| float(&mut self.cx, &f, "0.7"));
        let effort_enabled = field("enableReasoningEffort")
            .and_then(|f| boolean(&mut self.cx, &f))
            .unwrap_or(true);
        if effort_enabled {
            p.reasoning_effort = field("reasoningEffort").and_then(|f| self.effort(&f));
        }
    }

    /// The fields only the `openai` (compatible) kind has: model info, headers,
    /// Azure, credential headers, streaming and the R1 format.
    fn compatible_fields(&mut self, name: &str, at: &str, fields: &[Entry], p: &mut Profile) {
        let field = |key: &'static str| field_of(fields, at, key);
        if let Some(f) = field("openAiCustomModelInfo") {
            p.model_info = self.model_info(&f);
        }
        if let Some(f) = field("openAiHeaders") {
            p.headers = self.headers(f.node, &f.path);
        }
        let use_azure = field("openAiUseAzure").and_then(|f| boolean(&mut self.cx, &f));
        let api_version = field("azureApiVersion")
            .and_then(|f| string(&mut self.cx, &f, "\"2024-10-21\""))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        self.azure(name, at, p, use_azure == Some(true), api_version);
        let has_key = self.import.keys.iter().any(|(owner, _)| owner == name);
        let headers_path = child(at, "openAiHeaders");
        if let Some(key) = self.credential_headers(
            &headers_path,
            &mut p.headers,
            &mut p.auth,
            has_key,
            literal_header_key,
        ) {
            self.give_key(name, p, key);
        }
        p.streaming = field("openAiStreamingEnabled").and_then(|f| boolean(&mut self.cx, &f));
        p.r1_format = field("openAiR1FormatEnabled").and_then(|f| boolean(&mut self.cx, &f));
    }

    /// `openAiUseAzure` / `azureApiVersion`, decided as the extension decides:
    /// an Azure AI Inference host (`*.services.ai.azure.com`) takes the version as
    /// the `api-version` query parameter; Azure OpenAI applies when
    /// `openAiUseAzure` is on or the host is an Azure OpenAI one
    /// (`*.openai.azure.com`, `*.cognitiveservices.azure.com`); anywhere else a
    /// leftover `azureApiVersion` is listed as ignored, with a warning, rather than
    /// turning a Together or OpenRouter profile into an Azure one.
    fn azure(
        &mut self,
        name: &str,
        at: &str,
        p: &mut Profile,
        use_azure: bool,
        api_version: Option<String>,
    ) {
        let flavor = p.base_url.as_deref().map_or(Flavor::Standard, url_flavor);
        if flavor == Flavor::AzureAiInference {
            if let Some(version) = api_version {
                p.query.push(("api-version".to_owned(), version));
            }
            if use_azure {
                let path = child(at, "openAiUseAzure");
                self.import.ignored.push(path.clone());
                self.warn(
                    &path,
                    "the host is Azure AI Inference (*.services.ai.azure.com), which the extension also calls with a Bearer key and no deployment path, so openAiUseAzure is not imported (azureApiVersion, when set, becomes the query's api-version)".to_owned(),
                );
            }
        } else if use_azure || flavor == Flavor::AzureOpenAi {
            if use_azure || api_version.is_some() {
                p.azure = Some(AzureSettings {
                    api_version,
                    deployment: None,
                });
            }
        } else if api_version.is_some() {
            let path = child(at, "azureApiVersion");
            self.import.ignored.push(path.clone());
            let host = p
                .base_url
                .as_deref()
                .and_then(|url| Url::parse(url.trim()).ok())
                .and_then(|url| url.host_str().map(|host| format!("`{host}`")))
                .unwrap_or_else(|| "the base URL".to_owned());
            let profile = child("profiles", name);
            self.warn(
                &path,
                format!("azureApiVersion is set, but openAiUseAzure is off and {host} is not an Azure OpenAI host, so it is not imported (the extension does not use it either); if this is Azure OpenAI behind a gateway, add `[{profile}.azure]` with `api_version` by hand"),
            );
        }
    }

    /// `reasoningEffort`: a level; `disable` means none is sent.
    fn effort(&mut self, f: &Field<'_>) -> Option<ReasoningEffort> {
        if matches!(&f.node.value, Value::String(s) if s == "disable") {
            return None;
        }
        choice(&mut self.cx, f)
    }

    /// `openAiCustomModelInfo`.
    fn model_info(&mut self, f: &Field<'_>) -> ModelInfoOverrides {
        let mut o = ModelInfoOverrides::default();
        let Value::Table(fields) = &f.node.value else {
            self.warn(&f.path, "not an object; not imported".to_owned());
            return o;
        };
        const KNOWN: &[&str] = &[
            "maxTokens",
            "contextWindow",
            "supportsImages",
            "supportsComputerUse",
            "supportsPromptCache",
            "supportsReasoningEffort",
            "inputPrice",
            "outputPrice",
            "cacheReadsPrice",
            "cacheWritesPrice",
            "reasoningEffort",
        ];
        self.ignore_unknown(&f.path, fields, KNOWN);
        let field = |key: &'static str| -> Option<Field<'_>> {
            get(fields, key).map(|node| Field {
                node,
                path: child(&f.path, key),
                key,
            })
        };
        let cx = &mut self.cx;
        o.max_output_tokens = field("maxTokens")
            .filter(|f| !is_minus_one(f.node))
            .and_then(|f| whole(cx, &f, "8192"));
        o.context_window = field("contextWindow").and_then(|f| whole(cx, &f, "128000"));
        o.supports_images = field("supportsImages").and_then(|f| boolean(cx, &f));
        o.supports_computer_use = field("supportsComputerUse").and_then(|f| boolean(cx, &f));
        o.supports_prompt_cache = field("supportsPromptCache").and_then(|f| boolean(cx, &f));
        o.supports_reasoning_effort =
            field("supportsReasoningEffort").and_then(|f| match &f.node.value {
                Value::Bool(true) => Some(EffortSupport::Yes),
                Value::Bool(false) => Some(EffortSupport::No),
                Value::Array(items) => {
                    let levels: Vec<ReasoningEffort> = items
                        .iter()
                        .filter_map(|node| match &node.value {
                            Value::String(word) => word.parse().ok(),
                            _ => None,
                        })
                        .collect();
                    Some(if levels.is_empty() {
                        EffortSupport::No
                    } else {
                        EffortSupport::Levels(levels)
                    })
                }
                _ => None,
            });
        o.prices.input_price = field("inputPrice").and_then(|f| price(cx, &f));
        o.prices.output_price = field("outputPrice").and_then(|f| price(cx, &f));
        o.prices.cache_read_price = field("cacheReadsPrice").and_then(|f| price(cx, &f));
        o.prices.cache_write_price = field("cacheWritesPrice").and_then(|f| price(cx, &f));
        o.reasoning_effort = field("reasoningEffort").and_then(|f| self.effort(&f));
        o
    }

    /// `currentApiConfigName` → `default_profile`, when that profile was imported.
    fn current(&mut self, node: Option<&Node>) {
        let Some(node) = node else {
            return;
        };
        let Value::String(name) = &node.value else {
            self.warn(
                "providerProfiles.currentApiConfigName",
                "not a string; no default_profile set".to_owned(),
            );
            return;
        };
        if self.import.config.profiles.contains_key(name) {
            self.import.config.default_profile = Some(name.clone());
        } else {
            self.warn(
                "providerProfiles.currentApiConfigName",
                format!("the current profile `{name}` was not imported, so no default_profile is set; choose one with --profile or set default_profile"),
            );
        }
    }
}

/// The flavor the URL alone implies (the url crate's rule 5); standard when it
/// cannot be resolved (validation reports why).
fn url_flavor(base_url: &str) -> Flavor {
    // A stand-in deployment: only the flavor is wanted, and an Azure resource URL
    // needs one to resolve.
    let options = ResolveOptions::new().model("deployment");
    oac_url::resolve(base_url, &options).map_or(Flavor::Standard, |e| e.flavor)
}

/// `-1`: the extension's "unset".
fn is_minus_one(node: &Node) -> bool {
    matches!(&node.value, Value::Integer(text) if text == "-1")
}

/// The field `key` of a settings object at `at`, when present.
fn field_of<'a>(fields: &'a [Entry], at: &str, key: &'static str) -> Option<Field<'a>> {
    get(fields, key).map(|node| Field {
        node,
        path: child(at, key),
        key,
    })
}
