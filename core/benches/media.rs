//! Attachment preparation benchmark: a synthetic 12 MP photo of an A4 page (4000×3000
//! JPEG, quality 92, EXIF orientation 6, as a phone held upright stores it) prepared for
//! upload five times. Prints the input size, the output size and dimensions, p50 and max
//! time, and the time of each stage of the median run. Budget (docs/ARCHITECTURE.md): ≤ 300 KB and
//! < 1 s on a desktop.
//!
//! Run: `cargo bench -p motcua-core --bench media`

use std::sync::Mutex;
use std::time::{Duration, Instant};

use motcua_core::dossier::media::{PrepareStage, ProgressListener, prepare_attachment};

const ROUNDS: usize = 5;

#[path = "../src/dossier/sample_photo.rs"]
mod sample_photo;

use sample_photo::photo_12mp;

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
