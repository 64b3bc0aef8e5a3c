//! Attachment preparation benchmark: a synthetic 12 MP photo of an A4 page (4000×3000
//! JPEG, quality 92, EXIF orientation 6, as a phone held upright stores it) prepared for
//! upload five times. Prints the input size, the output size and dimensions, p50 and max
//! time, and the time of each stage of the median run. Budget (DESIGN.md): ≤ 300 KB and
//! < 1 s on a desktop.
//!
//! Run: `cargo bench -p motcua-core --bench media`

use std::sync::Mutex;
use std::time::{Duration, Instant};

use image::ExtendedColorType;
use image::codecs::jpeg::JpegEncoder;
use motcua_core::dossier::media::{PrepareStage, ProgressListener, prepare_attachment};

const ROUNDS: usize = 5;

/// Deterministic noise (xorshift32).
struct Noise(u32);

impl Noise {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// An upright photographed page: light paper, lines of dark "words", a red stamp, a blue
/// signature, sensor noise: the same page as in the unit tests of `media.rs`. Each pixel
/// is a function of its position, so the page can be drawn straight into a rotated
/// buffer.
struct Page {
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
    fn new(width: u32, height: u32) -> Page {
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

    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
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

/// A minimal EXIF APP1 segment with the orientation tag.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

/// A portrait page held upright, stored by the "camera" as 4000×3000 landscape pixels
/// with orientation 6: stored pixel (x, y) shows upright pixel (2999 − y, x).
fn photo_12mp() -> Vec<u8> {
    let page = Page::new(3000, 4000);
    let mut stored = Vec::with_capacity(4000 * 3000 * 3);
    for y in 0..3000 {
        for x in 0..4000 {
            stored.extend_from_slice(&page.pixel(2999 - y, x));
        }
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode(&stored, 4000, 3000, ExtendedColorType::Rgb8)
        .unwrap();
    [&out[..2], &exif_app1(6), &out[2..]].concat()
}

/// Records when each stage started and ended.
struct Timeline {
    start: Instant,
    events: Mutex<Vec<(PrepareStage, u64, u64, Duration)>>,
}

impl ProgressListener for Timeline {
    fn on_progress(&self, stage: PrepareStage, done: u64, total: u64) {
        let at = self.start.elapsed();
        self.events.lock().unwrap().push((stage, done, total, at));
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let input = photo_12mp();
    println!(
        "input: 4000×3000 JPEG q92 with EXIF orientation 6, {:.0} KB",
        input.len() as f64 / 1024.0
    );

    let mut runs = Vec::new();
    for _ in 0..ROUNDS {
        let timeline = Timeline {
            start: Instant::now(),
            events: Mutex::new(Vec::new()),
        };
        let out = prepare_attachment(&input, Some(&timeline)).expect("prepare");
        let elapsed = timeline.start.elapsed();
        runs.push((elapsed, out, timeline.events.into_inner().unwrap()));
    }
    runs.sort_by_key(|r| r.0);
    let (p50, out, events) = &runs[ROUNDS / 2];
    let max = runs[ROUNDS - 1].0;
    println!(
        "output: {} {}×{}, {:.1} KB (budget 300 KB), sha256 {}…",
        out.media_type,
        out.width.unwrap_or(0),
        out.height.unwrap_or(0),
        out.bytes.len() as f64 / 1024.0,
        &out.sha256[..16]
    );
    println!(
        "prepare_attachment over {ROUNDS} runs: p50 {}, max {} (budget < 1 s)",
        ms(*p50),
        ms(max)
    );
    // Stage times of the median run: from a stage's first event to the next stage's.
    let mut line = String::from("median run by stage:");
    for (i, (stage, _, _, at)) in events.iter().enumerate() {
        let first_of_stage = i == 0 || events[i - 1].0 != *stage;
        if first_of_stage {
            let end = events[i..]
                .iter()
                .find(|e| e.0 != *stage)
                .map_or(*p50, |e| e.3);
            line.push_str(&format!(" {stage:?} {}", ms(end - *at)));
        }
    }
    // One event per JPEG encoded (done = 1, 2, …); a closing (total, total) after an
    // early fit is not an encoding.
    let encoding: Vec<_> = events
        .iter()
        .filter(|e| e.0 == PrepareStage::Encoding && e.1 > 0)
        .collect();
    let closing =
        encoding.len() >= 2 && encoding[encoding.len() - 2].1 < encoding[encoding.len() - 1].1 - 1;
    let attempts = encoding.len() - usize::from(closing);
    println!("{line}; {attempts} JPEG encoding(s)");
}
