//! Serving a provider: as a go-plugin child process of Terraform (handshake line on
//! stdout, AutoMTLS), in debug mode (`--debug`, `TF_REATTACH_PROVIDERS`), or in-process
//! for tests ([`serve_debug_service`]).

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic::transport::server::Router;

use crate::proto::plugin::grpc_broker_server::GrpcBrokerServer;
use crate::proto::plugin::grpc_controller_server::GrpcControllerServer;
use crate::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use crate::proto::tfplugin6::provider_server::{Provider as ProviderRpc, ProviderServer};
use crate::resource::Provider;
use crate::server::{LazyProviderService, ProviderService};
use crate::transport::handshake::{self, HandshakeEnv, HandshakeError};
use crate::transport::listener::{self, Bound, PluginAddr, SocketDir};
use crate::transport::{incoming, services, tls};

/// Largest gRPC message accepted or sent (as terraform-plugin-go: 256 MiB).
const MAX_MESSAGE_SIZE: usize = 256 << 20;
/// How long in-flight RPCs may run after `Shutdown` before the server stops anyway
/// (Terraform kills the process 2 s after asking it to shut down).
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1000);

/// What the served provider is called and its version.
#[derive(Clone, Copy, Debug)]
pub struct ServeConfig {
    /// Provider source address, e.g. `registry.terraform.io/frontegg/frontegg`: the key
    /// of `TF_REATTACH_PROVIDERS` and the source of the log module name.
    pub provider_address: &'static str,
    /// Provider version (printed by `--version`).
    pub version: &'static str,
}

impl ServeConfig {
    fn binary_name(&self) -> String {
        binary_name(self.provider_address)
    }
}

/// The provider's binary name: `registry.terraform.io/frontegg/frontegg` gives
/// `terraform-provider-frontegg`.
pub(crate) fn binary_name(provider_address: &str) -> String {
    let ty = provider_address
        .rsplit('/')
        .next()
        .unwrap_or(provider_address);
    format!("terraform-provider-{ty}")
}

/// Builds the tonic router with the provider service, go-plugin's controller, stdio and
/// broker services, and gRPC health (`plugin` SERVING).
async fn router<S: ProviderRpc>(
    provider: S,
    shutdown: &CancellationToken,
    ignore_shutdown: bool,
) -> Router {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    Server::builder()
        .add_service(
            ProviderServer::new(provider)
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(GrpcControllerServer::new(services::Controller {
            shutdown: shutdown.clone(),
            ignore_shutdown,
        }))
        .add_service(GrpcStdioServer::new(services::Stdio {
            shutdown: shutdown.clone(),
        }))
        .add_service(GrpcBrokerServer::new(services::Broker {
            shutdown: shutdown.clone(),
        }))
        .add_service(health_service)
}

/// Serves `provider` as the process's main job (see [`serve_service`] for the modes) and
/// returns the process exit code. The provider's schemas are collected and converted at the
/// first request, not before the handshake line ([`LazyProviderService`]), and without the
/// checks of the schemas against Terraform's rules and of the typed models against their
/// schemas ([`ProviderService::new_without_checks`]): the provider's tests make those, by
/// building [`ProviderService::new`]. A provider whose service cannot be built at all (a type
/// name declared twice, ...) fails every request with the problems, which are logged.
pub async fn serve(provider: Arc<dyn Provider>, cfg: ServeConfig) -> ExitCode {
    serve_service(LazyProviderService::new(provider), cfg).await
}

/// Serves `provider` in-process in debug mode (see [`serve_debug_service`]): for tests,
/// which connect to [`DebugServer::addr`] or hand [`DebugServer::reattach_json`] to
/// Terraform as `TF_REATTACH_PROVIDERS`. Fails on invalid schemas or if neither a Unix
/// socket nor a 127.0.0.1 port can be bound.
pub async fn serve_debug(
    provider: Arc<dyn Provider>,
    cfg: ServeConfig,
) -> std::io::Result<DebugServer> {
    let service = ProviderService::new(provider).map_err(std::io::Error::other)?;
    serve_debug_service(service, cfg).await
}

/// Serves `provider` as the process's main job and returns the process exit code.
///
/// * `--debug`: debug mode — serves without the handshake environment and without TLS on
///   a Unix socket in a directory only the user can enter (see [`serve_debug_service`]),
///   prints the `TF_REATTACH_PROVIDERS` value, runs until Ctrl-C or `SIGTERM`.
/// * `--version`: prints the version.
/// * otherwise go-plugin mode: requires Terraform's handshake environment (else explains
///   on stderr and returns 1), prints the handshake line as the only stdout output, and
///   serves until `plugin.GRPCController/Shutdown`.
///
/// Installs the hclog logger (level from `TF_LOG_PROVIDER` / `TF_LOG`).
pub async fn serve_service<S: ProviderRpc>(provider: S, cfg: ServeConfig) -> ExitCode {
    crate::log::init_from_env(cfg.provider_address);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("{} {}", cfg.binary_name(), cfg.version);
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage(&cfg));
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--debug" || a == "-debug") {
        return run_debug(provider, cfg).await;
    }
    if let Some(unknown) = args.first() {
        eprintln!(
            "{}: unknown argument {unknown:?}\n\n{}",
            cfg.binary_name(),
            usage(&cfg)
        );
        return ExitCode::from(2);
    }
    match HandshakeEnv::from_env() {
        Ok(env) => run_plugin(provider, cfg, env).await,
        Err(HandshakeError::NotAPlugin) => {
            eprintln!("{}", handshake::NOT_A_PLUGIN_MESSAGE);
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{}: {e}", cfg.binary_name());
            log::error!("plugin handshake failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(cfg: &ServeConfig) -> String {
    format!(
        "{} {} — Terraform provider {}\n\n{}\n\nOptions:\n  --debug     serve for a debugger or a long-lived session; prints TF_REATTACH_PROVIDERS\n  --version   print the version\n  --help      print this text",
        cfg.binary_name(),
        cfg.version,
        cfg.provider_address,
        handshake::NOT_A_PLUGIN_MESSAGE
    )
}

async fn run_plugin<S: ProviderRpc>(provider: S, cfg: ServeConfig, env: HandshakeEnv) -> ExitCode {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        eprintln!("{}: {what}: {e}", cfg.binary_name());
        log::error!("{what}: {e}");
        ExitCode::FAILURE
    };
    let server = match start_plugin_service(provider, &env).await {
        Ok(s) => s,
        Err(e) => return fail("cannot start the plugin server", &e),
    };
    // Before the handshake line: a signal right after it must find the handlers in place.
    ignore_interrupts();
    stop_on_signals(server.shutdown.clone(), false);
    {
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, "{}", server.handshake_line()).and_then(|()| out.flush()) {
            return fail("cannot write the handshake line to stdout", &e);
        }
    }
    match server.wait().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail("the gRPC server failed", &e),
    }
}

