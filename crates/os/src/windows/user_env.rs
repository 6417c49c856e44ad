//! `HKCU\Environment`, through `winreg`; after a change, running programs (Explorer, so new
//! terminals) are told with `WM_SETTINGCHANGE`, as `setx` does.

use crate::env_var::EnvVar;
use std::io;
use widestring::U16CString;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    SendMessageTimeoutW, HWND_BROADCAST, SMTO_ABORTIFHUNG, WM_SETTINGCHANGE,
};
use winreg::enums::{RegType, HKEY_CURRENT_USER, KEY_READ, KEY_SET_VALUE};
use winreg::types::FromRegValue;
use winreg::{RegKey, RegValue};

const KEY: &str = "Environment";

fn open(access: u32) -> io::Result<RegKey> {
    RegKey::predef(HKEY_CURRENT_USER).open_subkey_with_flags(KEY, access)
}

pub fn vars(_names: &[&str]) -> io::Result<Vec<EnvVar>> {
    let key = match open(KEY_READ) {
        Ok(k) => k,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for item in key.enum_values() {
        let (name, raw) = item?;
        let expand = match raw.vtype {
            RegType::REG_SZ => false,
            RegType::REG_EXPAND_SZ => true,
            _ => continue,
        };
        let Ok(value) = String::from_reg_value(&raw) else {
            continue;
        };
        out.push(EnvVar {
            name,
            value,
            expand,
        });
    }
    Ok(out)
}

pub fn remove(name: &str) -> io::Result<()> {
    match open(KEY_SET_VALUE)?.delete_value(name) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    announce();
    Ok(())
}

pub fn set(var: &EnvVar) -> io::Result<()> {
    let key = open(KEY_SET_VALUE)?;
    if var.expand {
        let bytes: Vec<u8> = var
            .value
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        key.set_raw_value(
            &var.name,
            &RegValue {
                vtype: RegType::REG_EXPAND_SZ,
                bytes: bytes.into(),
            },
        )?;
    } else {
        key.set_value(&var.name, &var.value)?;
    }
    announce();
    Ok(())
}

/// Tells top-level windows that the environment changed; a program that does not answer within
/// a second is skipped.
fn announce() {
    let Ok(what) = U16CString::from_str("Environment") else {
        return;
    };
    let mut result = 0usize;
    // SAFETY: `what` is a NUL-terminated UTF-16 string that outlives the call; the message's
    // lParam is documented as such a string for WM_SETTINGCHANGE; `result` is a valid out
    // pointer. SMTO_ABORTIFHUNG with a 1 s timeout bounds the wait.
    unsafe {
        SendMessageTimeoutW(
            HWND_BROADCAST,
            WM_SETTINGCHANGE,
            0,
            what.as_ptr() as isize,
            SMTO_ABORTIFHUNG,
            1000,
            &mut result,
        )
    };
}
