//! The HTTP side: records each request, routes it, checks it, picks its reply and
//! turns the reply's plan into a response.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::bodies;
use crate::body::{PlanBody, ResponseGuard};
use crate::conn::ConnHandle;
use crate::plan::Plan;
use crate::recording::RecordedRequest;
use crate::render::RequestInfo;
use crate::reply::Reply;
use crate::responses::ResponsesRequest;
use crate::route::Route;
use crate::simulator::{DefaultReply, Shared};
use crate::wire;

/// Request bodies above this size are refused with 413.
const MAX_REQUEST_BODY: usize = 64 * 1024 * 1024;

/// The one handler: every path goes through it, so any prefix works.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let (raw_body, too_large) = match axum::body::to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(bytes) => (bytes, false),
        Err(error) => {
            tracing::debug!(%error, "could not read the request body");
            (bytes::Bytes::new(), true)
        }
    };
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_slice(&raw_body).ok(),
        raw_body,
    };
    shared.record(recorded.clone());
    tracing::debug!(method = %recorded.method, path = %recorded.path, "simulator request");

    let route = Route::of(&recorded.method, &recorded.path);
    let (reply, info) = choose_reply(&shared, &recorded, route, too_large);
    respond(&shared, &conn, &reply, &info).await
}

/// The reply for a request, checks first; `info` describes the request to the renderer.
fn choose_reply(
    shared: &Shared,
    request: &RecordedRequest,
    route: Route,
    too_large: bool,
) -> (Reply, RequestInfo) {
    let config = &shared.config;
    let mut info = RequestInfo {
        stream: request.wants_stream(),
        model: request
            .body_at("/model")
            .and_then(Value::as_str)
            .map(str::to_owned),
        number: 0,
        responses: (route == Route::Responses)
            .then(|| ResponsesRequest::from_body(request.body.as_ref())),
    };
    let refuse = |status, message: &str, code: Option<&str>| {
        simulator_error(status, message, code, config.first_byte_delay)
    };

    if too_large {
        let message = format!("The request body is larger than {MAX_REQUEST_BODY} bytes.");
        return (refuse(413, &message, None), info);
    }
    if let Some(key) = &config.api_key
        && let Some(refusal) = check_key(request, key)
    {
        return (refuse(401, refusal, Some("invalid_api_key")), info);
    }
    if let Some((_, _, status, body)) = config
        .routes
        .iter()
        .find(|(method, path, _, _)| *method == request.method && *path == request.path)
    {
        let reply = Reply::error(*status, body.to_string().into_bytes());
        return (with_default_delay(reply, config.first_byte_delay), info);
    }
    match route {
        Route::Unknown => {
            let message = format!(
                "Invalid URL ({} {}): the simulator answers POST …/chat/completions, POST …/responses and GET …/models.",
                request.method, request.path
            );
            (refuse(404, &message, None), info)
        }
        Route::Models => {
            let reply = shared.next_models_reply().unwrap_or_else(|| {
                let body = match &config.models_body {
                    Some(body) => body.to_string().into_bytes(),
                    None => wire::models_list(&config.models),
                };
                Reply::error(200, body)
            });
            (with_default_delay(reply, config.first_byte_delay), info)
        }
        Route::Chat | Route::Responses => {
            if let Some(refusal) = refuse_chat(shared, request, info.model.as_deref()) {
                return (refusal, info);
            }
            info.number = if route == Route::Responses {
                shared.next_responses_number()
            } else {
                shared.next_chat_number()
            };
            let reply = shared
                .next_reply()
                .unwrap_or_else(|| match &config.default_reply {
                    DefaultReply::Echo => crate::echo_reply(request),
                    DefaultReply::Fixed(reply) => Reply::clone(reply),
                    DefaultReply::With(build) => build(request),
                });
            (with_default_delay(reply, config.first_byte_delay), info)
        }
    }
}