/// A provider served as a go-plugin plugin (see [`start_plugin_service`]).
pub struct PluginServer {
    addr: PluginAddr,
    line: String,
    server_cert: Option<rustls::pki_types::CertificateDer<'static>>,
    shutdown: CancellationToken,
    task: JoinHandle<Result<(), tonic::transport::Error>>,
    /// Removed, with the socket, once the server has stopped.
    socket_dir: Option<SocketDir>,
}

impl PluginServer {
    /// The listening address.
    pub fn addr(&self) -> &PluginAddr {
        &self.addr
    }

    /// The directory holding the Unix socket, when serving on one.
    pub fn socket_dir(&self) -> Option<&std::path::Path> {
        self.socket_dir.as_ref().map(SocketDir::path)
    }

    /// The go-plugin handshake line (without newline), e.g.
    /// `1|6|unix|/tmp/pluginXXXXXXXX/plugin.sock|grpc|<server cert>`.
    pub fn handshake_line(&self) -> &str {
        &self.line
    }

    /// The server certificate (DER) when AutoMTLS is on.
    pub fn server_cert(&self) -> Option<&rustls::pki_types::CertificateDer<'static>> {
        self.server_cert.as_ref()
    }

    /// Asks the server to stop, as `plugin.GRPCController/Shutdown` does.
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Waits until the server has stopped (after `Shutdown` plus at most the grace period),
    /// then removes the socket and its directory.
    pub async fn wait(self) -> Result<(), tonic::transport::Error> {
        match self.task.await {
            Ok(result) => result,
            Err(e) => {
                log::error!("the server task failed: {e}");
                Ok(())
            }
        }
    }
}

