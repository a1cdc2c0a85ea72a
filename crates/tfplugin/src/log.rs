//! A [`log::Log`] implementation that writes hclog-style JSON lines to stderr, the
//! format go-plugin's client parses and re-logs under `TF_LOG`:
//!
//! ```json
//! {"@level":"debug","@message":"...","@module":"provider.terraform-provider-frontegg","@timestamp":"2026-01-02T03:04:05.123456Z"}
//! ```
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (`TRACE`, `DEBUG`, `INFO`, `WARN`,
//! `ERROR`, `JSON` = trace, `OFF`); nothing is logged when neither is set. Never stdout:
//! stdout belongs to the go-plugin handshake.

use std::io::Write as _;

use log::{Level, LevelFilter, Log, Metadata, Record};
use serde_json::{Map, Value};

/// Transport crates whose own records (TLS handshake details, HTTP/2 frames) are capped
/// at `info` even under `TF_LOG=DEBUG`/`TRACE`; their warnings and errors still show.
const NOISY_PREFIXES: [&str; 9] = [
    "rustls",
    "h2",
    "hyper",
    "hyper_util",
    "tower",
    "tonic",
    "mio",
    "want",
    "tracing",
];

/// Writes hclog JSON lines to stderr.
pub struct HclogLogger {
    module: String,
    level: LevelFilter,
}

impl HclogLogger {
    /// A logger with `@module` = `module` at `level`.
    pub fn new(module: impl Into<String>, level: LevelFilter) -> Self {
        HclogLogger {
            module: module.into(),
            level,
        }
    }

    /// The JSON line (without newline) for a record.
    pub fn format(&self, record: &Record<'_>) -> String {
        let mut obj = Map::new();
        obj.insert("@level".into(), Value::from(level_name(record.level())));
        obj.insert("@message".into(), Value::from(record.args().to_string()));
        obj.insert("@module".into(), Value::from(self.module.as_str()));
        obj.insert("@timestamp".into(), Value::from(timestamp()));
        obj.insert("target".into(), Value::from(record.target()));
        let mut visitor = KvVisitor(&mut obj);
        let _ = record.key_values().visit(&mut visitor);
        Value::Object(obj).to_string()
    }
}

struct KvVisitor<'a>(&'a mut Map<String, Value>);

impl<'kvs> log::kv::VisitSource<'kvs> for KvVisitor<'_> {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let v = if let Some(b) = value.to_bool() {
            Value::from(b)
        } else if let Some(i) = value.to_i64() {
            Value::from(i)
        } else if let Some(u) = value.to_u64() {
            Value::from(u)
        } else if let Some(f) = value.to_f64() {
            Value::from(f)
        } else {
            Value::from(value.to_string())
        };
        self.0.insert(key.as_str().to_string(), v);
        Ok(())
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warn",
        Level::Info => "info",
        Level::Debug => "debug",
        Level::Trace => "trace",
    }
}

/// hclog's timestamp layout: RFC 3339 in UTC with exactly six fractional digits
/// (go-plugin parses `2006-01-02T15:04:05.000000Z07:00`).
fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.microsecond()
    )
}

impl Log for HclogLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        if metadata.level() > self.level {
            return false;
        }
        let target = metadata.target();
        let noisy = NOISY_PREFIXES.iter().any(|p| {
            target
                .strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        });
        !(noisy && metadata.level() > Level::Info)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let mut line = self.format(record);
        line.push('\n');
        // One write per line so concurrent records do not interleave.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// Parses a `TF_LOG`-style level. Empty means off; an unknown non-empty value means
/// trace (as Terraform does).
pub fn parse_level(value: &str) -> LevelFilter {
    match value.trim().to_ascii_uppercase().as_str() {
        "" | "OFF" => LevelFilter::Off,
        "ERROR" => LevelFilter::Error,
        "WARN" => LevelFilter::Warn,
        "INFO" => LevelFilter::Info,
        "DEBUG" => LevelFilter::Debug,
        _ => LevelFilter::Trace, // TRACE, JSON, anything else
    }
}

