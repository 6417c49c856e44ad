//! A timeline as inline SVG: one band split into coloured segments (one per state, its width
//! proportional to how long it lasted, at least a sliver so a brief state stays visible), the
//! state's name inside when it fits, and each change's time under the band.

use crate::junit::xml_escape as esc;
use crate::model::Timeline;
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const BAND_Y: f64 = 22.0;
const BAND_H: f64 = 22.0;
/// The narrowest a segment is drawn, so a state that lasted a moment is still seen.
const MIN_SEGMENT: f64 = 6.0;
/// Roughly how wide one character of the 12 px label is.
const CHAR_W: f64 = 6.6;

fn colour(tone: &str) -> &'static str {
    match tone {
        "ok" => "var(--ok)",
        "warn" => "var(--warn)",
        "bad" => "var(--bad)",
        _ => "var(--muted)",
    }
}

/// Seconds as the axis shows them: "0 s", "1.25 s", "60.1 s".
fn seconds(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if ms.is_multiple_of(1000) {
        format!("{s:.0} s")
    } else if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Each segment's (x, width), widened to [`MIN_SEGMENT`] where needed and then scaled back so
/// the band keeps its width.
fn layout(t: &Timeline) -> Vec<(f64, f64)> {
    let end = t.end_ms.max(t.events.last().map_or(0, |e| e.at_ms)).max(1) as f64;
    let raw: Vec<f64> = t
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let next = t.events.get(i + 1).map_or(end, |n| n.at_ms as f64);
            ((next - e.at_ms as f64).max(0.0) / end * WIDTH).max(MIN_SEGMENT)
        })
        .collect();
    let total: f64 = raw.iter().sum();
    let scale = if total > 0.0 { WIDTH / total } else { 1.0 };
    let mut x = 0.0;
    raw.into_iter()
        .map(|w| {
            let at = x;
            x += w * scale;
            (at, w * scale)
        })
        .collect()
}

/// Appends the timeline's SVG (nothing for a timeline without events).
pub(crate) fn svg(out: &mut String, t: &Timeline) {
    if t.events.is_empty() {
        return;
    }
    let height = BAND_Y + BAND_H + 20.0;
    let _ = write!(
        out,
        "<svg class=\"timeline\" role=\"img\" aria-label=\"{}\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\
         <text x=\"0\" y=\"14\">{}</text>",
        esc(&t.name),
        esc(&t.name)
    );
    let mut last_label_end = f64::MIN;
    for (e, (x, w)) in t.events.iter().zip(layout(t)) {
        let _ = write!(
            out,
            "<rect class=\"segment\" data-state=\"{}\" x=\"{x:.1}\" y=\"{BAND_Y}\" width=\"{w:.1}\" height=\"{BAND_H}\" fill=\"{}\"><title>{} from {}</title></rect>",
            esc(&e.state),
            colour(&e.tone),
            esc(&e.state),
            seconds(e.at_ms)
        );
        if (e.state.chars().count() as f64) * CHAR_W + 8.0 <= w {
            let _ = write!(
                out,
                "<text class=\"on-band\" x=\"{:.1}\" y=\"{}\">{}</text>",
                x + 4.0,
                BAND_Y + 15.0,
                esc(&e.state)
            );
        }
        let tick = seconds(e.at_ms);
        if x >= last_label_end {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{x:.1}\" y=\"{}\">{tick}</text>",
                BAND_Y + BAND_H + 14.0
            );
            last_label_end = x + tick.len() as f64 * CHAR_W + 6.0;
        }
    }
    out.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimelineEvent;

    fn event(at_ms: u64, state: &str, tone: &str) -> TimelineEvent {
        TimelineEvent {
            at_ms,
            state: state.into(),
            tone: tone.into(),
        }
    }

    #[test]
    fn segments_fill_the_band_and_a_brief_state_stays_visible() {
        let t = Timeline {
            name: "Alpha breaker".into(),
            end_ms: 60_100,
            events: vec![
                event(0, "closed", "ok"),
                event(3, "open", "bad"),
                event(60_000, "half-open", "warn"),
                event(60_050, "closed", "ok"),
            ],
        };
        let l = layout(&t);
        let total: f64 = l.iter().map(|(_, w)| w).sum();
        assert!((total - WIDTH).abs() < 0.01, "{l:?}");
        assert!(l.iter().all(|(_, w)| *w >= MIN_SEGMENT * 0.9), "{l:?}");
        assert!(l[1].1 > 600.0, "the open period dominates: {l:?}");
        let mut svg_text = String::new();
        svg(&mut svg_text, &t);
        assert_eq!(svg_text.matches("class=\"segment\"").count(), 4);
        assert!(svg_text.contains(">open</text>"), "{svg_text}");
        assert!(svg_text.contains("half-open from 60 s"), "{svg_text}");
        assert!(svg_text.contains("var(--bad)"));
    }

    #[test]
    fn names_are_escaped_and_an_empty_timeline_draws_nothing() {
        let mut out = String::new();
        svg(
            &mut out,
            &Timeline {
                name: "<x>".into(),
                end_ms: 10,
                events: vec![event(0, "a&b", "info")],
            },
        );
        assert!(out.contains("&lt;x&gt;") && out.contains("a&amp;b") && !out.contains("<x>"));
        let mut none = String::new();
        svg(
            &mut none,
            &Timeline {
                name: "n".into(),
                end_ms: 0,
                events: vec![],
            },
        );
        assert!(none.is_empty());
        assert_eq!(seconds(1250), "1.25 s");
        assert_eq!(seconds(60_100), "60.1 s");
    }
}
