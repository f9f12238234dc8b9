//! `cli-proxy-api`: parse arguments, then run the server or the mock upstream.

mod args;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(flag) = cli.login.requested() {
        #[expect(clippy::print_stderr, reason = "command-line error output")]
        {
            eprintln!(
                "{flag}: OAuth login flows are not available in this build yet; add API keys to the config instead"
            );
        }
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("cannot start the async runtime: {err}")),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::MockUpstream(mock)) => cpa_mock::run_standalone(&mock.host, mock.port)
                .await
                .map_err(|err| format!("mock-upstream: {err}")),
            Some(Command::Serve) | None => cpa_server::serve(cpa_server::ServeOptions {
                config_path: cli.config,
                allow_unauthenticated_network: cli.allow_unauthenticated_network,
                shutdown_grace: std::time::Duration::from_secs(cli.shutdown_grace_secs),
                local_password: cli.password,
            })
            .await
            .map_err(|err| err.to_string()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    #[expect(clippy::print_stderr, reason = "command-line error output")]
    {
        eprintln!("cli-proxy-api: {message}");
    }
    ExitCode::FAILURE
}