/// The refusal of a chat or Responses request the simulator is set to refuse (not
/// JSON, a refused field, `stream_options`, an unlisted model under
/// `strict_models`), or `None` to answer it. A refusal takes no scripted reply.
fn refuse_chat(shared: &Shared, request: &RecordedRequest, model: Option<&str>) -> Option<Reply> {
    let config = &shared.config;
    let refuse = |status, message: &str, code: Option<&str>| {
        Some(simulator_error(
            status,
            message,
            code,
            config.first_byte_delay,
        ))
    };
    let scripted = |status: u16, body: &String| {
        Some(with_default_delay(
            Reply::error(status, body.clone()),
            config.first_byte_delay,
        ))
    };
    if request.body.as_ref().is_none_or(|body| !body.is_object()) {
        return refuse(
            400,
            "We could not parse the JSON body of your request: send a JSON object.",
            None,
        );
    }
    if let Some((_, status, body)) = config
        .refused_fields
        .iter()
        .find(|(field, _, _)| request.body_at(&format!("/{field}")).is_some())
    {
        return scripted(*status, body);
    }
    if config.reject_stream_options && request.body_at("/stream_options").is_some() {
        if let Some((status, body)) = &config.stream_options_refusal {
            return scripted(*status, body);
        }
        return refuse(
            400,
            "Unrecognized request argument supplied: stream_options",
            None,
        );
    }
    if config.strict_models {
        match model {
            None => return refuse(400, "You must provide a model parameter.", None),
            Some(model) if !is_listed(shared, model) => {
                let message =
                    format!("The model `{model}` does not exist or you do not have access to it.");
                return refuse(404, &message, Some("model_not_found"));
            }
            Some(_) => {}
        }
    }
    None
}

/// `None` when the request carries `key`; otherwise why it is refused. The key itself
/// is never repeated.
fn check_key(request: &RecordedRequest, key: &str) -> Option<&'static str> {
    let bearer = request.header("authorization").map(|value| {
        let value = value.trim();
        match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => value,
        }
    });
    let api_key = request.header("api-key").map(str::trim);
    match (bearer, api_key) {
        (None, None) => Some(
            "You didn't provide an API key. Send it as `Authorization: Bearer KEY` or `api-key: KEY`.",
        ),
        _ if bearer == Some(key) || api_key == Some(key) => None,
        _ => Some("Incorrect API key provided."),
    }
}

fn is_listed(shared: &Shared, model: &str) -> bool {
    let config = &shared.config;
    match &config.models_body {
        Some(body) => body
            .get("data")
            .and_then(Value::as_array)
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|entry| entry.get("id").and_then(Value::as_str) == Some(model))
            }),
        None => config.models.iter().any(|listed| listed == model),
    }
}

/// The simulator's own refusal, OpenAI-shaped.
fn simulator_error(status: u16, message: &str, code: Option<&str>, delay: Duration) -> Reply {
    let body = bodies::simulator_error(message, "invalid_request_error", code);
    with_default_delay(Reply::error(status, body), delay)
}

fn with_default_delay(reply: Reply, delay: Duration) -> Reply {
    if reply.delivery.first_byte_delay.is_none() && !delay.is_zero() {
        reply.first_byte_delay(delay)
    } else {
        reply
    }
}

/// Plays the reply: delay, then headers, then the body steps.
async fn respond(
    shared: &Arc<Shared>,
    conn: &ConnHandle,
    reply: &Reply,
    info: &RequestInfo,
) -> Response {
    let plan = Plan::new(reply, info);
    let mut guard = ResponseGuard::new(Arc::clone(shared), Arc::clone(&conn.state));
    if plan.close_before_response {
        guard.finish();
        conn.state.kill();
        return Response::new(Body::empty());
    }
    if let Some(delay) = plan.first_byte_delay.filter(|delay| !delay.is_zero()) {
        // A client that gives up during the delay drops this future: the guard
        // counts it as a disconnect.
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = conn.state.killed() => {
                guard.finish();
                return Response::new(Body::empty());
            }
        }
    }
    match build_response(&plan) {
        Ok(builder) => {
            let body = PlanBody::new(plan.steps, plan.repeat, Arc::clone(&conn.state), guard);
            builder
                .body(Body::from_stream(body))
                .unwrap_or_else(|error| invalid_reply(&error.to_string()))
        }
        Err(problem) => {
            guard.finish();
            invalid_reply(&problem)
        }
    }
}

/// Status and headers of the plan, or what is wrong with the scripted reply.
fn build_response(plan: &Plan) -> Result<axum::http::response::Builder, String> {
    let status = StatusCode::from_u16(plan.status).map_err(|_| {
        format!(
            "the reply status {} is not an HTTP status (100-999)",
            plan.status
        )
    })?;
    let mut builder = Response::builder().status(status);
    for (name, value) in &plan.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("the reply header name {name:?} is not a valid header name"))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            format!("the reply header {name} has a value that is not valid in HTTP: {value:?}")
        })?;
        builder = builder.header(name, value);
    }
    if let Some(length) = plan.content_length {
        builder = builder.header(axum::http::header::CONTENT_LENGTH, length);
    }
    Ok(builder)
}

/// A 500 telling the test author that the scripted reply cannot be sent.
fn invalid_reply(problem: &str) -> Response {
    tracing::warn!(problem, "the scripted reply cannot be sent");
    let message = format!(
        "The simulator cannot send the scripted reply: {problem}. Fix the Reply in the test."
    );
    let body = bodies::simulator_error(&message, "simulator_error", None);
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
