//! The OpenAI-native model catalogue (catalog.md): which model ids the native
//! provider knows, what they can do and cost, and the family whose request rules
//! they follow. The data is `data/catalog.toml`, embedded at build time; users
//! extend or override it from their own file in the same format.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::LazyLock;

use crate::choice::{Choice, ParseChoiceError, closest, parse_choice};
use crate::convert::{Cx, Field, Fields, choice, model_info_fields, string};
use crate::model_info::{EffortSupport, ModelInfo, ModelInfoOverrides, ReasoningEffort};
use crate::problem::{ConfigError, ConfigFormat, ProblemKind, Report, child, place_problems};
use crate::tree::{self, Entry, Node, Value};
use crate::validate;

/// The embedded catalogue data.
const BUILTIN_TOML: &str = include_str!("../data/catalog.toml");

/// Parsed once, on first use.
static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| {
    let mut catalog = Catalog::new();
    match catalog.extend_from_toml_str(BUILTIN_TOML) {
        Ok(()) => catalog,
        Err(err) => {
            // Unreachable in a released build: the test `builtin_catalogue_parses`
            // parses this exact text. Degrade to "every model unknown" (each use
            // then warns) rather than panic inside a library.
            tracing::error!("the built-in model catalogue is invalid: {err}");
            Catalog::new()
        }
    }
});

/// The request rules a native model follows (catalog.md, "Request rules by family").
///
/// In catalogue files: `family = "o-series"`, `"gpt-5"` or `"other"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ModelFamily {
    /// `o1*`, `o3*`, `o4*`: reasoning models (developer role, no temperature,
    /// `max_completion_tokens`, `reasoning_effort`).
    OSeries,
    /// `gpt-5*`: reasoning model rules as for the o-series, effort limited to the
    /// allowed list.
    Gpt5,
    /// Everything else: `system` role, `temperature` when set.
    Other,
}

impl ModelFamily {
    /// The family a model id belongs to by its name, for ids the catalogue does not
    /// know: `o` + digits (`o1`, `o3-pro`, `o4-mini-2025-04-16`) is the o-series,
    /// `gpt-5…` the gpt-5 family, anything else other.
    ///
    /// ```
    /// use openai_compat_config::ModelFamily;
    ///
    /// assert_eq!(ModelFamily::of_id("o3-pro"), ModelFamily::OSeries);
    /// assert_eq!(ModelFamily::of_id("gpt-5-codex"), ModelFamily::Gpt5);
    /// assert_eq!(ModelFamily::of_id("gpt-4o-2024-11-20"), ModelFamily::Other);
    /// ```
    pub fn of_id(id: &str) -> ModelFamily {
        let id = id.trim().to_ascii_lowercase();
        if is_o_series(&id) {
            ModelFamily::OSeries
        } else if id.starts_with("gpt-5") {
            ModelFamily::Gpt5
        } else {
            ModelFamily::Other
        }
    }

    /// True for reasoning models (o-series and gpt-5): no `temperature`, the system
    /// prompt as a `developer` message, `reasoning_effort` accepted.
    pub fn is_reasoning(self) -> bool {
        matches!(self, ModelFamily::OSeries | ModelFamily::Gpt5)
    }

    /// The spelling used in catalogue files.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelFamily::OSeries => "o-series",
            ModelFamily::Gpt5 => "gpt-5",
            ModelFamily::Other => "other",
        }
    }

    /// How this family takes the system prompt when nothing more is known:
    /// `developer` for reasoning models, `system` otherwise.
    pub fn system_prompt(self) -> SystemPrompt {
        if self.is_reasoning() {
            SystemPrompt::Developer
        } else {
            SystemPrompt::System
        }
    }
}

/// `o` followed by digits, then the end or `-`: `o1`, `o3-mini`, `o4-mini-high`.
fn is_o_series(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('o') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(rest[digits..].chars().next(), None | Some('-'))
}

