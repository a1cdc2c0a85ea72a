//! `frontegg-emulator [--port N] [--state-file F] [--config F.json] [--token-ttl SECS]`
//!
//! Serves on 127.0.0.1, prints `FRONTEGG_EMULATOR_URL=http://127.0.0.1:PORT` as the first line on
//! stdout, logs requests to stderr, and stops on SIGINT or SIGTERM. FRONTEGG_EMULATOR_CLIENT_ID,
//! FRONTEGG_EMULATOR_SECRET and FRONTEGG_EMULATOR_ENVIRONMENT_ID override the credentials of the
//! first configured environment (by default `env-demo` / `demo-client-id` / `demo-secret`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use frontegg_emulator::{Emulator, EmulatorConfig};

const USAGE: &str =
    "usage: frontegg-emulator [--port N] [--state-file F] [--config F.json] [--token-ttl SECS]";

struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Debug
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        match record.level() {
            log::Level::Error | log::Level::Warn => {
                eprintln!("frontegg-emulator {}: {}", record.level(), record.args())
            }
            _ => eprintln!("frontegg-emulator: {}", record.args()),
        }
    }

    fn flush(&self) {}
}

static LOGGER: StderrLogger = StderrLogger;

fn parse_args(args: impl Iterator<Item = String>) -> Result<EmulatorConfig, String> {
    let mut port = None;
    let mut state_file = None;
    let mut config_file = None;
    let mut token_ttl = None;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                port = Some(
                    v.parse::<u16>()
                        .map_err(|_| format!("--port: {v:?} is not a port number"))?,
                );
            }
            "--state-file" => state_file = Some(PathBuf::from(value()?)),
            "--config" => config_file = Some(PathBuf::from(value()?)),
            "--token-ttl" => {
                let v = value()?;
                token_ttl = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--token-ttl: {v:?} is not a number of seconds"))?,
                );
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let mut config = match &config_file {
        Some(path) => EmulatorConfig::from_json_file(path).map_err(|e| e.to_string())?,
        None => EmulatorConfig::default(),
    };
    apply_env_overrides(&mut config);
    if let Some(port) = port {
        config.port = port;
    }
    if let Some(path) = state_file {
        config.state_file = Some(path);
    }
    if let Some(ttl) = token_ttl {
        config.token_ttl_secs = ttl;
    }
    Ok(config)
}

fn apply_env_overrides(config: &mut EmulatorConfig) {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (client_id, secret, env_id) = (
        var("FRONTEGG_EMULATOR_CLIENT_ID"),
        var("FRONTEGG_EMULATOR_SECRET"),
        var("FRONTEGG_EMULATOR_ENVIRONMENT_ID"),
    );
    if client_id.is_none() && secret.is_none() && env_id.is_none() {
        return;
    }
    if config.environments.is_empty() {
        config.environments = EmulatorConfig::default().environments;
    }
    let env = &mut config.environments[0];
    if let Some(v) = client_id {
        env.client_id = v;
    }
    if let Some(v) = secret {
        env.secret = v;
    }
    if let Some(v) = env_id {
        env.id = v;
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = log::set_logger(&LOGGER).map(|()| log::set_max_level(log::LevelFilter::Debug));
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let environments: Vec<String> = config
        .environments
        .iter()
        .map(|e| format!("{} (client id {})", e.id, e.client_id))
        .collect();
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("frontegg-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "FRONTEGG_EMULATOR_URL={}", emulator.base_url());
    let _ = stdout.flush();
    log::info!(
        "listening on {}; environments: {}",
        emulator.base_url(),
        environments.join(", ")
    );
    shutdown_signal().await;
    log::info!("shutting down");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
