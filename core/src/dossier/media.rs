//! Attachment preparation: what the core does to a photo or a PDF before it is uploaded.
//!
//! Citizens photograph paper documents with cheap phones and upload them on weak
//! networks, so a 12 MP photo of a page (3–8 MB) is turned into a small, upright,
//! metadata-free JPEG (≤ [`TARGET_IMAGE_BYTES`]) that an officer can still read:
//!
//! 1. the type is detected from the bytes (magic numbers), never from a file name;
//! 2. the image is decoded under limits ([`MAX_IMAGE_PIXELS`]; decompression bombs are
//!    refused before any pixel buffer is allocated), and a JPEG must be complete (a
//!    truncated upload from the gallery is refused rather than sent half grey);
//! 3. the EXIF orientation (1–8) is applied so the page is upright: phones store the
//!    sensor's pixels and a tag saying how to turn them;
//! 4. the longer side is brought down to [`MAX_LONG_SIDE`] pixels by area averaging
//!    (Catmull-Rom for reductions under 2×); 1600 px over the 297 mm of an A4 page is
//!    ≈ 137 dpi, enough for 10-point text; colour is kept, because red stamps and blue
//!    signatures matter;
//! 5. it is re-encoded as a baseline JPEG, the quality chosen by a short search from
//!    [`JPEG_QUALITIES`] so the file fits [`TARGET_IMAGE_BYTES`]; nothing of the original
//!    metadata is written (EXIF may carry the GPS position of the citizen's home).
//!
//! A PNG (a screenshot) that is already small and upright is kept losslessly, with every
//! ancillary chunk except colour information removed; otherwise it goes the photo way.
//! A PDF is checked (header, end marker, size, not encrypted) and kept byte for byte.
//! HEIC (the iPhone default) is refused with a message that tells how to get JPEG.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::PngDecoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, ImageBuffer, ImageDecoder, ImageError, Limits, Pixel};
use motcua_protocol::api::uploads::MAX_ATTACHMENT_BYTES;
use motcua_protocol::i18n::{Lang, Localized};

/// Largest photo accepted before preparation (a 12 MP phone photo is 3–8 MB; after
/// preparation it is ≤ [`TARGET_IMAGE_BYTES`], far under [`MAX_ATTACHMENT_BYTES`]).
pub const MAX_IMAGE_INPUT_BYTES: u64 = 50 * 1024 * 1024;
/// Most pixels an image may declare (50 MP): more is refused before decoding.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;
/// Longest side, in pixels, of a prepared image.
pub const MAX_LONG_SIDE: u32 = 1600;
/// Size a prepared image must fit in.
pub const TARGET_IMAGE_BYTES: usize = 300 * 1024;
/// JPEG qualities tried in turn, best first; the first result that fits is kept.
pub const JPEG_QUALITIES: [u8; 4] = [80, 70, 60, 50];

/// Most bytes a decoded image may take in memory (50 MP of RGBA, 8 bits a channel).
const MAX_DECODED_BYTES: u64 = MAX_IMAGE_PIXELS * 4;
/// Each time even the lowest quality is too big, the image is shrunk by this factor…
const SHRINK_FACTOR: f64 = 0.8;
/// …but never below this longest side.
const MIN_LONG_SIDE: u32 = 400;
/// How far from the end of a PDF its `%%EOF` marker may be.
const PDF_EOF_WINDOW: usize = 1024;

/// What the core did to a file before upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedAttachment {
    /// The bytes to upload.
    pub bytes: Vec<u8>,
    /// Their media type, one of `motcua_protocol::api::uploads::ACCEPTED_MEDIA_TYPES`.
    pub media_type: &'static str,
    /// Width in pixels of an image (upright), `None` for a PDF.
    pub width: Option<u32>,
    /// Height in pixels of an image (upright), `None` for a PDF.
    pub height: Option<u32>,
    /// Size in bytes of the file the citizen chose.
    pub original_size: u64,
    /// Lowercase hex SHA-256 of [`PreparedAttachment::bytes`].
    pub sha256: String,
}

/// Why a file cannot be attached.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The file is over the limit for its type.
    #[error("the file is {size} bytes, over the {max}-byte limit")]
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit for its type.
        max: u64,
    },
    /// Not a JPEG, PNG or PDF.
    #[error("unsupported file type ({})", .detected.as_deref().unwrap_or("unknown"))]
    UnsupportedType {
        /// The media type recognised from the bytes, if any (e.g. `image/heic`).
        detected: Option<String>,
    },
    /// The image declares more pixels than [`MAX_IMAGE_PIXELS`] (or than memory allows).
    #[error("the image is {width}×{height} pixels, over the {max_pixels}-pixel limit")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// The bytes are not a valid (or complete) file of their type.
    #[error("the file is damaged: {0}")]
    Corrupt(String),
    /// The PDF is protected by a password or encrypted; the desk cannot open it.
    #[error("the PDF is encrypted")]
    PdfEncrypted,
    /// Something that should not happen (the encoder failed).
    #[error("internal error while preparing the file: {0}")]
    Internal(String),
}

