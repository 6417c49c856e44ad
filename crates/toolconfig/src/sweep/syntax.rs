//! Assignments on one line, per syntax: which name, where its value is, and whether the
//! assignment is all the line holds (only then can the line be commented out or removed).
//!
//! Parsers report raw value spans (inside quotes, escapes as written) and leave judging them to
//! [`super::classify`], which rejects anything that is not a plain literal (`$X`, `$(cmd)`,
//! backslashes, spaces). Comment lines yield nothing.

mod platform;

use std::ops::Range;

use super::tokens::{self, Tok};
use super::SourceKind;

/// `variable = value` somewhere on a line.
#[derive(Debug, Clone)]
pub(super) struct Assignment {
    pub variable: String,
    /// Byte range of the value within the line, inside any quotes.
    pub value: Range<usize>,
    /// Nothing else on the line but the assignment, its keyword and a trailing comment.
    pub whole_line: bool,
}

pub(super) fn assignments(line: &str, source: SourceKind) -> Vec<Assignment> {
    match source {
        SourceKind::Shell => {
            platform::launchctl(line).map_or_else(|| shell(line, false), |a| vec![a])
        }
        SourceKind::PowerShell => platform::powershell(line),
        SourceKind::Dotenv => shell(line, true),
        SourceKind::Fish => fish(line).unwrap_or_else(|| shell(line, false)),
        SourceKind::Yaml => yaml(line).into_iter().collect(),
        SourceKind::Toml => pairs(line, false),
        SourceKind::Json => pairs(line, true),
    }
}

/// A cursor over one line.
struct Cursor<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.line[self.at..]
    }

    fn skip_ws(&mut self) -> bool {
        let before = self.at;
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches([' ', '\t']).len();
        self.at > before
    }

    /// Consumes `word` if it is followed by white space.
    fn keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        if rest.starts_with(word) && rest[word.len()..].starts_with([' ', '\t']) {
            self.at += word.len();
            self.skip_ws();
            true
        } else {
            false
        }
    }

    /// A name of `[A-Za-z_][A-Za-z0-9_]*` (plus `extra` characters after the first).
    fn name(&mut self, extra: &str) -> Option<Range<usize>> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || extra.contains(c)))
            .unwrap_or(rest.len());
        let range = self.at..self.at + len;
        self.at += len;
        Some(range)
    }

    /// A shell word: `'…'`, `"…"` or bare up to white space or an operator.
    fn word(&mut self) -> Option<Range<usize>> {
        match self.rest().chars().next()? {
            '\'' | '"' => {
                let close = tokens::closing_quote(self.line, self.at)?;
                let range = self.at + 1..close;
                self.at = close + 1;
                Some(range)
            }
            _ => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| c.is_whitespace() || ";&|<>()".contains(c))
                    .unwrap_or(rest.len());
                let range = self.at..self.at + len;
                self.at += len;
                Some(range)
            }
        }
    }

    /// Skips `-x`-style flags.
    fn flags(&mut self) {
        while self.rest().starts_with('-') {
            let rest = self.rest();
            self.at += rest.find([' ', '\t']).unwrap_or(rest.len());
            self.skip_ws();
        }
    }

    /// What follows a value: the end of the line or a comment (`true`), or more code (`false`).
    fn only_comment_left(&mut self) -> bool {
        self.skip_ws();
        let rest = self.rest();
        let rest = rest
            .strip_prefix(';')
            .unwrap_or(rest)
            .trim_start_matches([' ', '\t']);
        rest.starts_with('#') || rest.trim_end_matches('\r').is_empty()
    }
}

/// `export NAME=value`, `declare -x NAME=value`, `NAME=value`, several per line, `;` separated.
/// Dotenv also allows spaces around `=`, dots in names, and unquoted values with spaces. In shell
/// files, a line that is not only assignments is also searched for `NAME=value` words elsewhere
/// (`alias gpt='OPENAI_API_KEY=… gpt'`, `…; then export X=…; fi`).
fn shell(line: &str, dotenv: bool) -> Vec<Assignment> {
    let mut found = statements(line, dotenv);
    if !dotenv && found.iter().all(|a| !a.whole_line) {
        for a in embedded(line) {
            if !found.iter().any(|f| f.value == a.value) {
                found.push(a);
            }
        }
    }
    found
}

