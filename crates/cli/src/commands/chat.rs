//! `oac chat [PROMPT]`: send a prompt, show the reply as it streams, then its usage.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use oac::pricing::format_tokens;
use oac::provider::budget;
use oac::provider::files::{FileKind, ShownPath, read_capped, read_text_capped};
use oac::{ChatRequest, Client, ContentPart, KnownModel};

use crate::args::{ChatArgs, GlobalArgs};
use crate::failure::Failure;
use crate::ledger::Ledger;
use crate::output::Output;
use crate::reply::{self, Shown};
use crate::setup::{self, Need};
use crate::spinner::Spinner;

mod editor;
mod interactive;
mod slash;

pub async fn run(
    global: &GlobalArgs,
    args: &ChatArgs,
    ledger: &Arc<Ledger>,
    out: &mut Output,
) -> Result<(), Failure> {
    out.set_raw(args.raw);
    if interactive::wanted(global, args) {
        return interactive::run(global, args, ledger, out).await;
    }
    if interactive::in_session(args) {
        return interactive::one_turn(global, args, ledger, out).await;
    }
    let loaded = setup::load(global, Need::Model, out)?;
    let streaming = loaded.profile.streaming() && !args.no_stream;
    let client = ledger.attach(setup::client_for(loaded.profile)?);
    let prompt = prompt(args, out)?;
    let request = request(args, prompt)?;
    let host = setup::host_of(&client);

    let spinner = out.spinner(format!("connecting to {host}…"));
    // Discovery runs here (once), so the budget is checked against the server's
    // window before anything is sent.
    let known = client.known_model().await;
    warn_if_too_long(out, &request, client.model(), &known);
    // Ctrl-C drops the request (and its stream): the ledger records it as cut,
    // with what usage came, before `oac` exits.
    let shown = tokio::select! {
        shown = send(&client, request, streaming, &host, spinner, out) => shown?,
        Ok(()) = tokio::signal::ctrl_c() => return Err(Failure::Interrupted),
    };
    // Discovery ran with the request: this asks nothing more of the server.
    let known = client.known_model().await;
    reply::show_end(out, &shown, &known)
}

/// Sends the request and shows the reply as it comes.
async fn send(
    client: &Client,
    request: ChatRequest,
    streaming: bool,
    host: &str,
    mut spinner: Spinner,
    out: &mut Output,
) -> Result<Shown, Failure> {
    if streaming {
        let stream = client.stream(request).await?;
        spinner.set_message("waiting for the first token…");
        reply::show_stream(out, stream, spinner).await
    } else {
        spinner.set_message(format!("waiting for {host} to answer…"));
        let response = client.send(request).await?;
        spinner.stop();
        reply::show_response(out, &response)
    }
}

/// Warns when the prompt and the reserved output exceed the context window. Ollama
/// is warned about by the provider itself (it cuts instead of refusing).
fn warn_if_too_long(out: &mut Output, request: &ChatRequest, model: &str, known: &KnownModel) {
    // Most prompts fit by far: no tokenizer is loaded for them.
    if known.server == Some("Ollama") || budget::surely_fits(request, &known.info) {
        return;
    }
    let budget = budget::of(request, model, &known.info);
    if budget.fits() {
        return;
    }
    out.warn(&format!(
        "the prompt is about {} tokens ({} estimate) and {} are reserved for the reply, more than the {}-token context window ({}): the provider will likely refuse it; shorten the prompt or lower --max-tokens",
        format_tokens(budget.prompt.tokens),
        budget.prompt.method,
        format_tokens(budget.reserved_output),
        format_tokens(budget.context_window),
        known.sources.context_window,
    ));
}

/// The prompt: the arguments joined with spaces, else standard input.
fn prompt(args: &ChatArgs, out: &mut Output) -> Result<String, Failure> {
    let prompt = if args.prompt.is_empty() {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            out.note("type the prompt, then Ctrl-D on a new line");
        }
        read_text_capped(stdin.lock(), FileKind::Prompt).map_err(|source| Failure::File {
            what: "cannot read the prompt from",
            path: "standard input".into(),
            source,
        })?
    } else {
        args.prompt.join(" ")
    };
    if prompt.trim().is_empty() {
        return Err(Failure::Usage(
            "the prompt is empty: give it as an argument (`oac chat \"Hello\"`) or on standard input"
                .into(),
        ));
    }
    Ok(prompt)
}

fn request(args: &ChatArgs, prompt: String) -> Result<ChatRequest, Failure> {
    let mut request = ChatRequest::new();
    if let Some(system) = &args.system {
        request = request.system(system);
    }
    request = if args.images.is_empty() {
        request.user(prompt)
    } else {
        let mut parts = vec![ContentPart::text(prompt)];
        for image in &args.images {
            parts.push(image_part(image)?);
        }
        request.user(parts)
    };
    Ok(with_options(args, request))
}

/// `request` with the command line's request options (max tokens, temperature,
/// effort, service tier): one-shot and interactive chat send the same.
fn with_options(args: &ChatArgs, mut request: ChatRequest) -> ChatRequest {
    if let Some(max) = args.max_tokens {
        request = request.max_tokens(max);
    }
    if let Some(temperature) = args.temperature {
        request = request.temperature(temperature);
    }
    if let Some(effort) = args.reasoning_effort {
        request = request.reasoning_effort(effort);
    }
    if let Some(tier) = args.service_tier {
        request = request.service_tier(tier);
    }
    request
}

/// An `--image`: a URL as given, or a file sent inline as a `data:` URL.
fn image_part(image: &str) -> Result<ContentPart, Failure> {
    let lower = image.trim().to_ascii_lowercase();
    if ["http://", "https://", "data:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return Ok(ContentPart::image_url(image.trim()));
    }
    let path = Path::new(image);
    let mime = image_mime(path).ok_or_else(|| {
        Failure::Usage(format!(
            "cannot tell the image type of {}: use a .png, .jpg, .jpeg, .gif or .webp file, or an http(s) or data: URL",
            ShownPath(path)
        ))
    })?;
    let bytes = read_capped(path, FileKind::Image).map_err(|source| Failure::File {
        what: "cannot read the image",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(ContentPart::image_bytes(mime, bytes))
}

fn image_mime(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_come_from_the_extension() {
        assert_eq!(image_mime(Path::new("a/cat.PNG")), Some("image/png"));
        assert_eq!(image_mime(Path::new("cat.jpeg")), Some("image/jpeg"));
        assert_eq!(image_mime(Path::new("cat.webp")), Some("image/webp"));
        assert_eq!(image_mime(Path::new("cat.bmp")), None);
        assert_eq!(image_mime(Path::new("cat")), None);
    }

    #[test]
    fn image_urls_are_sent_as_given() {
        let part = image_part("https://example.com/cat.png").unwrap();
        assert_eq!(part, ContentPart::image_url("https://example.com/cat.png"));
    }

    #[test]
    fn unknown_image_types_are_usage_errors() {
        let error = image_part("notes.txt").unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains(".png"), "{error}");
    }
}
