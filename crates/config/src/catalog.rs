//! The OpenAI-native model catalogue (`docs/catalog.md`): which model ids the native
//! provider knows, what they can do and cost, and the family whose request rules
//! they follow. The data is `data/catalog.toml`, embedded at build time; users
//! extend or override it from their own file in the same format.

use oac_provider::files::{FileKind, read_capped_string};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::LazyLock;

use crate::choice::{Choice, ParseChoiceError, closest, parse_choice};
use crate::convert::{Cx, Field, Fields, choice, model_info_fields, string};
use crate::model_info::{EffortSupport, ModelInfo, ModelInfoOverrides, ReasoningEffort};
use crate::problem::{ConfigError, ConfigFormat, ProblemKind, Report, child, place_problems};
use crate::tree::{self, Entry, Node, Value};
use crate::validate;

/// The embedded catalogue data: `data/catalog.toml` as JSON, written by `build.rs`
/// (numbers as written), so that no program links a TOML reader for it.
const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.json"));

/// Parsed once, on first use.
static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| {
    let mut catalog = Catalog::new();
    let read = tree::parse_json_document(BUILTIN_JSON, None)
        .and_then(|root| catalog.extend_with(&root, ConfigFormat::Json, None));
    match read {
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

/// The request rules a native model follows (`docs/catalog.md`, "Request rules by
/// family").
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
    /// know, as the name rules (`data/names.toml`) say: `o` + digits (`o1`, `o3-pro`,
    /// `o4-mini-2025-04-16`) is the o-series, `gpt-5…` the gpt-5 family, anything
    /// else other. A gateway's vendor prefix (`openai/o3-mini`: everything up to the
    /// last `/`) is ignored.
    ///
    /// ```
    /// use oac_config::ModelFamily;
    ///
    /// assert_eq!(ModelFamily::of_id("o3-pro"), ModelFamily::OSeries);
    /// assert_eq!(ModelFamily::of_id("openai/o3-mini"), ModelFamily::OSeries);
    /// assert_eq!(ModelFamily::of_id("gpt-5-codex"), ModelFamily::Gpt5);
    /// assert_eq!(ModelFamily::of_id("gpt-4o-2024-11-20"), ModelFamily::Other);
    /// ```
    pub fn of_id(id: &str) -> ModelFamily {
        crate::names::family(id).unwrap_or(ModelFamily::Other)
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
    /// The rule for an id the catalogue does not know: as the name rules
    /// (`data/names.toml`) say — `o1-preview…` and `o1-mini…` take it as the first
    /// user message —, otherwise as `family` says. A gateway's vendor prefix
    /// (`openai/`) is ignored.
    ///
    /// ```
    /// use oac_config::{ModelFamily, SystemPrompt};
    ///
    /// let id = "o1-mini-2024-09-12";
    /// assert_eq!(SystemPrompt::of_id(id, ModelFamily::of_id(id)), SystemPrompt::FirstUserMessage);
    /// ```
    pub fn of_id(id: &str, family: ModelFamily) -> SystemPrompt {
        crate::names::system_prompt(id).unwrap_or_else(|| family.system_prompt())
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
    /// The API the model must be called through (`api = "responses"` for models
    /// served only by the Responses API); `None`: either.
    pub api: Option<oac_url::WireApi>,
    /// Limits, capabilities and prices. `supports_reasoning_effort` lists the
    /// allowed levels; `reasoning_effort` is the default level (none: nothing is
    /// sent unless asked); `supports_tools` is false for models that reject
    /// `tools` (`o1-preview`, `o1-mini`).
    pub info: ModelInfo,
    /// The entry this one is built on (`based_on` in a catalogue file): a later
    /// override of that entry reaches this one too, except for the fields this
    /// one sets itself.
    pub based_on: Option<String>,
}

impl CatalogEntry {
    /// What is known of an id the catalogue does not list: the family and
    /// system-prompt rule from its name, the wire model is the id itself, and the
    /// info is [`ModelInfo::compatible_default`] (prices unknown).
    ///
    /// ```
    /// use oac_config::{CatalogEntry, ModelFamily};
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
            api: None,
            info: ModelInfo::compatible_default(),
            based_on: None,
        }
    }
}

/// The native model catalogue: model id → [`CatalogEntry`].
///
/// [`Catalog::builtin`] holds the models of `data/catalog.toml`. A user file in the
/// same format adds models or overrides built-in ones field by field (config key `catalog`,
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
/// `developer`, `user`), and every `model_info` key of a profile (plus
/// `supports_tools`). An entry built with `based_on` follows its base: overriding
/// `o3-mini` (in any later file) changes `o3-mini-high` and `o3-mini-low` too,
/// except for the fields they set themselves.
///
/// ```
/// use oac_config::Catalog;
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
///
/// // An override of a model reaches the aliases based on it.
/// mine.extend_from_toml_str("[models.\"o3-mini\"]\ninput_price = 0.5\n")?;
/// let high = mine.lookup("o3-mini-high").unwrap();
/// assert_eq!(high.info.prices.input_price.unwrap().to_string(), "0.5");
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    entries: BTreeMap<String, CatalogEntry>,
    /// How each entry is made, so that entries are rebuilt when one they are
    /// based on changes.
    recipes: BTreeMap<String, Recipe>,
}

