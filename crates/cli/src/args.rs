//! The command line: global options, commands and their options (clap).

use std::path::PathBuf;
use std::time::SystemTime;

use clap::{Args, Parser, Subcommand, ValueEnum};
use oac::{ApiChoice, EndpointMode, Overrides, ProviderChoice, ReasoningEffort, ServiceTier};

/// Talk to any OpenAI-compatible provider: chat, list models, price usage, resolve
/// URLs and diagnose a setup.
#[derive(Debug, Parser)]
#[command(
    name = "oac",
    version,
    about = "Chat with, list, price and diagnose any OpenAI-compatible provider",
    long_about = "Chat with, list, price and diagnose any OpenAI-compatible provider \
                  (OpenAI, Azure, Together, DeepSeek, Groq, OpenRouter, Ollama, LM Studio, vLLM…).\n\n\
                  Settings come from flags, then the environment (OPENAI_BASE_URL, OPENAI_API_KEY, \
                  OPENAI_MODEL, OAC_PROFILE, OAC_CONFIG), then the profile in the config file. \
                  The API key is never a flag: it comes from OPENAI_API_KEY or the variable or \
                  file a profile names.\n\n\
                  Try `oac demo` (offline, no key needed), then `oac doctor` against your provider.",
    after_help = "Exit codes: 0 success · 2 usage or configuration error · 3 invalid API key or \
                  permission denied · 4 model or endpoint not found · 5 rate limited or quota · \
                  6 connection error or timeout · 7 provider server error · 8 any other provider \
                  or decode error"
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (also from the environment and the config file).
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Config file (TOML or JSON) [default: $OAC_CONFIG, else the platform config dir]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile of the config file to use [default: $OAC_PROFILE, else `default_profile`]
    #[arg(long, global = true, value_name = "NAME",
          add = clap_complete::ArgValueCompleter::new(crate::completions::profile_names))]
    pub profile: Option<String>,
    /// Base URL (`https://api.provider.com/v1`) or full chat endpoint [default: $OPENAI_BASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Model id [default: $OPENAI_MODEL, else the profile's]
    #[arg(long, global = true, value_name = "ID",
          add = clap_complete::ArgValueCompleter::new(crate::model_cache::model_ids))]
    pub model: Option<String>,
    /// Which implementation talks to the provider
    #[arg(long, global = true, value_name = "KIND")]
    pub provider: Option<ProviderArg>,
    /// Read the URL as a base, a full endpoint, or decide from its path
    #[arg(long, global = true, value_name = "MODE")]
    pub endpoint_mode: Option<EndpointModeArg>,
    /// Which API chat requests go through [default: the profile's `api`, else auto]
    #[arg(long, global = true, value_name = "API")]
    pub api: Option<ApiArg>,
    /// Extra header on every request, `Name: value` (repeatable)
    #[arg(long = "header", global = true, value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// Environment variable holding the API key [default: OPENAI_API_KEY or the profile's]
    #[arg(long, global = true, value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// One JSON object per line on standard output
    #[arg(long, global = true)]
    pub json: bool,
}

impl GlobalArgs {
    /// The flags as the config crate's top layer of precedence.
    pub fn overrides(&self) -> Overrides {
        let mut overrides = Overrides::new();
        if let Some(path) = &self.config {
            overrides = overrides.config(path);
        }
        if let Some(name) = &self.profile {
            overrides = overrides.profile(name);
        }
        if let Some(url) = &self.base_url {
            overrides = overrides.base_url(url);
        }
        if let Some(model) = &self.model {
            overrides = overrides.model(model);
        }
        if let Some(provider) = self.provider {
            overrides = overrides.provider(provider.into());
        }
        if let Some(mode) = self.endpoint_mode {
            overrides = overrides.endpoint_mode(mode.into());
        }
        if let Some(api) = self.api {
            overrides = overrides.api(api.into());
        }
        for header in &self.headers {
            overrides = overrides.header(header);
        }
        if let Some(var) = &self.api_key_env {
            overrides = overrides.api_key_env(var);
        }
        overrides
    }
}

