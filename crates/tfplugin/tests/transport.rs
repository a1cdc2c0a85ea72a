//! Transport tests: AutoMTLS pinning, the plugin server over mTLS on its private Unix
//! socket (and on loopback TCP as the fallback), debug mode.

use std::sync::Arc;
use std::time::Duration;

use tfplugin::proto::plugin::{
    Empty, grpc_controller_client::GrpcControllerClient, grpc_stdio_client::GrpcStdioClient,
};
use tfplugin::proto::tfplugin6::{
    self, provider_client::ProviderClient, provider_server::Provider,
};
use tfplugin::testing::{
    ClientCert, client_tls_config, go_plugin_client_cert, parse_handshake_line, plain_channel,
    tls_channel,
};
use tfplugin::transport::handshake::HandshakeEnv;
use tfplugin::transport::tls;
use tfplugin::{PluginAddr, ServeConfig, serve_debug_service, start_plugin_service};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tonic::{Request, Response, Status, Streaming};

const CFG: ServeConfig = ServeConfig {
    provider_address: "registry.terraform.io/frontegg/frontegg",
    version: "0.0.0-test",
};

/// A provider that answers GetProviderSchema and nothing else.
struct StubProvider;

#[tonic::async_trait]
impl Provider for StubProvider {
    async fn get_provider_schema(
        &self,
        _: Request<tfplugin6::get_provider_schema::Request>,
    ) -> Result<Response<tfplugin6::get_provider_schema::Response>, Status> {
        Ok(Response::new(tfplugin6::get_provider_schema::Response {
            provider: Some(tfplugin6::Schema {
                version: 0,
                block: Some(tfplugin6::schema::Block {
                    description: "stub".into(),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        }))
    }

    type ListResourceStream = tokio_stream::Empty<Result<tfplugin6::list_resource::Event, Status>>;
    type ReadStateBytesStream =
        tokio_stream::Empty<Result<tfplugin6::read_state_bytes::Response, Status>>;
    type InvokeActionStream = tokio_stream::Empty<Result<tfplugin6::invoke_action::Event, Status>>;
    async fn get_metadata(
        &self,
        _: Request<tfplugin6::get_metadata::Request>,
    ) -> Result<Response<tfplugin6::get_metadata::Response>, Status> {
        Err(Status::unimplemented("get_metadata"))
    }
    async fn validate_provider_config(
        &self,
        _: Request<tfplugin6::validate_provider_config::Request>,
    ) -> Result<Response<tfplugin6::validate_provider_config::Response>, Status> {
        Err(Status::unimplemented("validate_provider_config"))
    }
    async fn validate_resource_config(
        &self,
        _: Request<tfplugin6::validate_resource_config::Request>,
    ) -> Result<Response<tfplugin6::validate_resource_config::Response>, Status> {
        Err(Status::unimplemented("validate_resource_config"))
    }
    async fn validate_data_resource_config(
        &self,
        _: Request<tfplugin6::validate_data_resource_config::Request>,
    ) -> Result<Response<tfplugin6::validate_data_resource_config::Response>, Status> {
        Err(Status::unimplemented("validate_data_resource_config"))
    }
    async fn upgrade_resource_state(
        &self,
        _: Request<tfplugin6::upgrade_resource_state::Request>,
    ) -> Result<Response<tfplugin6::upgrade_resource_state::Response>, Status> {
        Err(Status::unimplemented("upgrade_resource_state"))
    }
    async fn get_resource_identity_schemas(
        &self,
        _: Request<tfplugin6::get_resource_identity_schemas::Request>,
    ) -> Result<Response<tfplugin6::get_resource_identity_schemas::Response>, Status> {
        Err(Status::unimplemented("get_resource_identity_schemas"))
    }
    async fn upgrade_resource_identity(
        &self,
        _: Request<tfplugin6::upgrade_resource_identity::Request>,
    ) -> Result<Response<tfplugin6::upgrade_resource_identity::Response>, Status> {
        Err(Status::unimplemented("upgrade_resource_identity"))
    }
    async fn configure_provider(
        &self,
        _: Request<tfplugin6::configure_provider::Request>,
    ) -> Result<Response<tfplugin6::configure_provider::Response>, Status> {
        Err(Status::unimplemented("configure_provider"))
    }
    async fn read_resource(
        &self,
        _: Request<tfplugin6::read_resource::Request>,
    ) -> Result<Response<tfplugin6::read_resource::Response>, Status> {
        Err(Status::unimplemented("read_resource"))
    }
    async fn plan_resource_change(
        &self,
        _: Request<tfplugin6::plan_resource_change::Request>,
    ) -> Result<Response<tfplugin6::plan_resource_change::Response>, Status> {
        Err(Status::unimplemented("plan_resource_change"))
    }
    async fn apply_resource_change(
        &self,
        _: Request<tfplugin6::apply_resource_change::Request>,
    ) -> Result<Response<tfplugin6::apply_resource_change::Response>, Status> {
        Err(Status::unimplemented("apply_resource_change"))
    }
    async fn import_resource_state(
        &self,
        _: Request<tfplugin6::import_resource_state::Request>,
    ) -> Result<Response<tfplugin6::import_resource_state::Response>, Status> {
        Err(Status::unimplemented("import_resource_state"))
    }
    async fn move_resource_state(
        &self,
        _: Request<tfplugin6::move_resource_state::Request>,
    ) -> Result<Response<tfplugin6::move_resource_state::Response>, Status> {
        Err(Status::unimplemented("move_resource_state"))
    }
    async fn read_data_source(
        &self,
        _: Request<tfplugin6::read_data_source::Request>,
    ) -> Result<Response<tfplugin6::read_data_source::Response>, Status> {
        Err(Status::unimplemented("read_data_source"))
    }
    async fn generate_resource_config(
        &self,
        _: Request<tfplugin6::generate_resource_config::Request>,
    ) -> Result<Response<tfplugin6::generate_resource_config::Response>, Status> {
        Err(Status::unimplemented("generate_resource_config"))
    }
    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<tfplugin6::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<tfplugin6::validate_ephemeral_resource_config::Response>, Status> {
        Err(Status::unimplemented("validate_ephemeral_resource_config"))
    }
    async fn open_ephemeral_resource(
        &self,
        _: Request<tfplugin6::open_ephemeral_resource::Request>,
    ) -> Result<Response<tfplugin6::open_ephemeral_resource::Response>, Status> {
        Err(Status::unimplemented("open_ephemeral_resource"))
    }
    async fn renew_ephemeral_resource(
        &self,
        _: Request<tfplugin6::renew_ephemeral_resource::Request>,
    ) -> Result<Response<tfplugin6::renew_ephemeral_resource::Response>, Status> {
        Err(Status::unimplemented("renew_ephemeral_resource"))
    }
    async fn close_ephemeral_resource(
        &self,
        _: Request<tfplugin6::close_ephemeral_resource::Request>,
    ) -> Result<Response<tfplugin6::close_ephemeral_resource::Response>, Status> {
        Err(Status::unimplemented("close_ephemeral_resource"))
    }
    async fn list_resource(
        &self,
        _: Request<tfplugin6::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        Err(Status::unimplemented("list_resource"))
    }
    async fn validate_list_resource_config(
        &self,
        _: Request<tfplugin6::validate_list_resource_config::Request>,
    ) -> Result<Response<tfplugin6::validate_list_resource_config::Response>, Status> {
        Err(Status::unimplemented("validate_list_resource_config"))
    }
    async fn get_functions(
        &self,
        _: Request<tfplugin6::get_functions::Request>,
    ) -> Result<Response<tfplugin6::get_functions::Response>, Status> {
        Err(Status::unimplemented("get_functions"))
    }
    async fn call_function(
        &self,
        _: Request<tfplugin6::call_function::Request>,
    ) -> Result<Response<tfplugin6::call_function::Response>, Status> {
        Err(Status::unimplemented("call_function"))
    }
    async fn validate_state_store_config(
        &self,
        _: Request<tfplugin6::validate_state_store::Request>,
    ) -> Result<Response<tfplugin6::validate_state_store::Response>, Status> {
        Err(Status::unimplemented("validate_state_store_config"))
    }
    async fn configure_state_store(
        &self,
        _: Request<tfplugin6::configure_state_store::Request>,
    ) -> Result<Response<tfplugin6::configure_state_store::Response>, Status> {
        Err(Status::unimplemented("configure_state_store"))
    }
    async fn read_state_bytes(
        &self,
        _: Request<tfplugin6::read_state_bytes::Request>,
    ) -> Result<Response<Self::ReadStateBytesStream>, Status> {
        Err(Status::unimplemented("read_state_bytes"))
    }
    async fn write_state_bytes(
        &self,
        _: Request<Streaming<tfplugin6::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<tfplugin6::write_state_bytes::Response>, Status> {
        Err(Status::unimplemented("write_state_bytes"))
    }
    async fn lock_state(
        &self,
        _: Request<tfplugin6::lock_state::Request>,
    ) -> Result<Response<tfplugin6::lock_state::Response>, Status> {
        Err(Status::unimplemented("lock_state"))
    }
    async fn unlock_state(
        &self,
        _: Request<tfplugin6::unlock_state::Request>,
    ) -> Result<Response<tfplugin6::unlock_state::Response>, Status> {
        Err(Status::unimplemented("unlock_state"))
    }
    async fn get_states(
        &self,
        _: Request<tfplugin6::get_states::Request>,
    ) -> Result<Response<tfplugin6::get_states::Response>, Status> {
        Err(Status::unimplemented("get_states"))
    }
    async fn delete_state(
        &self,
        _: Request<tfplugin6::delete_state::Request>,
    ) -> Result<Response<tfplugin6::delete_state::Response>, Status> {
        Err(Status::unimplemented("delete_state"))
    }
    async fn plan_action(
        &self,
        _: Request<tfplugin6::plan_action::Request>,
    ) -> Result<Response<tfplugin6::plan_action::Response>, Status> {
        Err(Status::unimplemented("plan_action"))
    }
    async fn invoke_action(
        &self,
        _: Request<tfplugin6::invoke_action::Request>,
    ) -> Result<Response<Self::InvokeActionStream>, Status> {
        Err(Status::unimplemented("invoke_action"))
    }
    async fn validate_action_config(
        &self,
        _: Request<tfplugin6::validate_action_config::Request>,
    ) -> Result<Response<tfplugin6::validate_action_config::Response>, Status> {
        Err(Status::unimplemented("validate_action_config"))
    }
    async fn stop_provider(
        &self,
        _: Request<tfplugin6::stop_provider::Request>,
    ) -> Result<Response<tfplugin6::stop_provider::Response>, Status> {
        Err(Status::unimplemented("stop_provider"))
    }
}

fn plugin_env(client: Option<&ClientCert>) -> HandshakeEnv {
    HandshakeEnv {
        min_port: 20000,
        max_port: 25000,
        client_cert: client.map(|c| c.cert.clone()),
        unix_socket_dir: None,
    }
}

/// The path of a Unix socket address.
fn socket_path(addr: &PluginAddr) -> std::path::PathBuf {
    match addr {
        PluginAddr::Unix(path) => path.clone(),
        other => panic!("expected a Unix socket, got {other:?}"),
    }
}

/// Runs one TLS handshake against a server that pins `pinned`, with a client built from
/// `client_config`; returns whether the server accepted the client.
async fn server_accepts(
    pinned: &ClientCert,
    client_config: impl FnOnce(&rustls::pki_types::CertificateDer<'static>) -> Arc<rustls::ClientConfig>,
) -> bool {
    let identity = tls::generate_server_identity().unwrap();
    let config = tls::server_config(&identity, pinned.cert.clone()).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connector = tokio_rustls::TlsConnector::from(client_config(&identity.cert));
    let client = tokio::spawn(async move {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        if let Ok(mut tls) = connector.connect(name, tcp).await {
            let _ = tls.write_all(b"ping").await;
            let mut buf = [0u8; 4];
            let _ = tls.read_exact(&mut buf).await;
        }
    });
    let (tcp, _) = listener.accept().await.unwrap();
    let accepted = match acceptor.accept(tcp).await {
        Ok(mut tls) => {
            let mut buf = [0u8; 4];
            tls.read_exact(&mut buf).await.unwrap();
            tls.write_all(b"pong").await.unwrap();
            true
        }
        Err(_) => false,
    };
    client.await.unwrap();
    accepted
}

#[tokio::test]
async fn pinned_verifier_accepts_only_the_pinned_certificate() {
    let pinned = go_plugin_client_cert();
    let other = go_plugin_client_cert();

    // Terraform's P-521 CA certificate: accepted (TLS 1.3, and TLS 1.2).
    assert!(server_accepts(&pinned, |server| client_tls_config(server, Some(&pinned))).await);
    assert!(
        server_accepts(&pinned, |server| {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(server.clone()).unwrap();
            let config = rustls::ClientConfig::builder_with_provider(tls::crypto_provider())
                .with_protocol_versions(&[&rustls::version::TLS12])
                .unwrap()
                .with_root_certificates(roots)
                .with_client_auth_cert(vec![pinned.cert.clone()], pinned.key.clone_key())
                .unwrap();
            Arc::new(config)
        })
        .await
    );
    // Another certificate made the same way: refused.
    assert!(!server_accepts(&pinned, |server| client_tls_config(server, Some(&other))).await);
    // No certificate: refused.
    assert!(!server_accepts(&pinned, |server| client_tls_config(server, None)).await);
}

#[tokio::test]
async fn plugin_server_over_mtls() {
    let client_cert = go_plugin_client_cert();
    let server = start_plugin_service(StubProvider, &plugin_env(Some(&client_cert)))
        .await
        .unwrap();
    let line = parse_handshake_line(server.handshake_line()).unwrap();
    assert_eq!(line.protocol_version, 6);
    assert_eq!(&line.addr, server.addr());
    let socket = socket_path(&line.addr);
    let dir = server.socket_dir().unwrap().to_path_buf();
    assert_eq!(socket.parent(), Some(dir.as_path()));
    assert!(socket.exists());
    let server_cert = line
        .server_cert
        .expect("server certificate in the handshake line");
    assert_eq!(Some(&server_cert), server.server_cert());
    assert!(!server.handshake_line().ends_with('='));

    // The right client: GetProviderSchema, health, stdio stream.
    let channel = tls_channel(
        &line.addr,
        client_tls_config(&server_cert, Some(&client_cert)),
    )
    .await
    .unwrap();
    let schema = ProviderClient::new(channel.clone())
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(schema.provider.unwrap().block.unwrap().description, "stub");
    let health = tonic_health::pb::health_client::HealthClient::new(channel.clone())
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        health.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    let mut stdio = GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();

    // No client certificate, or another one: refused.
    let other = go_plugin_client_cert();
    for config in [
        client_tls_config(&server_cert, None),
        client_tls_config(&server_cert, Some(&other)),
    ] {
        let refused = match tls_channel(&line.addr, config).await {
            Err(_) => true,
            Ok(ch) => ProviderClient::new(ch)
                .get_provider_schema(tfplugin6::get_provider_schema::Request {})
                .await
                .is_err(),
        };
        assert!(refused);
    }

    // Shutdown: the server stops (well within Terraform's 2 s) and the stdio stream ends.
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(2), server.wait())
        .await
        .expect("server stops within 2 s of Shutdown")
        .unwrap();
    assert!(
        !socket.exists() && !dir.exists(),
        "socket and directory removed"
    );
    let end = tokio::time::timeout(Duration::from_secs(2), stdio.message())
        .await
        .expect("stdio stream ends");
    assert!(matches!(end, Ok(None) | Err(_)));
}

#[tokio::test]
async fn plugin_server_without_automtls() {
    let server = start_plugin_service(StubProvider, &plugin_env(None))
        .await
        .unwrap();
    assert!(server.handshake_line().ends_with("|grpc|"));
    let line = parse_handshake_line(server.handshake_line()).unwrap();
    assert!(line.server_cert.is_none());
    let channel = plain_channel(&line.addr).await.unwrap();
    ProviderClient::new(channel.clone())
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(2), server.wait())
        .await
        .expect("server stops")
        .unwrap();
}

#[tokio::test]
async fn debug_server_serves_in_process() {
    let server = serve_debug_service(StubProvider, CFG).await.unwrap();
    let reattach: serde_json::Value = serde_json::from_str(&server.reattach_json()).unwrap();
    let entry = &reattach["registry.terraform.io/frontegg/frontegg"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], std::process::id());
    assert_eq!(entry["Addr"]["Network"], "unix");
    assert_eq!(entry["Addr"]["String"], server.addr().to_string());
    let socket = socket_path(server.addr());
    assert_eq!(socket.parent(), server.socket_dir());
    assert_eq!(
        server.reattach_env(),
        format!("TF_REATTACH_PROVIDERS='{}'", server.reattach_json())
    );

    let channel = plain_channel(server.addr()).await.unwrap();
    let mut client = ProviderClient::new(channel.clone());
    client
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap();
    // Unimplemented RPCs surface as gRPC status, the server keeps going.
    let err = client
        .stop_provider(tfplugin6::stop_provider::Request {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unimplemented);
    // Shutdown does not end a debug session.
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    client
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap();

    let dir = server.socket_dir().unwrap().to_path_buf();
    tokio::time::timeout(Duration::from_secs(2), server.shutdown())
        .await
        .expect("debug server stops");
    assert!(tokio::net::UnixStream::connect(&socket).await.is_err());
    assert!(
        !socket.exists() && !dir.exists(),
        "socket and directory removed"
    );
}

#[tokio::test]
async fn plugin_server_falls_back_to_loopback_tcp_in_the_port_range() {
    let client_cert = go_plugin_client_cert();
    let env = HandshakeEnv {
        unix_socket_dir: Some(std::env::temp_dir().join("no-such-directory/for-sockets")),
        ..plugin_env(Some(&client_cert))
    };
    let server = start_plugin_service(StubProvider, &env).await.unwrap();
    let line = parse_handshake_line(server.handshake_line()).unwrap();
    let PluginAddr::Tcp(addr) = line.addr else {
        panic!("{:?}", line.addr)
    };
    assert!(server.handshake_line().starts_with("1|6|tcp|127.0.0.1:"));
    assert!((20000..=25000).contains(&addr.port()));
    assert!(server.socket_dir().is_none());
    let channel = tls_channel(
        addr,
        client_tls_config(&line.server_cert.unwrap(), Some(&client_cert)),
    )
    .await
    .unwrap();
    ProviderClient::new(channel.clone())
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(2), server.wait())
        .await
        .expect("server stops")
        .unwrap();
}
