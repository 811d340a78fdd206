use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cxreport::cli::Cli::parse();
    cxreport::cli::run(cli).unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}
