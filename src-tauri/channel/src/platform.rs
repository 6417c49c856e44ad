//! Windows: the pipe's DACL grants this user, and only this user, full access. Without it a
//! named pipe's default descriptor lets every account on the machine read it.

use interprocess::local_socket::ListenerOptions;
use interprocess::os::windows::local_socket::ListenerOptionsExt;
use interprocess::os::windows::security_descriptor::SecurityDescriptor;
use std::io;
use std::path::Path;
use widestring::U16CString;

/// `options` with a descriptor whose one entry allows this user (by SID) everything.
pub fn user_only(options: ListenerOptions<'_>) -> io::Result<ListenerOptions<'_>> {
    let sddl = format!("D:P(A;;GA;;;{})", switchyard_os::current_user_sid()?);
    let sddl = U16CString::from_str(&sddl)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a SID with a NUL"))?;
    let descriptor = SecurityDescriptor::deserialize(&sddl)?;
    Ok(options.security_descriptor(descriptor))
}

/// A pipe has no file to protect.
pub fn protect_file(_file: &Path) -> io::Result<()> {
    Ok(())
}