/// Starts serving `provider` as Terraform expects of a go-plugin plugin, given the
/// handshake environment: listens, as go-plugin does, on a Unix socket in a fresh
/// directory only the user can enter (under `env.unix_socket_dir`, else the temporary
/// directory), or where that is not possible on 127.0.0.1 inside the port range; with
/// AutoMTLS when `env.client_cert` is set (fresh server certificate, only that client
/// certificate accepted). Returns once listening; the caller prints
/// [`PluginServer::handshake_line`]. `plugin.GRPCController/Shutdown` stops the server.
pub async fn start_plugin_service<S: ProviderRpc>(
    provider: S,
    env: &HandshakeEnv,
) -> std::io::Result<PluginServer> {
    let other =
        |what: &str, e: &dyn std::fmt::Display| std::io::Error::other(format!("{what}: {e}"));
    let Bound {
        listener,
        addr,
        socket_dir,
    } = listener::bind(env.unix_socket_dir.as_deref(), || {
        handshake::bind_in_range(env.min_port, env.max_port).map_err(|e| {
            other(
                &format!(
                    "cannot listen on 127.0.0.1 in ports {}..={}",
                    env.min_port, env.max_port
                ),
                &e,
            )
        })
    })?;

    let tls_config = match &env.client_cert {
        None => None,
        Some(client_cert) => {
            let identity = tls::generate_server_identity()
                .map_err(|e| other("cannot generate the TLS server certificate", &e))?;
            let config = tls::server_config(&identity, client_cert.clone())
                .map_err(|e| other("cannot build the TLS configuration", &e))?;
            Some((identity.cert, config))
        }
    };
    let line = handshake::handshake_line(&addr, tls_config.as_ref().map(|(cert, _)| cert));
    let shutdown = CancellationToken::new();
    let router = router(provider, &shutdown, false).await;
    let server_cert = tls_config.as_ref().map(|(cert, _)| cert.clone());
    let stop = shutdown.clone();
    let task = match tls_config {
        Some((_, config)) => {
            let incoming = incoming::tls_incoming(listener, config, shutdown.clone());
            tokio::spawn(async move { run_until_shutdown(router, incoming, &stop).await })
        }
        None => {
            let incoming = incoming::plain_incoming(listener, shutdown.clone());
            tokio::spawn(async move { run_until_shutdown(router, incoming, &stop).await })
        }
    };
    log::debug!(
        "serving plugin protocol 6 on {} {addr} (AutoMTLS: {})",
        addr.network(),
        server_cert.is_some()
    );
    Ok(PluginServer {
        addr,
        line,
        server_cert,
        shutdown,
        task,
        socket_dir,
    })
}

/// Runs the server until `shutdown` fires, then lets in-flight RPCs finish for at most
/// [`SHUTDOWN_GRACE`].
async fn run_until_shutdown<I, IO, IE>(
    router: Router,
    incoming: I,
    shutdown: &CancellationToken,
) -> Result<(), tonic::transport::Error>
where
    I: tokio_stream::Stream<Item = Result<IO, IE>> + Send + 'static,
    IO: tokio::io::AsyncRead
        + tokio::io::AsyncWrite
        + tonic::transport::server::Connected
        + Unpin
        + Send
        + 'static,
    IO::ConnectInfo: Clone + Send + Sync + 'static,
    IE: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let server = router.serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        _ = shutdown.cancelled() => {}
    }
    match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
        Ok(result) => result,
        Err(_) => {
            log::warn!("in-flight requests did not finish within {SHUTDOWN_GRACE:?} of shutdown");
            Ok(())
        }
    }
}

/// Terraform handles Ctrl-C itself (it calls StopProvider and then shuts the plugin
/// down); the interrupt also reaches the plugin because it shares the process group.
/// Like go-plugin servers, ignore it.
fn ignore_interrupts() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut sigint) = signal(SignalKind::interrupt()) {
            tokio::spawn(async move {
                while sigint.recv().await.is_some() {
                    log::debug!("interrupt received: ignored (Terraform stops the provider)");
                }
            });
        }
    }
}

/// Cancels `stop` on `SIGTERM`, and on Ctrl-C too when `interrupt` is set, so that the
/// server stops as on `Shutdown` and removes the socket and its directory on the way out.
/// The handlers are in place when this returns.
fn stop_on_signals(stop: CancellationToken, interrupt: bool) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            Some(SignalKind::terminate()),
            interrupt.then(SignalKind::interrupt),
        ];
        for kind in kinds.into_iter().flatten() {
            match signal(kind) {
                Ok(mut signals) => {
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        if signals.recv().await.is_some() {
                            log::debug!("signal {} received: shutting down", kind.as_raw_value());
                            stop.cancel();
                        }
                    });
                }
                Err(e) => log::warn!("cannot watch signal {}: {e}", kind.as_raw_value()),
            }
        }
    }
    #[cfg(not(unix))]
    if interrupt {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.cancel();
            }
        });
    }
}

async fn run_debug<S: ProviderRpc>(provider: S, cfg: ServeConfig) -> ExitCode {
    let server = match serve_debug_service(provider, cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: cannot serve in debug mode: {e}", cfg.binary_name());
            return ExitCode::FAILURE;
        }
    };
    let stop = CancellationToken::new();
    stop_on_signals(stop.clone(), true);
    let addr = match server.addr() {
        PluginAddr::Unix(path) => format!(
            "the Unix socket {} (only your user can connect to it)",
            path.display()
        ),
        PluginAddr::Tcp(addr) => addr.to_string(),
    };
    println!(
        "{name} {version} is running in debug mode on {addr}.\n\
         \n\
         To use it, export this in the shell that runs Terraform (or OpenTofu); no `terraform init`\n\
         is needed for this provider while the variable is set:\n\
         \n\
         \t{env}\n\
         \n\
         Press Ctrl-C to stop the provider.",
        name = cfg.binary_name(),
        version = cfg.version,
        env = server.reattach_env(),
    );
    let _ = std::io::stdout().flush();
    stop.cancelled().await;
    eprintln!("stopping");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// A provider served in-process in debug mode (no handshake, no TLS) on a private Unix
