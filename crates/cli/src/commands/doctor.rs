//! `oac doctor`: checks a setup in order — config valid, URL resolves, host reachable,
//! key accepted, model exists, streaming works, usage reported — and prints, for each
//! failure, the one-line fix. The first failure decides the exit code; the checks
//! after it are skipped.

use std::sync::Arc;

use oac::config::{EffortSupport, ProblemKind};
use oac::url::Url;
use oac::{
    ChatRequest, ChatResponse, Client, Cost, Error, ErrorKind, Loader, ModelEntry, ModelInfo,
    Reach, ReasoningEffort, ResolvedProfile, StreamEvent, UsageReport, format_usd,
};

use super::resolve::provider_line;
use crate::args::GlobalArgs;
use crate::failure::{Failure, exit_code};
use crate::fixes::{FIX_CONFIG, FIX_URL, closest_model, fix_for};
use crate::ledger::Ledger;
use crate::model_info;
use crate::output::{Output, record};
use crate::redact;

/// The checks, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Check {
    Config,
    Url,
    Host,
    Key,
    Model,
    Streaming,
    Usage,
}

impl Check {
    const ALL: [Check; 7] = [
        Check::Config,
        Check::Url,
        Check::Host,
        Check::Key,
        Check::Model,
        Check::Streaming,
        Check::Usage,
    ];

    fn name(self) -> &'static str {
        match self {
            Check::Config => "config_valid",
            Check::Url => "url_resolves",
            Check::Host => "host_reachable",
            Check::Key => "key_accepted",
            Check::Model => "model_exists",
            Check::Streaming => "streaming_works",
            Check::Usage => "usage_reported",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Check::Config => "config valid",
            Check::Url => "URL resolves",
            Check::Host => "host reachable",
            Check::Key => "key accepted",
            Check::Model => "model exists",
            Check::Streaming => "streaming works",
            Check::Usage => "usage reported",
        }
    }
}

/// The outcome of one check.
enum Outcome {
    Pass(String),
    Warn {
        detail: String,
        fix: String,
    },
    Fail {
        detail: String,
        fix: String,
        code: u8,
        kind: &'static str,
        /// The HTTP status, when a provider answered.
        status: Option<u16>,
    },
    Skip(String),
}

impl Outcome {
    /// A configuration that does not load: exit code and kind of a config error.
    fn config_failed(error: &oac::ConfigError, fix: &str) -> Outcome {
        Outcome::Fail {
            detail: error.to_string(),
            fix: fix.to_owned(),
            code: exit_code(ErrorKind::Config),
            kind: ErrorKind::Config.as_str(),
            status: None,
        }
    }

    /// The failure of a request: the error, its fix, its exit code, kind and status.
    fn failed(error: &Error, fix: String) -> Outcome {
        Outcome::Fail {
            detail: error.to_string(),
            fix,
            code: exit_code(error.kind()),
            kind: error.kind().as_str(),
            status: error.status(),
        }
    }
}

/// Prints outcomes and remembers the first failure.
struct Doctor<'o> {
    out: &'o mut Output,
    next: usize,
    failed: Option<Failure>,
    warnings: usize,
}

