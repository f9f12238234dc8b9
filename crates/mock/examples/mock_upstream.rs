//! Runs the mock upstream as a standalone process, for out-of-process tests.
//!
//! Usage: `cargo run -p cpa-mock --example mock_upstream -- [mock-upstream] [--host H] [--port N]`.
//! Accepts (and ignores) a leading `mock-upstream` word so it can stand in for
//! `cli-proxy-api mock-upstream --port N`. Must not grow options the CLI lacks.

use std::io;

#[tokio::main]
async fn main() -> io::Result<()> {
    let mut host = "127.0.0.1".to_owned();
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().unwrap_or_default();
                port = value
                    .parse()
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "bad --port"))?;
            }
            "--host" => host = args.next().unwrap_or(host),
            _ => {}
        }
    }
    cpa_mock::run_standalone(&host, port).await
}
