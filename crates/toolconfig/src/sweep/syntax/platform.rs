//! The syntaxes of the Windows and macOS places: PowerShell profiles, and `launchctl setenv`
//! lines in the shell profiles macOS users keep them in.

use super::{tokens, Assignment, Cursor};

/// `launchctl setenv NAME value`; `None` when the line is not one.
pub(super) fn launchctl(line: &str) -> Option<Assignment> {
    let mut cur = Cursor { line, at: 0 };
    cur.skip_ws();
    if !(cur.keyword("launchctl") && cur.keyword("setenv")) {
        return None;
    }
    let name = cur.name("")?;
    if !cur.skip_ws() {
        return None;
    }
    let value = cur.word()?;
    let whole_line = cur.only_comment_left();
    Some(Assignment {
        variable: line[name].to_string(),
        value,
        whole_line,
    })
}

/// PowerShell: `$env:NAME = 'value'` (also `${env:NAME}`, any case) and
/// `[Environment]::SetEnvironmentVariable('NAME', 'value'[, 'User'])` (also `[System.Environment]`).
/// Only quoted values: a bare word there is a command, not a string.
pub(super) fn powershell(line: &str) -> Vec<Assignment> {
    let mut cur = Cursor { line, at: 0 };
    cur.skip_ws();
    let found = if starts_with_ci(cur.rest(), "$env:") || starts_with_ci(cur.rest(), "${env:") {
        env_assignment(&mut cur)
    } else {
        set_variable_call(&mut cur)
    };
    found.into_iter().collect()
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// A quoted string at the cursor: its contents' range, the cursor moved past it.
fn quoted(cur: &mut Cursor<'_>) -> Option<std::ops::Range<usize>> {
    if !cur.rest().starts_with(['\'', '"']) {
        return None;
    }
    let close = tokens::closing_quote(cur.line, cur.at)?;
    let range = cur.at + 1..close;
    cur.at = close + 1;
    Some(range)
}

fn env_assignment(cur: &mut Cursor<'_>) -> Option<Assignment> {
    let braced = cur.rest().starts_with("${");
    cur.at += if braced {
        "${env:".len()
    } else {
        "$env:".len()
    };
    let name = cur.name("")?;
    if braced {
        cur.at += usize::from(cur.rest().starts_with('}'));
    }
    cur.skip_ws();
    if !cur.rest().starts_with('=') {
        return None;
    }
    cur.at += 1;
    cur.skip_ws();
    let value = quoted(cur)?;
    let whole_line = cur.only_comment_left();
    Some(Assignment {
        variable: cur.line[name].to_string(),
        value,
        whole_line,
    })
}

fn set_variable_call(cur: &mut Cursor<'_>) -> Option<Assignment> {
    let rest = cur.rest();
    let prefix = ["[environment]::", "[system.environment]::"]
        .into_iter()
        .find(|p| starts_with_ci(rest, p))?;
    cur.at += prefix.len();
    if !starts_with_ci(cur.rest(), "SetEnvironmentVariable") {
        return None;
    }
    cur.at += "SetEnvironmentVariable".len();
    cur.skip_ws();
    cur.at += usize::from(cur.rest().starts_with('('));
    cur.skip_ws();
    let name = quoted(cur)?;
    cur.skip_ws();
    if !cur.rest().starts_with(',') {
        return None;
    }
    cur.at += 1;
    cur.skip_ws();
    let value = quoted(cur)?;
    // An optional target (`'User'`, `[EnvironmentVariableTarget]::User`), then `)`.
    let close = cur.rest().find(')')?;
    cur.at += close + 1;
    let whole_line = cur.only_comment_left();
    let variable = cur.line[name].to_string();
    let plain = !variable.is_empty()
        && variable
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    plain.then_some(Assignment {
        variable,
        value,
        whole_line,
    })
}
