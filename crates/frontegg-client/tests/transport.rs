//! The client's transport limits against raw loopback sockets and the emulator: proxies,
//! servers that never answer, oversized answers.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use frontegg_client::{
    CancellationToken, Client, ClientConfig, ErrorKind, MAX_ANSWER_SIZE, ProxyEnv, RetryPolicy,
};
use frontegg_emulator::{Emulator, EmulatorConfig, Fault, FaultAction};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CLIENT_ID: &str = "demo-client-id";
const SECRET: &str = "demo-secret";
const BASE: &str = "/app-integrations/resources/vendors-integrations/v1";

/// What a raw listener does with each connection after reading the request head.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Keeps the connection open and never answers.
    Silent,
    /// Answers `POST /auth/vendor` with a token; never answers anything else.
    SilentAfterAuth,
    /// Closes the connection.
    Close,
    /// Answers 200 with a chunked body of this many bytes (no `Content-Length`), stopping
    /// when the client goes away.
    Chunked(usize),
}

/// A raw loopback TCP listener that counts connections and records the head of every
/// request it receives.
struct RawListener {
    addr: SocketAddr,
    connections: Arc<Mutex<usize>>,
    heads: Arc<Mutex<Vec<String>>>,
    /// Body bytes written by `Behaviour::Chunked`, over all connections.
    written: Arc<Mutex<usize>>,
}

impl RawListener {
    async fn start(behaviour: Behaviour) -> RawListener {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(Mutex::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let written = Arc::new(Mutex::new(0));
        let (c, h, w) = (connections.clone(), heads.clone(), written.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                *c.lock().unwrap() += 1;
                let (h, w) = (h.clone(), w.clone());
                tokio::spawn(serve(stream, behaviour, h, w));
            }
        });
        RawListener {
            addr,
            connections,
            heads,
            written,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }

    fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

async fn serve(
    mut stream: TcpStream,
    behaviour: Behaviour,
    heads: Arc<Mutex<Vec<String>>>,
    written: Arc<Mutex<usize>>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    heads
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&head).into_owned());
    let behaviour = match behaviour {
        Behaviour::SilentAfterAuth if head.starts_with(b"POST /auth/vendor ") => {
            let body = r#"{"token":"t-1","expiresIn":3600}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            return;
        }
        Behaviour::SilentAfterAuth => Behaviour::Silent,
        other => other,
    };
    match behaviour {
        Behaviour::Silent | Behaviour::SilentAfterAuth => {
            // Hold the connection until the client gives up on it.
            while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
        }
        Behaviour::Close => {}
        Behaviour::Chunked(total) => {
            let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         transfer-encoding: chunked\r\n\r\n";
            if stream.write_all(start.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 << 10];
            let mut sent = 0;
            while sent < total {
                let frame = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk.clone(),
                    b"\r\n".to_vec(),
                ]
                .concat();
                if stream.write_all(&frame).await.is_err() {
                    return;
                }
                sent += chunk.len();
                *written.lock().unwrap() += chunk.len();
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
    }
}

fn no_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        rate_limit_jitter: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn config(base_url: &str) -> ClientConfig {
    ClientConfig::new(CLIENT_ID, SECRET)
        .with_base_url(base_url)
        .expect("base url")
        .with_proxy_env(ProxyEnv::none())
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("formats")
}

/// Set in the child process of the proxy test: its environment holds the proxy variables.
const PROXY_CHILD: &str = "FRONTEGG_CLIENT_TEST_PROXY_CHILD";

#[tokio::test]
async fn plain_http_to_loopback_never_goes_through_a_proxy() {
    if std::env::var_os(PROXY_CHILD).is_some() {
        // The child: every proxy variable points at the parent's listener, and the client
        // reads them from the process environment as in production.
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let cfg = ClientConfig::new(CLIENT_ID, SECRET)
            .with_base_url(&emulator.base_url())
            .unwrap()
            .with_request_timeout(Duration::from_secs(5))
            .with_retry_policy(no_retries());
        Client::new(cfg)
            .unwrap()
            .list_integrations(&CancellationToken::new())
            .await
            .expect("the emulator answers directly");
        return;
    }
    let proxy = RawListener::start(Behaviour::Close).await;
    let mut child = tokio::process::Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "plain_http_to_loopback_never_goes_through_a_proxy",
            "--test-threads=1",
        ])
        .env(PROXY_CHILD, "1")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("REQUEST_METHOD");
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ] {
        child.env(name, proxy.url());
    }
    let out = child.output().await.expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert_eq!(proxy.connections(), 0, "the proxy saw {:?}", proxy.heads());
}

