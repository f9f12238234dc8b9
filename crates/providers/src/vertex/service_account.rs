//! Vertex service-account credentials: key parsing, RS256 JWT and the OAuth token
//! exchange (providers.md §1.2b, §3.3.7, §4.9).
//!
//! * Token endpoint: the key's `token_uri` (normally `https://oauth2.googleapis.com/token`),
//!   overridable with [`ServiceAccount::with_token_uri`] so tests can use a local mock.
//! * Grant: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`,
//!   JWT claims `iss`=client_email, `scope`=cloud-platform, `aud`=token_uri, 1 h life.
//! * Quirk fixed: the reference mints a new token for every request (providers.md §7 #3);
//!   [`TokenCache`] keeps it until five minutes before it expires.
//!
//! The private key is accepted as PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`)
//! PEM, normalised like the reference import (CRLF, literal `\n`, stray characters).

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cpa_config::Secret;
use parking_lot::Mutex;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::credential::Credential;
use crate::error::UpstreamError;
use crate::http::HttpClients;

/// OAuth scope requested for Vertex calls.
pub const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
/// Token endpoint used when the key has no `token_uri`.
pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// Default Vertex region.
pub const DEFAULT_LOCATION: &str = "us-central1";
/// A cached token is renewed when it has less than this left.
pub const REFRESH_SKEW: Duration = Duration::from_secs(300);

/// A parsed Google service account bound to a project and region.
pub struct ServiceAccount {
    project_id: String,
    location: String,
    client_email: String,
    private_key_id: Option<String>,
    token_uri: String,
    key_pair: RsaKeyPair,
}

impl ServiceAccount {
    /// Parses a vertex auth file: `{"service_account": {…}, "project_id", "location"}`.
    pub fn from_auth_file(file: &Value) -> Result<Self, UpstreamError> {
        let key = file
            .get("service_account")
            .ok_or_else(|| invalid("missing service_account"))?;
        let project = str_field(file, "project_id")
            .or_else(|| str_field(file, "project"))
            .or_else(|| str_field(key, "project_id"))
            .ok_or_else(|| invalid("missing project_id"))?;
        let location = str_field(file, "location").unwrap_or(DEFAULT_LOCATION);
        Self::from_key(key, project, location)
    }

    /// Parses a Google service-account key JSON for `project_id` in `location`.
    pub fn from_key(key: &Value, project_id: &str, location: &str) -> Result<Self, UpstreamError> {
        let pem = str_field(key, "private_key").ok_or_else(|| invalid("missing private_key"))?;
        let client_email =
            str_field(key, "client_email").ok_or_else(|| invalid("missing client_email"))?;
        Ok(Self {
            project_id: project_id.to_owned(),
            location: if location.is_empty() {
                DEFAULT_LOCATION
            } else {
                location
            }
            .to_owned(),
            client_email: client_email.to_owned(),
            private_key_id: str_field(key, "private_key_id").map(str::to_owned),
            token_uri: str_field(key, "token_uri")
                .unwrap_or(DEFAULT_TOKEN_URI)
                .to_owned(),
            key_pair: parse_private_key(pem)?,
        })
    }

    /// Overrides the token endpoint (tests, private deployments).
    #[must_use]
    pub fn with_token_uri(mut self, uri: impl Into<String>) -> Self {
        self.token_uri = uri.into();
        self
    }

    /// The Google Cloud project.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The Vertex region, e.g. `us-central1`.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The service account's e-mail (JWT issuer).
    pub fn client_email(&self) -> &str {
        &self.client_email
    }

    /// The token endpoint.
    pub fn token_uri(&self) -> &str {
        &self.token_uri
    }

