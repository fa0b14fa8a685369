//! Errors, by layer. Below the edge, code returns small typed errors: `DbError` (db),
//! the gateways' own errors, and one enum per feature (`AccountError`, `LedgerError`,
//! `VoucherError`, `OrderError`, ...) whose variants say what went wrong in domain
//! words; a rule that refuses one request value uses `Invalid` (field + reason).
//! At the edge each of them has one `From` into `ApiError`, which picks the HTTP
//! status, the stable code and the field, and is boxed so results stay small.
//!
//! One body for every 4xx/5xx:
//! `{"status": 422, "code": "validation_failed", "message": "...", "field": "email"}`.
//! The message is what a client may see; an internal cause is logged, never sent.

use std::{
    borrow::Cow,
    fmt,
    ops::{Deref, DerefMut},
};

use poem::{error::ResponseError, http::header, http::HeaderValue, http::StatusCode, IntoResponse, Response};
use poem_openapi::{
    error::{
        AuthorizationError, ContentTypeError, ParseMultipartError, ParseParamError, ParsePathError,
        ParseRequestPayloadError,
    },
    registry::{MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
    ApiResponse, Object,
};
use serde_json::Value;

use crate::db::DbError;

/// The error body, as the spec describes it.
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize)]
#[oai(skip_serializing_if_is_none)]
pub struct ErrorBody {
    /// The HTTP status, repeated for clients that only see the body.
    pub status: u16,
    /// A stable machine-readable code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// The request field at fault, when there is one.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Extra structured detail, when there is some.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// The error at the edge: boxed, so a `Result` carrying it is one pointer wide.
pub struct ApiError(Box<ErrorParts>);

pub struct ErrorParts {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<Value>,
    pub retry_after: Option<u64>,
    /// Logged for 5xx, never sent.
    pub cause: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl Deref for ApiError {
    type Target = ErrorParts;
    fn deref(&self) -> &ErrorParts {
        &self.0
    }
}

impl DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ErrorParts {
        &mut self.0
    }
}

/// A rule refused one request value: which field and why (422, `validation_failed`
/// unless another code is given). Feature errors wrap it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: Cow<'static, str>,
    pub message: String,
    pub code: &'static str,
}

impl Invalid {
    pub fn new(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Invalid { field: field.into(), message: message.into(), code: "validation_failed" }
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message).with_field(e.field)
    }
}

/// Shorthand for `Err(Invalid::new(field, message))`.
pub fn invalid<T>(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid::new(field, message))
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError(Box::new(ErrorParts {
            status,
            code: Cow::Borrowed(code),
            message: message.into(),
            field: None,
            details: None,
            retry_after: None,
            cause: None,
        }))
    }

    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into().into_owned());
        self
    }

    /// Replaces the machine-readable code.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Cow::Borrowed(code);
        self
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422 naming the field.
    pub fn validation(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message).with_field(field)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn too_many(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many attempts; try again in {retry_after_secs} s"),
        );
        e.retry_after = Some(retry_after_secs);
        e
    }

    /// Tripay or Digiflazz could not do it (502).
    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "upstream_error", message)
    }

    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "internal error");
        e.cause = Some(cause.to_string());
        e
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            status: self.status.as_u16(),
            code: self.code.to_string(),
            message: self.message.clone(),
            field: self.field.clone(),
            details: self.details.clone(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)?;
        if let Some(c) = &self.cause {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::internal(e)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::internal(format!("{e:#}"))
    }
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(status = self.status.as_u16(), code = %self.code, cause = ?self.cause, "request failed");
        } else if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), code = %self.code, message = %self.message, "request refused");
        }
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut resp = Response::builder()
            .status(self.status)
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body);
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.as_response()
    }
}

impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        let content =
            || vec![MetaMediaType { content_type: "application/json; charset=utf-8", schema: ErrorBody::schema_ref() }];
        MetaResponses {
            responses: vec![
                MetaResponse {
                    description: "Client error: bad input (400/422, naming the field), missing or \
                                  bad token (401), not allowed (403), not found (404), conflict (409), \
                                  rate limited (429, with Retry-After).",
                    status: None,
                    status_range: Some("4XX".into()),
                    content: content(),
                    headers: vec![],
                },
                MetaResponse {
                    description: "Server or upstream error.",
                    status: None,
                    status_range: Some("5XX".into()),
                    content: content(),
                    headers: vec![],
                },
            ],
        }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

/// Turns any error that reached the edge of the app (poem-openapi's own parse, auth and
/// routing errors included) into the uniform body. Never a bare text 500.
pub fn to_response(err: poem::Error, path_param: impl Fn(&str) -> String) -> Response {
    if let Some(api) = err.downcast_ref::<ApiError>() {
        return api.as_response();
    }
    let status = err.status();
    let api = if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>() {
        let mut a = ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", payload_message(&e.reason));
        a.field = field_in(&e.reason);
        a
    } else if let Some(e) = err.downcast_ref::<ParseParamError>() {
        let name = if e.name.starts_with("param") { path_param(e.name) } else { e.name.to_string() };
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", format!("parameter `{name}`: {}", e.reason))
            .with_field(name)
    } else if let Some(e) = err.downcast_ref::<ParsePathError>() {
        let name = path_param(e.name);
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", format!("path `{name}`: {}", e.reason))
            .with_field(name)
    } else if let Some(e) = err.downcast_ref::<ParseMultipartError>() {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", format!("multipart body: {}", e.reason))
    } else if let Some(e) = err.downcast_ref::<ContentTypeError>() {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", e.to_string())
    } else if err.is::<AuthorizationError>() {
        ApiError::unauthorized("a valid bearer token is required")
    } else {
        let code: &'static str = match status {
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            s if s.is_client_error() => "bad_request",
            _ => "internal_error",
        };
        if status.is_server_error() {
            ApiError::internal(err.to_string())
        } else {
            let message = match status {
                StatusCode::NOT_FOUND => "no such route".to_string(),
                StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this route".to_string(),
                _ => err.to_string(),
            };
            ApiError::new(status, code, message)
        }
    };
    api.as_response()
}

/// A JSON body that did not parse (400 `invalid_json`) or did not fit the schema (422
/// `validation_failed`, naming the field when it can be found).
pub fn payload_error(reason: &str, body: &[u8], schema_field: impl FnOnce(&Value) -> Option<String>) -> ApiError {
    match serde_json::from_slice::<Value>(body) {
        Err(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("the request body is not valid JSON: {e}"))
        }
        Ok(v) => {
            let field = field_in(reason).or_else(|| schema_field(&v));
            let message = match &field {
                Some(f) if !reason.contains('`') => {
                    format!("field `{f}` is missing or has the wrong type")
                }
                _ => payload_message(reason),
            };
            let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message);
            e.field = field;
            e
        }
    }
}

/// poem-openapi reports a body problem as `failed to parse "Type": <reason>`; keep the reason.
fn payload_message(reason: &str) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        return "the request body is not valid JSON for this endpoint".into();
    }
    format!("invalid request body: {reason}")
}

/// The field name a parse error mentions, if any (`field `email` ...` or `(field `email`)`).
fn field_in(reason: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r#"field `([^`]+)`"#).expect("static regex"));
    re.captures(reason).map(|c| c[1].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_is_found_in_poem_reasons() {
        assert_eq!(field_in("failed to parse \"Register\": field `email` is required"), Some("email".into()));
        assert_eq!(field_in("expected object"), None);
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let e = ApiError::internal("SQL: no such table users");
        let body = e.body();
        assert_eq!(body.status, 500);
        assert!(!body.message.contains("SQL"));
    }
}