impl Localized for MediaError {
    fn code(&self) -> &'static str {
        match self {
            MediaError::Empty => "attachment_empty",
            MediaError::TooLarge { .. } => "attachment_too_large",
            MediaError::UnsupportedType { .. } => "attachment_unsupported_type",
            MediaError::TooManyPixels { .. } => "attachment_too_many_pixels",
            MediaError::Corrupt(_) => "attachment_corrupt",
            MediaError::PdfEncrypted => "attachment_pdf_encrypted",
            MediaError::Internal(_) => "internal",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en): (String, String) = match self {
            MediaError::Empty => (
                "Tệp trống, không có nội dung. Hãy chọn lại tệp hoặc chụp lại.".into(),
                "The file is empty. Choose the file again or take a new photo.".into(),
            ),
            MediaError::TooLarge { max, .. } => {
                let mb = max / (1024 * 1024);
                (
                    format!("Tệp quá lớn (tối đa {mb} MB). Hãy chụp ảnh từng trang hoặc gửi tệp nhỏ hơn."),
                    format!("The file is too large (at most {mb} MB). Photograph the pages one by one, or send a smaller file."),
                )
            }
            MediaError::UnsupportedType { detected }
                if detected.as_deref().is_some_and(|t| t.starts_with("image/hei")) =>
            {
                (
                    "Ảnh dạng HEIC (iPhone) chưa được nhận. Vào Cài đặt > Camera > Định dạng, chọn \"Tương thích nhất\" (JPEG) rồi chụp lại.".into(),
                    "HEIC photos (iPhone) are not accepted. In Settings > Camera > Formats choose \"Most Compatible\" (JPEG), then take the photo again.".into(),
                )
            }
            MediaError::UnsupportedType { .. } => (
                "Loại tệp này không được nhận. Hãy gửi ảnh chụp (JPEG hoặc PNG) hoặc tệp PDF.".into(),
                "This kind of file is not accepted. Send a photo (JPEG or PNG) or a PDF file.".into(),
            ),
            MediaError::TooManyPixels { .. } => (
                "Ảnh quá lớn để xử lý. Hãy chụp lại bằng máy ảnh của điện thoại.".into(),
                "The picture is too large to process. Take the photo again with the phone's camera.".into(),
            ),
            MediaError::Corrupt(_) => (
                "Tệp bị hỏng hoặc không đầy đủ, không đọc được. Hãy chụp lại hoặc chọn lại tệp.".into(),
                "The file is damaged or incomplete and could not be read. Take the photo again or choose the file again.".into(),
            ),
            MediaError::PdfEncrypted => (
                "Tệp PDF có mật khẩu nên cán bộ không mở được. Hãy gửi bản không đặt mật khẩu hoặc chụp ảnh các trang.".into(),
                "The PDF is password-protected, so the officer cannot open it. Send a copy without a password, or photograph the pages.".into(),
            ),
            MediaError::Internal(_) => (
                "Có lỗi khi chuẩn bị tệp. Vui lòng thử lại.".into(),
                "Something went wrong while preparing the file. Please try again.".into(),
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A step of [`prepare_attachment`], for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrepareStage {
    /// Recognising the type and checking the file (a PDF has only this stage);
    /// `done`/`total` in bytes.
    Checking,
    /// Decoding the image; `done`/`total` in bytes of input.
    Decoding,
    /// Turning it upright and shrinking it; `done`/`total` in pixels of the result.
    Resizing,
    /// Encoding the JPEG; `done`/`total` in attempts (one per quality tried).
    Encoding,
}

/// Receives progress while a file is prepared. Each stage that runs is reported at least
/// at its start (`done == 0`) and at its end (`done == total`).
pub trait ProgressListener: Send + Sync {
    /// `done` out of `total` units of `stage` (units depend on the stage).
    fn on_progress(&self, stage: PrepareStage, done: u64, total: u64);
}

/// What the bytes are, recognised from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    Jpeg,
    Png,
    Pdf,
    Other(Option<&'static str>),
}

/// Prepares a file the citizen chose (or photographed) for upload: see the module
/// documentation. Never panics, whatever the bytes.
///
/// # Errors
/// [`MediaError`] tells why the file cannot be attached; its [`Localized`] message is
/// meant for the citizen.
pub fn prepare_attachment(
    input: &[u8],
    listener: Option<&dyn ProgressListener>,
) -> Result<PreparedAttachment, MediaError> {
    let progress = Progress(listener);
    let size = input.len() as u64;
    progress.report(PrepareStage::Checking, 0, size);
    if input.is_empty() {
        return Err(MediaError::Empty);
    }
    let prepared = match detect(input) {
        Detected::Pdf => {
            check_pdf(input)?;
            progress.report(PrepareStage::Checking, size, size);
            Prepared {
                bytes: input.to_vec(),
                media_type: "application/pdf",
                dimensions: None,
            }
        }
        kind @ (Detected::Jpeg | Detected::Png) => {
            if size > MAX_IMAGE_INPUT_BYTES {
                return Err(MediaError::TooLarge {
                    size,
                    max: MAX_IMAGE_INPUT_BYTES,
                });
            }
            if kind == Detected::Jpeg {
                check_jpeg_structure(input)?;
            }
            progress.report(PrepareStage::Checking, size, size);
            // The decoders are third-party code fed with untrusted bytes: a panic in
            // them must become a refusal, not a crash of the app.
            catch_unwind(AssertUnwindSafe(|| prepare_image(input, kind, &progress)))
                .unwrap_or_else(|_| Err(MediaError::Corrupt("the decoder failed".into())))?
        }
        Detected::Other(detected) => {
            return Err(MediaError::UnsupportedType {
                detected: detected.map(str::to_owned),
            });
        }
    };
    let (width, height) = match prepared.dimensions {
        Some((w, h)) => (Some(w), Some(h)),
        None => (None, None),
    };
    Ok(PreparedAttachment {
        sha256: sha256_hex(&prepared.bytes),
        bytes: prepared.bytes,
        media_type: prepared.media_type,
        width,
        height,
        original_size: size,
    })
}

/// The output of the type-specific part.
struct Prepared {
    bytes: Vec<u8>,
    media_type: &'static str,
    dimensions: Option<(u32, u32)>,
}

/// Calls the listener, if any.
struct Progress<'a>(Option<&'a dyn ProgressListener>);

impl Progress<'_> {
    fn report(&self, stage: PrepareStage, done: u64, total: u64) {
        if let Some(listener) = self.0 {
            listener.on_progress(stage, done, total);
        }
    }
}

fn detect(b: &[u8]) -> Detected {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Detected::Jpeg;
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Detected::Png;
    }
    if b.starts_with(b"%PDF-") {
        return Detected::Pdf;
    }
    let other = if b.len() >= 12 && &b[4..8] == b"ftyp" {
        // ISO base media: HEIF/HEIC/AVIF photos, MP4/QuickTime videos.
        Some(match &b[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => "image/heic",
            b"mif1" | b"msf1" => "image/heif",
            b"avif" | b"avis" => "image/avif",
            b"qt  " => "video/quicktime",
            _ => "video/mp4",
        })
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else if b.starts_with(b"BM") && b.len() >= 26 {
        Some("image/bmp")
    } else if b.starts_with(b"PK\x03\x04") {
        Some("application/zip")
    } else if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("application/msword")
    } else {
        None
    };
    Detected::Other(other)
}

