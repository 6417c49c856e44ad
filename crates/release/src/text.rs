//! Text from a manifest made fit to show: a release's notes (and any manifest value an error
//! quotes) reach a terminal (`switchyard update check`), the window and the browser panel, and
//! the manifest is whatever the release source served. Cleaned once, where the manifest is
//! parsed, so every surface shows the same clean text.
//!
//! Invariant: [`printable`]'s output holds no control character but newline and tab, no
//! terminal escape sequence (ESC or C1 introduced: CSI, OSC, DCS, …, parameters included, so no
//! stray `31m` is left), and no bidi embedding, override or isolate (which could make a line
//! read differently from what it says). CR LF and a lone CR become a newline; all other text is
//! kept as it was.

/// `text` without control characters (newline and tab kept), escape sequences or bidi controls.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{1b}' => match chars.next_if(|c| (' '..='~').contains(c)) {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // ESC, intermediates (0x20-0x2F), then one final character (0x30-0x7E).
                Some(' '..='/') => {
                    while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
                    chars.next_if(|c| ('0'..='~').contains(c));
                }
                // ESC and its one final character (`ESC c`), or a lone ESC.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// A control sequence's parameters and intermediates (0x20-0x3F), then its final character.
fn skip_csi(chars: &mut Chars<'_>) {
    while chars.next_if(|c| (' '..='?').contains(c)).is_some() {}
    chars.next_if(|c| ('@'..='~').contains(c));
}

/// A control string (OSC, DCS, SOS, PM, APC) up to its terminator: BEL, ESC `\` or ST. One left
/// open runs to the end of the text, all of it dropped: a terminal would have swallowed it too.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn plain_text_lines_and_tabs_are_kept_as_they_are() {
        let text = "Faster failover.\n\n- Routes\tlearn\n- Ünïcödé, 中文, עברית, emoji 🚀";
        assert_eq!(printable(text), text);
    }

    #[test]
    fn escape_sequences_go_whole_with_their_parameters() {
        for (given, shown) in [
            ("\u{1b}[1;31mred\u{1b}[0m", "red"),
            ("a\u{1b}]0;title\u{7}b", "ab"),
            (
                "a\u{1b}]8;;https://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\b",
                "alinkb",
            ),
            ("a\u{9b}2Jb", "ab"),
            ("a\u{9d}0;t\u{9c}b", "ab"),
            ("a\u{1b}Pq#0;2\u{1b}\\b", "ab"),
            ("a\u{1b}(Bb", "ab"),
            ("a\u{1b}cb", "ab"),
            ("open \u{1b}]0;never closed", "open "),
            ("ends with ESC\u{1b}", "ends with ESC"),
            ("ESC\u{1b}\nkeeps the line", "ESC\nkeeps the line"),
        ] {
            assert_eq!(printable(given), shown, "{given:?}");
        }
    }

    #[test]
    fn controls_and_bidi_overrides_are_removed_and_carriage_returns_become_newlines() {
        assert_eq!(printable("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(printable("a\u{0}\u{7}\u{8}\u{7f}\u{85}b"), "ab");
        assert_eq!(
            printable("x \u{202e}gnp.exe\u{202c} \u{2067}y\u{2069}"),
            "x gnp.exe y"
        );
    }
}
