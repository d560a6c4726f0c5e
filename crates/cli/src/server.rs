//! Binding the port and serving until asked to stop.

use crate::output::say;
use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpListener;

use careful_app::App;

use crate::failure::Failure;

/// Listens on `address:port`, explaining the usual reasons it cannot.
pub async fn bind(address: IpAddr, port: u16) -> Result<TcpListener, Failure> {
    let socket = SocketAddr::new(address, port);
    TcpListener::bind(socket).await.map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {port} on {address} is already in use by another program. Stop that program, \
                 or choose another port with --port"
            ),
            std::io::ErrorKind::PermissionDenied => {
                format!("this user may not listen on port {port}. Choose a port above 1023 with --port")
            }
            std::io::ErrorKind::AddrNotAvailable => {
                format!("{address} is not an address of this computer. Choose another with --bind")
            }
            _ => e.to_string(),
        };
        Failure::new(format!("careful could not listen on {socket}: {why}"))
    })
}

/// Serves until Ctrl+C or SIGTERM, telling the person at the terminal where.
pub async fn run(listener: TcpListener, app: App) -> Result<(), Failure> {
    let address =
        listener.local_addr().map_err(|e| Failure::new(format!("careful could not read its own address: {e}")))?;
    say!("careful is serving at http://{address}/ (press Ctrl+C to stop)");
    careful_web::serve(listener, app, shutdown_signal())
        .await
        .map_err(|e| Failure::new(format!("careful stopped serving because of an error: {e}")))?;
    say!("careful has stopped.");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