// ---------------------------------------------------------------------------------------
// Images

fn prepare_image(
    input: &[u8],
    kind: Detected,
    progress: &Progress<'_>,
) -> Result<Prepared, MediaError> {
    let size = input.len() as u64;
    progress.report(PrepareStage::Decoding, 0, size);
    let (image, orientation) = match kind {
        Detected::Png => {
            let decoder = PngDecoder::with_limits(Cursor::new(input), decode_limits())
                .map_err(decode_error)?;
            decode(decoder)?
        }
        _ => {
            let decoder = JpegDecoder::new(Cursor::new(input)).map_err(decode_error)?;
            decode(decoder)?
        }
    };
    progress.report(PrepareStage::Decoding, size, size);

    // A small, upright screenshot is kept as it is, losslessly, without its metadata.
    if kind == Detected::Png
        && input.len() <= TARGET_IMAGE_BYTES
        && orientation == Orientation::NoTransforms
    {
        let bytes = strip_png_metadata(input)?;
        return Ok(Prepared {
            bytes,
            media_type: "image/png",
            dimensions: Some((image.width(), image.height())),
        });
    }

    // Shrink first, then turn upright: the same result as the other way round (the
    // longer side is the longer side either way) for a fraction of the memory and time.
    let (width, height) = fit(image.width(), image.height(), MAX_LONG_SIDE);
    let pixels = u64::from(width) * u64::from(height);
    progress.report(PrepareStage::Resizing, 0, pixels);
    let mut image = downscale(flatten(image), width, height);
    image.apply_orientation(orientation);
    progress.report(PrepareStage::Resizing, pixels, pixels);

    let attempts = JPEG_QUALITIES.len() as u64;
    loop {
        progress.report(PrepareStage::Encoding, 0, attempts);
        for (i, &quality) in JPEG_QUALITIES.iter().enumerate() {
            let bytes = encode_jpeg(&image, quality)?;
            let done = i as u64 + 1;
            progress.report(PrepareStage::Encoding, done, attempts);
            if bytes.len() <= TARGET_IMAGE_BYTES {
                if done < attempts {
                    // Fitted early: the stage is over.
                    progress.report(PrepareStage::Encoding, attempts, attempts);
                }
                return Ok(Prepared {
                    bytes,
                    media_type: "image/jpeg",
                    dimensions: Some((image.width(), image.height())),
                });
            }
        }
        // Even the lowest quality is too big (a very busy picture): shrink and retry.
        let long = image.width().max(image.height());
        if long <= MIN_LONG_SIDE {
            return Err(MediaError::Internal(
                "could not bring the image under the size target".into(),
            ));
        }
        let target = ((f64::from(long) * SHRINK_FACTOR) as u32).max(MIN_LONG_SIDE);
        let (w, h) = fit(image.width(), image.height(), target);
        let pixels = u64::from(w) * u64::from(h);
        progress.report(PrepareStage::Resizing, 0, pixels);
        image = downscale(image, w, h);
        progress.report(PrepareStage::Resizing, pixels, pixels);
    }
}

fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Checks the declared size against the limits, then decodes; returns the image (as
/// stored) and the orientation to apply.
fn decode(mut decoder: impl ImageDecoder) -> Result<(DynamicImage, Orientation), MediaError> {
    let (width, height) = decoder.dimensions();
    let too_many = || MediaError::TooManyPixels {
        width,
        height,
        max_pixels: MAX_IMAGE_PIXELS,
    };
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt(format!(
            "image declares {width}×{height} pixels"
        )));
    }
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
        || decoder.total_bytes() > MAX_DECODED_BYTES
    {
        return Err(too_many());
    }
    decoder.set_limits(decode_limits()).map_err(|e| match e {
        ImageError::Limits(_) => too_many(),
        other => decode_error(other),
    })?;
    // A damaged EXIF block must not stop a good photo: it is then taken as upright.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => too_many(),
        other => decode_error(other),
    })?;
    Ok((image, orientation))
}