/// socket (or 127.0.0.1). Dropping it stops the server and removes the socket.
pub struct DebugServer {
    addr: PluginAddr,
    reattach_json: String,
    shutdown: CancellationToken,
    task: Option<JoinHandle<Result<(), tonic::transport::Error>>>,
    /// Removed, with the socket, when the server is dropped.
    socket_dir: Option<SocketDir>,
}

impl DebugServer {
    /// The address the server listens on.
    pub fn addr(&self) -> &PluginAddr {
        &self.addr
    }

    /// The directory holding the Unix socket, when serving on one.
    pub fn socket_dir(&self) -> Option<&std::path::Path> {
        self.socket_dir.as_ref().map(SocketDir::path)
    }

    /// The value for `TF_REATTACH_PROVIDERS`:
    /// `{"<address>":{"Protocol":"grpc","ProtocolVersion":6,"Pid":…,"Test":true,"Addr":{"Network":"unix","String":"/tmp/pluginXXXXXXXX/plugin.sock"}}}`.
    pub fn reattach_json(&self) -> String {
        self.reattach_json.clone()
    }

    /// `TF_REATTACH_PROVIDERS='…'`, ready to paste into a POSIX shell.
    pub fn reattach_env(&self) -> String {
        format!(
            "TF_REATTACH_PROVIDERS='{}'",
            self.reattach_json.replace('\'', r"'\''")
        )
    }

    /// Stops the server (in-flight RPCs get [`SHUTDOWN_GRACE`] to finish) and removes the
    /// socket and its directory.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            match tokio::time::timeout(SHUTDOWN_GRACE, task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => log::warn!("debug server ended with an error: {e}"),
                Ok(Err(e)) => log::warn!("debug server task failed: {e}"),
                Err(_) => log::warn!("debug server did not stop within {SHUTDOWN_GRACE:?}"),
            }
        }
    }
}

impl Drop for DebugServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl std::fmt::Debug for DebugServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DebugServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The `TF_REATTACH_PROVIDERS` JSON for a provider served on `addr` by this process.
pub fn reattach_json(provider_address: &str, addr: &PluginAddr) -> String {
    // Written by hand to keep Terraform's field order; the strings are JSON-escaped.
    let key = serde_json::Value::from(provider_address).to_string();
    let address = serde_json::Value::from(addr.to_string()).to_string();
    format!(
        r#"{{{key}:{{"Protocol":"grpc","ProtocolVersion":6,"Pid":{pid},"Test":true,"Addr":{{"Network":"{network}","String":{address}}}}}}}"#,
        pid = std::process::id(),
        network = addr.network(),
    )
}

/// Serves `provider` in-process in debug mode, without TLS, and returns at once. Debug mode
/// has no TLS, so it listens where only this user's processes can connect: a Unix socket in
/// a fresh directory of mode 0700 under `PLUGIN_UNIX_SOCKET_DIR` (else the temporary
/// directory); 127.0.0.1 at a random free port only where Unix sockets are unavailable.
/// `plugin.GRPCController/Shutdown` is acknowledged but does not stop the server
/// (Terraform must not end a debug session); use [`DebugServer::shutdown`]. Installs the
/// hclog logger if `TF_LOG*` asks for one.
pub async fn serve_debug_service<S: ProviderRpc>(
    provider: S,
    cfg: ServeConfig,
) -> std::io::Result<DebugServer> {
    crate::log::init_from_env(cfg.provider_address);
    let socket_parent = handshake::unix_socket_dir(|k| std::env::var(k).ok());
    let Bound {
        listener,
        addr,
        socket_dir,
    } = listener::bind(socket_parent.as_deref(), listener::any_loopback_port)?;
    let shutdown = CancellationToken::new();
    let router = router(provider, &shutdown, true).await;
    let incoming = incoming::plain_incoming(listener, shutdown.clone());
    let stop = shutdown.clone();
    let task = tokio::spawn(async move {
        router
            .serve_with_incoming_shutdown(incoming, stop.cancelled_owned())
            .await
    });
    log::debug!(
        "serving plugin protocol 6 in debug mode on {} {addr}",
        addr.network()
    );
    Ok(DebugServer {
        reattach_json: reattach_json(cfg.provider_address, &addr),
        addr,
        shutdown,
        task: Some(task),
        socket_dir,
    })
}
