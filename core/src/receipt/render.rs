//! Drawing a receipt's QR code: the module matrix (so native code draws it crisply at any
//! size), an SVG, and a PNG. Always error-correction level M (docs/ARCHITECTURE.md budget: version ≤ 8
//! at M); the version is the smallest that holds the text.

use qrcode::{Color, EcLevel, QrCode, Version};

/// Pixels per module in the PNG: a version-8 code (49 modules + 2 × 4 quiet) is 456 px.
pub const PNG_MODULE_PIXELS: u32 = 8;
/// Light modules around the code, as ISO/IEC 18004 asks.
pub const QUIET_ZONE_MODULES: u32 = 4;

/// The QR code's modules, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub size: u32,
    /// `size × size` entries, row-major; `true` is dark.
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// Whether the module at column `x`, row `y` is dark (outside is light).
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        x < self.size
            && y < self.size
            && self.dark[(y as usize) * (self.size as usize) + x as usize]
    }
}

/// A QR code made for a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedQr {
    /// QR version (1–40).
    pub version: u8,
    /// Error-correction level (`'M'`).
    pub ec_level: char,
    /// The modules.
    pub modules: QrMatrix,
    /// An SVG with the quiet zone, scalable.
    pub svg: String,
    /// A PNG, 8-bit grey, [`PNG_MODULE_PIXELS`] per module, with the quiet zone.
    pub png: Vec<u8>,
}

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The text does not fit any QR version at level M.
    #[error("the text does not fit a QR code: {0}")]
    TooLong(String),
    /// The PNG encoder failed.
    #[error("PNG: {0}")]
    Png(String),
}

/// The code for `text` at level M.
pub fn qr_code(text: &str) -> Result<QrCode, RenderError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|error| RenderError::TooLong(error.to_string()))
}

/// The version of a code (1–40; 0 for Micro QR, which level M never picks here).
pub fn version_of(code: &QrCode) -> u8 {
    match code.version() {
        Version::Normal(n) => u8::try_from(n).unwrap_or(0),
        Version::Micro(_) => 0,
    }
}

/// The letter of an error-correction level.
pub fn ec_letter(level: EcLevel) -> char {
    match level {
        EcLevel::L => 'L',
        EcLevel::M => 'M',
        EcLevel::Q => 'Q',
        EcLevel::H => 'H',
    }
}

/// The module matrix of a code.
pub fn matrix_of(code: &QrCode) -> QrMatrix {
    QrMatrix {
        size: u32::try_from(code.width()).unwrap_or(0),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    }
}

/// An SVG of the modules: one path of horizontal runs of dark modules (small and quick
/// to draw), one unit per module, quiet zone included, scalable to any size.
pub fn svg_of(modules: &QrMatrix) -> String {
    use std::fmt::Write as _;
    let side = modules.size + 2 * QUIET_ZONE_MODULES;
    let mut path = String::with_capacity(modules.dark.len() * 3);
    for y in 0..modules.size {
        let mut x = 0;
        while x < modules.size {
            if !modules.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < modules.size && modules.is_dark(x, y) {
                x += 1;
            }
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE_MODULES,
                y + QUIET_ZONE_MODULES,
                x - start,
                x - start
            );
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

/// A PNG of the modules: 1-bit grey (black on white), `module_pixels` per module, quiet
/// zone included.
pub fn png_of(modules: &QrMatrix, module_pixels: u32) -> Result<Vec<u8>, RenderError> {
    let scale = module_pixels.max(1);
    let side = (modules.size + 2 * QUIET_ZONE_MODULES) * scale;
    let row_bytes = side.div_ceil(8) as usize;
    // One row of pixels per row of modules, repeated `scale` times; 1 is white.
    let mut pixels = Vec::with_capacity(row_bytes * side as usize);
    for y in 0..side {
        let my = (y / scale).wrapping_sub(QUIET_ZONE_MODULES);
        if y % scale != 0 {
            let previous = pixels.len() - row_bytes;
            pixels.extend_from_within(previous..);
            continue;
        }
        let mut row = vec![0xffu8; row_bytes];
        for x in 0..side {
            let mx = (x / scale).wrapping_sub(QUIET_ZONE_MODULES);
            if modules.is_dark(mx, my) {
                row[(x / 8) as usize] &= !(0x80 >> (x % 8));
            }
        }
        pixels.extend_from_slice(&row);
    }
    let mut png = Vec::with_capacity(4 * 1024);
    let mut encoder = png::Encoder::new(&mut png, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder
        .write_header()
        .map_err(|error| RenderError::Png(error.to_string()))?;
    writer
        .write_image_data(&pixels)
        .map_err(|error| RenderError::Png(error.to_string()))?;
    writer
        .finish()
        .map_err(|error| RenderError::Png(error.to_string()))?;
    Ok(png)
}

/// Everything drawn for `text`.
pub fn render(text: &str) -> Result<RenderedQr, RenderError> {
    let code = qr_code(text)?;
    let modules = matrix_of(&code);
    Ok(RenderedQr {
        version: version_of(&code),
        ec_level: ec_letter(code.error_correction_level()),
        svg: svg_of(&modules),
        png: png_of(&modules, PNG_MODULE_PIXELS)?,
        modules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_is_the_matrix_scaled_with_a_quiet_zone() {
        let rendered = render("MC1:HELLO").unwrap();
        assert_eq!(rendered.ec_level, 'M');
        assert_eq!(rendered.version, 1);
        assert_eq!(rendered.modules.size, 21);
        let decoded = image::load_from_memory(&rendered.png).unwrap().to_luma8();
        let side = (21 + 8) * PNG_MODULE_PIXELS;
        assert_eq!(decoded.dimensions(), (side, side));
        for my in 0..21 {
            for mx in 0..21 {
                let px = (mx + QUIET_ZONE_MODULES) * PNG_MODULE_PIXELS + PNG_MODULE_PIXELS / 2;
                let py = (my + QUIET_ZONE_MODULES) * PNG_MODULE_PIXELS + PNG_MODULE_PIXELS / 2;
                let dark = decoded.get_pixel(px, py).0[0] == 0;
                assert_eq!(dark, rendered.modules.is_dark(mx, my), "({mx}, {my})");
            }
        }
        // The quiet zone is light; the finder pattern's corner is dark.
        assert_eq!(decoded.get_pixel(0, 0).0[0], 255);
        assert!(rendered.modules.is_dark(0, 0));
        assert!(!rendered.modules.is_dark(21, 0));
        assert!(rendered.svg.starts_with("<svg") && rendered.svg.ends_with("</svg>"));
        // The top-left finder pattern's first row: a run of 7 dark modules.
        assert!(rendered.svg.contains("M4 4h7v1h-7z"), "{}", rendered.svg);
    }
}
