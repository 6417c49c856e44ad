//! A forgiving `.env` parser: every good line is kept, every bad line is reported by number.
//! Messages never quote the line itself: a malformed line is often a pasted key.

use std::fmt;

/// One `KEY=value` assignment. `Debug` hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    /// 1-based line number.
    pub line: u32,
    pub key: String,
    pub value: String,
}

impl fmt::Debug for DotenvEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DotenvEntry")
            .field("line", &self.line)
            .field("key", &self.key)
            .field("value", &"***")
            .finish()
    }
}

/// A line that could not be read, with a reason that is safe to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvProblem {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dotenv {
    pub entries: Vec<DotenvEntry>,
    pub problems: Vec<DotenvProblem>,
}

/// Parses `.env` text: `KEY=value`, `export KEY=value`, `#` comments, single quotes (literal),
/// double quotes (with `\n`, `\"`, `\\` escapes) and ` #` inline comments after unquoted values.
pub fn parse_dotenv(text: &str) -> Dotenv {
    let mut out = Dotenv::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match parse_line(raw) {
            Ok(None) => {}
            Ok(Some((key, value))) => out.entries.push(DotenvEntry { line, key, value }),
            Err(message) => out.problems.push(DotenvProblem {
                line,
                message: message.to_string(),
            }),
        }
    }
    out
}

fn parse_line(raw: &str) -> Result<Option<(String, String)>, &'static str> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let line = match line.strip_prefix("export") {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => line,
    };
    let Some((key, rest)) = line.split_once('=') else {
        return Err("expected KEY=value");
    };
    let key = key.trim();
    if !is_valid_name(key) {
        return Err(
            "invalid variable name (use letters, digits, _ and ., not starting with a digit)",
        );
    }
    let value = parse_value(rest.trim_start())?;
    Ok(Some((key.to_string(), value)))
}

fn is_valid_name(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn parse_value(rest: &str) -> Result<String, &'static str> {
    if let Some(body) = rest.strip_prefix('\'') {
        let end = body
            .find('\'')
            .ok_or("unterminated single quote (values must fit on one line)")?;
        return after_quote(&body[end + 1..]).map(|()| body[..end].to_string());
    }
    if let Some(body) = rest.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return after_quote(&body[i + 1..]).map(|()| value),
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, other)) => value.push(other),
                    None => break,
                },
                c => value.push(c),
            }
        }
        return Err("unterminated double quote (values must fit on one line)");
    }
    // A `#` starts a comment only after white space: `pa#ss` is a value.
    let comment = rest
        .char_indices()
        .find(|&(i, c)| c == '#' && rest[..i].ends_with(char::is_whitespace))
        .map(|(i, _)| i);
    let value = &rest[..comment.unwrap_or(rest.len())];
    Ok(value.trim_end().to_string())
}

/// After a closing quote only white space or a comment may follow.
fn after_quote(tail: &str) -> Result<(), &'static str> {
    let tail = tail.trim_start();
    if tail.is_empty() || tail.starts_with('#') {
        Ok(())
    } else {
        Err("unexpected text after the closing quote")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, String) {
        let d = parse_dotenv(text);
        assert!(
            d.problems.is_empty(),
            "unexpected problems: {:?}",
            d.problems
        );
        assert_eq!(d.entries.len(), 1);
        (d.entries[0].key.clone(), d.entries[0].value.clone())
    }

    #[test]
    fn plain_export_and_quoted_forms() {
        assert_eq!(
            one("OPENAI_API_KEY=sk-abc"),
            ("OPENAI_API_KEY".into(), "sk-abc".into())
        );
        assert_eq!(
            one("export GROQ_API_KEY = gsk_1"),
            ("GROQ_API_KEY".into(), "gsk_1".into())
        );
        assert_eq!(one("A='x # not a comment'").1, "x # not a comment");
        assert_eq!(one(r#"A="line\nbreak \"q\"""#).1, "line\nbreak \"q\"");
        assert_eq!(one("A=value # comment").1, "value");
        assert_eq!(one("A=value\t# tab comment").1, "value");
        assert_eq!(one("A=pa#ss").1, "pa#ss");
        assert_eq!(one("export\tB=2"), ("B".into(), "2".into()));
        assert_eq!(one("A=x\r").1, "x", "CRLF files work");
        assert_eq!(one("A=").1, "");
        assert_eq!(
            one("\u{feff}A=1").0,
            "A",
            "a UTF-8 BOM is not part of the first name"
        );
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let d = parse_dotenv("# header\n\n   \nA=1\n  # indented comment\n");
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].line, 4, "line numbers count skipped lines");
    }

    #[test]
    fn malformed_lines_are_reported_by_number_and_do_not_stop_parsing() {
        let text = "A=1\njust-a-pasted-key\n1BAD=x\nB=\"open\nC='x' trailing\nD=4";
        let d = parse_dotenv(text);
        let keys: Vec<_> = d.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "D"]);
        let lines: Vec<_> = d.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
    }

    #[test]
    fn problems_never_quote_the_line() {
        let d = parse_dotenv("sk-proj-SECRETVALUE\nsk-live=SECRET2");
        for p in &d.problems {
            assert!(
                !p.message.contains("SECRET"),
                "problem message leaks input: {}",
                p.message
            );
        }
        assert_eq!(d.problems.len(), 2);
    }

    #[test]
    fn debug_hides_values() {
        let d = parse_dotenv("OPENAI_API_KEY=sk-supersecret");
        let shown = format!("{d:?}");
        assert!(
            !shown.contains("supersecret"),
            "Debug leaks the value: {shown}"
        );
    }
}
