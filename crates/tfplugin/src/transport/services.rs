//! go-plugin's own gRPC services: `plugin.GRPCController`, `plugin.GRPCStdio`,
//! `plugin.GRPCBroker`.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio_stream::Stream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::{Request, Response, Status, Streaming};

use crate::proto::plugin::{
    ConnInfo, Empty, StdioData, grpc_broker_server::GrpcBroker,
    grpc_controller_server::GrpcController, grpc_stdio_server::GrpcStdio,
};

/// A stream that yields nothing and ends when `token` is cancelled (server shutdown),
/// so that graceful shutdown is not held up by an idle stream.
pub struct UntilCancelled<T> {
    done: Pin<Box<WaitForCancellationFutureOwned>>,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T> UntilCancelled<T> {
    /// Ends when `token` is cancelled.
    pub fn new(token: CancellationToken) -> Self {
        UntilCancelled {
            done: Box::pin(token.cancelled_owned()),
            _item: std::marker::PhantomData,
        }
    }
}

impl<T> Stream for UntilCancelled<T> {
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.done.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// `plugin.GRPCController`: `Shutdown` asks the server to stop.
#[derive(Clone, Debug)]
pub struct Controller {
    /// Cancelled on `Shutdown` (unless `ignore_shutdown`).
    pub shutdown: CancellationToken,
    /// In debug mode the server outlives Terraform's clients: `Shutdown` is only logged.
    pub ignore_shutdown: bool,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        if self.ignore_shutdown {
            log::debug!("GRPCController/Shutdown received in debug mode: still serving");
        } else {
            log::debug!("GRPCController/Shutdown received: shutting down");
            self.shutdown.cancel();
        }
        Ok(Response::new(Empty {}))
    }
}

/// `plugin.GRPCStdio`: this provider never writes to stdout/stderr through go-plugin's
/// stdio forwarding (logs go to stderr directly), so the stream stays empty until shutdown.
#[derive(Clone, Debug)]
pub struct Stdio {
    /// Ends the streams on shutdown.
    pub shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    type StreamStdioStream = UntilCancelled<StdioData>;

    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(UntilCancelled::new(self.shutdown.clone())))
    }
}

/// `plugin.GRPCBroker`: Terraform providers use no brokered connections; the stream is
/// accepted and stays idle until shutdown.
#[derive(Clone, Debug)]
pub struct Broker {
    /// Ends the streams on shutdown.
    pub shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcBroker for Broker {
    type StartStreamStream = UntilCancelled<ConnInfo>;

    async fn start_stream(
        &self,
        _request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(UntilCancelled::new(self.shutdown.clone())))
    }
}