/// Assignments at the start of the line, and after `;` between them.
fn statements(line: &str, dotenv: bool) -> Vec<Assignment> {
    let mut cur = Cursor { line, at: 0 };
    let mut out: Vec<Assignment> = Vec::new();
    let mut whole = true;
    cur.skip_ws();
    while !cur.rest().starts_with('#') {
        if cur.keyword("declare") || cur.keyword("typeset") {
            cur.flags();
        } else {
            for word in ["export", "readonly", "local"] {
                if cur.keyword(word) {
                    break;
                }
            }
        }
        let Some(name) = cur.name(if dotenv { "." } else { "" }) else {
            break;
        };
        if dotenv {
            cur.skip_ws();
        }
        if !cur.rest().starts_with('=') {
            break;
        }
        cur.at += 1;
        if dotenv {
            cur.skip_ws();
        }
        let value = if dotenv && !cur.rest().starts_with(['\'', '"']) {
            dotenv_bare(&mut cur)
        } else {
            cur.word().unwrap_or(cur.at..cur.at)
        };
        out.push(Assignment {
            variable: line[name].to_string(),
            value,
            whole_line: true,
        });
        if cur.only_comment_left() {
            break;
        }
        whole = false;
        cur.at += usize::from(cur.rest().starts_with(';'));
        cur.skip_ws();
    }
    for a in &mut out {
        a.whole_line = whole;
    }
    out
}

/// `NAME=value` words anywhere on a shell line outside comments, quoted or not. None of them is
/// the whole line.
fn embedded(line: &str) -> Vec<Assignment> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let word_start = i == 0 || b" \t;&|(`'\"".contains(&bytes[i - 1]);
        match quote {
            Some(q) if c == q => quote = None,
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == b'#' && word_start => break,
            _ => {}
        }
        i += 1;
        if !word_start || !(c.is_ascii_alphabetic() || c == b'_') {
            continue;
        }
        let mut cur = Cursor { line, at: i - 1 };
        let Some(name) = cur.name("") else { continue };
        if !cur.rest().starts_with('=') {
            i = cur.at;
            continue;
        }
        cur.at += 1;
        let quoted = quote.is_none() && cur.rest().starts_with(['\'', '"']);
        let value = if quoted {
            cur.word()
        } else {
            let rest = cur.rest();
            let len = rest
                .find(|c: char| c.is_whitespace() || ";&|<>()'\"`".contains(c))
                .unwrap_or(rest.len());
            Some(cur.at..cur.at + len)
        };
        let Some(value) = value else { break };
        // A quoted value may itself hold assignments (`alias x='KEY=… cmd'`): read on inside it.
        if quoted {
            quote = bytes.get(cur.at - 1).copied();
            i = value.start;
        } else {
            i = value.end;
        }
        out.push(Assignment {
            variable: line[name].to_string(),
            value,
            whole_line: false,
        });
    }
    out
}

/// An unquoted dotenv value: up to ` #` or the end of the line, trailing white space trimmed.
fn dotenv_bare(cur: &mut Cursor<'_>) -> Range<usize> {
    let rest = cur.rest();
    let comment = rest
        .char_indices()
        .find(|&(i, c)| c == '#' && rest[..i].ends_with([' ', '\t']))
        .map_or(rest.len(), |(i, _)| i);
    let value = rest[..comment].trim_end_matches([' ', '\t', '\r']);
    let range = cur.at..cur.at + value.len();
    cur.at += comment;
    range
}

