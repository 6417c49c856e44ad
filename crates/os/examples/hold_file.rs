//! `hold_file PATH`: opens PATH the way an editor that locks its file does (others may read it,
//! not change, rename or delete it), prints `holding`, and keeps it open until its standard
//! input closes (Windows only). The Wine suite checks with it that a tool file held open is a
//! clear error that changes nothing.
#![allow(clippy::print_stdout, reason = "the answer is the program's output")]

#[cfg(windows)]
fn main() -> std::process::ExitCode {
    use std::io::Read;
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: hold_file PATH");
        return std::process::ExitCode::from(2);
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .share_mode(FILE_SHARE_READ)
        .open(&path);
    match file {
        Ok(_held) => {
            println!("holding");
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hold_file: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(windows))]
fn main() {
    eprintln!("hold_file holds a file the Windows way");
}