impl Doctor<'_> {
    fn report(&mut self, check: Check, outcome: Outcome) -> Result<(), Failure> {
        self.next = Check::ALL
            .iter()
            .position(|c| *c == check)
            .map_or(self.next, |i| i + 1);
        let (status, detail, fix) = match &outcome {
            Outcome::Pass(detail) => ("pass", detail.as_str(), None),
            Outcome::Warn { detail, fix } => ("warn", detail.as_str(), Some(fix.as_str())),
            Outcome::Fail { detail, fix, .. } => ("fail", detail.as_str(), Some(fix.as_str())),
            Outcome::Skip(why) => ("skip", why.as_str(), None),
        };
        if self.out.is_json() {
            self.out.record(&record! {
                "type": "check",
                "check": check.name(),
                "status": status,
                "detail": detail,
                "fix": fix,
            })?;
        } else {
            let mark = match status {
                "pass" => "ok  ",
                "warn" => "warn",
                "fail" => "FAIL",
                _ => "skip",
            };
            let detail = detail.replace('\n', "\n                       ");
            self.out
                .line(&format!("{mark}  {:<16} {detail}", check.label()))?;
            if let Some(fix) = fix {
                self.out.line(&format!("      fix: {fix}"))?;
            }
        }
        match outcome {
            Outcome::Warn { .. } => self.warnings += 1,
            Outcome::Fail {
                fix,
                code,
                kind,
                status,
                ..
            } if self.failed.is_none() => {
                self.failed = Some(Failure::CheckFailed {
                    code,
                    kind,
                    status,
                    message: format!("`{}` failed: {fix}", check.label()),
                });
            }
            _ => {}
        }
        Ok(())
    }

    fn fail_with(
        &mut self,
        check: Check,
        error: &Error,
        profile: &ResolvedProfile,
    ) -> Result<(), Failure> {
        self.report(check, Outcome::failed(error, fix_for(error, profile)))
    }

    /// Skips every check not reported yet, then ends.
    fn finish(mut self, why: &str) -> Result<(), Failure> {
        for check in Check::ALL.iter().skip(self.next) {
            self.report(*check, Outcome::Skip(why.to_owned()))?;
        }
        match self.failed.take() {
            Some(failure) => Err(failure),
            None => {
                self.out.note(&match self.warnings {
                    0 => "all checks passed".to_owned(),
                    1 => "all checks passed, with 1 warning".to_owned(),
                    n => format!("all checks passed, with {n} warnings"),
                });
                Ok(())
            }
        }
    }
}

/// What showed that the key works.
enum KeyEvidence {
    /// The models list answered.
    Models(Vec<ModelEntry>),
    /// A short chat answered.
    Chat(Box<ChatResponse>),
    /// A short chat said the model does not exist (so the key was accepted).
    ModelMissing(Error),
}

/// A step's result: go on with what it found, or stop (its failure is reported).
enum Step<T> {
    Go(T),
    Stop,
}

/// Unwraps a [`Step`], or ends the run after the failure it reported.
macro_rules! go_or_finish {
    ($doctor:expr, $step:expr) => {
        match $step? {
            Step::Go(value) => value,
            Step::Stop => return $doctor.finish("after the failure above"),
        }
    };
}

pub async fn run(
    global: &GlobalArgs,
    ledger: &Arc<Ledger>,
    out: &mut Output,
) -> Result<(), Failure> {
    let mut doctor = Doctor {
        out,
        next: 0,
        failed: None,
        warnings: 0,
    };
    let (profile, client) = go_or_finish!(doctor, config_check(&mut doctor, global, ledger));
    url_check(&mut doctor, &profile)?;
    go_or_finish!(doctor, host_check(&mut doctor, &client, &profile).await);
    let evidence = go_or_finish!(doctor, key_check(&mut doctor, &client, &profile).await);
    let answered = go_or_finish!(
        doctor,
        model_step(&mut doctor, &client, &profile, evidence).await
    );
    let usage = go_or_finish!(
        doctor,
        streaming_check(&mut doctor, &client, &profile, answered).await
    );
    doctor.report(
        Check::Usage,
        usage_outcome(usage.as_ref(), profile.streaming()),
    )?;
    // What the checks' own requests taught the client (a refused parameter).
    for fallback in client.known_model().await.fallbacks {
        doctor.out.warn(&format!(
            "remembered for this endpoint and model: {fallback}"
        ));
    }
    doctor.finish("after the failure above")
}

/// 1: the configuration loads (2, the URL, fails here when it is the only problem).
fn config_check(
    doctor: &mut Doctor<'_>,
    global: &GlobalArgs,
    ledger: &Arc<Ledger>,
) -> Result<Step<(ResolvedProfile, Client)>, Failure> {
    let loaded = match Loader::new().overrides(global.overrides()).load() {
        Ok(loaded) => loaded,
        Err(error) => {
            let url_only = !error.problems().is_empty()
                && error
                    .problems()
                    .iter()
                    .all(|p| p.kind == ProblemKind::InvalidUrl);
            if url_only {
                doctor.report(
                    Check::Config,
                    Outcome::Pass("valid apart from the URL".into()),
                )?;
                doctor.report(Check::Url, Outcome::config_failed(&error, FIX_URL))?;
            } else {
                doctor.report(Check::Config, Outcome::config_failed(&error, FIX_CONFIG))?;
            }
            return Ok(Step::Stop);
        }
    };
    let profile = loaded.profile.clone();
    let client = match Client::from_profile(loaded.profile) {
        // The checks' own chats cost money too: they are recorded like any other.
        Ok(client) => ledger.attach(client),
        Err(error) => {
            doctor.fail_with(Check::Config, &error, &profile)?;
            return Ok(Step::Stop);
        }
    };
    let name = profile.name().as_ref().map_or_else(
        || "no profile".to_owned(),
        |name| format!("profile `{name}`"),
    );
    doctor.report(
        Check::Config,
        Outcome::Pass(format!(
            "{name}, model `{}`, key {} · {}\nprovider: {}",
            profile.model(),
            profile
                .key_source()
                .map_or("not set".to_owned(), |s| format!("from {s}")),
            loaded.source,
            provider_line(&profile)
        )),
    )?;
    for warning in &loaded.warnings {
        doctor.out.warn(&warning.to_string());
    }
    Ok(Step::Go((profile, client)))
}

