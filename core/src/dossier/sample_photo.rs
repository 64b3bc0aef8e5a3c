//! A synthetic photographed page, for the media tests and the media benchmark (both
//! include this file; it is not part of the library). Deterministic, so every run measures
//! the same picture.

#![allow(dead_code)]

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageBuffer, Rgb, RgbImage};

/// Deterministic noise (xorshift32).
pub(crate) struct Noise(pub(crate) u32);

impl Noise {
    pub(crate) fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// An upright photographed page: light paper, lines of dark "words", a red stamp,
/// a blue signature, sensor noise. Each pixel is a function of its position, so a
/// page can be drawn in any pixel order (e.g. straight into a rotated buffer).
pub(crate) struct Page {
    width: u32,
    height: u32,
    line_pitch: u32,
    stroke: u32,
    /// Per text line, per column: ink or not.
    ink: Vec<Vec<bool>>,
    /// Per column: the row of the signature's centre, if it crosses that column.
    signature: Vec<Option<u32>>,
}

impl Page {
    pub(crate) fn new(width: u32, height: u32) -> Page {
        let mut rng = Noise(0x9E37_79B9);
        let line_pitch = (height / 60).max(4);
        let margin = width / 12;
        let ink = (0..=height / line_pitch)
            .map(|_| {
                let mut line = vec![false; width as usize];
                let mut x = margin;
                while x < width - margin {
                    let w = 20 + rng.next() % (width / 20).max(1);
                    for i in x..(x + w).min(width - margin) {
                        line[i as usize] = true;
                    }
                    x += w + 10 + rng.next() % 20;
                }
                line
            })
            .collect();
        let signature = (0..width)
            .map(|x| {
                let sx = f64::from(x) / f64::from(width);
                let y = f64::from(height) * (0.80 + 0.02 * (sx * 40.0).sin());
                (sx > 0.1 && sx < 0.4).then_some(y as u32)
            })
            .collect();
        Page {
            width,
            height,
            line_pitch,
            stroke: (line_pitch * 2 / 5).max(1),
            ink,
            signature,
        }
    }

    pub(crate) fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let (w, h) = (self.width, self.height);
        let shade = 236 - (x * 20 / w) as i32;
        let mut px = [shade, shade - 2, shade - 8];
        if y > h / 10
            && y < h * 3 / 4
            && y % self.line_pitch < self.stroke
            && self.ink[(y / self.line_pitch) as usize][x as usize]
        {
            px = [40, 40, 52];
        }
        // Stamp: a red ring.
        let (dx, dy) = (
            i64::from(x) - i64::from(w * 3 / 4),
            i64::from(y) - i64::from(h * 5 / 6),
        );
        let r = i64::from(w / 10);
        let d2 = dx * dx + dy * dy;
        if d2 >= (r - r / 12).pow(2) && d2 <= r * r {
            px = [200, 30, 40];
        }
        // Signature: a blue wave.
        if self.signature[x as usize].is_some_and(|c| y.abs_diff(c) <= self.stroke / 2) {
            px = [30, 50, 170];
        }
        // Sensor noise: a hash of the position, in -10..=10.
        let mut n = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77);
        n ^= n >> 15;
        n = n.wrapping_mul(0x2C1B_3C6D);
        n ^= n >> 12;
        let n = (n % 21) as i32 - 10;
        px.map(|c| (c + n).clamp(0, 255) as u8)
    }
}

pub(crate) fn document(width: u32, height: u32) -> RgbImage {
    let page = Page::new(width, height);
    ImageBuffer::from_fn(width, height, |x, y| Rgb(page.pixel(x, y)))
}

/// A minimal EXIF APP1 segment: a big-endian TIFF header and one IFD with the
/// orientation tag (0x0112, SHORT) and a GPS IFD pointer (0x8825) to an empty IFD.
pub(crate) fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0x8825u16.to_be_bytes());
    tiff.extend_from_slice(&4u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&38u32.to_be_bytes()); // the GPS IFD, just below
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    tiff.extend_from_slice(&0u16.to_be_bytes()); // GPS IFD: no entries
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

pub(crate) fn jpeg(image: &RgbImage, quality: u8, orientation: Option<u16>) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    match orientation {
        Some(o) => [&out[..2], &exif_app1(o), &out[2..]].concat(),
        None => out,
    }
}

/// A portrait page held upright, stored by the "camera" as 4000×3000 landscape pixels
/// with orientation 6 (turn 90° clockwise to view): stored pixel (x, y) shows upright
/// pixel (2999 − y, x). JPEG quality 92, a few MB, like a phone's photo.
pub(crate) fn photo_12mp() -> Vec<u8> {
    let page = Page::new(3000, 4000);
    let mut stored = Vec::with_capacity(4000 * 3000 * 3);
    for y in 0..3000 {
        for x in 0..4000 {
            stored.extend_from_slice(&page.pixel(2999 - y, x));
        }
    }
    let stored = RgbImage::from_raw(4000, 3000, stored).unwrap();
    jpeg(&stored, 92, Some(6))
}