/// fish: `set [-gxU…] NAME value`. `None` when the line is not a `set`, so the caller can try
/// shell syntax (fish ships an `export` wrapper).
fn fish(line: &str) -> Option<Vec<Assignment>> {
    let mut cur = Cursor { line, at: 0 };
    cur.skip_ws();
    if !cur.keyword("set") {
        return None;
    }
    cur.flags();
    let name = cur.name("")?;
    if !cur.skip_ws() {
        return Some(Vec::new());
    }
    let value = cur.word()?;
    let whole_line = cur.only_comment_left();
    Some(vec![Assignment {
        variable: line[name].to_string(),
        value,
        whole_line,
    }])
}

/// YAML `key: value` (also as a list item `- key: value`), or an aider-style list item
/// `- NAME=value`. Block scalars, anchors, tags and flow collections are left alone.
fn yaml(line: &str) -> Option<Assignment> {
    let mut cur = Cursor { line, at: 0 };
    cur.skip_ws();
    if cur.rest().starts_with('#') {
        return None;
    }
    let item = cur.rest().starts_with("- ");
    if item {
        cur.at += 1;
        cur.skip_ws();
    }
    let (variable, after_key) = yaml_key(cur.rest(), item).map(|(k, n)| (k, cur.at + n))?;
    cur.at = after_key;
    cur.skip_ws();
    let rest = cur.rest();
    let value = match rest.chars().next()? {
        '"' | '\'' => {
            let close = tokens::closing_quote(line, cur.at)?;
            let range = cur.at + 1..close;
            cur.at = close + 1;
            range
        }
        '|' | '>' | '&' | '*' | '!' | '{' | '[' | '#' => return None,
        _ => dotenv_bare(&mut cur),
    };
    let whole_line = cur.only_comment_left();
    Some(Assignment {
        variable,
        value,
        whole_line,
    })
}

/// The key at the start of `rest` and the offset just past its separator (`:`, or `=` in a list
/// item).
fn yaml_key(rest: &str, item: bool) -> Option<(String, usize)> {
    if rest.starts_with(['"', '\'']) {
        let close = tokens::closing_quote(rest, 0)?;
        let after = rest[close + 1..].trim_start_matches([' ', '\t']);
        let colon = rest.len() - after.len();
        return after
            .strip_prefix(':')
            .filter(|v| v.is_empty() || v.starts_with([' ', '\t', '\r']))
            .map(|_| (rest[1..close].to_string(), colon + 1));
    }
    // A plain key ends at the first `:` followed by white space or the end of the line.
    let colon = rest.char_indices().find(|&(i, c)| {
        c == ':' && (rest[i + 1..].is_empty() || rest[i + 1..].starts_with([' ', '\t', '\r']))
    });
    if let Some((i, _)) = colon {
        let key = rest[..i].trim_end();
        let plain = !key.is_empty() && !key.contains(" #") && !key.starts_with(['{', '[', '-']);
        return plain.then(|| (key.to_string(), i + 1));
    }
    // `- NAME=value`, as in aider's `api-key:` and `set-env:` lists.
    if !item {
        return None;
    }
    let mut cur = Cursor { line: rest, at: 0 };
    let name = cur.name("-.")?;
    cur.rest()
        .starts_with('=')
        .then(|| (rest[name].to_string(), cur.at + 1))
}

/// JSON `"key": "value"` and TOML `key = "value"` pairs, anywhere on the line.
fn pairs(line: &str, json: bool) -> Vec<Assignment> {
    let toks = tokens::tokenize(line, json);
    let sep = if json { ':' } else { '=' };
    let whole_line = match toks.as_slice() {
        [_, _, _] => true,
        [_, _, _, Tok::Punct(',', _)] => json,
        _ => false,
    };
    toks.windows(3)
        .filter_map(|w| {
            let variable = match &w[0] {
                Tok::Str(r) => line[r.clone()].to_string(),
                // A dotted TOML key (`env.OPENAI_API_KEY`) names its last part.
                Tok::Bare(r) if !json => line[r.clone()].rsplit('.').next()?.to_string(),
                _ => return None,
            };
            match (&w[1], &w[2]) {
                (Tok::Punct(c, _), Tok::Str(v)) if *c == sep => Some(Assignment {
                    variable,
                    value: v.clone(),
                    whole_line,
                }),
                _ => None,
            }
        })
        .collect()
}