/// 2: the URLs the profile resolves to (a warning when the key would travel in clear).
fn url_check(doctor: &mut Doctor<'_>, profile: &ResolvedProfile) -> Result<(), Failure> {
    let endpoints = &profile.endpoints();
    let secrets = redact::secrets(profile);
    let models = match endpoints.models_masked(&secrets) {
        Some(url) => format!("models {url}"),
        None => format!(
            "no models URL ({})",
            endpoints
                .models_missing_reason
                .as_deref()
                .unwrap_or("set `models_url`")
        ),
    };
    let posted = match profile.api() {
        oac::WireApi::Responses => endpoints
            .responses_masked(&secrets)
            .map(|url| format!("{url} (Responses API: {})", profile.api_reason())),
        _ => None,
    };
    let url_detail = format!(
        "POST {} · {models} · {}",
        posted.unwrap_or_else(|| endpoints.chat_masked(&secrets)),
        endpoints.rule
    );
    let key_in_clear = profile.api_key().is_some()
        && endpoints.chat.scheme() == "http"
        && !oac::url::is_loopback(&endpoints.chat);
    doctor.report(
        Check::Url,
        if key_in_clear {
            Outcome::Warn {
                detail: format!(
                    "{url_detail} · the API key would travel unencrypted (plain http to a host that is not this machine)"
                ),
                fix: "use the https:// form of the base URL".into(),
            }
        } else {
            Outcome::Pass(url_detail)
        },
    )
}

/// 3: the host answers, through the same client as a chat (proxy rules, TLS,
/// timeouts): the facade asks, the CLI only words the outcome.
async fn host_check(
    doctor: &mut Doctor<'_>,
    client: &Client,
    profile: &ResolvedProfile,
) -> Result<Step<()>, Failure> {
    let mut spinner = doctor.out.spinner("reaching the host…");
    let reached = client.reach().await;
    spinner.stop();
    match reached {
        Ok(reach) => {
            let detail = reach_detail(&reach, &profile.endpoints().chat, profile);
            doctor.report(Check::Host, Outcome::Pass(detail))?;
            Ok(Step::Go(()))
        }
        Err(error) => {
            doctor.fail_with(Check::Host, &error, profile)?;
            Ok(Step::Stop)
        }
    }
}

/// 4: the key is accepted.
async fn key_check(
    doctor: &mut Doctor<'_>,
    client: &Client,
    profile: &ResolvedProfile,
) -> Result<Step<KeyEvidence>, Failure> {
    let mut spinner = doctor.out.spinner("checking the key…");
    let evidence = key_evidence(client).await;
    spinner.stop();
    let evidence = match evidence {
        Ok(evidence) => evidence,
        Err(error) => {
            doctor.fail_with(Check::Key, &error, profile)?;
            return Ok(Step::Stop);
        }
    };
    let keyless = profile.api_key().is_none();
    doctor.report(
        Check::Key,
        Outcome::Pass(match (&evidence, keyless) {
            (_, true) => "no key is set, and the server asks for none".to_owned(),
            (KeyEvidence::Models(list), false) => match list.len() {
                1 => "the models list answered (1 model)".to_owned(),
                n => format!("the models list answered ({n} models)"),
            },
            (KeyEvidence::Chat(_), false) => "a short chat answered".to_owned(),
            (KeyEvidence::ModelMissing(_), false) => {
                "accepted (the provider went on to look up the model)".to_owned()
            }
        }),
    )?;
    Ok(Step::Go(evidence))
}

