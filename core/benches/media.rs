//! Attachment preparation benchmark: a synthetic 12 MP photo of an A4 page (4000×3000
//! JPEG, quality 92, EXIF orientation 6, as a phone held upright stores it) prepared for
//! upload five times. Prints the input size, the output size and dimensions, p50 and max
//! time, and the time of each stage of the median run. Budget (DESIGN.md): ≤ 300 KB and
//! < 1 s on a desktop.
//!
//! Run: `cargo bench -p motcua-core --bench media`

use std::sync::Mutex;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageBuffer, Rgb, RgbImage};
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
/// signature, sensor noise (the same generator as the unit tests of `media.rs`).
fn document(width: u32, height: u32) -> RgbImage {
    let mut rng = Noise(0x9E37_79B9);
    let line_pitch = (height / 60).max(4);
    let stroke = (line_pitch * 2 / 5).max(1);
    let margin = width / 12;
    let mut words: Vec<Vec<(u32, u32)>> = Vec::new();
    for _ in 0..height / line_pitch + 1 {
        let mut line = Vec::new();
        let mut x = margin;
        while x < width - margin {
            let w = 20 + rng.next() % (width / 20).max(1);
            line.push((x, (x + w).min(width - margin)));
            x += w + 10 + rng.next() % 20;
        }
        words.push(line);
    }
    let (cx, cy, r) = (width * 3 / 4, height * 5 / 6, width / 10);
    ImageBuffer::from_fn(width, height, |x, y| {
        let shade = 236 - (i32::try_from(x * 20 / width).unwrap_or(0));
        let mut px = [shade, shade - 2, shade - 8];
        let line = (y / line_pitch) as usize;
        let in_text_band = y > height / 10 && y < height * 3 / 4;
        if in_text_band
            && y % line_pitch < stroke
            && words[line].iter().any(|&(a, b)| x >= a && x < b)
        {
            px = [40, 40, 52];
        }
        let d2 = (i64::from(x) - i64::from(cx)).pow(2) + (i64::from(y) - i64::from(cy)).pow(2);
        let (r_in, r_out) = (i64::from(r - r / 12), i64::from(r));
        if d2 >= r_in * r_in && d2 <= r_out * r_out {
            px = [200, 30, 40];
        }
        let sx = f64::from(x) / f64::from(width);
        let wave = f64::from(height) * (0.80 + 0.02 * (sx * 40.0).sin());
        if sx > 0.1 && sx < 0.4 && (f64::from(y) - wave).abs() < f64::from(stroke) / 2.0 {
            px = [30, 50, 170];
        }
        let n = (rng.next() % 21) as i32 - 10;
        Rgb(px.map(|c| (c + n).clamp(0, 255) as u8))
    })
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

fn photo_12mp() -> Vec<u8> {
    let stored = image::imageops::rotate270(&document(3000, 4000));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode(stored.as_raw(), 4000, 3000, ExtendedColorType::Rgb8)
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
    let attempts = events
        .iter()
        .filter(|e| e.0 == PrepareStage::Encoding && e.1 > 0)
        .count();
    println!("{line}; {attempts} JPEG encoding(s)");
}
