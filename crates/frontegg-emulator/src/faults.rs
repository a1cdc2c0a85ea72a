//! Injected faults: for a method and path, answer something else, lose the answer, or delay.

use serde::{Deserialize, Serialize};

/// A fault for the next `times` matching requests (0: until cleared).
///
/// JSON (admin API): `{"method": "POST", "path": "/app-integrations/*", "times": 1, "delayMs": 0,
/// "action": {"type": "respond", "status": 503, "body": "...", "headers": [["Retry-After", "1"]]}}`;
/// other action types: `apply_then_respond` (`status`, `body`), `apply_then_drop`, `delay`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// HTTP method, case-insensitive; `*` matches any.
    pub method: String,
    /// Exact path (no query string), or a prefix ending with `*`.
    pub path: String,
    #[serde(default = "one")]
    pub times: u32,
    pub action: FaultAction,
    /// Waited before the action, whatever it is.
    #[serde(default, alias = "delay_ms")]
    pub delay_ms: u64,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer this instead; the request is not processed.
    Respond {
        status: u16,
        #[serde(default)]
        body: String,
        #[serde(default)]
        headers: Vec<(String, String)>,
    },
    /// Process the request (the change happens), then answer this instead.
    ApplyThenRespond {
        status: u16,
        #[serde(default)]
        body: String,
    },
    /// Process the request (the change happens), then close the connection without an answer.
    ApplyThenDrop,
    /// Only wait `delay_ms`, then process and answer normally.
    Delay,
}

impl Fault {
    /// A fault that answers `status` with `body` for the next `times` matching requests.
    pub fn respond(method: &str, path: &str, times: u32, status: u16, body: &str) -> Fault {
        Fault {
            method: method.to_string(),
            path: path.to_string(),
            times,
            action: FaultAction::Respond {
                status,
                body: body.to_string(),
                headers: Vec::new(),
            },
            delay_ms: 0,
        }
    }

    /// A fault that lets the next `times` matching requests happen, then answers `status` with
    /// `body` instead of the real answer (a proxy's page, a wrapped or empty body, a 5xx).
    pub fn apply_then_respond(
        method: &str,
        path: &str,
        times: u32,
        status: u16,
        body: &str,
    ) -> Fault {
        Fault {
            method: method.to_string(),
            path: path.to_string(),
            times,
            action: FaultAction::ApplyThenRespond {
                status,
                body: body.to_string(),
            },
            delay_ms: 0,
        }
    }

    /// The same fault, held `delay_ms` before it acts.
    pub fn after(mut self, delay_ms: u64) -> Fault {
        self.delay_ms = delay_ms;
        self
    }

    /// A fault that lets the next `times` matching requests happen, then closes the connection.
    pub fn apply_then_drop(method: &str, path: &str, times: u32) -> Fault {
        Fault {
            method: method.to_string(),
            path: path.to_string(),
            times,
            action: FaultAction::ApplyThenDrop,
            delay_ms: 0,
        }
    }

    /// A fault that holds the next `times` matching requests for `delay_ms`, then serves them.
    pub fn delay(method: &str, path: &str, times: u32, delay_ms: u64) -> Fault {
        Fault {
            method: method.to_string(),
            path: path.to_string(),
            times,
            action: FaultAction::Delay,
            delay_ms,
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self.method == "*" || self.method.eq_ignore_ascii_case(method);
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        method_ok && path_ok
    }
}

/// Faults in the order they were injected; the first matching one with uses left applies.
#[derive(Default)]
pub(crate) struct Faults {
    active: Vec<(Fault, u32)>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        self.active.push((fault, 0));
    }

    pub fn clear(&mut self) {
        self.active.clear();
    }

    pub fn pending(&self) -> usize {
        self.active.len()
    }

    /// Takes one use of the first fault matching this request.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self
            .active
            .iter()
            .position(|(fault, _)| fault.matches(method, path))?;
        let (fault, used) = &mut self.active[index];
        *used += 1;
        let fault = fault.clone();
        if fault.times != 0 && *used >= fault.times {
            self.active.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_path_and_prefix_matching() {
        let exact = Fault::respond("get", "/a/b", 1, 500, "");
        assert!(exact.matches("GET", "/a/b"));
        assert!(!exact.matches("GET", "/a/b/c"));
        assert!(!exact.matches("POST", "/a/b"));
        let prefix = Fault::respond("*", "/a/*", 1, 500, "");
        assert!(prefix.matches("DELETE", "/a/b/c"));
        assert!(!prefix.matches("DELETE", "/b"));
    }

    #[test]
    fn a_fault_is_used_up_after_times_matches_and_zero_means_until_cleared() {
        let mut faults = Faults::default();
        faults.add(Fault::respond("GET", "/x", 2, 500, ""));
        faults.add(Fault::respond("GET", "/y", 0, 500, ""));
        assert!(faults.take("GET", "/x").is_some());
        assert!(faults.take("GET", "/x").is_some());
        assert!(faults.take("GET", "/x").is_none());
        for _ in 0..5 {
            assert!(faults.take("GET", "/y").is_some());
        }
        faults.clear();
        assert!(faults.take("GET", "/y").is_none());
    }

    #[test]
    fn admin_json_form_parses() {
        let fault: Fault = serde_json::from_str(
            r#"{"method":"POST","path":"/p","action":{"type":"apply_then_respond","status":502}}"#,
        )
        .unwrap();
        assert_eq!(fault.times, 1);
        assert_eq!(fault.delay_ms, 0);
        assert_eq!(
            fault.action,
            FaultAction::ApplyThenRespond {
                status: 502,
                body: String::new()
            }
        );
    }
}