/// 5: the model exists; the chat that showed it, if one did.
async fn model_step(
    doctor: &mut Doctor<'_>,
    client: &Client,
    profile: &ResolvedProfile,
    evidence: KeyEvidence,
) -> Result<Step<Option<ChatResponse>>, Failure> {
    let mut spinner = doctor.out.spinner("checking the model…");
    let (outcome, answered) = model_check(client, profile, evidence).await;
    spinner.stop();
    let outcome = match outcome {
        Outcome::Pass(detail) => Outcome::Pass(with_model_info(detail, client).await),
        other => other,
    };
    let failed = matches!(outcome, Outcome::Fail { .. });
    doctor.report(Check::Model, outcome)?;
    Ok(if failed {
        Step::Stop
    } else {
        Step::Go(answered)
    })
}

/// 6: streaming works (skipped when the profile turns it off); the usage that came,
/// for 7.
async fn streaming_check(
    doctor: &mut Doctor<'_>,
    client: &Client,
    profile: &ResolvedProfile,
    answered: Option<ChatResponse>,
) -> Result<Step<Option<UsageReport>>, Failure> {
    if !profile.streaming() {
        doctor.report(
            Check::Streaming,
            Outcome::Skip("streaming = false in the profile: replies come whole".into()),
        )?;
        let usage = match answered {
            Some(response) => response.usage,
            None => match client.send(ping(client.model_info())).await {
                Ok(response) => response.usage,
                Err(error) => {
                    doctor.fail_with(Check::Usage, &error, profile)?;
                    return Ok(Step::Stop);
                }
            },
        };
        return Ok(Step::Go(usage));
    }
    let mut spinner = doctor.out.spinner("checking streaming…");
    let streamed = stream_check(client).await;
    spinner.stop();
    match streamed {
        Ok((events, report)) => {
            doctor.report(
                Check::Streaming,
                Outcome::Pass(format!("{events} events, ended properly")),
            )?;
            Ok(Step::Go(report))
        }
        Err(error) => {
            doctor.fail_with(Check::Streaming, &error, profile)?;
            Ok(Step::Stop)
        }
    }
}

/// `detail` with the model info (each field's source) and what discovery asked the
/// server, one line each.
async fn with_model_info(detail: String, client: &Client) -> String {
    let known = client.known_model().await;
    let mut lines = vec![
        detail,
        format!("model info: {}", model_info::summary(&known)),
    ];
    lines.extend(known.notes.iter().map(|note| format!("asked {note}")));
    lines.join("\n")
}

/// Output tokens of the ping: enough for reasoning models, which refuse (or spend
/// on reasoning) a limit of 1. A ping that stops at this limit (finish reason
/// `length`) still shows that the key, the model and streaming work.
const PING_TOKENS: u32 = 16;

/// The smallest real request: a few tokens, at the lowest reasoning effort the model
/// accepts (when it takes one), so reasoning models answer quickly and cheaply.
fn ping(info: &ModelInfo) -> ChatRequest {
    let request = ChatRequest::new()
        .user("Reply with OK.")
        .max_tokens(PING_TOKENS);
    match lowest_effort(&info.supports_reasoning_effort) {
        Some(effort) => request.reasoning_effort(effort),
        None => request,
    }
}

/// The lowest effort a model accepts. A model that accepts "any" level gets `low`:
/// `none` and `minimal` are not understood by every server that takes an effort.
fn lowest_effort(support: &EffortSupport) -> Option<ReasoningEffort> {
    match support {
        EffortSupport::Levels(levels) => ReasoningEffort::ALL
            .into_iter()
            .find(|level| levels.contains(level)),
        EffortSupport::Yes => Some(ReasoningEffort::Low),
        _ => None,
    }
}

/// What the host check says of a server that answered.
fn reach_detail(reach: &Reach, url: &Url, profile: &ResolvedProfile) -> String {
    let host = url.host_str().unwrap_or("the host");
    let port = url.port_or_known_default().unwrap_or(443);
    let through = profile
        .proxy()
        .map(|proxy| {
            format!(
                " through the proxy {}",
                oac::url::masked_text(proxy, &redact::secrets(profile))
            )
        })
        .unwrap_or_default();
    match reach {
        Reach::Answered { status } => {
            format!("{host}:{port} answers HTTP requests{through} (HEAD → {status})")
        }
        _ => "not checked by this provider; the next check reaches it".to_owned(),
    }
}

