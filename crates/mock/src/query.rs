//! What the books endpoints (see `books`) read from a request: query parameters (percent-decoded, arrays in
//! any of the spellings clients use), UTC days and RFC 3339 times, and the opaque page cursors.

/// The query string's pairs, percent-decoded, in order.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Parses `raw` (the part after `?`).
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect();
        Query(pairs)
    }

    /// The first non-empty value of `name`.
    pub(crate) fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the array parameter `name`: repeated (`name=a&name=b`), bracketed
    /// (`name[]=a`, `name[0]=a`) or comma-separated (`name=a,b`).
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| {
                n == name
                    || n.strip_prefix(name)
                        .and_then(|rest| rest.strip_prefix('['))
                        .and_then(|rest| rest.strip_suffix(']'))
                        .is_some_and(|i| i.chars().all(|c| c.is_ascii_digit()))
            })
            .flat_map(|(_, v)| v.split(',').map(str::trim).map(str::to_owned))
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// Percent-decoding, `+` as a space.
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Days since 1970-01-01 of the civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of `days` since 1970-01-01.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` of the day number `day`.
pub(crate) fn ymd(day: i64) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDT00:00:00Z` of the start of day number `day`.
pub(crate) fn day_start_rfc3339(day: i64) -> String {
    format!("{}T00:00:00Z", ymd(day))
}

/// The day number of `YYYY-MM-DD` (a real calendar date), else `None`.
pub(crate) fn parse_day(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let num = |p: &str| -> Option<i64> {
        p.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| p.parse().ok())?
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    let day = days_from_civil(y, m, d);
    (civil(day) == (y, m, d)).then_some(day)
}

/// Unix seconds of an RFC 3339 date-time (`2025-08-01T00:00:00Z`, fractions and offsets
/// allowed), else `None`.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let (date, time) = s.split_once(['T', 't'])?;
    let day = parse_day(date)?;
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off.get(1..)?.split_once(':')?;
        (
            c,
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60),
        )
    };
    let clock = clock.split('.').next()?;
    let mut hms = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(day * DAY + h * 3600 + m * 60 + sec - offset)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// An opaque page cursor for the bucket starting on day `day`: `page_` and base64 with padding,
/// like the providers' own (so a client must URL-encode it).
pub(crate) fn page_token(day: i64) -> String {
    let raw = format!("d{day}~");
    let mut out = String::from("page_");
    for chunk in raw.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The day of a cursor made by [`page_token`], else `None`.
pub(crate) fn parse_page(token: &str) -> Option<i64> {
    let body = token.strip_prefix("page_")?.trim_end_matches('=');
    let mut bits = 0u32;
    let mut n = 0;
    let mut raw = Vec::new();
    for c in body.bytes() {
        let v = B64.iter().position(|b| *b == c)?;
        bits = bits << 6 | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            raw.push((bits >> n & 0xff) as u8);
        }
    }
    let text = String::from_utf8(raw).ok()?;
    text.strip_prefix('d')?.strip_suffix('~')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_in_every_spelling() {
        let q = Query::parse(Some(
            "group_by=model&group_by%5B%5D=api_key_id&group_by[1]=batch&models=a,b&x=&page=page_ZA%3D%3D",
        ));
        assert_eq!(q.all("group_by"), ["model", "api_key_id", "batch"]);
        assert_eq!(q.all("models"), ["a", "b"]);
        assert_eq!(q.first("x"), None);
        assert_eq!(q.first("page"), Some("page_ZA=="));
    }

    #[test]
    fn days_times_and_pages() {
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(parse_day("2000-02-29"), Some(11_016));
        assert_eq!(parse_day("2001-02-29"), None);
        assert_eq!(ymd(11_016), "2000-02-29");
        assert_eq!(parse_rfc3339("1970-01-02T00:00:00Z"), Some(DAY));
        assert_eq!(parse_rfc3339("1970-01-02T01:00:00.5+01:00"), Some(DAY));
        assert_eq!(parse_rfc3339("1970-01-02"), None);
        for day in [0, 7, 20_000, 20_454] {
            let token = page_token(day);
            assert!(token.starts_with("page_"), "{token}");
            assert_eq!(parse_page(&token), Some(day), "{token}");
        }
        assert_eq!(parse_page("page_nonsense"), None);
    }
}
