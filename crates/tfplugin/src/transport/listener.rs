//! Where the plugin listens. As go-plugin does, on a Unix socket: in a fresh directory that
//! only the user can enter (mode 0700), under `PLUGIN_UNIX_SOCKET_DIR` or the temporary
//! directory, removed with the socket when the server stops. Only processes of the same user
//! can connect, which matters most in debug mode, where the server has no TLS. TCP on
//! 127.0.0.1 is the fallback where Unix sockets are unavailable (non-Unix targets, or the
//! socket cannot be created).

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tonic::transport::server::{Connected, TcpConnectInfo};

/// The name of the socket inside its directory.
const SOCKET_NAME: &str = "plugin.sock";

/// The address a plugin serves on, as the handshake line and `TF_REATTACH_PROVIDERS` give it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PluginAddr {
    /// TCP, always on a loopback address.
    Tcp(SocketAddr),
    /// A Unix socket, by its path.
    Unix(PathBuf),
}

impl PluginAddr {
    /// go-plugin's network name: `tcp` or `unix`.
    pub fn network(&self) -> &'static str {
        match self {
            PluginAddr::Tcp(_) => "tcp",
            PluginAddr::Unix(_) => "unix",
        }
    }
}

impl fmt::Display for PluginAddr {
    /// `127.0.0.1:PORT`, or the socket's path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginAddr::Tcp(addr) => write!(f, "{addr}"),
            PluginAddr::Unix(path) => write!(f, "{}", path.display()),
        }
    }
}

impl From<SocketAddr> for PluginAddr {
    fn from(addr: SocketAddr) -> Self {
        PluginAddr::Tcp(addr)
    }
}

impl From<&PluginAddr> for PluginAddr {
    fn from(addr: &PluginAddr) -> Self {
        addr.clone()
    }
}

/// A bound listener with its address; for a Unix socket also the directory that holds it,
/// removed with the socket when this is dropped.
pub struct Bound {
    /// Accepts the connections.
    pub listener: Listener,
    /// Where clients connect.
    pub addr: PluginAddr,
    /// The socket's directory, if the listener is a Unix socket.
    pub socket_dir: Option<SocketDir>,
}

/// Binds a Unix socket in a fresh private directory under `parent` (the temporary directory
/// when `None`); if that is not possible, falls back to TCP through `tcp` (logged).
pub fn bind(
    parent: Option<&Path>,
    tcp: impl FnOnce() -> io::Result<std::net::TcpListener>,
) -> io::Result<Bound> {
    #[cfg(unix)]
    match bind_unix(parent) {
        Ok((listener, dir)) => {
            return Ok(Bound {
                listener: Listener::Unix(listener),
                addr: PluginAddr::Unix(dir.socket.clone()),
                socket_dir: Some(dir),
            });
        }
        Err(e) => log::warn!(
            "cannot serve on a Unix socket in {}: {e}; serving on 127.0.0.1 instead",
            parent
                .map_or_else(std::env::temp_dir, Path::to_path_buf)
                .display()
        ),
    }
    #[cfg(not(unix))]
    let _ = parent;
    let std_listener = tcp()?;
    std_listener.set_nonblocking(true)?;
    let listener = TcpListener::from_std(std_listener)?;
    let addr = PluginAddr::Tcp(listener.local_addr()?);
    Ok(Bound {
        listener: Listener::Tcp(listener),
        addr,
        socket_dir: None,
    })
}

/// A TCP listener on 127.0.0.1 at a free port, for debug mode without Unix sockets.
pub fn any_loopback_port() -> io::Result<std::net::TcpListener> {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
}

/// Creates a fresh directory only the user can enter under `parent` and binds a socket in it.
#[cfg(unix)]
fn bind_unix(parent: Option<&Path>) -> io::Result<(tokio::net::UnixListener, SocketDir)> {
    use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};

    let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
    let mut tries = 0;
    let dir = loop {
        let dir = parent.join(format!(
            "plugin{:08x}",
            crate::transport::handshake::random_u64() as u32
        ));
        // `mkdir` never follows a symbolic link in the last component and fails if the name
        // exists, so nobody else can own or have prepared the directory.
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => break dir,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(e),
        }
    };
    let socket_dir = SocketDir {
        socket: dir.join(SOCKET_NAME),
        dir,
    };
    // The umask may have taken away the user's own bits.
    std::fs::set_permissions(&socket_dir.dir, std::fs::Permissions::from_mode(0o700))?;
    let listener = tokio::net::UnixListener::bind(&socket_dir.socket)?;
    Ok((listener, socket_dir))
}

/// A socket's private directory: removed, with the socket, when dropped.
#[derive(Debug)]
pub struct SocketDir {
    dir: PathBuf,
    socket: PathBuf,
}