fn decode_error(e: ImageError) -> MediaError {
    match e {
        ImageError::Limits(e) => MediaError::Corrupt(format!("limits: {e}")),
        ImageError::Unsupported(e) => MediaError::Corrupt(format!("unsupported variant: {e}")),
        other => MediaError::Corrupt(other.to_string()),
    }
}

/// Checks that a JPEG is complete: its segments are well formed up to the first scan
/// and an end-of-image marker follows. The decoder is lenient (a truncated file decodes
/// with its bottom grey), which would send an officer half a page.
fn check_jpeg_structure(b: &[u8]) -> Result<(), MediaError> {
    let corrupt = |what: &str| MediaError::Corrupt(format!("JPEG: {what}"));
    let mut i = 2; // after SOI
    loop {
        if i >= b.len() {
            return Err(corrupt("ends before the image data"));
        }
        if b[i] != 0xFF {
            return Err(corrupt("bad segment marker"));
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&marker) = b.get(i) else {
            return Err(corrupt("ends before the image data"));
        };
        i += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue, // standalone markers
            0xD8 | 0xD9 | 0x00 => return Err(corrupt("unexpected marker before the image data")),
            _ => {}
        }
        let Some(len) = b
            .get(i..i + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            return Err(corrupt("ends inside a segment"));
        };
        if len < 2 || i + len > b.len() {
            return Err(corrupt("ends inside a segment"));
        }
        i += len;
        if marker == 0xDA {
            break; // start of scan: entropy-coded data follows
        }
    }
    // In entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so the
    // first FF D9 is the end of the image (anything after it, such as the video of a
    // "motion photo", is ignored).
    let mut rest = &b[i..];
    while let Some(p) = rest.iter().position(|&x| x == 0xFF) {
        match rest.get(p + 1) {
            Some(0xD9) => return Ok(()),
            Some(_) => rest = &rest[p + 1..],
            None => break,
        }
    }
    Err(corrupt("incomplete (no end of image)"))
}

/// The new size so that the longer side is at most `max_long` (never upscaled, never 0).
fn fit(width: u32, height: u32, max_long: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_long {
        return (width, height);
    }
    let scale = f64::from(max_long) / f64::from(long);
    let w = ((f64::from(width) * scale).round() as u32).clamp(1, max_long);
    let h = ((f64::from(height) * scale).round() as u32).clamp(1, max_long);
    (w, h)
}

/// Shrinks with area averaging: every source pixel contributes to the result by the
/// area it covers, which keeps thin strokes of text and does not ring around them.
fn downscale(image: DynamicImage, width: u32, height: u32) -> DynamicImage {
    if (width, height) == (image.width(), image.height()) {
        return image;
    }
    // `thumbnail_exact` is image's area-averaging (box) resampler: fast and, for a
    // reduction of 2× or more, as sharp as a windowed sinc. For a small reduction a
    // Catmull-Rom filter avoids the box filter's slight blur.
    let ratio = f64::from(image.width().max(image.height())) / f64::from(width.max(height));
    // The same resamplers as `DynamicImage::thumbnail_exact` / `resize_exact`, called on
    // the two layouts `flatten` leaves: through `DynamicImage` they would be compiled for
    // all ten pixel layouts, about 45 KB of the app's library (docs/ARCHITECTURE.md budgets it).
    fn resample<P: Pixel<Subpixel = u8> + 'static>(
        buffer: &ImageBuffer<P, Vec<u8>>,
        width: u32,
        height: u32,
        ratio: f64,
    ) -> ImageBuffer<P, Vec<u8>> {
        if ratio >= 2.0 {
            imageops::thumbnail(buffer, width, height)
        } else {
            imageops::resize(buffer, width, height, FilterType::CatmullRom)
        }
    }
    match image {
        DynamicImage::ImageLuma8(gray) => {
            DynamicImage::ImageLuma8(resample(&gray, width, height, ratio))
        }
        DynamicImage::ImageRgb8(rgb) => {
            DynamicImage::ImageRgb8(resample(&rgb, width, height, ratio))
        }
        other => DynamicImage::ImageRgb8(resample(&other.into_rgb8(), width, height, ratio)),
    }
}

/// Brings the image to 8-bit grey or RGB, painting any transparency onto white paper.
fn flatten(image: DynamicImage) -> DynamicImage {
    let gray = !image.color().has_color();
    if image.color().has_alpha() {
        let mut rgba = image.into_rgba8();
        for p in rgba.pixels_mut() {
            let a = u16::from(p[3]);
            for c in &mut p.0[..3] {
                // c·a + 255·(255 − a), over 255, rounded.
                *c = ((u16::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8;
            }
            p[3] = 255;
        }
        let rgb = DynamicImage::ImageRgba8(rgba).into_rgb8();
        if gray {
            DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(rgb).into_luma8())
        } else {
            DynamicImage::ImageRgb8(rgb)
        }
    } else if gray {
        match image {
            DynamicImage::ImageLuma8(_) => image,
            other => DynamicImage::ImageLuma8(other.into_luma8()),
        }
    } else {
        match image {
            DynamicImage::ImageRgb8(_) => image,
            other => DynamicImage::ImageRgb8(other.into_rgb8()),
        }
    }
}

/// Encodes a baseline JPEG with nothing but a JFIF header (no EXIF, no comments), chroma
/// at half resolution (4:2:0, averaged: colour needs less detail than text strokes) and
/// one interleaved scan with the standard Huffman tables.
///
/// Not `set_optimized_huffman_tables(true)`: jpeg-encoder then writes one scan per
/// component, which zune-jpeg 0.5 (the decoder of `image`, and so possibly of whoever
/// views the file) decodes with wrong colours; the tables would save only ~5 %.
fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let color = match image {
        DynamicImage::ImageLuma8(_) => jpeg_encoder::ColorType::Luma,
        DynamicImage::ImageRgb8(_) => jpeg_encoder::ColorType::Rgb,
        _ => return Err(MediaError::Internal("unexpected pixel format".into())),
    };
    let (Ok(width), Ok(height)) = (u16::try_from(image.width()), u16::try_from(image.height()))
    else {
        return Err(MediaError::Internal("image too large to encode".into()));
    };
    let mut out = Vec::with_capacity(TARGET_IMAGE_BYTES);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    encoder
        .encode(image.as_bytes(), width, height, color)
        .map_err(|e| MediaError::Internal(format!("JPEG encoding: {e}")))?;
    Ok(out)
}

