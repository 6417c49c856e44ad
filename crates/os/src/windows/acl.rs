//! A folder private to the user: its access list becomes one entry, full control for this user
//! (by SID), inherited by every file and folder in it, with nothing inherited from above (a
//! folder under `%APPDATA%` would otherwise keep what its parents grant: SYSTEM and the
//! Administrators group). The Windows counterpart of mode 0700.

use super::sid::current_user_sid;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use windows_sys::Win32::Foundation::LocalFree;
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, SetNamedSecurityInfoW, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    GetSecurityDescriptorDacl, ACL, DACL_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR,
};

/// `SDDL_REVISION_1` (sddl.h).
const SDDL_REVISION_1: u32 = 1;

/// A security descriptor from `ConvertStringSecurityDescriptorToSecurityDescriptorW`, freed once.
struct Descriptor(PSECURITY_DESCRIPTOR);

impl Drop for Descriptor {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW with
        // LocalAlloc, and freed only here.
        unsafe { LocalFree(self.0) };
    }
}

fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

/// Makes `dir` (and, through inheritance, what is in it) accessible to this user only.
pub fn restrict_to_user(dir: &Path) -> io::Result<()> {
    // P: protected (nothing inherited from the parents); OICI: inherited by files and folders.
    let sddl = format!("D:P(A;OICI;FA;;;{})", current_user_sid()?);
    let sddl = wide(std::ffi::OsStr::new(&sddl));
    let mut raw: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: `sddl` is NUL-terminated UTF-16 and lives across the call; `raw` receives a
    // descriptor owned by `Descriptor` from here on.
    let made = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut raw,
            std::ptr::null_mut(),
        )
    };
    if made == 0 {
        return Err(io::Error::last_os_error());
    }
    let descriptor = Descriptor(raw);
    let (mut present, mut defaulted) = (0, 0);
    let mut dacl: *mut ACL = std::ptr::null_mut();
    // SAFETY: `descriptor.0` is a valid descriptor (above); the DACL pointer points into it and
    // is used only while `descriptor` lives.
    let got =
        unsafe { GetSecurityDescriptorDacl(descriptor.0, &mut present, &mut dacl, &mut defaulted) };
    if got == 0 || present == 0 {
        return Err(io::Error::last_os_error());
    }
    let path = wide(dir.as_os_str());
    // SAFETY: `path` is NUL-terminated UTF-16 (the function does not write through it despite
    // the mutable pointer type); `dacl` is valid while `descriptor` lives; owner, group and SACL
    // are not changed (null).
    let rc = unsafe {
        SetNamedSecurityInfoW(
            path.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            dacl,
            std::ptr::null(),
        )
    };
    drop(descriptor);
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc as i32));
    }
    Ok(())
}