/// `--provider`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ProviderArg {
    /// Native for api.openai.com or no base URL, else compatible
    Auto,
    /// Any OpenAI-compatible server
    Compatible,
    /// OpenAI itself
    #[value(name = "openai-native")]
    OpenAiNative,
}

impl From<ProviderArg> for ProviderChoice {
    fn from(arg: ProviderArg) -> Self {
        match arg {
            ProviderArg::Auto => ProviderChoice::Auto,
            ProviderArg::Compatible => ProviderChoice::Compatible,
            ProviderArg::OpenAiNative => ProviderChoice::OpenAiNative,
        }
    }
}

/// `--api`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ApiArg {
    /// The API a full endpoint URL names, or the one the catalogue says the model needs, else chat
    Auto,
    /// Chat completions (…/chat/completions)
    Chat,
    /// The Responses API (…/responses)
    Responses,
}

impl From<ApiArg> for ApiChoice {
    fn from(arg: ApiArg) -> Self {
        match arg {
            ApiArg::Auto => ApiChoice::Auto,
            ApiArg::Chat => ApiChoice::Chat,
            ApiArg::Responses => ApiChoice::Responses,
        }
    }
}

/// `--endpoint-mode`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EndpointModeArg {
    /// Full endpoint when the path ends in /chat/completions, /chat or /invocations
    Auto,
    /// Always append /chat/completions and /models
    Base,
    /// Always call the URL as given
    Full,
}

impl From<EndpointModeArg> for EndpointMode {
    fn from(arg: EndpointModeArg) -> Self {
        match arg {
            EndpointModeArg::Auto => EndpointMode::Auto,
            EndpointModeArg::Base => EndpointMode::Base,
            EndpointModeArg::Full => EndpointMode::Full,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a prompt (argument or standard input) and print the reply as it streams, or chat interactively
    #[command(
        after_help = "Interactive: `oac chat -i`, or `oac chat` with no prompt when standard input \
                      and output are terminals. A line ending in `\\` continues on the next line \
                      (a multi-line paste is one message). Commands: /model ID, /system TEXT \
                      (/system - removes it), /image PATH_OR_URL (sent with the next message), \
                      /clear (start the context afresh), /cost, /save NAME, /help, /exit. Ctrl-C \
                      stops a reply (what arrived is kept, marked as cut) or clears the line; \
                      Ctrl-D leaves.\n\n\
                      Sessions: --session NAME keeps the conversation in NAME.json under the \
                      platform data directory (e.g. ~/.local/share/oac/sessions/; $OAC_SESSIONS \
                      picks another folder) and resumes it next time, with its model unless \
                      --model is given; --continue resumes the session used last. With a prompt \
                      (or piped input), the prompt is one more turn of the session.\n\n\
                      With --json, the reply is one JSON object per line: text, reasoning, \
                      tool_call, usage and done. In the usage object, `cost` is the cost \
                      rounded to 6 decimals (USD, as shown on screen) and `cost_exact` the \
                      exact, unrounded decimal; both are null when prices are unknown."
    )]
    Chat(ChatArgs),
    /// List the provider's model ids
    Models,
    /// Price a usage with the model's prices (exact, unrounded)
    #[command(
        after_help = "Prices come from the profile's model_info; for an OpenAI-native model, from \
                      the OpenAI model catalogue with the profile's model_info on top. A --model \
                      other than the profile's is priced from the catalogue (native providers \
                      only), never with another model's prices."
    )]
    Cost(CostArgs),
    /// Show the URLs that would be called and why; sends nothing
    Resolve(ResolveArgs),
    /// Manage the config file
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check the setup step by step and print the fix for what fails
    Doctor,
    /// Sum what the recorded requests used and cost, by day, profile and model
    #[command(
        after_help = "Every request of `oac chat` and `oac doctor` is recorded in the usage ledger \
                      ($OAC_LEDGER, else ledger.jsonl in the oac folder of the platform data \
                      directory, e.g. ~/.local/share/oac/ledger.jsonl); OAC_LEDGER=off records \
                      nothing. Here --profile and --model filter the records (the profile's name, \
                      the model as sent or as the server named it). Days are UTC. Costs are exact; \
                      requests whose cost is unknown are counted apart, never as $0."
    )]
    Usage(UsageArgs),
    /// Print the shell completion script: `source <(oac completions bash)`
    #[command(
        after_help = "Install (the script calls oac back, so profile names are always current):\n  \
                      bash: echo 'source <(oac completions bash)' >> ~/.bashrc\n  \
                      zsh:  echo 'source <(oac completions zsh)' >> ~/.zshrc\n  \
                      fish: echo 'oac completions fish | source' >> ~/.config/fish/config.fish"
    )]
    Completions(CompletionsArgs),
    /// Run chat, models and cost against the built-in simulator (offline, no key)
    #[cfg_attr(
        not(feature = "demo"),
        command(about = "Not in this build (built without the `demo` feature)")
    )]
    Demo,
}