/// Rewrites a PNG keeping only the chunks needed to show it (and its colour space):
/// text, EXIF, time stamps and everything unknown are dropped, as is anything after
/// `IEND`.
fn strip_png_metadata(b: &[u8]) -> Result<Vec<u8>, MediaError> {
    const KEEP: [&[u8; 4]; 10] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    ];
    let corrupt = || MediaError::Corrupt("PNG: bad chunk structure".into());
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut i = 8;
    loop {
        let header = b.get(i..i + 8).ok_or_else(corrupt)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let end = i
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&end| end <= b.len())
            .ok_or_else(corrupt)?;
        let kind = &header[4..8];
        if KEEP.iter().any(|k| &k[..] == kind) {
            out.extend_from_slice(&b[i..end]);
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        i = end;
    }
}

// ---------------------------------------------------------------------------------------
// PDF

fn check_pdf(b: &[u8]) -> Result<(), MediaError> {
    let size = b.len() as u64;
    if size > MAX_ATTACHMENT_BYTES {
        return Err(MediaError::TooLarge {
            size,
            max: MAX_ATTACHMENT_BYTES,
        });
    }
    let tail = &b[b.len().saturating_sub(PDF_EOF_WINDOW)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(MediaError::Corrupt(
            "PDF: no %%EOF (incomplete file)".into(),
        ));
    }
    let encrypted = match last_trailer(b) {
        Some(trailer) => has_name(trailer, b"/Encrypt"),
        // No usable cross-reference: look through the whole file, erring on refusal.
        None => has_name(b, b"/Encrypt"),
    };
    if encrypted {
        return Err(MediaError::PdfEncrypted);
    }
    Ok(())
}

/// The dictionary of the last trailer, found through `startxref`: the classic
/// `trailer << … >>`, or the dictionary of a cross-reference stream (PDF 1.5+).
fn last_trailer(b: &[u8]) -> Option<&[u8]> {
    let tail_start = b.len().saturating_sub(PDF_EOF_WINDOW);
    let sx = tail_start + rfind(&b[tail_start..], b"startxref")?;
    let digits: Vec<u8> = b[sx + b"startxref".len()..]
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .take_while(u8::is_ascii_digit)
        .take(20)
        .collect();
    let offset: usize = std::str::from_utf8(&digits).ok()?.parse().ok()?;
    let at = b.get(offset..sx)?;
    if at.starts_with(b"xref") {
        let t = find(at, b"trailer")?;
        Some(&at[t..])
    } else {
        let end = find(at, b"stream")?;
        Some(&at[..end])
    }
}