impl SocketDir {
    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        for result in [
            std::fs::remove_file(&self.socket),
            std::fs::remove_dir(&self.dir),
        ] {
            if let Err(e) = result
                && e.kind() != io::ErrorKind::NotFound
            {
                log::warn!("cannot remove {}: {e}", self.dir.display());
            }
        }
    }
}

/// A TCP or Unix listener.
pub enum Listener {
    /// TCP on loopback.
    Tcp(TcpListener),
    /// A Unix socket.
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

impl Listener {
    /// The next connection and a description of its peer (for logs).
    pub async fn accept(&self) -> io::Result<(Conn, String)> {
        match self {
            Listener::Tcp(listener) => {
                let (tcp, peer) = listener.accept().await?;
                let _ = tcp.set_nodelay(true);
                Ok((Conn::Tcp(tcp), peer.to_string()))
            }
            #[cfg(unix)]
            Listener::Unix(listener) => {
                let (unix, _) = listener.accept().await?;
                Ok((Conn::Unix(unix), "a Unix socket client".to_string()))
            }
        }
    }
}

/// One accepted (or, in tests, opened) connection: TCP or Unix.
pub enum Conn {
    /// TCP.
    Tcp(TcpStream),
    /// A Unix socket.
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
}

impl Conn {
    /// Connects to `addr` (Unix sockets only on Unix targets).
    pub async fn connect(addr: &PluginAddr) -> io::Result<Conn> {
        match addr {
            PluginAddr::Tcp(addr) => {
                let tcp = TcpStream::connect(addr).await?;
                let _ = tcp.set_nodelay(true);
                Ok(Conn::Tcp(tcp))
            }
            #[cfg(unix)]
            PluginAddr::Unix(path) => Ok(Conn::Unix(tokio::net::UnixStream::connect(path).await?)),
            #[cfg(not(unix))]
            PluginAddr::Unix(path) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{}: Unix sockets are not available here", path.display()),
            )),
        }
    }
}

impl Connected for Conn {
    /// The TCP addresses; none for a Unix socket.
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        match self {
            Conn::Tcp(tcp) => tcp.connect_info(),
            #[cfg(unix)]
            Conn::Unix(_) => TcpConnectInfo {
                local_addr: None,
                remote_addr: None,
            },
        }
    }
}

/// Runs `$body` with `$io` bound to the pinned inner stream of a [`Conn`].
macro_rules! inner {
    ($self:ident, $io:ident => $body:expr) => {
        match $self.get_mut() {
            Conn::Tcp(s) => {
                let $io = Pin::new(s);
                $body
            }
            #[cfg(unix)]
            Conn::Unix(s) => {
                let $io = Pin::new(s);
                $body
            }
        }
    };
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        inner!(self, io => io.poll_read(cx, buf))
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        inner!(self, io => io.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        inner!(self, io => io.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        inner!(self, io => io.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        inner!(self, io => io.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Tcp(s) => s.is_write_vectored(),
            #[cfg(unix)]
            Conn::Unix(s) => s.is_write_vectored(),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn the_socket_lives_in_a_private_directory_removed_on_drop() {
        let parent = std::env::temp_dir();
        let bound = bind(Some(&parent), || panic!("no TCP fallback expected")).unwrap();
        let PluginAddr::Unix(socket) = bound.addr.clone() else {
            panic!("{:?}", bound.addr)
        };
        let dir = bound.socket_dir.as_ref().unwrap().path().to_path_buf();
        assert_eq!(socket.parent(), Some(dir.as_path()));
        assert_eq!(dir.parent(), Some(parent.as_path()));
        assert_eq!(mode(&dir), 0o700);
        assert!(socket.exists());
        drop(bound);
        assert!(!socket.exists());
        assert!(!dir.exists());
    }

    #[tokio::test]
    async fn a_missing_socket_directory_falls_back_to_tcp() {
        let missing = std::env::temp_dir().join("no-such-dir-for-plugin-sockets/deeper");
        let bound = bind(Some(&missing), any_loopback_port).unwrap();
        assert!(matches!(bound.addr, PluginAddr::Tcp(a) if a.ip().is_loopback()));
        assert!(bound.socket_dir.is_none());
    }

    #[tokio::test]
    async fn a_path_too_long_for_a_socket_falls_back_to_tcp() {
        let long = std::env::temp_dir().join(format!("{}{}", "d".repeat(110), std::process::id()));
        std::fs::create_dir_all(&long).unwrap();
        let bound = bind(Some(&long), any_loopback_port).unwrap();
        assert_eq!(bound.addr.network(), "tcp");
        // The directory made for the socket is gone again.
        assert_eq!(std::fs::read_dir(&long).unwrap().count(), 0);
        std::fs::remove_dir(&long).unwrap();
    }
}