/// `oac completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// A shell `oac completions` writes for.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    /// Bash 4.4 or newer.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}

/// `oac chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The prompt (words are joined with spaces) [default: standard input]
    #[arg(value_name = "PROMPT")]
    pub prompt: Vec<String>,
    /// System prompt
    #[arg(long, value_name = "TEXT")]
    pub system: Option<String>,
    /// Image to send with the prompt: a file, an http(s) URL or a data: URL (repeatable)
    #[arg(long = "image", value_name = "PATH_OR_URL")]
    pub images: Vec<String>,
    /// Wait for the whole reply instead of streaming it
    #[arg(long)]
    pub no_stream: bool,
    /// Maximum output tokens
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Sampling temperature, 0 to 2
    #[arg(long, value_name = "T", value_parser = parse_temperature)]
    pub temperature: Option<f64>,
    /// Reasoning effort: none, minimal, low, medium, high or xhigh
    #[arg(long, value_name = "LEVEL")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Processing tier: auto, default, flex, priority or scale (priced at the tier's
    /// prices where the model's prices list them)
    #[arg(long, value_name = "TIER")]
    pub service_tier: Option<ServiceTier>,
    /// Print the answer exactly as received, terminal control characters included
    /// (by default they are removed, but for newlines and tabs)
    #[arg(long)]
    pub raw: bool,
    /// Chat interactively (the default with no prompt on a terminal); a prompt given is the first message
    #[arg(short, long)]
    pub interactive: bool,
    /// Keep the conversation in the session NAME and resume it next time
    #[arg(long, value_name = "NAME", conflicts_with = "continue_last")]
    pub session: Option<String>,
    /// Resume the session used last
    #[arg(short = 'c', long = "continue")]
    pub continue_last: bool,
}

fn parse_temperature(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(t) if (0.0..=2.0).contains(&t) => Ok(t),
        Ok(_) => Err("the temperature must be between 0 and 2".into()),
        Err(_) => Err("not a number; give a temperature between 0 and 2, e.g. 0.7".into()),
    }
}

/// `oac cost`.
#[derive(Debug, Args)]
pub struct CostArgs {
    /// All input (prompt) tokens, cached ones included
    #[arg(long, value_name = "N")]
    pub input: u64,
    /// All output (completion) tokens, reasoning included
    #[arg(long, value_name = "N")]
    pub output: u64,
    /// Input tokens read from the cache (part of --input)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub cached: u64,
    /// Input tokens written to the cache (part of --input)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub cache_write: u64,
    /// Reasoning tokens (part of --output)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub reasoning: u64,
    /// The service tier the request was processed at: flex, priority, … (default:
    /// standard)
    #[arg(long, value_name = "TIER")]
    pub service_tier: Option<ServiceTier>,
}

/// `oac usage`.
#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Only requests since a day (2026-12-01, from 00:00 UTC), a UTC time
    /// (2026-12-01T09:30:00Z) or a time ago (7d, 12h, 2w, 30min)
    #[arg(long, value_name = "WHEN", value_parser = parse_since)]
    pub since: Option<SystemTime>,
}