/// Asks the models list (when there is one), else a short chat.
async fn key_evidence(client: &Client) -> Result<KeyEvidence, Error> {
    if client.endpoints().models.is_some() {
        match client.models().await {
            Ok(list) => return Ok(KeyEvidence::Models(list)),
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::InvalidApiKey
                        | ErrorKind::Connection
                        | ErrorKind::Timeout
                        | ErrorKind::RateLimited
                        | ErrorKind::QuotaExhausted
                ) =>
            {
                return Err(error);
            }
            // Some servers have no (or a restricted) models list: a chat decides.
            Err(_) => {}
        }
    }
    match client.send(ping(client.model_info())).await {
        Ok(response) => Ok(KeyEvidence::Chat(Box::new(response))),
        Err(error) if error.kind() == ErrorKind::ModelNotFound => {
            Ok(KeyEvidence::ModelMissing(error))
        }
        Err(error) => Err(error),
    }
}

/// Whether the model exists; also returns a complete reply when one was needed.
async fn model_check(
    client: &Client,
    profile: &ResolvedProfile,
    evidence: KeyEvidence,
) -> (Outcome, Option<ChatResponse>) {
    let model = &profile.model();
    let (listed, ids) = match evidence {
        KeyEvidence::Chat(response) => {
            let served = response
                .model
                .as_deref()
                .filter(|served| served != model)
                .map(|served| format!(" (served as `{served}`)"))
                .unwrap_or_default();
            return (
                Outcome::Pass(format!("`{model}` answered{served}")),
                Some(*response),
            );
        }
        KeyEvidence::ModelMissing(error) => {
            let ids = match client.models().await {
                Ok(list) => list.into_iter().map(|m| m.id).collect(),
                Err(_) => Vec::new(),
            };
            return (model_missing(&error, profile, &ids), None);
        }
        KeyEvidence::Models(list) => {
            let ids: Vec<String> = list.into_iter().map(|m| m.id).collect();
            (ids.iter().any(|id| id == model), ids)
        }
    };
    if listed {
        return (
            Outcome::Pass(format!("`{model}` is listed by the provider")),
            None,
        );
    }
    // Not listed (aliases, deployments, or a list that is not complete): ask.
    match client.send(ping(client.model_info())).await {
        Ok(response) => (
            Outcome::Pass(format!(
                "`{model}` answers (the models list does not name it)"
            )),
            Some(response),
        ),
        Err(error) if error.kind() == ErrorKind::ModelNotFound => {
            (model_missing(&error, profile, &ids), None)
        }
        Err(error) => (Outcome::failed(&error, fix_for(&error, profile)), None),
    }
}

fn model_missing(error: &Error, profile: &ResolvedProfile, ids: &[String]) -> Outcome {
    let mut fix = fix_for(error, profile);
    if let Some(close) = closest_model(profile.model(), ids.iter().map(String::as_str)) {
        fix.push_str(&format!("; did you mean `{close}`?"));
    }
    Outcome::failed(error, fix)
}

/// Streams a short chat to its end: the number of events and the usage.
async fn stream_check(client: &Client) -> Result<(usize, Option<UsageReport>), Error> {
    let mut stream = client.stream(ping(client.model_info())).await?;
    let mut events = 0;
    let mut usage = None;
    while let Some(event) = stream.next().await {
        events += 1;
        if let StreamEvent::Usage(report) = event? {
            usage = Some(*report);
        }
    }
    Ok((events, usage))
}

fn usage_outcome(usage: Option<&UsageReport>, streamed: bool) -> Outcome {
    let Some(report) = usage else {
        return Outcome::Warn {
            detail: "the provider reported no token usage, so costs cannot be computed".into(),
            fix: if streamed {
                "oac asks for usage in streams (stream_options.include_usage); this server ignores it, so costs stay unknown unless it can be told to report usage".into()
            } else {
                "the provider's replies carry no `usage`; costs stay unknown with this server"
                    .into()
            },
        };
    };
    let tokens = format!(
        "{} in · {} out",
        report.usage.input_total, report.usage.output_total
    );
    match &report.cost {
        Cost::Known(breakdown) => Outcome::Pass(format!("{tokens} · cost {}", format_usd(breakdown.total))),
        Cost::Unknown(unknown) => Outcome::Warn {
            detail: format!("{tokens} · cost unknown ({})", unknown.reason),
            fix: "set input_price and output_price (USD per 1M tokens) in the profile's model_info to see costs".into(),
        },
        _ => Outcome::Pass(tokens),
    }
}