impl Choice for ModelFamily {
    const WHAT: &'static str = "model family";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("o-series", ModelFamily::OSeries),
        ("o", ModelFamily::OSeries),
        ("gpt-5", ModelFamily::Gpt5),
        ("other", ModelFamily::Other),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for ModelFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModelFamily {
    type Err = ParseChoiceError;

    /// Accepts `o-series`, `gpt-5`, `other`, ignoring case and `_` versus `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}

/// How a model takes the system prompt.
///
/// In catalogue files: `system_prompt = "system"`, `"developer"` or `"user"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SystemPrompt {
    /// As a `system` message.
    System,
    /// As a `developer` message (o-series, gpt-5).
    Developer,
    /// As the first `user` message: the model accepts neither system nor developer
    /// messages (`o1-preview`, `o1-mini`).
    FirstUserMessage,
}

impl SystemPrompt {
    /// The rule for an id the catalogue does not know: `o1-preview…` and `o1-mini…`
    /// take it as the first user message, otherwise as `family` says.
    ///
    /// ```
    /// use openai_compat_config::{ModelFamily, SystemPrompt};
    ///
    /// let id = "o1-mini-2024-09-12";
    /// assert_eq!(SystemPrompt::of_id(id, ModelFamily::of_id(id)), SystemPrompt::FirstUserMessage);
    /// ```
    pub fn of_id(id: &str, family: ModelFamily) -> SystemPrompt {
        let id = id.trim().to_ascii_lowercase();
        if id.starts_with("o1-mini") || id.starts_with("o1-preview") {
            SystemPrompt::FirstUserMessage
        } else {
            family.system_prompt()
        }
    }

    /// The spelling used in catalogue files.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemPrompt::System => "system",
            SystemPrompt::Developer => "developer",
            SystemPrompt::FirstUserMessage => "user",
        }
    }
}

impl Choice for SystemPrompt {
    const WHAT: &'static str = "system prompt role";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("system", SystemPrompt::System),
        ("developer", SystemPrompt::Developer),
        ("user", SystemPrompt::FirstUserMessage),
        ("first-user", SystemPrompt::FirstUserMessage),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for SystemPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SystemPrompt {
    type Err = ParseChoiceError;

    /// Accepts `system`, `developer`, `user`, ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}

/// One model the native provider knows.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogEntry {
    /// The id users configure (`o3-mini-high`).
    pub id: String,
    /// The model sent on the wire (`o3-mini`).
    pub wire_model: String,
    /// The effort this id always sends, whatever the request or profile says
    /// (`high` for `o3-mini-high`).
    pub alias_effort: Option<ReasoningEffort>,
    /// Whose request rules apply.
    pub family: ModelFamily,
    /// How the system prompt is sent.
    pub system_prompt: SystemPrompt,
    /// Limits, capabilities and prices. `supports_reasoning_effort` lists the
    /// allowed levels; `reasoning_effort` is the default level (none: nothing is
    /// sent unless asked).
    pub info: ModelInfo,
}

impl CatalogEntry {
    /// What is known of an id the catalogue does not list: the family and
    /// system-prompt rule from its name, the wire model is the id itself, and the
    /// info is [`ModelInfo::compatible_default`] (prices unknown).
    ///
    /// ```
    /// use openai_compat_config::{CatalogEntry, ModelFamily};
    ///
    /// let entry = CatalogEntry::inferred("o3-pro");
    /// assert_eq!(entry.family, ModelFamily::OSeries);
    /// assert_eq!(entry.wire_model, "o3-pro");
    /// assert_eq!(entry.info.prices.input_price, None);
    /// ```
    pub fn inferred(id: &str) -> CatalogEntry {
        let family = ModelFamily::of_id(id);
        CatalogEntry {
            id: id.to_owned(),
            wire_model: id.to_owned(),
            alias_effort: None,
            family,
            system_prompt: SystemPrompt::of_id(id, family),
            info: ModelInfo::compatible_default(),
        }
    }
}

/// The native model catalogue: model id → [`CatalogEntry`].
///
/// [`Catalog::builtin`] holds catalog.md's models. A user file in the same format
/// adds models or overrides built-in ones field by field (config key `catalog`,
/// `OAC_CATALOG`, or [`Catalog::extend_from_file`]):
///
/// ```toml
/// # A new model: unset fields come from its family's rules and the compatible
/// # defaults (128k context, prices unknown).
/// [models."gpt-6"]
/// family = "gpt-5"
/// context_window = 1000000
/// input_price = 5
/// output_price = 20
///
/// # A dated snapshot: everything as o3-mini, sent as its own id.
/// [models."o3-mini-2025-01-31"]
/// based_on = "o3-mini"
///
/// # An override: only the listed fields change. Quote ids that contain a dot.
/// [models."gpt-4.1"]
/// input_price = 1.80
/// ```
///
/// Keys of an entry: `wire_model` (default: the id), `based_on`, `alias_effort`,
/// `family` (`o-series`, `gpt-5`, `other`), `system_prompt` (`system`,
/// `developer`, `user`), and every `model_info` key of a profile. An entry built
/// with `based_on` copies its base as it is at that moment: overriding `o3-mini`
/// later does not change `o3-mini-high`.
///
/// ```
/// use openai_compat_config::Catalog;
///
/// let entry = Catalog::builtin().lookup("o3-mini-high").unwrap();
/// assert_eq!(entry.wire_model, "o3-mini");
/// assert_eq!(entry.alias_effort.unwrap().as_str(), "high");
///
/// let mut mine = Catalog::builtin().clone();
/// mine.extend_from_toml_str("[models.\"gpt-4o\"]\ninput_price = 2.00\n")?;
/// let gpt_4o = mine.lookup("gpt-4o").unwrap();
/// assert_eq!(gpt_4o.info.prices.input_price.unwrap().to_string(), "2");
/// assert_eq!(gpt_4o.info.context_window, 128_000); // the rest is kept
/// # Ok::<(), openai_compat_config::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    entries: BTreeMap<String, CatalogEntry>,
}