#[tokio::test]
async fn https_honours_https_proxy_and_no_proxy() {
    let proxy = RawListener::start(Behaviour::Close).await;
    let server = RawListener::start(Behaviour::Close).await;
    let base_url = format!("https://localhost:{}", server.addr.port());
    let with_proxy = |no_proxy: Option<&'static str>| {
        let proxy_url = proxy.url();
        ProxyEnv::from_lookup(move |name| match name {
            "HTTPS_PROXY" => Some(proxy_url.clone()),
            "NO_PROXY" => no_proxy.map(str::to_string),
            _ => None,
        })
    };
    let client = |proxy_env: ProxyEnv| {
        Client::new(
            config(&base_url)
                .with_proxy_env(proxy_env)
                .with_request_timeout(Duration::from_secs(2))
                .with_connect_timeout(Duration::from_millis(500))
                .with_retry_policy(no_retries()),
        )
        .unwrap()
    };
    let cancel = CancellationToken::new();

    client(with_proxy(None))
        .authenticate(&cancel)
        .await
        .expect_err("no answer");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{}", server.addr.port())),
        "{heads:?}"
    );
    assert_eq!(server.connections(), 0);

    client(with_proxy(Some("example.com, localhost")))
        .authenticate(&cancel)
        .await
        .expect_err("no answer");
    assert_eq!(proxy.connections(), 1, "NO_PROXY bypasses the proxy");
    assert!(server.connections() >= 1, "the client went direct");
}

#[tokio::test]
async fn a_server_that_never_answers_fails_within_the_unresponsive_limit() {
    let server = RawListener::start(Behaviour::Silent).await;
    let cfg = config(&server.url())
        .with_request_timeout(Duration::from_millis(200))
        .with_connect_timeout(Duration::from_millis(100))
        .with_unresponsive_limit(Duration::from_millis(500))
        .with_retry_policy(fast_retries());
    let error = Client::new(cfg)
        .unwrap()
        .list_integrations(&CancellationToken::new())
        .await
        .expect_err("nothing answers");
    assert_eq!(error.kind, ErrorKind::Timeout);
    assert_eq!(error.path, "/auth/vendor");
    let text = error.to_string();
    let host = server.addr.to_string();
    assert!(
        text.contains(&format!("{host} gave no answer in")),
        "{text}"
    );
    assert!(
        text.contains(&format!("no answer from {host} within")),
        "{text}"
    );
    assert!(
        text.contains("stops waiting for a server that does not answer after 500ms"),
        "{text}"
    );
    // Four attempts of 200 ms would exceed the limit: the limit, not the retry count, ended it.
    assert!(!text.contains("gave up after"), "{text}");
    assert!(server.heads().len() <= 3, "{:?}", server.heads());
}

#[tokio::test]
async fn a_rate_limit_reset_is_waited_for_beyond_the_unresponsive_limit() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(
        config(&emulator.base_url())
            .with_unresponsive_limit(Duration::from_millis(100))
            .with_retry_policy(fast_retries()),
    )
    .unwrap();
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    let reset = OffsetDateTime::now_utc() + Duration::from_millis(700);
    emulator.inject_fault(Fault {
        action: FaultAction::Respond {
            status: 429,
            body: r#"{"message":"Too many requests"}"#.to_string(),
            headers: vec![("X-Rate-Limit-Reset".to_string(), rfc3339(reset))],
        },
        ..Fault::respond("GET", BASE, 1, 429, "")
    });
    let listed = client
        .list_integrations(&cancel)
        .await
        .expect("answered after the reset");
    assert!(listed.is_empty());
    assert!(OffsetDateTime::now_utc() >= reset);
}