/// `--since`: a day, a UTC time or a duration back from now.
fn parse_since(text: &str) -> Result<SystemTime, String> {
    let text = text.trim();
    let looks_like_date = text.len() >= 10 && text.as_bytes()[4] == b'-';
    if looks_like_date {
        let full = if text.len() == 10 {
            format!("{text}T00:00:00Z")
        } else {
            text.to_owned()
        };
        return humantime::parse_rfc3339_weak(&full).map_err(|e| {
            format!("`{text}` is not a date ({e}): give a day like 2026-12-01 or a UTC time like 2026-12-01T09:30:00Z")
        });
    }
    let ago = humantime::parse_duration(text).map_err(|e| {
        format!("`{text}` is neither a date nor a duration ({e}): give a day like 2026-12-01 or a time ago like 7d, 12h or 2w")
    })?;
    Ok(SystemTime::now()
        .checked_sub(ago)
        .unwrap_or(SystemTime::UNIX_EPOCH)
        .max(SystemTime::UNIX_EPOCH))
}

/// `oac resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The base URL or endpoint to explain [default: --base-url, $OPENAI_BASE_URL or the profile's]
    #[arg(value_name = "URL")]
    pub url: Option<String>,
}

/// `oac config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Convert a Kilo Code / Roo Code settings export, or a Kilo Code 7 kilo.json, into profiles
    Import(ImportArgs),
}

/// `oac config import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The settings export (JSON) as saved by the extension, or Kilo Code 7's kilo.json / kilo.jsonc
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the profiles here [default: --config, $OAC_CONFIG, else the platform config file]
    #[arg(long, value_name = "FILE", conflicts_with = "print")]
    pub output: Option<PathBuf>,
    /// Print the profiles (TOML) on standard output instead of writing a file; no key
    /// is written anywhere: each profile reads its key from an environment variable
    /// named for it (e.g. TOGETHER_API_KEY)
    #[arg(long)]
    pub print: bool,
    /// Replace the config file and the key files when they exist
    #[arg(long)]
    pub force: bool,
    /// Where the API keys of the file go, one owner-only file per profile [default: `keys/` beside the config file]
    #[arg(long, value_name = "DIR", conflicts_with = "print")]
    pub keys_dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_after_the_command() {
        let cli = Cli::try_parse_from(["oac", "models", "--json", "--model", "m"]).unwrap();
        assert!(cli.global.json);
        assert_eq!(cli.global.model.as_deref(), Some("m"));
    }

    #[test]
    fn chat_prompt_words_are_collected() {
        let cli = Cli::try_parse_from(["oac", "chat", "Hello", "there"]).unwrap();
        let Command::Chat(chat) = cli.command else {
            panic!("not chat")
        };
        assert_eq!(chat.prompt, ["Hello", "there"]);
    }

    #[test]
    fn temperature_outside_0_to_2_is_refused() {
        assert!(Cli::try_parse_from(["oac", "chat", "--temperature", "2.5", "x"]).is_err());
        assert!(Cli::try_parse_from(["oac", "chat", "--temperature", "0.7", "x"]).is_ok());
    }

    #[test]
    fn since_takes_a_day_a_time_or_a_duration() {
        let day = parse_since("2026-12-01").unwrap();
        assert_eq!(
            humantime::format_rfc3339(day).to_string(),
            "2026-12-01T00:00:00Z"
        );
        let time = parse_since("2026-12-01T09:30:00Z").unwrap();
        assert_eq!(
            humantime::format_rfc3339(time).to_string(),
            "2026-12-01T09:30:00Z"
        );
        let week = parse_since("7d").unwrap();
        let ago = SystemTime::now().duration_since(week).unwrap().as_secs();
        assert!((7 * 86_400..7 * 86_400 + 60).contains(&ago), "{ago}");
        assert_eq!(parse_since("1000y").unwrap(), SystemTime::UNIX_EPOCH);
        for bad in [
            "2026-13-01",
            "yesterday",
            "7",
            "2026-12-01T25:00:00Z",
            "",
            "-7d",
        ] {
            let error = parse_since(bad).unwrap_err();
            assert!(error.contains("2026-12-01"), "{bad}: {error}");
        }
    }

    #[test]
    fn there_is_no_api_key_flag() {
        assert!(Cli::try_parse_from(["oac", "models", "--api-key", "sk-x"]).is_err());
    }
}
