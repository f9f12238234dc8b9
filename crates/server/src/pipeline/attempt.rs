//! One attempt on one credential: translate the request (step 5), send it (step 6), and for
//! streams wait for the first upstream event before anything is committed to the client.

use std::sync::Arc;

use bytes::Bytes;
use cpa_providers::{Action, UpstreamRequest};
use cpa_router::resolve::Resolution;
use cpa_router::retry::Disposition;
use cpa_router::select::Pick;
use cpa_translate::{CountTokensPlan, RequestContext, ResponseContext};
use futures_util::StreamExt;

use super::classify::{self, Failure};
use super::payload;
use super::stream::{self, StreamHealth, StreamSetup};
use super::upstream_log::{self, AttemptRecorder};
use super::usage::{DraftFields, UsageDraft};
use super::{ClientCall, Outcome};
use crate::respond::{ApiError, ErrorKind};
use crate::state::Runtime;
use crate::upstreams::Upstreams;
use cpa_usage::UsageSink;

/// Makes one attempt; a failure carries its classification and the client-facing error.
pub async fn run(
    runtime: &Arc<Runtime>,
    usage_sink: &UsageSink,
    upstreams: &Upstreams,
    call: &ClientCall,
    resolution: &Resolution,
    pick: &Pick,
) -> Result<Outcome, Failure> {
    let credentials = upstreams.credentials();
    let Some(credential) = credentials.get(&pick.credential.id) else {
        return Err(Failure::new(
            Disposition::TryNext { cool_down: None },
            ApiError::new(
                ErrorKind::Internal,
                "credential disappeared during a reload",
            ),
        ));
    };
    let registry = upstreams.registry();
    let Some(executor) = registry.for_credential(credential) else {
        return Err(Failure::new(
            Disposition::TryNext { cool_down: None },
            ApiError::new(
                ErrorKind::Internal,
                "executor_not_found: executor not registered",
            ),
        ));
    };
    let target = executor.native_format();
    let mut usage = UsageDraft::start(
        usage_sink.clone(),
        DraftFields {
            provider: credential.provider_name(),
            model: &pick.upstream_model,
            api_key: &call.principal,
            auth_id: pick.credential.id.as_str(),
            source: &pick.credential.label,
            request_id: &call.request_id,
            client_format: call.format.as_str(),
        },
    );
    let request_ctx = RequestContext {
        upstream_model: pick.upstream_model.clone(),
        is_streaming: call.is_streaming,
        upstream_streaming: None,
        reasoning_override: classify::reasoning_override(resolution),
        id_seed: rand::random(),
        user_agent: call
            .forward_headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    // Echo fields, include_usage and Codex tool-name shortening come from the client body.
    let response_ctx = ResponseContext::for_request(
        call.format,
        target,
        &call.body,
        &request_ctx,
        resolution.requested.clone(),
        chrono::Utc::now().timestamp(),
    );
    let recorder = call.upstream_log.as_ref().map(|log| {
        AttemptRecorder::new(
            log,
            credential.provider_name(),
            pick.credential.id.as_str(),
            &pick.credential.label,
            pick.credential.auth_kind == cpa_router::AuthKind::OAuth,
        )
    });
    let mut request = UpstreamRequest {
        model: pick.upstream_model.clone(),
        body: Bytes::new(),
        is_streaming: call.is_streaming,
        action: call.action,
        alt: call.alt.clone(),
        client_headers: call.forward_headers.clone(),
    };

    if call.action == Action::CountTokens {
        let plan = cpa_translate::translate_count_tokens_request(
            call.format,
            target,
            &call.body,
            &request_ctx,
        )
        .map_err(classify::translate_failure)?;
        let body = match plan {
            CountTokensPlan::Local { input_tokens } => {
                cpa_translate::count_tokens_body(call.format, input_tokens)
                    .map_err(classify::translate_failure)?
            }
            CountTokensPlan::Upstream(body) => {
                request.body = Bytes::from(body);
                let result = upstream_log::run(
                    recorder.as_ref(),
                    executor.count_tokens(request, credential),
                )
                .await;
                record_outcome(recorder, &result);
                let response = match result {
                    Ok(response) => response,
                    Err(err) => return Err(classify::upstream_failure(&err, call.format, target)),
                };
                cpa_translate::translate_count_tokens_response(
                    target,
                    call.format,
                    &response.body,
                    &response_ctx,
                )
                .map_err(classify::translate_failure)?
            }
        };
        return Ok(Outcome::Json(Bytes::from(body)));
    }

    let body = cpa_translate::translate_request(call.format, target, &call.body, &request_ctx)
        .map_err(classify::translate_failure)?;
    let body = payload::apply(
        &runtime.config.payload,
        payload::protocol_of(target),
        &pick.upstream_model,
        body,
    );
    request.body = Bytes::from(body);

    if !call.is_streaming {
        let result =
            upstream_log::run(recorder.as_ref(), executor.execute(request, credential)).await;
        record_outcome(recorder, &result);
        let response = match result {
            Ok(response) => response,
            Err(err) => {
                usage.fail(None, err.status().map(|s| s.as_u16()));
                return Err(classify::upstream_failure(&err, call.format, target));
            }
        };
        usage.succeed(response.usage);
        let body =
            cpa_translate::translate_response(target, call.format, &response.body, &response_ctx)
                .map_err(|err| {
                Failure::new(
                    Disposition::TryNext { cool_down: None },
                    ApiError::new(
                        ErrorKind::Internal,
                        format!("cannot translate the upstream response: {err}"),
                    ),
                )
            })?;
        return Ok(Outcome::Json(Bytes::from(body)));
    }

    let result = upstream_log::run(
        recorder.as_ref(),
        executor.execute_stream(request, credential),
    )
    .await;
    if let Some(recorder) = recorder {
        match &result {
            Ok(stream) => recorder.finish(
                Some(stream.status().as_u16()),
                stream.headers(),
                b"(streamed to the client)",
                None,
            ),
            Err(err) => finish_failed(recorder, err),
        }
    }
    let mut upstream = match result {
        Ok(stream) => stream,
        Err(err) => {
            usage.fail(None, err.status().map(|s| s.as_u16()));
            return Err(classify::upstream_failure(&err, call.format, target));
        }
    };
    // Peek: an error (or a closed stream) before the first event is a failed attempt that
    // may still fail over; nothing has been sent to the client yet.
    let first = match upstream.next().await {
        Some(Ok(event)) => Some(event),
        Some(Err(err)) => {
            usage.fail(upstream.usage(), None);
            return Err(classify::upstream_failure(&err, call.format, target));
        }
        None => None,
    };
    usage.mark_first_token();
    let setup = StreamSetup {
        client: call.format,
        upstream_format: target,
        alt: call.alt.clone(),
        keepalive: runtime.config.streaming.keepalive,
        response_ctx,
        usage,
        health: StreamHealth {
            pool: upstreams.shared_pool(),
            credential: pick.credential.id.clone(),
            model: pick.model.clone(),
        },
    };
    Ok(Outcome::Stream(stream::spawn(setup, first, upstream)))
}

/// Finishes the request-log record of a non-stream attempt.
fn record_outcome(
    recorder: Option<AttemptRecorder>,
    result: &Result<cpa_providers::UpstreamResponse, cpa_providers::UpstreamError>,
) {
    let Some(recorder) = recorder else { return };
    match result {
        Ok(response) => recorder.finish(
            Some(response.status.as_u16()),
            &response.headers,
            &response.body,
            None,
        ),
        Err(err) => finish_failed(recorder, err),
    }
}

fn finish_failed(recorder: AttemptRecorder, err: &cpa_providers::UpstreamError) {
    let body = err.body().map(|b| b.to_vec()).unwrap_or_default();
    let error = err.status().is_none().then(|| err.to_string());
    recorder.finish(
        err.status().map(|s| s.as_u16()),
        &http::HeaderMap::new(),
        &body,
        error,
    );
}