impl Catalog {
    /// An empty catalogue.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// The built-in catalogue (`data/catalog.toml`), parsed once on first use.
    pub fn builtin() -> &'static Catalog {
        &BUILTIN
    }

    /// The entry for `id` (exact, case-sensitive, as OpenAI's ids are).
    pub fn lookup(&self, id: &str) -> Option<&CatalogEntry> {
        self.entries.get(id)
    }

    /// The entry for a configured model id: the exact id, else (for a gateway that
    /// prefixes OpenAI's ids, `openai/o3-mini-high`) the entry of the id after the
    /// last `/`, with the configured id as its id and the prefix kept on its wire
    /// model (`openai/o3-mini`).
    ///
    /// ```
    /// use oac_config::Catalog;
    ///
    /// let entry = Catalog::builtin().entry_for("openai/o3-mini-high").unwrap();
    /// assert_eq!(entry.id, "openai/o3-mini-high");
    /// assert_eq!(entry.wire_model, "openai/o3-mini");
    /// assert_eq!(entry.alias_effort.unwrap().as_str(), "high");
    /// assert!(Catalog::builtin().entry_for("openai/gpt-7").is_none());
    /// ```
    pub fn entry_for(&self, id: &str) -> Option<CatalogEntry> {
        if let Some(entry) = self.lookup(id) {
            return Some(entry.clone());
        }
        let (prefix, bare) = id.rsplit_once('/')?;
        let mut entry = self.lookup(bare)?.clone();
        entry.id = id.to_owned();
        entry.wire_model = format!("{prefix}/{}", entry.wire_model);
        Some(entry)
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

    /// Adds `entry` as it is, replacing (and returning) any entry with the same
    /// id. Entries based on that id are rebuilt on the new entry.
    pub fn insert(&mut self, entry: CatalogEntry) -> Option<CatalogEntry> {
        let id = entry.id.clone();
        let mut recipes = self.recipes.clone();
        recipes.insert(id.clone(), Recipe::given(entry));
        // A given entry has no base, so it adds no cycle and no unknown base; an
        // entry based on it that no longer fits it (an alias effort it does not
        // accept) is rebuilt all the same: the caller's entry is taken as it is.
        let mut ignored = Report::default();
        let built = build_all(&recipes, &self.entries, &BTreeMap::new(), &mut ignored);
        let old = self.entries.get(&id).cloned();
        self.recipes = recipes;
        self.entries = built;
        old
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
        let text = read_capped_string(path, FileKind::Catalog).map_err(|source| {
            ConfigError::UnreadableCatalog {
                path: path.to_path_buf(),
                source,
            }
        })?;
        self.extend(&text, format, Some(path))
    }

    fn extend(
        &mut self,
        text: &str,
        format: ConfigFormat,
        path: Option<&Path>,
    ) -> Result<(), ConfigError> {
        let root = tree::parse_document(text, format, path)?;
        self.extend_with(&root, format, path)
    }

    /// [`extend`](Self::extend) with a document already read.
    fn extend_with(
        &mut self,
        root: &Node,
        format: ConfigFormat,
        path: Option<&Path>,
    ) -> Result<(), ConfigError> {
        let mut cx = Cx::new(format);
        let written = read_document(&mut cx, root);
        let mut recipes = self.recipes.clone();
        let mut in_file = BTreeMap::new();
        for w in written {
            let id = w.id.clone();
            in_file.insert(id.clone(), w.info.clone());
            let recipe = match (recipes.remove(&id), &w.based_on) {
                // Without `based_on`, an entry that exists is changed field by field.
                (Some(old), None) => old.then(w),
                _ => Recipe::from(w),
            };
            recipes.insert(id, recipe);
        }
        let built = build_all(&recipes, &self.entries, &in_file, &mut cx.report);
        let Cx {
            report, mut lines, ..
        } = cx;
        // A problem of an entry this file does not name (an alias whose base it
        // changed) is placed at the line of the entry of this file it follows.
        for id in recipes.keys().filter(|id| !in_file.contains_key(*id)) {
            let mut base = id;
            // Bounded: a `based_on` cycle (reported as a problem) must not loop.
            for _ in 0..recipes.len() {
                let Some(Recipe {
                    start: Start::BasedOn(next),
                    ..
                }) = recipes.get(base)
                else {
                    break;
                };
                base = next;
                if let Some(line) = lines.get(&child("models", base)).copied() {
                    lines.insert(child("models", id), line);
                    break;
                }
            }
        }
        if report.problems.is_empty() {
            self.recipes = recipes;
            self.entries = built;
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
    based_on: Option<String>,
    wire_model: Option<String>,
    alias_effort: Option<ReasoningEffort>,
    family: Option<ModelFamily>,
    system_prompt: Option<SystemPrompt>,
    api: Option<oac_url::WireApi>,
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
    let api = t.take(cx, "api").and_then(|f| choice(cx, &f));
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
        based_on,
        wire_model,
        alias_effort,
        family,
        system_prompt,
        api,
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

/// How one entry is made: where it starts and the fields it sets itself (every
/// catalogue file that named it, merged in order).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Recipe {
    start: Start,
    wire_model: Option<String>,
    alias_effort: Option<ReasoningEffort>,
    family: Option<ModelFamily>,
    system_prompt: Option<SystemPrompt>,
    api: Option<oac_url::WireApi>,
    info: ModelInfoOverrides,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Start {
    /// What the id implies ([`CatalogEntry::inferred`]).
    Inferred,
    /// Another entry, as it is built (`based_on`).
    BasedOn(String),
    /// An entry given whole ([`Catalog::insert`]).
    Given(Box<CatalogEntry>),
}

impl Recipe {
    fn given(entry: CatalogEntry) -> Recipe {
        Recipe {
            start: Start::Given(Box::new(entry)),
            wire_model: None,
            alias_effort: None,
            family: None,
            system_prompt: None,
            api: None,
            info: ModelInfoOverrides::default(),
        }
    }

    /// This recipe changed field by field by a later file's entry (without
    /// `based_on`).
    fn then(self, w: Written) -> Recipe {
        Recipe {
            start: self.start,
            wire_model: w.wire_model.or(self.wire_model),
            alias_effort: w.alias_effort.or(self.alias_effort),
            family: w.family.or(self.family),
            system_prompt: w.system_prompt.or(self.system_prompt),
            api: w.api.or(self.api),
            info: self.info.then(&w.info),
        }
    }

    /// `start` (already built) with this recipe's fields.
    fn apply(&self, id: &str, mut entry: CatalogEntry) -> CatalogEntry {
        if let Start::BasedOn(base) = &self.start {
            // A copy of another model is its own model on the wire unless told otherwise.
            entry.wire_model = id.to_owned();
            entry.based_on = Some(base.clone());
        }
        entry.id = id.to_owned();
        if let Some(wire) = &self.wire_model {
            entry.wire_model = wire.clone();
        }
        if let Some(family) = self.family {
            entry.family = family;
            if self.start == Start::Inferred && self.system_prompt.is_none() {
                entry.system_prompt = SystemPrompt::of_id(id, family);
            }
        }
        if let Some(prompt) = self.system_prompt {
            entry.system_prompt = prompt;
        }
        if self.alias_effort.is_some() {
            entry.alias_effort = self.alias_effort;
        }
        if self.api.is_some() {
            entry.api = self.api;
        }
        entry.info = entry.info.with_overrides(&self.info);
        entry
    }
}

impl From<Written> for Recipe {
    fn from(w: Written) -> Recipe {
        Recipe {
            start: w.based_on.map_or(Start::Inferred, Start::BasedOn),
            wire_model: w.wire_model,
            alias_effort: w.alias_effort,
            family: w.family,
            system_prompt: w.system_prompt,
            api: w.api,
            info: w.info,
        }
    }
}

/// Builds every entry from its recipe, bases first. `written` holds the
/// `model_info` keys of the entries of the file being read (empty when none is):
/// those entries are checked in full; entries that changed only because their
/// base did are checked for what they set themselves.
fn build_all(
    recipes: &BTreeMap<String, Recipe>,
    old: &BTreeMap<String, CatalogEntry>,
    written: &BTreeMap<String, ModelInfoOverrides>,
    report: &mut Report,
) -> BTreeMap<String, CatalogEntry> {
    let mut done: BTreeMap<String, CatalogEntry> = BTreeMap::new();
    let mut failed: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&String> = recipes.keys().collect();
    loop {
        let before = pending.len();
        let mut waiting = Vec::new();
        for id in pending {
            let recipe = &recipes[id];
            let start = match &recipe.start {
                Start::Inferred => CatalogEntry::inferred(id),
                Start::Given(entry) => (**entry).clone(),
                Start::BasedOn(base) => match done.get(base) {
                    Some(entry) => entry.clone(),
                    // Its base has its own problem, already reported.
                    None if failed.contains(base.as_str()) => {
                        failed.insert(id);
                        continue;
                    }
                    None if recipes.contains_key(base) => {
                        waiting.push(id);
                        continue;
                    }
                    None => {
                        unknown_base(id, base, recipes, report);
                        failed.insert(id);
                        continue;
                    }
                },
            };
            let entry = recipe.apply(id, start);
            match written.get(id) {
                Some(info) => check(&entry, info, None, report),
                None if old.get(id) != Some(&entry) => {
                    check(&entry, &recipe.info, Some(recipe), report);
                }
                None => {}
            }
            done.insert(id.clone(), entry);
        }
        if waiting.is_empty() {
            break;
        }
        if waiting.len() == before {
            for id in waiting {
                report.problem(
                    ProblemKind::InvalidValue,
                    child(&child("models", id), "based_on"),
                    format!(
                        "`based_on = \"{}\"` forms a cycle (entries are based on each other); base one of them on a model that is not",
                        based_on_name(&recipes[id])
                    ),
                );
            }
            break;
        }
        pending = waiting;
    }
    done
}

fn based_on_name(recipe: &Recipe) -> &str {
    match &recipe.start {
        Start::BasedOn(base) => base,
        _ => "",
    }
}

fn unknown_base(id: &str, base: &str, recipes: &BTreeMap<String, Recipe>, report: &mut Report) {
    let message = match closest(base, recipes.keys().map(String::as_str)) {
        Some(suggestion) => {
            format!("`{base}` is not in the catalogue; did you mean `{suggestion}`?")
        }
        None => format!(
            "`{base}` is not in the catalogue; name a built-in model or an entry of this file"
        ),
    };
    report.problem(
        ProblemKind::InvalidValue,
        child(&child("models", id), "based_on"),
        message,
    );
}

/// Checks a built entry. `own` is what the entry sets itself: the `model_info`
/// keys of this file's entry, or (`inherited` = its recipe) of every file for an
/// entry rebuilt because its base changed. What an entry inherits unchanged was
/// checked at its base.
fn check(
    entry: &CatalogEntry,
    own: &ModelInfoOverrides,
    inherited: Option<&Recipe>,
    report: &mut Report,
) {
    let path = child("models", &entry.id);
    validate::merged_model_info(&entry.info, own, &path, report);
    let support = &entry.info.supports_reasoning_effort;
    let own_levels = own.supports_reasoning_effort.is_some() || own.reasoning_effort.is_some();
    for (key, level) in [
        ("alias_effort", entry.alias_effort),
        ("reasoning_effort", entry.info.reasoning_effort),
    ] {
        let Some(level) = level else { continue };
        if support.allows(level)
            || (key == "reasoning_effort" && inherited.is_some() && !own_levels)
        {
            continue;
        }
        let accepted = match support {
            EffortSupport::Levels(levels) => levels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            _ => "none".to_owned(),
        };
        let from_base = inherited.is_some() && own.supports_reasoning_effort.is_none();
        let message = match (&entry.based_on, support) {
            (Some(base), _) if from_base => format!(
                "`{}` is based on `{base}`, which after this file's changes no longer accepts its {key} `{level}` (accepted: {accepted}); add an entry for `{}` that sets {key} to one of them, or keep `{level}` in supports_reasoning_effort",
                entry.id, entry.id
            ),
            (_, EffortSupport::Levels(_)) => format!(
                "`{level}` is not a level `{}` accepts ({accepted}); use one of them or add it to supports_reasoning_effort",
                entry.id
            ),
            _ => format!(
                "`{}` does not accept reasoning_effort (supports_reasoning_effort is false); remove {key} or set supports_reasoning_effort",
                entry.id
            ),
        };
        report.problem(ProblemKind::InvalidValue, child(&path, key), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue as written.
    const BUILTIN_TOML: &str = include_str!("../data/catalog.toml");

    #[test]
    fn builtin_catalogue_parses() {
        let catalog = Catalog::from_toml_str(BUILTIN_TOML).unwrap();
        // The JSON `build.rs` writes reads to the very catalogue the TOML does.
        assert_eq!(&catalog, Catalog::builtin());
        assert!(!catalog.is_empty());
    }

    #[test]
    fn the_catalogue_json_keeps_literals_and_refuses_what_json_cannot_say() {
        use crate::catalog_file::catalog_as_json;
        let json = catalog_as_json(
            "[models.\"a\\\"b\"]\ninput_price = 0.10\ncontext_window = 128000\nsupports_reasoning_effort = [\"low\"]\nx = -1.5e-6\n",
        )
        .unwrap();
        assert_eq!(
            json,
            "{\n\"models\":{\n\"a\\\"b\":{\n\"context_window\":128000,\n\"input_price\":0.10,\n\"supports_reasoning_effort\":[\"low\"],\n\"x\":-1.5e-6}}}\n"
        );
        // TOML's own digit separators are gone once read: the value is the same.
        assert!(
            catalog_as_json("x = 1_000.5\n")
                .unwrap()
                .contains(":1000.5")
        );
        for bad in ["0x10", "0b11", "+1", "+1.5", "inf", "-nan", "1979-05-27"] {
            let toml = format!("[models.m]\ninput_price = {bad}\n");
            let Err(err) = catalog_as_json(&toml) else {
                panic!("{bad} was taken");
            };
            assert!(err.contains("models.m.input_price"), "{bad}: {err}");
        }
        assert!(catalog_as_json("[models.m\n").is_err());
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
