//! `access_of PATH`: prints the access list of PATH as SDDL (Windows only). The Wine suite
//! checks with it that the data folder grants only the user.
#![allow(clippy::print_stdout, reason = "the answer is the program's output")]

#[cfg(windows)]
fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: access_of PATH");
        return std::process::ExitCode::from(2);
    };
    match switchyard_os::access_of(std::path::Path::new(&path)) {
        Ok(sddl) => {
            println!("{sddl}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("access_of: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(windows))]
fn main() {
    eprintln!("access_of reads Windows access lists");
}