/// Whether the name token `name` (e.g. `/Encrypt`, not `/EncryptMetadata`) occurs.
fn has_name(haystack: &[u8], name: &[u8]) -> bool {
    let mut rest = haystack;
    while let Some(p) = find(rest, name) {
        let after = rest.get(p + name.len()).copied();
        let regular = after
            .is_some_and(|c| !c.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&c) && c != 0);
        if !regular {
            return true;
        }
        rest = &rest[p + name.len()..];
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest
        .as_ref()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
#[path = "sample_photo.rs"]
mod sample_photo;

#[cfg(test)]
mod tests {
    use std::sync::{Mutex, OnceLock};

    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    use super::sample_photo::{Noise, document, exif_app1, jpeg};

    fn png(image: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let crc = crc32(&c[4..]);
        c.extend_from_slice(&crc.to_be_bytes());
        c
    }

    /// The 12 MP test photo (see `sample_photo`), made once for all tests.
    fn photo_12mp() -> &'static [u8] {
        static PHOTO: OnceLock<Vec<u8>> = OnceLock::new();
        PHOTO.get_or_init(super::sample_photo::photo_12mp)
    }

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(PrepareStage, u64, u64)>>);

    impl ProgressListener for Recorder {
        fn on_progress(&self, stage: PrepareStage, done: u64, total: u64) {
            self.0.lock().unwrap().push((stage, done, total));
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        find(haystack, needle).is_some()
    }

    #[test]
    fn a_12_mp_photo_becomes_a_small_upright_jpeg_without_metadata() {
        let input = photo_12mp();
        assert!(
            input.len() > 1_500_000,
            "test photo is {} bytes",
            input.len()
        );
        assert!(contains(input, b"Exif\0\0"));
        let recorder = Recorder::default();
        let out = prepare_attachment(input, Some(&recorder)).unwrap();

        assert_eq!(out.media_type, "image/jpeg");
        assert!(motcua_protocol::api::uploads::ACCEPTED_MEDIA_TYPES.contains(&out.media_type));
        assert!(out.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(
            out.bytes.len() <= TARGET_IMAGE_BYTES,
            "{} bytes",
            out.bytes.len()
        );
        assert_eq!(out.original_size, input.len() as u64);
        // Orientation 6 applied: landscape pixels became a portrait page.
        assert_eq!((out.width, out.height), (Some(1200), Some(1600)));
        let decoded = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1200, 1600));
        // Upright: the stamp (red) is in the lower right quarter, the text at the top.
        let rgb = decoded.to_rgb8();
        let stamp = rgb.get_pixel(900 + 115, 1333);
        assert!(stamp[0] > 150 && stamp[1] < 110, "stamp pixel {stamp:?}");
        // No metadata left: no EXIF (with its GPS pointer), no orientation to re-apply.
        assert!(!contains(&out.bytes, b"Exif\0\0"));
        assert!(!out.bytes.windows(2).any(|w| w == [0xFF, 0xE1]));
        let mut decoder = JpegDecoder::new(Cursor::new(&out.bytes)).unwrap();
        assert_eq!(decoder.orientation().unwrap(), Orientation::NoTransforms);
        assert_eq!(out.sha256, sha256_hex(&out.bytes));
        assert_eq!(out.sha256.len(), 64);

        let calls = recorder.0.into_inner().unwrap();
        for stage in [
            PrepareStage::Checking,
            PrepareStage::Decoding,
            PrepareStage::Resizing,
            PrepareStage::Encoding,
        ] {
            let of_stage: Vec<_> = calls.iter().filter(|c| c.0 == stage).collect();
            assert!(
                of_stage.first().is_some_and(|c| c.1 == 0),
                "{stage:?}: {calls:?}"
            );
            assert!(
                of_stage.iter().any(|c| c.1 == c.2 && c.2 > 0),
                "{stage:?}: {calls:?}"
            );
        }
    }

    #[test]
    fn every_exif_orientation_is_applied() {
        // Stored 40×20 with a red block in the stored top-left corner.
        let stored = RgbImage::from_fn(40, 20, |x, y| {
            if x < 10 && y < 10 {
                Rgb([255, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        // Where the red block must be once upright (x, y as fractions of the result).
        let expected = [
            (1, (40, 20), (0.1, 0.2)),
            (2, (40, 20), (0.9, 0.2)),
            (3, (40, 20), (0.9, 0.8)),
            (4, (40, 20), (0.1, 0.8)),
            (5, (20, 40), (0.2, 0.1)),
            (6, (20, 40), (0.8, 0.1)),
            (7, (20, 40), (0.8, 0.9)),
            (8, (20, 40), (0.2, 0.9)),
        ];
        for (tag, dims, (fx, fy)) in expected {
            let out = prepare_attachment(&jpeg(&stored, 95, Some(tag)), None).unwrap();
            assert_eq!((out.width.unwrap(), out.height.unwrap()), dims, "tag {tag}");
            let rgb = image::load_from_memory(&out.bytes).unwrap().to_rgb8();
            let px = rgb.get_pixel(
                (fx * f64::from(dims.0)) as u32,
                (fy * f64::from(dims.1)) as u32,
            );
            assert!(px[0] > 180 && px[1] < 90, "tag {tag}: {px:?}");
        }
    }

    #[test]
    fn a_small_png_screenshot_is_kept_without_its_metadata() {
        let image = DynamicImage::ImageRgba8(RgbaImage::from_fn(300, 200, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
        }));
        let plain = png(&image);
        // Insert a text chunk (e.g. an address) and an eXIf chunk after IHDR (8 + 25 bytes).
        let with_meta = [
            &plain[..33],
            &png_chunk(b"tEXt", b"Comment\x00123 Duong Lang, Ha Noi"),
            &png_chunk(b"eXIf", &exif_app1(1)[10..]),
            &plain[33..],
        ]
        .concat();
        let out = prepare_attachment(&with_meta, None).unwrap();
        assert_eq!(out.media_type, "image/png");
        assert_eq!((out.width, out.height), (Some(300), Some(200)));
        assert_eq!(out.bytes, plain);
        assert!(!contains(&out.bytes, b"Duong Lang"));
        assert_eq!(image::load_from_memory(&out.bytes).unwrap(), image);
    }

    #[test]
    fn a_large_png_becomes_a_jpeg_on_white() {
        // A noisy page, half transparent, too big to keep as PNG.
        let page = document(1700, 900);
        let rgba = RgbaImage::from_fn(1700, 900, |x, y| {
            let p = page.get_pixel(x, y);
            Rgba([p[0], p[1], p[2], if x < 850 { 255 } else { 0 }])
        });
        let input = png(&DynamicImage::ImageRgba8(rgba));
        assert!(input.len() > TARGET_IMAGE_BYTES);
        let out = prepare_attachment(&input, None).unwrap();
        assert_eq!(out.media_type, "image/jpeg");
        assert!(out.bytes.len() <= TARGET_IMAGE_BYTES);
        assert_eq!((out.width, out.height), (Some(1600), Some(847)));
        let rgb = image::load_from_memory(&out.bytes).unwrap().to_rgb8();
        let transparent = rgb.get_pixel(1500, 400);
        assert!(transparent.0.iter().all(|&c| c > 240), "{transparent:?}");
    }

    #[test]
    fn a_png_with_an_orientation_is_turned_upright() {
        let stored = DynamicImage::ImageRgb8(RgbImage::from_pixel(40, 20, Rgb([250, 250, 250])));
        let plain = png(&stored);
        let tagged = [
            &plain[..33],
            &png_chunk(b"eXIf", &exif_app1(6)[10..]),
            &plain[33..],
        ]
        .concat();
        let out = prepare_attachment(&tagged, None).unwrap();
        assert_eq!(out.media_type, "image/jpeg");
        assert_eq!((out.width, out.height), (Some(20), Some(40)));
    }

    #[test]
    fn a_picture_too_busy_for_the_target_is_shrunk_until_it_fits() {
        // Pure noise: even quality 50 at 1000×1000 is far over 300 KB.
        let mut rng = Noise(3);
        let noise = RgbImage::from_fn(1000, 1000, |_, _| {
            let v = rng.next();
            Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
        });
        let recorder = Recorder::default();
        let out = prepare_attachment(&jpeg(&noise, 90, None), Some(&recorder)).unwrap();
        assert!(
            out.bytes.len() <= TARGET_IMAGE_BYTES,
            "{} bytes",
            out.bytes.len()
        );
        let (w, h) = (out.width.unwrap(), out.height.unwrap());
        assert!(w < 1000 && w == h, "{w}×{h}");
        let calls = recorder.0.into_inner().unwrap();
        let resizes = calls
            .iter()
            .filter(|c| c.0 == PrepareStage::Resizing && c.1 == 0)
            .count();
        assert!(resizes >= 2, "{calls:?}");
    }

    #[test]
    fn a_grey_png_stays_grey() {
        let grey = image::GrayImage::from_fn(1700, 600, |x, y| {
            image::Luma([((x * 7 + y * 13) % 251) as u8])
        });
        let input = png(&DynamicImage::ImageLuma8(grey));
        assert!(input.len() > TARGET_IMAGE_BYTES);
        let out = prepare_attachment(&input, None).unwrap();
        assert_eq!((out.width, out.height), (Some(1600), Some(565)));
        let decoded = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!(decoded.color(), image::ColorType::L8);
    }

    /// A small valid PDF with a classic cross-reference table; `extra` goes into the
    /// trailer dictionary.
    fn pdf(extra: &str) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ];
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 1 0 R {extra}>>\nstartxref\n{xref}\n%%EOF\n")
                .as_bytes(),
        );
        out
    }

    #[test]
    fn a_pdf_is_kept_unchanged() {
        let input = pdf("");
        let recorder = Recorder::default();
        let out = prepare_attachment(&input, Some(&recorder)).unwrap();
        assert_eq!(out.bytes, input);
        assert_eq!(out.media_type, "application/pdf");
        assert_eq!((out.width, out.height), (None, None));
        assert_eq!(out.original_size, input.len() as u64);
        assert_eq!(out.sha256, sha256_hex(&input));
        let calls = recorder.0.into_inner().unwrap();
        let n = input.len() as u64;
        assert_eq!(
            calls,
            [
                (PrepareStage::Checking, 0, n),
                (PrepareStage::Checking, n, n)
            ]
        );
        // /EncryptMetadata alone (a name that merely starts the same) is not encryption.
        assert!(prepare_attachment(&pdf("/EncryptMetadata false "), None).is_ok());
    }

    #[test]
    fn an_encrypted_pdf_is_refused() {
        let err = prepare_attachment(&pdf("/Encrypt 5 0 R /ID [<ab><ab>] "), None).unwrap_err();
        assert!(matches!(err, MediaError::PdfEncrypted), "{err:?}");
        assert_eq!(err.code(), "attachment_pdf_encrypted");
        assert!(err.message(Lang::Vi).contains("mật khẩu"));

        // PDF 1.5: the trailer is the dictionary of a cross-reference stream.
        let mut xref_stream = b"%PDF-1.7\n".to_vec();
        let at = xref_stream.len();
        xref_stream.extend_from_slice(
            b"9 0 obj\n<< /Type /XRef /Size 10 /Root 1 0 R /Encrypt<< /Filter /Standard >> /Length 0 >>\nstream\n\nendstream\nendobj\n",
        );
        xref_stream.extend_from_slice(format!("startxref\n{at}\n%%EOF").as_bytes());
        let err = prepare_attachment(&xref_stream, None).unwrap_err();
        assert!(matches!(err, MediaError::PdfEncrypted), "{err:?}");

        // No usable startxref: the whole file is searched.
        let broken = b"%PDF-1.4\n1 0 obj << /Encrypt 2 0 R >> endobj\n%%EOF".to_vec();
        assert!(matches!(
            prepare_attachment(&broken, None),
            Err(MediaError::PdfEncrypted)
        ));
    }

    #[test]
    fn broken_or_oversized_pdfs_are_refused() {
        let mut truncated = pdf("");
        truncated.truncate(truncated.len() - 8);
        assert!(matches!(
            prepare_attachment(&truncated, None),
            Err(MediaError::Corrupt(_))
        ));
        let mut huge = pdf("");
        huge.resize(usize::try_from(MAX_ATTACHMENT_BYTES).unwrap() + 1, b' ');
        huge.extend_from_slice(b"%%EOF");
        assert!(matches!(
            prepare_attachment(&huge, None),
            Err(MediaError::TooLarge {
                max: MAX_ATTACHMENT_BYTES,
                ..
            })
        ));
        for n in 0..pdf("").len() {
            let _ = prepare_attachment(&pdf("")[..n], None);
        }
    }

    #[test]
    fn an_oversized_image_is_refused_before_decoding() {
        let mut input = vec![0u8; usize::try_from(MAX_IMAGE_INPUT_BYTES).unwrap() + 1];
        input[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        let err = prepare_attachment(&input, None).unwrap_err();
        assert!(
            matches!(
                err,
                MediaError::TooLarge {
                    max: MAX_IMAGE_INPUT_BYTES,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.code(), "attachment_too_large");
        assert!(err.message(Lang::En).contains("50 MB"));
    }

    #[test]
    fn unsupported_and_garbage_inputs_get_typed_errors() {
        assert!(matches!(
            prepare_attachment(&[], None),
            Err(MediaError::Empty)
        ));

        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        let err = prepare_attachment(&heic, None).unwrap_err();
        match &err {
            MediaError::UnsupportedType { detected } => {
                assert_eq!(detected.as_deref(), Some("image/heic"));
            }
            other => panic!("{other:?}"),
        }
        assert!(err.message(Lang::En).contains("JPEG"));
        assert!(err.message(Lang::Vi).contains("JPEG"));

        for (bytes, detected) in [
            (&b"GIF89a\x01\0\x01\0"[..], Some("image/gif")),
            (&b"PK\x03\x04word"[..], Some("application/zip")),
            (&b"hello"[..], None),
        ] {
            match prepare_attachment(bytes, None) {
                Err(MediaError::UnsupportedType { detected: d }) => {
                    assert_eq!(d.as_deref(), detected);
                }
                other => panic!("{other:?}"),
            }
        }

        let mut rng = Noise(7);
        for len in [1, 2, 3, 10, 100, 10_000] {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = prepare_attachment(&bytes, None);
            // The same garbage behind each accepted signature.
            for magic in [&[0xFF, 0xD8, 0xFF][..], b"\x89PNG\r\n\x1a\n", b"%PDF-"] {
                let input = [magic, &bytes].concat();
                assert!(prepare_attachment(&input, None).is_err(), "{magic:?}+{len}");
            }
        }
    }

    fn small_photo() -> Vec<u8> {
        jpeg(&document(64, 48), 85, Some(6))
    }

    #[test]
    fn every_truncation_of_a_jpeg_is_refused() {
        let full = small_photo();
        assert!(prepare_attachment(&full, None).is_ok());
        for n in 0..full.len() - 1 {
            let err = prepare_attachment(&full[..n], None);
            assert!(err.is_err(), "prefix {n} of {} accepted", full.len());
        }
    }

    #[test]
    fn damaged_images_never_panic() {
        let mut rng = Noise(42);
        let page = document(64, 48);
        // (Every truncation of the JPEG is the test above.)
        let png = png(&DynamicImage::ImageRgb8(page));
        // Every cut in the header chunks, then one every 29 bytes in the pixel data.
        for n in (0..100).chain((100..png.len()).step_by(29)) {
            assert!(
                prepare_attachment(&png[..n], None).is_err(),
                "PNG prefix {n}"
            );
        }
        for input in [small_photo(), png] {
            for _ in 0..200 {
                let mut damaged = input.clone();
                for _ in 0..1 + rng.next() % 8 {
                    let at = (rng.next() as usize) % damaged.len();
                    damaged[at] = rng.next() as u8;
                }
                if let Ok(out) = prepare_attachment(&damaged, None) {
                    assert!(out.bytes.len() <= TARGET_IMAGE_BYTES);
                }
            }
        }
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        // A PNG declaring 100 000 × 100 000 pixels (10 gigapixels) in 60 bytes.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let bomb = [
            &b"\x89PNG\r\n\x1a\n"[..],
            &png_chunk(b"IHDR", &ihdr),
            &png_chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
            &png_chunk(b"IEND", &[]),
        ]
        .concat();
        let err = prepare_attachment(&bomb, None).unwrap_err();
        assert!(
            matches!(
                err,
                MediaError::TooManyPixels {
                    width: 100_000,
                    height: 100_000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.code(), "attachment_too_many_pixels");

        // A JPEG whose frame header claims 65 535 × 65 535.
        let mut jpeg_bomb = small_photo();
        let sof = find(&jpeg_bomb, &[0xFF, 0xC0]).unwrap();
        jpeg_bomb[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
        let err = prepare_attachment(&jpeg_bomb, None).unwrap_err();
        assert!(matches!(err, MediaError::TooManyPixels { .. }), "{err:?}");
    }

    #[test]
    fn every_error_has_a_code_and_plain_messages() {
        let errors = [
            MediaError::Empty,
            MediaError::TooLarge {
                size: 11,
                max: 10 * 1024 * 1024,
            },
            MediaError::UnsupportedType { detected: None },
            MediaError::UnsupportedType {
                detected: Some("image/heic".into()),
            },
            MediaError::TooManyPixels {
                width: 1,
                height: 1,
                max_pixels: 1,
            },
            MediaError::Corrupt("x".into()),
            MediaError::PdfEncrypted,
            MediaError::Internal("x".into()),
        ];
        for e in errors {
            assert!(e.code() == "internal" || e.code().starts_with("attachment_"));
            let (vi, en) = (e.message(Lang::Vi), e.message(Lang::En));
            assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{e:?}");
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            MediaError::Corrupt("x".into()).message(Lang::En),
            "The file is damaged or incomplete and could not be read. Take the photo again or choose the file again."
        );
    }

    #[test]
    fn fit_keeps_the_aspect_and_never_reaches_zero() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(50_000, 1, 1600), (1600, 1));
    }
}
