//! Chart PNGs: the same SVG the site serves, drawn into pixels with resvg (for downloads and
//! `og:image` previews, where an SVG is not accepted). Pure but for reading the system's fonts once.
//!
//! resvg draws text only with a font it has: the system's fonts are loaded on first use (no
//! download, ever) and a common sans-serif family becomes `sans-serif`. A machine without fonts
//! still gets its charts, without their words (logged once).

use resvg::usvg::{self, fontdb};
use std::sync::{Arc, OnceLock};

/// Families tried, in order, for the generic `sans-serif` (and text naming no installed family).
const SANS: [&str; 5] = [
    "DejaVu Sans",
    "Liberation Sans",
    "Noto Sans",
    "Arial",
    "Helvetica",
];

#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("the SVG does not parse: {0}")]
    Parse(#[from] usvg::Error),
    #[error("the image would be empty or too large ({0} × {1})")]
    Size(u32, u32),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// The system's fonts, loaded once, and the family drawn for `sans-serif`.
fn fonts() -> &'static (Arc<fontdb::Database>, String) {
    static FONTS: OnceLock<(Arc<fontdb::Database>, String)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let has = |family: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(name, _)| name == family))
        };
        let family = SANS
            .into_iter()
            .find(|f| has(f))
            .map(str::to_owned)
            .or_else(|| {
                db.faces()
                    .next()
                    .and_then(|f| f.families.first().map(|(n, _)| n.clone()))
            })
            .unwrap_or_else(|| SANS[0].to_owned());
        if db.is_empty() {
            tracing::warn!("no system fonts found: chart PNGs are drawn without their text");
        }
        db.set_sans_serif_family(family.clone());
        (Arc::new(db), family)
    })
}

/// Loads the fonts now (at start) rather than on the first PNG request.
pub fn warm_up() {
    fonts();
}

/// Draws `svg` at `scale` times its own size (its `width` and `height`) and encodes it as PNG.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, RasterError> {
    let (db, family) = fonts();
    let opt = usvg::Options {
        font_family: family.clone(),
        fontdb: db.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt)?;
    let size = tree.size().to_int_size().scale_by(scale);
    let (w, h) = size.map_or((0, 0), |s| (s.width(), s.height()));
    // 4096 px a side is far above any chart; a larger one is a mistake, not a picture.
    if w == 0 || h == 0 || w > 4096 || h > 4096 {
        return Err(RasterError::Size(w, h));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or(RasterError::Size(w, h))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RasterError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_an_svg_at_scale_into_a_png() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#b3261e"/><text x="2" y="15" font-family="sans-serif" font-size="12">Hi</text></svg>"##;
        let png = png(svg, 1.5).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, at bytes 16..24.
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), (60, 30));
        assert!(matches!(png_err("<svg"), RasterError::Parse(_)));
    }

    fn png_err(svg: &str) -> RasterError {
        png(svg, 1.0).unwrap_err()
    }
}