#[tokio::test]
async fn an_answer_larger_than_the_limit_is_refused() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(config(&emulator.base_url()).with_retry_policy(fast_retries()))
        .expect("client");
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    let huge = format!("[{}]", " ".repeat(MAX_ANSWER_SIZE));
    emulator.inject_fault(Fault::respond("GET", BASE, 1, 200, &huge));
    let error = client
        .list_integrations(&cancel)
        .await
        .expect_err("too large");
    assert_eq!(error.kind, ErrorKind::InvalidResponse);
    assert_eq!(error.status, Some(200));
    let text = error.to_string();
    assert!(text.contains("larger than 4 MiB"), "{text}");
    // Not retried, and the client stays usable.
    let gets = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == BASE)
        .count();
    assert_eq!(gets, 1);
    assert!(client.list_integrations(&cancel).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_streamed_answer_is_cut_off_at_the_limit() {
    const SENT: usize = 64 << 20;
    let server = RawListener::start(Behaviour::Chunked(SENT)).await;
    let error = Client::new(config(&server.url()).with_retry_policy(fast_retries()))
        .unwrap()
        .authenticate(&CancellationToken::new())
        .await
        .expect_err("too large");
    assert_eq!(error.kind, ErrorKind::InvalidResponse);
    assert!(error.to_string().contains("larger than 4 MiB"), "{error}");
    assert_eq!(server.heads().len(), 1, "not retried");
    // The client stopped reading: the server could not send everything.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = *server.written.lock().unwrap();
    assert!(written < SENT, "{written} bytes written");
}

/// A client that would wait an hour for an answer: only cancellation can end its calls early.
fn patient(base_url: &str) -> Client {
    let hour = Duration::from_secs(3600);
    let cfg = config(base_url)
        .with_request_timeout(hour)
        .with_connect_timeout(hour)
        .with_unresponsive_limit(hour)
        .with_operation_budget(hour)
        .with_retry_policy(no_retries());
    Client::new(cfg).unwrap()
}

/// Waits until `server` has received `n` request heads.
async fn heads_arrived(server: &RawListener, n: usize) {
    while server.heads().len() < n {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The guard around a call that must end by cancellation: a generous bound, so that a call
/// that ignores its token fails the test instead of hanging it.
const ENDS: Duration = Duration::from_secs(30);

#[tokio::test]
async fn cancellation_ends_authentication_and_catalog_reads_on_a_server_that_never_answers() {
    let server = RawListener::start(Behaviour::Silent).await;
    let client = patient(&server.url());

    // The first caller authenticates; the second waits for that token, the third for the
    // first caller's catalog read. Each ends when its own token fires, the others wait on.
    let (first, second, third) = (
        CancellationToken::new(),
        CancellationToken::new(),
        CancellationToken::new(),
    );
    let call = |token: &CancellationToken, by_id: bool| {
        let (client, token) = (client.clone(), token.clone());
        tokio::spawn(async move {
            if by_id {
                client.catalog_integration_by_id("c-1", &token).await
            } else {
                client.catalog_integration("confluence", &token).await
            }
        })
    };
    let first_call = call(&first, false);
    heads_arrived(&server, 1).await;
    let second_call = call(&second, true);
    let third_call = call(&third, false);
    tokio::task::yield_now().await;

    second.cancel();
    let error = tokio::time::timeout(ENDS, second_call)
        .await
        .expect("ends when its token fires")
        .unwrap()
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Cancelled, "{error}");
    third.cancel();
    let error = tokio::time::timeout(ENDS, third_call)
        .await
        .expect("ends when its token fires")
        .unwrap()
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Cancelled, "{error}");
    assert!(!first_call.is_finished(), "the first caller still waits");

    first.cancel();
    let error = tokio::time::timeout(ENDS, first_call)
        .await
        .expect("ends when its token fires")
        .unwrap()
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Cancelled, "{error}");
    assert_eq!(error.path, "/auth/vendor", "{error}");
    let heads = server.heads();
    assert_eq!(
        heads.len(),
        1,
        "only the authentication was sent: {heads:?}"
    );
    assert!(heads[0].starts_with("POST /auth/vendor "), "{heads:?}");
}

#[tokio::test]
async fn cancellation_ends_a_catalog_read_whose_answer_never_comes() {
    let server = RawListener::start(Behaviour::SilentAfterAuth).await;
    let client = patient(&server.url());
    let cancel = CancellationToken::new();
    let reading = {
        let (client, cancel) = (client.clone(), cancel.clone());
        tokio::spawn(async move { client.catalog(&cancel).await })
    };
    heads_arrived(&server, 2).await;
    cancel.cancel();
    let error = tokio::time::timeout(ENDS, reading)
        .await
        .expect("ends when its token fires")
        .unwrap()
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Cancelled, "{error}");
    assert_eq!(
        error.path, "/app-integrations/resources/frontegg-integrations/v1",
        "{error}"
    );
    let heads = server.heads();
    assert!(
        heads[1].starts_with("GET /app-integrations/resources/frontegg-integrations/v1 "),
        "{heads:?}"
    );
}

#[tokio::test]
async fn cancellation_ends_a_call_to_a_listener_that_never_accepts() {
    // Bound and listening, never accepting: the kernel completes the TCP handshake and
    // buffers the request, which nobody reads.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let client = patient(&url);
    let cancel = CancellationToken::new();
    let reading = {
        let (client, cancel) = (client.clone(), cancel.clone());
        tokio::spawn(async move { client.catalog_id("confluence", &cancel).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancel.cancel();
    let error = tokio::time::timeout(ENDS, reading)
        .await
        .expect("ends when its token fires")
        .unwrap()
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Cancelled, "{error}");
    drop(listener);
}
