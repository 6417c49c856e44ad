//! `switchyard completions SHELL` and `switchyard man`: a shell completion script and the man
//! page, both generated from the same definitions as the parser and `--help`, so they cannot
//! drift from it. Printed to stdout, for the user (or a package) to put where the shell or
//! `man` looks.
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use super::Cli;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// The completion script for the shell asked for, on stdout.
pub fn print(args: &CompletionsArgs) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "switchyard", &mut out);
    write_out(&out)
}

/// The man page (roff), on stdout: `switchyard man > switchyard.1`.
pub fn man() -> ExitCode {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => write_out(&out),
        Err(e) => super::io::fail(&format!("the man page could not be written: {e}")),
    }
}

fn write_out(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
