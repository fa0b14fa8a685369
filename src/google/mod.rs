//! Google sign-in: checks an ID token from Google Identity Services the way Google
//! asks relying parties to — the RS256 signature against Google's published keys (a
//! JWK set, kept as long as its `Cache-Control: max-age` says and fetched again when a
//! token names a key it does not hold), `iss` (accounts.google.com), `aud` (our client
//! id) and `exp`. It answers who Google says the person is; it knows nothing of
//! accounts (`accounts::service::google_sign_in` decides what that means).

use std::time::{Duration, Instant};

use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::config::AuthConfig;

const ISSUERS: [&str; 2] = ["accounts.google.com", "https://accounts.google.com"];
/// Keys kept when Google's answer names no max-age.
const DEFAULT_KEYS_TTL: Duration = Duration::from_secs(3600);
/// A token naming an unknown key fetches the set again at most this often.
const REFETCH_GAP: Duration = Duration::from_secs(60);
/// Clock skew allowed on `exp` / `iat`.
const LEEWAY_SECS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum GoogleError {
    #[error("Google sign-in is not enabled on this shop")]
    Disabled,
    #[error("the Google ID token is not valid: {0}")]
    Invalid(String),
    #[error("Google's signing keys cannot be fetched: {0}")]
    KeysUnavailable(String),
}

/// Who the token says the person is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleIdentity {
    /// Google's stable account id.
    pub sub: String,
    pub email: Option<String>,
    /// Google vouches that `email` belongs to this account.
    pub email_verified: bool,
    pub name: Option<String>,
    pub picture: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    email: Option<String>,
    /// A JSON boolean, or (older tokens) the string "true".
    #[serde(default, deserialize_with = "lenient_bool")]
    email_verified: bool,
    name: Option<String>,
    picture: Option<String>,
}

fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

struct CachedKeys {
    set: JwkSet,
    fetched: Instant,
    ttl: Duration,
}

pub struct GoogleVerifier {
    client_id: String,
    keys_url: String,
    http: reqwest::Client,
    keys: tokio::sync::Mutex<KeyState>,
}

#[derive(Default)]
struct KeyState {
    cached: Option<CachedKeys>,
    /// The last fetch made because a token named a key the set lacked.
    last_miss: Option<Instant>,
}

impl GoogleVerifier {
    pub fn new(cfg: &AuthConfig) -> GoogleVerifier {
        GoogleVerifier {
            client_id: cfg.google_client_id.trim().to_string(),
            keys_url: cfg.google_keys_url.clone(),
            http: crate::web::outbound_client(10),
            keys: tokio::sync::Mutex::new(KeyState::default()),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.client_id.is_empty()
    }

    /// Checks `id_token` and says who it names.
    pub async fn verify(&self, id_token: &str) -> Result<GoogleIdentity, GoogleError> {
        if !self.enabled() {
            return Err(GoogleError::Disabled);
        }
        let invalid = |why: &str| GoogleError::Invalid(why.to_string());
        let header = jsonwebtoken::decode_header(id_token).map_err(|_| invalid("it is not a signed JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid("it is not signed with RS256"));
        }
        let kid = header.kid.ok_or_else(|| invalid("it names no signing key"))?;
        let key = self.key(&kid).await?;
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&[&self.client_id]);
        v.set_issuer(&ISSUERS);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = LEEWAY_SECS;
        let data = jsonwebtoken::decode::<Claims>(id_token, &key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            GoogleError::Invalid(
                match e.kind() {
                    K::InvalidSignature => "its signature does not match Google's key",
                    K::ExpiredSignature => "it has expired",
                    K::InvalidAudience => "it was issued for another client id",
                    K::InvalidIssuer => "it was not issued by Google",
                    K::ImmatureSignature => "it is not valid yet",
                    K::MissingRequiredClaim(_) => "a required claim is missing",
                    _ => "it cannot be read",
                }
                .to_string(),
            )
        })?;
        let c = data.claims;
        Ok(GoogleIdentity {
            sub: c.sub,
            email: c.email,
            email_verified: c.email_verified,
            name: c.name,
            picture: c.picture,
        })
    }

    /// The key `kid` from the cached set. The set is fetched again when stale, or when it
    /// lacks `kid` (Google rotates its keys) and no such fetch happened in the last
    /// minute, so tokens naming made-up keys cannot make lapak hammer Google.
    async fn key(&self, kid: &str) -> Result<DecodingKey, GoogleError> {
        let mut state = self.keys.lock().await;
        let stale = state.cached.as_ref().is_none_or(|c| c.fetched.elapsed() >= c.ttl);
        let lacks = state.cached.as_ref().is_some_and(|c| c.set.find(kid).is_none())
            && state.last_miss.is_none_or(|t| t.elapsed() >= REFETCH_GAP);
        if stale || lacks {
            if lacks {
                state.last_miss = Some(Instant::now());
            }
            match self.fetch().await {
                Ok(fresh) => state.cached = Some(fresh),
                // Keep serving known keys when Google is briefly unreachable.
                Err(e) if state.cached.is_none() => return Err(e),
                Err(e) => tracing::warn!(error = %e, "keeping Google's previous signing keys"),
            }
        }
        let jwk = state
            .cached
            .as_ref()
            .and_then(|c| c.set.find(kid))
            .ok_or_else(|| GoogleError::Invalid("it names a key Google does not publish".into()))?;
        DecodingKey::from_jwk(jwk).map_err(|_| GoogleError::KeysUnavailable("a published key cannot be used".into()))
    }

    async fn fetch(&self) -> Result<CachedKeys, GoogleError> {
        let unavailable = |e: String| GoogleError::KeysUnavailable(e);
        let resp = self.http.get(&self.keys_url).send().await.map_err(|e| unavailable(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(unavailable(format!("{} answered {}", self.keys_url, resp.status())));
        }
        let ttl = resp
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(max_age)
            .unwrap_or(DEFAULT_KEYS_TTL);
        let set: JwkSet = resp.json().await.map_err(|e| unavailable(format!("not a JWK set: {e}")))?;
        Ok(CachedKeys { set, fetched: Instant::now(), ttl })
    }
}

/// `max-age=N` of a Cache-Control value.
fn max_age(header: &str) -> Option<Duration> {
    header.split(',').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case("max-age").then(|| v.trim().parse().ok()).flatten().map(Duration::from_secs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(max_age("public, max-age=19850, must-revalidate, no-transform"), Some(Duration::from_secs(19850)));
        assert_eq!(max_age("no-store"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }

    #[tokio::test]
    async fn off_without_a_client_id_and_garbage_is_refused() {
        let off = GoogleVerifier::new(&AuthConfig::default());
        assert!(matches!(off.verify("x.y.z").await, Err(GoogleError::Disabled)));
        let on = GoogleVerifier::new(&AuthConfig { google_client_id: "shop.apps".into(), ..AuthConfig::default() });
        assert!(matches!(on.verify("not a token").await, Err(GoogleError::Invalid(_))));
    }
}
