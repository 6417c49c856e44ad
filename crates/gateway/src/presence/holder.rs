//! Who holds a listening TCP port, as far as the system tells this user: on Linux the socket
//! tables (`/proc/net/tcp`, `tcp6`) give every listener's owner (uid) and socket inode, to every
//! account; the process behind an inode shows only in that process's own `/proc/PID/fd`, which
//! this user reads for its own processes (root: for all). Elsewhere: nothing (`None`).
//!
//! Invariant: every file read here is the kernel's; what it says is parsed defensively and a
//! malformed line is skipped, never trusted into a panic.

/// The program holding a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The account it runs as.
    pub uid: u32,
    /// Its name (`/etc/passwd`), when known.
    pub account: Option<String>,
    /// The process, when this user may see it.
    pub pid: Option<u32>,
    /// Its program name, when this user may see it.
    pub program: Option<String>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.account {
            Some(a) => write!(f, "account {a}, uid {}", self.uid)?,
            None => write!(f, "uid {}", self.uid)?,
        }
        match (&self.program, self.pid) {
            (Some(p), Some(pid)) => write!(f, "; process {p}, pid {pid}"),
            (None, Some(pid)) => write!(f, "; pid {pid}"),
            _ => Ok(()),
        }
    }
}

/// Who listens on TCP `port` where a connection to 127.0.0.1 would land.
#[cfg(target_os = "linux")]
pub fn holder(port: u16) -> Option<Holder> {
    let tables = ["/proc/net/tcp", "/proc/net/tcp6"];
    let (uid, inode) = tables.iter().find_map(|t| {
        let text = std::fs::read_to_string(t).ok()?;
        listener(&text, port)
    })?;
    let pid = process_of(inode);
    Some(Holder {
        uid,
        account: account(uid),
        pid,
        program: pid.and_then(|p| {
            let comm = std::fs::read_to_string(format!("/proc/{p}/comm")).ok()?;
            Some(printable(comm.trim()))
        }),
    })
}

#[cfg(not(target_os = "linux"))]
pub fn holder(_port: u16) -> Option<Holder> {
    None
}

#[cfg(any(target_os = "linux", test))]
/// The uid and socket inode of the table's listener on `port` at 127.0.0.1, 0.0.0.0, ::1, ::
/// or a v4-mapped 127.0.0.1.
pub(crate) fn listener(table: &str, port: u16) -> Option<(u32, u64)> {
    const LISTEN: &str = "0A";
    const LOOPBACK_OR_ANY: [&str; 5] = [
        "0100007F",
        "00000000",
        "00000000000000000000000001000000",
        "00000000000000000000000000000000",
        "0000000000000000FFFF00000100007F",
    ];
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (local, state) = (f.get(1)?, f.get(3)?);
        let (ip, p) = local.split_once(':')?;
        let ours = *state == LISTEN
            && u16::from_str_radix(p, 16).ok()? == port
            && LOOPBACK_OR_ANY.iter().any(|a| a.eq_ignore_ascii_case(ip));
        ours.then(|| Some((f.get(7)?.parse().ok()?, f.get(9)?.parse().ok()?)))?
    })
}

/// The process with socket `inode` open, among those this user may look into.
#[cfg(target_os = "linux")]
fn process_of(inode: u64) -> Option<u32> {
    const MAX_PROCESSES: usize = 65_536;
    let wanted = format!("socket:[{inode}]");
    let procs = std::fs::read_dir("/proc").ok()?;
    procs.take(MAX_PROCESSES).flatten().find_map(|p| {
        let pid: u32 = p.file_name().to_str()?.parse().ok()?;
        let fds = std::fs::read_dir(p.path().join("fd")).ok()?;
        fds.flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == wanted.as_str()))
            .then_some(pid)
    })
}

/// The account name of `uid` in `/etc/passwd`.
#[cfg(target_os = "linux")]
fn account(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let id: u32 = f.nth(1)?.parse().ok()?;
        (id == uid).then(|| printable(name))
    })
}

/// Another account names its own programs: only printable characters reach the user.
#[cfg(target_os = "linux")]
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1035 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 55123 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1036 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 55124 1 0000000000000000 100 0 0 10 0
   2: 0200007F:1037 00000000:0000 0A 00000000:00000000 00:00000000 00000000     7        0 55125 1 0000000000000000 100 0 0 10 0
   3: garbage
";

    #[test]
    fn the_listener_on_a_loopback_port_is_found_with_its_owner_and_inode() {
        assert_eq!(listener(TABLE, 0x1035), Some((1001, 55123)));
    }

    #[test]
    fn a_connection_or_another_address_on_the_port_is_not_its_listener() {
        assert_eq!(listener(TABLE, 0x1036), None, "an established connection");
        assert_eq!(
            listener(TABLE, 0x1037),
            None,
            "127.0.0.2 is not where tools connect"
        );
        assert_eq!(listener(TABLE, 4141), None);
    }

    #[test]
    fn a_holder_says_the_account_and_the_process_when_known() {
        let h = Holder {
            uid: 1001,
            account: Some("bob".into()),
            pid: Some(42),
            program: Some("nc".into()),
        };
        assert_eq!(h.to_string(), "account bob, uid 1001; process nc, pid 42");
        let h = Holder {
            uid: 1001,
            account: None,
            pid: None,
            program: None,
        };
        assert_eq!(h.to_string(), "uid 1001");
    }
}
