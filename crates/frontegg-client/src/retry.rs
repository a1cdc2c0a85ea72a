//! The retry and backoff policy: which answers are retried, how long to wait, and waits that
//! give way to cancellation and the operation's deadline.

use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::HeaderMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio_util::sync::CancellationToken;

/// How the client retries. The defaults suit the real API; tests shrink the delays.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// First backoff delay; it doubles with every further attempt.
    pub base_delay: Duration,
    /// Cap of one backoff delay.
    pub max_delay: Duration,
    /// Retries of a GET, PATCH or DELETE after 502/503/504 or a connection error (and of the
    /// authentication call), after the first attempt.
    pub max_retries: u32,
    /// Repeats after `429 Too Many Requests`, after the first attempt (the operation budget
    /// bounds the total wait as well).
    pub max_rate_limit_retries: u32,
    /// Largest random delay added to a rate-limit reset time.
    pub rate_limit_jitter: Duration,
    /// Renew the token once this share of its lifetime (`expiresIn`) has passed.
    pub token_renew_fraction: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retries: 4,
            max_rate_limit_retries: 20,
            rate_limit_jitter: Duration::from_millis(500),
            token_renew_fraction: 0.75,
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with jitter before retry number `retry` (1 for the first retry):
    /// `d = min(max_delay, base_delay * 2^(retry-1))`, waited as `d/2 + random(0..=d/2)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let half = full / 2;
        half + random_up_to(full - half)
    }

    /// The wait before repeating a request answered 429: until `X-Rate-Limit-Reset` (RFC 3339)
    /// plus jitter, else `Retry-After` seconds plus jitter, else exponential backoff.
    pub fn rate_limit_wait(
        &self,
        headers: &HeaderMap,
        retry: u32,
        now: OffsetDateTime,
    ) -> Duration {
        match rate_limit_hint(headers, now) {
            Some(wait) => wait + random_up_to(self.rate_limit_jitter),
            None => self.backoff(retry),
        }
    }

    /// How long after being issued a token with lifetime `expires_in` should be renewed.
    pub fn renew_after(&self, expires_in: Duration) -> Duration {
        let fraction = if self.token_renew_fraction.is_finite() {
            self.token_renew_fraction.clamp(0.0, 1.0)
        } else {
            0.75
        };
        expires_in.mul_f64(fraction)
    }
}

/// The server's own idea of when to repeat: `X-Rate-Limit-Reset` first, then `Retry-After`.
pub fn rate_limit_hint(headers: &HeaderMap, now: OffsetDateTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(reset) = header("x-rate-limit-reset")
        && let Ok(at) = OffsetDateTime::parse(reset, &Rfc3339)
    {
        let wait = at - now;
        return Some(if wait.is_positive() {
            Duration::try_from(wait).unwrap_or_default()
        } else {
            Duration::ZERO
        });
    }
    if let Some(seconds) = header("retry-after")
        && let Ok(seconds) = seconds.parse::<u64>()
    {
        return Some(Duration::from_secs(seconds));
    }
    None
}

fn random_up_to(max: Duration) -> Duration {
    if max.is_zero() {
        return Duration::ZERO;
    }
    let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rand::rng().random_range(0..=nanos))
}

/// Why a wait did not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaitError {
    /// The cancellation token fired.
    Cancelled,
    /// The wait would end after the operation's deadline.
    OverBudget,
}

/// Waits `wait`, unless it would pass `deadline` (then at once `OverBudget`) or `cancel` fires
/// first (`Cancelled`, at once).
pub(crate) async fn wait(
    wait: Duration,
    deadline: Instant,
    cancel: &CancellationToken,
) -> Result<(), WaitError> {
    if cancel.is_cancelled() {
        return Err(WaitError::Cancelled);
    }
    if Instant::now() + wait > deadline {
        return Err(WaitError::OverBudget);
    }
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(WaitError::Cancelled),
        _ = tokio::time::sleep(wait) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = policy();
        for _ in 0..50 {
            let first = p.backoff(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let third = p.backoff(3);
            assert!(
                third >= Duration::from_millis(200) && third <= Duration::from_millis(400),
                "{third:?}"
            );
            let capped = p.backoff(30);
            assert!(
                capped >= Duration::from_millis(500) && capped <= Duration::from_secs(1),
                "{capped:?}"
            );
            assert!(p.backoff(u32::MAX) <= Duration::from_secs(1));
        }
    }

    #[test]
    fn rate_limit_reset_header_wins_over_retry_after() {
        let now = OffsetDateTime::parse("2026-01-15T10:30:00.000Z", &Rfc3339).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-rate-limit-reset",
            HeaderValue::from_static("2026-01-15T10:30:02.500Z"),
        );
        headers.insert("retry-after", HeaderValue::from_static("10"));
        assert_eq!(
            rate_limit_hint(&headers, now),
            Some(Duration::from_millis(2500))
        );
        let p = RetryPolicy {
            rate_limit_jitter: Duration::from_millis(100),
            ..policy()
        };
        for _ in 0..20 {
            let w = p.rate_limit_wait(&headers, 1, now);
            assert!(
                w >= Duration::from_millis(2500) && w <= Duration::from_millis(2600),
                "{w:?}"
            );
        }
    }

    #[test]
    fn past_reset_means_no_wait_and_bad_reset_falls_back() {
        let now = OffsetDateTime::parse("2026-01-15T10:30:00Z", &Rfc3339).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-rate-limit-reset",
            HeaderValue::from_static("2026-01-15T10:29:00Z"),
        );
        assert_eq!(rate_limit_hint(&headers, now), Some(Duration::ZERO));
        // Not RFC 3339 (Frontegg never sends a number): fall back to Retry-After.
        headers.insert("x-rate-limit-reset", HeaderValue::from_static("1700000000"));
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(rate_limit_hint(&headers, now), Some(Duration::from_secs(3)));
        headers.remove("retry-after");
        assert_eq!(rate_limit_hint(&headers, now), None);
        let w = policy().rate_limit_wait(&headers, 2, now);
        assert!(
            w >= Duration::from_millis(100) && w <= Duration::from_millis(200),
            "{w:?}"
        );
    }

    #[test]
    fn token_renewal_point() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.renew_after(Duration::from_secs(100)),
            Duration::from_secs(75)
        );
        let odd = RetryPolicy {
            token_renew_fraction: f64::NAN,
            ..p
        };
        assert_eq!(
            odd.renew_after(Duration::from_secs(4)),
            Duration::from_secs(3)
        );
    }

    #[tokio::test]
    async fn waits_give_way_to_cancellation_and_the_deadline() {
        let cancel = CancellationToken::new();
        let far = Instant::now() + Duration::from_secs(3600);
        assert_eq!(wait(Duration::from_millis(1), far, &cancel).await, Ok(()));
        let soon = Instant::now() + Duration::from_millis(10);
        assert_eq!(
            wait(Duration::from_secs(60), soon, &cancel).await,
            Err(WaitError::OverBudget)
        );
        let c2 = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            c2.cancel();
        });
        assert_eq!(
            wait(Duration::from_secs(600), far, &cancel).await,
            Err(WaitError::Cancelled)
        );
    }
}