impl Catalog {
    /// An empty catalogue.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// The built-in catalogue (catalog.md), parsed once on first use.
    pub fn builtin() -> &'static Catalog {
        &BUILTIN
    }

    /// The entry for `id` (exact, case-sensitive, as OpenAI's ids are).
    pub fn lookup(&self, id: &str) -> Option<&CatalogEntry> {
        self.entries.get(id)
    }

    /// Every entry, by id.
    pub fn iter(&self) -> impl Iterator<Item = &CatalogEntry> {
        self.entries.values()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A known id that `id` (not itself known) probably means: the same id spelled
    /// differently (`gpt4o-mini`), or the model `id` is a version of
    /// (`gpt-4o-2024-11-20` → `gpt-4o`, the longest known prefix before a `-`).
    pub(crate) fn similar(&self, id: &str) -> Option<Similar<'_>> {
        let wanted = spelling(id);
        if let Some(entry) = self.iter().find(|e| spelling(&e.id) == wanted) {
            return Some(Similar::Spelling(&entry.id));
        }
        self.iter()
            .filter(|e| {
                id.strip_prefix(e.id.as_str())
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .max_by_key(|e| e.id.len())
            .map(|e| Similar::VersionOf(&e.id))
    }

    /// Adds `entry`, replacing (and returning) any entry with the same id.
    pub fn insert(&mut self, entry: CatalogEntry) -> Option<CatalogEntry> {
        self.entries.insert(entry.id.clone(), entry)
    }

    /// A catalogue of only the entries in `text` (TOML).
    pub fn from_toml_str(text: &str) -> Result<Catalog, ConfigError> {
        let mut catalog = Catalog::new();
        catalog.extend_from_toml_str(text)?;
        Ok(catalog)
    }

    /// The built-in catalogue extended by the file at `path` (see
    /// [`extend_from_file`](Self::extend_from_file)).
    pub fn builtin_with_file(path: impl AsRef<Path>) -> Result<Catalog, ConfigError> {
        let mut catalog = Catalog::builtin().clone();
        catalog.extend_from_file(path)?;
        Ok(catalog)
    }

    /// Adds or overrides entries from a TOML document. Every problem is reported
    /// at once; on error nothing is changed.
    pub fn extend_from_toml_str(&mut self, text: &str) -> Result<(), ConfigError> {
        self.extend(text, ConfigFormat::Toml, None)
    }

    /// Adds or overrides entries from a JSON document of the same shape
    /// (`{"models": {"<id>": {…}}}`). On error nothing is changed.
    pub fn extend_from_json_str(&mut self, text: &str) -> Result<(), ConfigError> {
        self.extend(text, ConfigFormat::Json, None)
    }

    /// Adds or overrides entries from a file: JSON when its name ends in `.json`
    /// (any case), TOML otherwise. On error nothing is changed.
    pub fn extend_from_file(&mut self, path: impl AsRef<Path>) -> Result<(), ConfigError> {
        let path = path.as_ref();
        let json = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        let format = if json {
            ConfigFormat::Json
        } else {
            ConfigFormat::Toml
        };
        let text = fs::read_to_string(path).map_err(|source| ConfigError::UnreadableCatalog {
            path: path.to_path_buf(),
            source,
        })?;
        self.extend(&text, format, Some(path))
    }

    fn extend(
        &mut self,
        text: &str,
        format: ConfigFormat,
        path: Option<&Path>,
    ) -> Result<(), ConfigError> {
        let root = tree::parse(text, format).map_err(|err| ConfigError::Syntax {
            file: path.map(Path::to_path_buf),
            format,
            line: err.line,
            column: err.column,
            message: err.message,
        })?;
        let mut cx = Cx::new(format);
        let written = read_document(&mut cx, &root);
        let built = build(self, written, &mut cx.report);
        let Cx { report, lines, .. } = cx;
        if report.problems.is_empty() {
            self.entries.extend(built);
            return Ok(());
        }
        let mut problems = report.problems;
        place_problems(&lines, &mut problems);
        Err(ConfigError::Invalid {
            file: path.map(PathBuf::from),
            problems,
        })
    }
}

/// How an unknown id relates to a known one (see [`Catalog::similar`]).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Similar<'a> {
    /// The same letters and digits, other punctuation or case.
    Spelling(&'a str),
    /// The unknown id is the known one plus a `-suffix` (a dated snapshot, a tier).
    VersionOf(&'a str),
}

/// Lower-case letters and digits only.
fn spelling(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One entry as written in a catalogue file.
struct Written {
    id: String,
    path: String,
    based_on: Option<String>,
    wire_model: Option<String>,
    alias_effort: Option<ReasoningEffort>,
    family: Option<ModelFamily>,
    system_prompt: Option<SystemPrompt>,
    info: ModelInfoOverrides,
}

fn read_document(cx: &mut Cx, root: &Node) -> Vec<Written> {
    let root = Field {
        node: root,
        path: String::new(),
        key: "",
    };
    let Some(mut top) = Fields::of(cx, &root) else {
        return Vec::new();
    };
    let mut written = Vec::new();
    if let Some(models) = top.take(cx, "models")
        && let Some(table) = Fields::of(cx, &models)
    {
        for entry in table.entries() {
            if let Some(w) = read_entry(cx, entry) {
                written.push(w);
            }
        }
    }
    let format = cx.format;
    top.finish(cx, &|key| {
        let example = match format {
            ConfigFormat::Toml => format!("[models.\"{key}\"]"),
            ConfigFormat::Json => format!("\"models\": {{ \"{key}\": {{ … }} }}"),
        };
        Some(format!(
            "a catalogue file holds only `models`; if `{key}` is a model id, write its entry as {example}"
        ))
    });
    written
}

fn read_entry(cx: &mut Cx, entry: &Entry) -> Option<Written> {
    let path = child("models", &entry.key);
    cx.lines.insert(path.clone(), entry.line);
    let field = Field {
        node: &entry.node,
        path: path.clone(),
        key: &entry.key,
    };
    let id = entry.key.trim();
    if id.is_empty() || id != entry.key {
        let message = if id.is_empty() {
            "a model id cannot be empty; name the entry after the model, e.g. [models.\"gpt-4o\"]"
        } else {
            "a model id cannot start or end with whitespace; remove it"
        };
        cx.report
            .problem(ProblemKind::InvalidValue, path.as_str(), message);
        return None;
    }
    let mut t = Fields::of(cx, &field)?;
    let based_on = t
        .take(cx, "based_on")
        .and_then(|f| non_blank(cx, &f, "\"o3-mini\""));
    let wire_model = t
        .take(cx, "wire_model")
        .and_then(|f| non_blank(cx, &f, "\"o3-mini\""));
    let alias_effort = t.take(cx, "alias_effort").and_then(|f| choice(cx, &f));
    let family = t.take(cx, "family").and_then(|f| choice(cx, &f));
    let system_prompt = t.take(cx, "system_prompt").and_then(|f| choice(cx, &f));
    let info = model_info_fields(cx, &mut t);
    // `[models.gpt-4.1]` is the table `gpt-4` with a sub-table `1`.
    let tables: Vec<&str> = match &entry.node.value {
        Value::Table(entries) => entries
            .iter()
            .filter(|e| matches!(e.node.value, Value::Table(_)))
            .map(|e| e.key.as_str())
            .collect(),
        _ => Vec::new(),
    };
    let id_owned = id.to_owned();
    t.finish(cx, &|key| {
        tables.contains(&key).then(|| {
            format!(
                "a model id containing `.` must be quoted: [models.\"{id_owned}.{key}\"] (unquoted, the dot splits the id)"
            )
        })
    });
    validate::model_info(&info, &path, &mut cx.report);
    Some(Written {
        id: id.to_owned(),
        path,
        based_on,
        wire_model,
        alias_effort,
        family,
        system_prompt,
        info,
    })
}

fn non_blank(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<String> {
    let value = string(cx, f, example)?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        cx.report.problem(
            ProblemKind::InvalidValue,
            f.path.as_str(),
            format!("`{}` is empty; set it to a model id, like {example}", f.key),
        );
        return None;
    }
    Some(trimmed.to_owned())
}

/// Turns written entries into catalogue entries, in dependency order (`based_on`
/// may name an entry of the same file, in any order, or one of `base`; an entry
/// of the file wins over a built-in one of the same id).
fn build(
    base: &Catalog,
    written: Vec<Written>,
    report: &mut Report,
) -> Vec<(String, CatalogEntry)> {
    let in_file: HashSet<String> = written.iter().map(|w| w.id.clone()).collect();
    let mut done: BTreeMap<String, CatalogEntry> = BTreeMap::new();
    let mut pending = written;
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for w in pending {
            let start = match &w.based_on {
                Some(name) if in_file.contains(name) => done.get(name).cloned(),
                Some(name) => base.lookup(name).cloned(),
                None => Some(
                    base.lookup(&w.id)
                        .cloned()
                        .unwrap_or_else(|| CatalogEntry::inferred(&w.id)),
                ),
            };
            match start {
                Some(start) => {
                    let entry = apply(start, &w, base, report);
                    done.insert(w.id.clone(), entry);
                }
                // Its base comes later in the file: next round.
                None if w
                    .based_on
                    .as_ref()
                    .is_some_and(|name| in_file.contains(name)) =>
                {
                    waiting.push(w);
                }
                None => unresolvable(&w, &[], base, &done, report),
            }
        }
        if waiting.len() == before {
            for w in &waiting {
                unresolvable(w, &waiting, base, &done, report);
            }
            break;
        }
        pending = waiting;
    }
    done.into_iter().collect()
}

/// Why a `based_on` chain cannot be built.
fn unresolvable(
    w: &Written,
    unresolved: &[Written],
    base: &Catalog,
    done: &BTreeMap<String, CatalogEntry>,
    report: &mut Report,
) {
    let Some(name) = &w.based_on else {
        return;
    };
    let path = child(&w.path, "based_on");
    let message = if unresolved.iter().any(|other| &other.id == name) {
        format!(
            "`based_on = \"{name}\"` forms a cycle (entries are based on each other); base one of them on a model that is not"
        )
    } else {
        let known = base.entries.keys().chain(done.keys()).map(String::as_str);
        match closest(name, known) {
            Some(suggestion) => {
                format!("`{name}` is not in the catalogue; did you mean `{suggestion}`?")
            }
            None => format!(
                "`{name}` is not in the catalogue; name a built-in model or an entry of this file"
            ),
        }
    };
    report.problem(ProblemKind::InvalidValue, path, message);
}

/// `start` with the fields `w` sets.
fn apply(
    mut entry: CatalogEntry,
    w: &Written,
    base: &Catalog,
    report: &mut Report,
) -> CatalogEntry {
    let fresh = w.based_on.is_none() && base.lookup(&w.id).is_none();
    if w.based_on.is_some() {
        // A copy of another model is its own model on the wire unless told otherwise.
        entry.wire_model = w.id.clone();
    }
    entry.id = w.id.clone();
    if let Some(wire) = &w.wire_model {
        entry.wire_model = wire.clone();
    }
    if let Some(family) = w.family {
        entry.family = family;
        if fresh && w.system_prompt.is_none() {
            entry.system_prompt = SystemPrompt::of_id(&w.id, family);
        }
    }
    if let Some(prompt) = w.system_prompt {
        entry.system_prompt = prompt;
    }
    if w.alias_effort.is_some() {
        entry.alias_effort = w.alias_effort;
    }
    entry.info = entry.info.with_overrides(&w.info);
    validate::merged_model_info(&entry.info, &w.info, &w.path, report);
    check_effort(&entry, w, report);
    entry
}

/// The alias effort and the default effort must be levels the model accepts.
fn check_effort(entry: &CatalogEntry, w: &Written, report: &mut Report) {
    let support = &entry.info.supports_reasoning_effort;
    for (key, level) in [
        ("alias_effort", entry.alias_effort),
        ("reasoning_effort", entry.info.reasoning_effort),
    ] {
        let Some(level) = level else { continue };
        if support.allows(level) {
            continue;
        }
        let message = match support {
            EffortSupport::Levels(levels) => format!(
                "`{level}` is not a level `{}` accepts ({}); use one of them or add it to supports_reasoning_effort",
                w.id,
                levels
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!(
                "`{}` does not accept reasoning_effort (supports_reasoning_effort is false); remove {key} or set supports_reasoning_effort",
                w.id
            ),
        };
        report.problem(ProblemKind::InvalidValue, child(&w.path, key), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_parses() {
        let catalog = Catalog::from_toml_str(BUILTIN_TOML).unwrap();
        assert_eq!(&catalog, Catalog::builtin());
        assert!(!catalog.is_empty());
    }

    #[test]
    fn o_series_is_o_and_digits() {
        for id in ["o1", "o3-mini", "o4-mini-high", "o10"] {
            assert_eq!(ModelFamily::of_id(id), ModelFamily::OSeries, "{id}");
        }
        for id in ["o", "omni", "o1x", "gpt-4o", "ollama"] {
            assert_ne!(ModelFamily::of_id(id), ModelFamily::OSeries, "{id}");
        }
    }

    #[test]
    fn similar_ids() {
        let catalog = Catalog::builtin();
        assert_eq!(
            catalog.similar("GPT4o-mini"),
            Some(Similar::Spelling("gpt-4o-mini"))
        );
        assert_eq!(
            catalog.similar("gpt-4o-mini-2024-07-18"),
            Some(Similar::VersionOf("gpt-4o-mini"))
        );
        assert_eq!(
            catalog.similar("o3-mini-2025-01-31"),
            Some(Similar::VersionOf("o3-mini"))
        );
        assert_eq!(catalog.similar("gpt-7-turbo"), None);
        assert_eq!(catalog.similar("gpt-4ox"), None);
    }

    #[test]
    fn build_order_follows_based_on() {
        let mut catalog = Catalog::new();
        catalog
            .extend_from_toml_str(
                "[models.b]\nbased_on = \"a\"\n[models.a]\nfamily = \"o-series\"\ncontext_window = 5\n",
            )
            .unwrap();
        let b = catalog.lookup("b").unwrap();
        assert_eq!(b.info.context_window, 5);
        assert_eq!(b.family, ModelFamily::OSeries);
        assert_eq!(b.wire_model, "b");
    }

    #[test]
    fn based_on_cycle_is_a_problem() {
        let err =
            Catalog::from_toml_str("[models.a]\nbased_on = \"b\"\n[models.b]\nbased_on = \"a\"\n")
                .unwrap_err();
        assert_eq!(err.problems().len(), 2, "{err}");
        assert!(err.to_string().contains("cycle"), "{err}");
    }
}
