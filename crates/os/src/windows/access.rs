//! Reading a file's access list back, as SDDL: what the Wine suite checks the data folder with.

use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use windows_sys::Win32::Foundation::LocalFree;
use windows_sys::Win32::Security::Authorization::{
    ConvertSecurityDescriptorToStringSecurityDescriptorW, GetNamedSecurityInfoW, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR};

/// `SDDL_REVISION_1` (sddl.h).
const SDDL_REVISION_1: u32 = 1;

/// The access list (DACL) of `path` as SDDL, e.g. `D:P(A;OICI;FA;;;S-1-5-21-…)`.
pub fn access_of(path: &Path) -> io::Result<String> {
    let wide: Vec<u16> = path
        .as_os_str()
        .encode_wide()
        .chain(std::iter::once(0))
        .collect();
    let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: `wide` is NUL-terminated UTF-16; only the descriptor is asked for (the other out
    // pointers are null, which the function allows); `sd` is LocalAlloc'd, freed below.
    let rc = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut sd,
        )
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc as i32));
    }
    let mut text: *mut u16 = std::ptr::null_mut();
    // SAFETY: `sd` is valid (above); `text` receives a LocalAlloc'd NUL-terminated string.
    let ok = unsafe {
        ConvertSecurityDescriptorToStringSecurityDescriptorW(
            sd,
            SDDL_REVISION_1,
            DACL_SECURITY_INFORMATION,
            &mut text,
            std::ptr::null_mut(),
        )
    };
    let out = if ok == 0 {
        Err(io::Error::last_os_error())
    } else {
        // SAFETY: on success `text` is a NUL-terminated UTF-16 string.
        Ok(unsafe { widestring::U16CStr::from_ptr_str(text) }.to_string_lossy())
    };
    // SAFETY: both were allocated by the calls above with LocalAlloc (null is allowed).
    unsafe {
        LocalFree(text.cast());
        LocalFree(sd);
    }
    out
}