/// The level from `TF_LOG_PROVIDER`, else `TF_LOG`, looked up through `get`.
pub fn level_from_lookup(get: impl Fn(&str) -> Option<String>) -> LevelFilter {
    match get("TF_LOG_PROVIDER").filter(|v| !v.trim().is_empty()) {
        Some(v) => parse_level(&v),
        None => get("TF_LOG").map_or(LevelFilter::Off, |v| parse_level(&v)),
    }
}

/// The module name for a provider address: `registry.terraform.io/frontegg/frontegg`
/// gives `provider.terraform-provider-frontegg`.
pub fn module_for(provider_address: &str) -> String {
    format!("provider.{}", crate::serve::binary_name(provider_address))
}

/// Installs the hclog logger for this process at the level from the environment.
/// Does nothing (and keeps logging off) when no level is set or a logger is already
/// installed.
pub fn init_from_env(provider_address: &str) {
    let level = level_from_lookup(|k| std::env::var(k).ok());
    if level == LevelFilter::Off {
        return;
    }
    let logger = HclogLogger::new(module_for(provider_address), level);
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(parse_level("TRACE"), LevelFilter::Trace);
        assert_eq!(parse_level("json"), LevelFilter::Trace);
        assert_eq!(parse_level("debug"), LevelFilter::Debug);
        assert_eq!(parse_level("Info"), LevelFilter::Info);
        assert_eq!(parse_level("WARN"), LevelFilter::Warn);
        assert_eq!(parse_level("ERROR"), LevelFilter::Error);
        assert_eq!(parse_level("off"), LevelFilter::Off);
        assert_eq!(parse_level(""), LevelFilter::Off);
        assert_eq!(parse_level("1"), LevelFilter::Trace);

        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(level_from_lookup(env(&[])), LevelFilter::Off);
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "DEBUG")])),
            LevelFilter::Debug
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "DEBUG"), ("TF_LOG_PROVIDER", "ERROR")])),
            LevelFilter::Error
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "TRACE"), ("TF_LOG_PROVIDER", "off")])),
            LevelFilter::Off
        );
    }

    #[test]
    fn json_line() {
        let logger = HclogLogger::new(
            module_for("registry.terraform.io/frontegg/frontegg"),
            LevelFilter::Trace,
        );
        let kvs: [(&str, log::kv::Value<'_>); 2] = [
            ("tf_rpc", log::kv::Value::from("ApplyResourceChange")),
            ("attempt", log::kv::Value::from(2u64)),
        ];
        let args = format_args!("created \"x\"\nnext");
        let record = Record::builder()
            .level(Level::Info)
            .target("terraform_provider_frontegg::provider")
            .args(args)
            .key_values(&kvs)
            .build();
        let line = logger.format(&record);
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@message"], "created \"x\"\nnext");
        assert_eq!(v["@module"], "provider.terraform-provider-frontegg");
        assert_eq!(v["tf_rpc"], "ApplyResourceChange");
        assert_eq!(v["attempt"], 2);
        let ts = v["@timestamp"].as_str().unwrap();
        // 2026-01-02T03:04:05.123456Z
        assert_eq!(ts.len(), 27, "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
    }

    #[test]
    fn noisy_crates_are_capped() {
        let logger = HclogLogger::new("m", LevelFilter::Trace);
        let meta = |level, target| Metadata::builder().level(level).target(target).build();
        assert!(logger.enabled(&meta(Level::Trace, "tfplugin::server")));
        assert!(!logger.enabled(&meta(Level::Trace, "rustls::conn")));
        assert!(!logger.enabled(&meta(Level::Debug, "h2::codec::framed_write")));
        assert!(logger.enabled(&meta(Level::Info, "rustls::conn")));
        assert!(logger.enabled(&meta(Level::Warn, "h2")));
        assert!(!logger.enabled(&meta(Level::Trace, "tracing::span::active")));
        assert!(logger.enabled(&meta(Level::Trace, "rustlsish")));
        let quiet = HclogLogger::new("m", LevelFilter::Warn);
        assert!(!quiet.enabled(&meta(Level::Info, "tfplugin")));
        assert!(quiet.enabled(&meta(Level::Error, "tfplugin")));
    }
}
