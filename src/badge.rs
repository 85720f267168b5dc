//! Status badges in the shields.io "flat" style (pure: a label, a message and a status in, SVG out):
//! a dark left part with the service's name, a coloured right part with its status.
//!
//! Text widths come from a table of Verdana's advance widths at 11 px (the font shields.io measures
//! with and names first), so a badge is as wide on every machine and needs no font at hand; letters
//! the table does not hold count as an average letter of their case. The colours are shields.io's
//! named ones, by status: normal green, elevated yellow, improving orange, outage red, unknown grey.

use crate::detect::Status;
use crate::xml::escape;

/// Height of a badge (px), as shields.io draws them.
pub const HEIGHT: u32 = 20;
/// Space either side of each part's text (px).
const PADDING: f64 = 5.0;
/// Longest name drawn in full (characters); longer ones end with "…".
const MAX_LABEL_CHARS: usize = 40;

/// The right part's colour of a status (shields.io's `brightgreen`, `yellow`, `orange`, `red`,
/// `lightgrey`).
pub fn colour(status: Status) -> &'static str {
    match status {
        Status::Normal => "#4c1",
        Status::Elevated => "#dfb317",
        Status::Improving => "#fe7d37",
        Status::Outage => "#e05d44",
        Status::Unknown => "#9f9f9f",
    }
}

/// Verdana's advance widths of the printable ASCII characters (`' '` to `'~'`), in font units of
/// 2048 to the em.
#[rustfmt::skip]
const VERDANA_ASCII: [u16; 95] = [
    720, 823, 959, 1716, 1303, 2215, 1493, 557, 912, 912, 1303, 1716, 745, 856, 745, 1221, // space … /
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303,                           // 0 … 9
    868, 868, 1716, 1716, 1716, 1109, 2048,                                               // : … @
    1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 862, 934, 1425, 1145, 1745, 1532,     // A … N
    1612, 1235, 1612, 1424, 1401, 1243, 1505, 1401, 2025, 1403, 1255, 1403,               // O … Z
    912, 1221, 912, 1716, 1303, 1303,                                                     // [ … `
    1233, 1276, 1085, 1276, 1212, 710, 1276, 1296, 562, 700, 1202, 562, 1992, 1296,       // a … n
    1243, 1276, 1276, 874, 1064, 807, 1296, 1202, 1665, 1202, 1202, 1047,                 // o … z
    1300, 912, 1300, 1716,                                                                // { … ~
];

/// Width (px) of `text` in Verdana at 11 px.
pub fn text_width(text: &str) -> f64 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(VERDANA_ASCII[c as usize - 32]),
            '…' => 2048,
            c if c.is_uppercase() => 1450,
            c if c.is_alphabetic() => 1240,
            _ => 1303,
        })
        .sum();
    f64::from(units) * 11.0 / 2048.0
}

/// `text`, cut to `max` characters with "…" when longer.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// A badge: `label` (the service's name) on the left, `message` (the status, in the reader's
/// language) on the right in the status's colour. The SVG is an image (`role="img"`) named by its
/// `aria-label` and `<title>` ("Monzo: outage").
pub fn badge(label: &str, message: &str, status: Status) -> String {
    let label = shortened(label.trim(), MAX_LABEL_CHARS);
    let message = message.trim();
    // Each text drawn at 10× in a 1/10 scale (as shields.io does), so lengths are whole numbers.
    let part = |text: &str| {
        let text_len = (text_width(text) * 10.0).round();
        (text_len, (text_len / 10.0 + 2.0 * PADDING).round())
    };
    let (label_len, left) = part(&label);
    let (message_len, right) = part(message);
    let width = left + right;
    let title = escape(&format!("{label}: {message}"));
    let (label, message) = (escape(&label), escape(message));
    let label_x = left * 5.0;
    let message_x = (left + right / 2.0) * 10.0;
    let fill = colour(status);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" role="img" aria-label="{title}"><title>{title}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{width}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{left}" height="{HEIGHT}" fill="#555"/><rect x="{left}" width="{right}" height="{HEIGHT}" fill="{fill}"/><rect width="{width}" height="{HEIGHT}" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><text aria-hidden="true" x="{label_x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{label_len}">{label}</text><text aria-hidden="true" x="{label_x}" y="140" transform="scale(.1)" textLength="{label_len}">{label}</text><text aria-hidden="true" x="{message_x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{message_len}">{message}</text><text aria-hidden="true" x="{message_x}" y="140" transform="scale(.1)" textLength="{message_len}">{message}</text></g></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_verdana() {
        // shields.io's "build | passing" has parts 37 and 51 px wide: 27 and 41 px of text.
        assert!(
            (text_width("build") - 27.0).abs() < 1.0,
            "{}",
            text_width("build")
        );
        assert!(
            (text_width("passing") - 41.0).abs() < 1.0,
            "{}",
            text_width("passing")
        );
        assert!(text_width("WWW") > text_width("iii") * 3.0);
        // Letters outside ASCII count like ordinary ones, not as nothing.
        assert!(text_width("Société Générale") > text_width("Soci t  G n rale"));
    }

    #[test]
    fn a_badge_names_itself_and_escapes_its_text() {
        let svg = badge("Tom & Jerry's <Bank>", "outage", Status::Outage);
        assert!(svg.contains(r#"aria-label="Tom &amp; Jerry&#39;s &lt;Bank&gt;: outage""#));
        assert!(svg.contains("<title>Tom &amp; Jerry&#39;s &lt;Bank&gt;: outage</title>"));
        assert!(svg.contains(colour(Status::Outage)));
        assert!(!svg.contains("<Bank>"));
    }

    #[test]
    fn parts_are_as_wide_as_their_text_and_colours_differ_by_status() {
        let short = badge("Monzo", "normal", Status::Normal);
        let long = badge("Intesa Sanpaolo", "normal", Status::Normal);
        let width = |svg: &str| -> u32 {
            let w = svg.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse().unwrap()
        };
        assert!(width(&long) > width(&short) + 40);
        let colours: std::collections::HashSet<_> = [
            Status::Normal,
            Status::Elevated,
            Status::Improving,
            Status::Outage,
            Status::Unknown,
        ]
        .map(colour)
        .into();
        assert_eq!(colours.len(), 5);
        let very_long = badge(&"x".repeat(200), "normal", Status::Normal);
        assert!(very_long.contains('…') && width(&very_long) < 400);
    }
}
