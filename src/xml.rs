//! Text written into the SVG the renderers draw (`chart/`, `map/`).

/// Text for XML content and double-quoted attributes: `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            super::escape(r#"Tom & Jerry's <"Land">"#),
            "Tom &amp; Jerry&#39;s &lt;&quot;Land&quot;&gt;"
        );
        assert_eq!(super::escape("Île-de-France"), "Île-de-France");
    }
}
