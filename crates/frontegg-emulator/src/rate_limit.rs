//! A fixed-window rate limit: more than `requests` calls within `window_secs` → 429.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// JSON (admin API): `{"requests": 5, "windowSecs": 1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub requests: u32,
    #[serde(alias = "window_secs")]
    pub window_secs: u64,
}

pub(crate) struct RateLimiter {
    limit: RateLimit,
    window_start: Instant,
    window_start_utc: OffsetDateTime,
    count: u32,
}

/// When a limited request may be repeated.
pub(crate) struct Limited {
    pub reset_at: OffsetDateTime,
    pub retry_after_secs: u64,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            window_start: Instant::now(),
            window_start_utc: OffsetDateTime::now_utc(),
            count: 0,
        }
    }

    /// Counts one request; `Some` when it is over the limit.
    pub fn check(&mut self) -> Option<Limited> {
        let window = Duration::from_secs(self.limit.window_secs);
        let now = Instant::now();
        if now.duration_since(self.window_start) >= window {
            self.window_start = now;
            self.window_start_utc = OffsetDateTime::now_utc();
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
        if self.count <= self.limit.requests {
            return None;
        }
        let remaining = window.saturating_sub(now.duration_since(self.window_start));
        let reset_at = self.window_start_utc + window;
        // Round up to the millisecond, so that the reset shown is never before the real one.
        let below_millis = reset_at.nanosecond() % 1_000_000;
        let reset_at = if below_millis == 0 {
            reset_at
        } else {
            reset_at + time::Duration::nanoseconds(i64::from(1_000_000 - below_millis))
        };
        Some(Limited {
            reset_at,
            retry_after_secs: remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0),
        })
    }
}