    /// Builds a signed RS256 assertion issued at `now`.
    pub fn assertion(&self, now: SystemTime) -> Result<String, UpstreamError> {
        let iat = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = &self.private_key_id {
            header["kid"] = Value::String(kid.clone());
        }
        let claims = json!({
            "iss": self.client_email, "scope": SCOPE, "aud": self.token_uri,
            "iat": iat, "exp": iat + 3600,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key_pair.public().modulus_len()];
        self.key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| invalid("signing failed"))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("location", &self.location)
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

/// Access tokens per credential id, reused until [`REFRESH_SKEW`] before expiry.
///
/// Exchanges are serialised by one async lock and the cache is re-checked after taking
/// it, so a burst of concurrent requests on a cold credential costs one exchange.
#[derive(Debug, Default)]
pub struct TokenCache {
    tokens: Mutex<HashMap<String, (Secret<String>, Instant)>>,
    exchange: tokio::sync::Mutex<()>,
}

impl TokenCache {
    /// A cached token for `cred`, or a freshly exchanged one.
    pub async fn token(
        &self,
        clients: &HttpClients,
        cred: &Credential,
        sa: &ServiceAccount,
    ) -> Result<Secret<String>, UpstreamError> {
        let key = format!("{}\u{0}{}", cred.id(), sa.client_email());
        if let Some(token) = self.fresh(&key) {
            return Ok(token);
        }
        let _exchanging = self.exchange.lock().await;
        if let Some(token) = self.fresh(&key) {
            return Ok(token);
        }
        let (token, lifetime) = exchange(clients, cred, sa).await?;
        self.tokens
            .lock()
            .insert(key, (token.clone(), Instant::now() + lifetime));
        Ok(token)
    }
}

impl TokenCache {
    fn fresh(&self, key: &str) -> Option<Secret<String>> {
        let tokens = self.tokens.lock();
        let (token, expires) = tokens.get(key)?;
        (expires.saturating_duration_since(Instant::now()) > REFRESH_SKEW).then(|| token.clone())
    }
}

/// Exchanges a fresh assertion for an access token through the credential's proxy.
async fn exchange(
    clients: &HttpClients,
    cred: &Credential,
    sa: &ServiceAccount,
) -> Result<(Secret<String>, Duration), UpstreamError> {
    let assertion = sa.assertion(SystemTime::now())?;
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
        .append_pair("assertion", &assertion)
        .finish();
    let response = clients
        .client_for(cred.proxy())?
        .post(sa.token_uri())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(UpstreamError::from_reqwest)?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(UpstreamError::from_reqwest)?;
    if matches!(status.as_u16(), 400 | 401 | 403) {
        // invalid_grant and friends: the key itself is bad, disable the credential.
        return Err(UpstreamError::Unauthorized {
            status: http::StatusCode::UNAUTHORIZED,
            body,
        });
    }
    if !status.is_success() {
        return Err(crate::error::classify(
            status,
            &http::HeaderMap::new(),
            body,
            SystemTime::now(),
        ));
    }
    let value: Value =
        serde_json::from_slice(&body).map_err(|_| invalid("token response is not json"))?;
    let token = str_field(&value, "access_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("token response has no access_token"))?;
    let lifetime = value
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(3600);
    Ok((Secret::new(token.to_owned()), Duration::from_secs(lifetime)))
}

fn parse_private_key(pem: &str) -> Result<RsaKeyPair, UpstreamError> {
    let text = pem
        .replace("\\n", "\n")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let begin = text
        .find("-----BEGIN ")
        .ok_or_else(|| invalid("private_key is not PEM"))?;
    let after_begin = &text[begin + "-----BEGIN ".len()..];
    let label_end = after_begin
        .find("-----")
        .ok_or_else(|| invalid("private_key is not PEM"))?;
    let label = &after_begin[..label_end];
    let body = &after_begin[label_end + 5..];
    let end = body
        .find("-----END")
        .ok_or_else(|| invalid("private_key has no END marker"))?;
    let b64: String = body[..end]
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    let der = STANDARD
        .decode(b64)
        .map_err(|_| invalid("private_key is not base64"))?;
    let parsed = match label {
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
        "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
        _ => return Err(invalid("private_key is not an RSA key")),
    };
    parsed.map_err(|_| invalid("private_key is not a usable RSA key"))
}

fn str_field<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

fn invalid(why: &str) -> UpstreamError {
    UpstreamError::Credential(format!("vertex service account: {why}"))
}
