use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cxreport::cli::Cli::parse();
    cxreport::cli::run(cli).unwrap_or_else(|e| {
        // The chain can quote a path of the plan: no raw control characters.
        eprintln!("error: {}", cxreport::diag::printable(&format!("{e:#}")));
        ExitCode::from(2)
    })
}
