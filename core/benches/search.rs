//! Search benchmark: our index against SQLite FTS5 (`unicode61 remove_diacritics 2`) on
//! the synthetic 2,000-procedure catalog (the repository's real procedures plus generated
//! ones), with the labelled queries of `data/catalog/queries.json` and every keystroke of
//! typing them. Prints index build time, latency p50/p99 and recall@5 for both engines.
//!
//! Run: `cargo bench -p motcua-core --bench search`

use std::path::Path;
use std::time::{Duration, Instant};

use motcua_core::catalog::search::{SearchDocument, SearchIndex};
use motcua_protocol::catalog::{
    AliasesFile, LabelledQuery, Procedure, ProceduresFile, QueriesFile,
};
use rusqlite::Connection;

const CATALOG_SIZE: usize = 2000;
const ROUNDS: usize = 5;

fn read<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/catalog")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// What a person types, one keystroke at a time, ending with the full query.
fn keystrokes(queries: &[LabelledQuery]) -> Vec<String> {
    let mut all = Vec::new();
    for q in queries {
        let chars: Vec<char> = q.query.chars().collect();
        for end in 1..=chars.len() {
            all.push(chars[..end].iter().collect());
        }
    }
    all
}

/// A search engine under test: query in, codes of the top results out.
type SearchFn<'a> = Box<dyn FnMut(&str) -> Vec<String> + 'a>;

struct Engine<'a> {
    name: &'static str,
    search: SearchFn<'a>,
}

fn measure(engine: &mut Engine<'_>, inputs: &[String]) -> (Duration, Duration, Duration) {
    let mut times = Vec::with_capacity(inputs.len() * ROUNDS);
    for _ in 0..ROUNDS {
        for input in inputs {
            let started = Instant::now();
            let hits = (engine.search)(input);
            times.push(started.elapsed());
            std::hint::black_box(hits);
        }
    }
    times.sort();
    (
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        *times.last().unwrap_or(&Duration::ZERO),
    )
}

fn recall_at_5(engine: &mut Engine<'_>, queries: &[LabelledQuery]) -> (f64, Vec<String>) {
    let mut found = 0;
    let mut missed = Vec::new();
    for q in queries {
        let hits = (engine.search)(&q.query);
        if hits.iter().take(5).any(|code| q.relevant.contains(code)) {
            found += 1;
        } else {
            missed.push(q.query.clone());
        }
    }
    (found as f64 / queries.len() as f64, missed)
}

fn fts5_index(procedures: &[Procedure], aliases: &AliasesFile) -> Connection {
    let conn = Connection::open_in_memory().expect("sqlite");
    conn.execute_batch(
        "CREATE VIRTUAL TABLE fts USING fts5(code UNINDEXED, name_vi, aliases, name_en, field_vi,
             tokenize = 'unicode61 remove_diacritics 2');",
    )
    .expect("fts5 is compiled in");
    let tx = conn.unchecked_transaction().expect("tx");
    {
        let mut insert = tx
            .prepare("INSERT INTO fts (code, name_vi, aliases, name_en, field_vi) VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("insert");
        for p in procedures {
            let phrases: Vec<&str> = aliases
                .aliases
                .iter()
                .filter(|a| a.codes.contains(&p.code))
                .map(|a| a.phrase.as_str())
                .collect();
            insert
                .execute((
                    &p.code,
                    &p.name_vi,
                    phrases.join(" ; "),
                    &p.name_en,
                    &p.field_vi,
                ))
                .expect("row");
        }
    }
    tx.commit().expect("commit");
    conn
}

/// The usual way to put what a person typed into FTS5: each word quoted (so no syntax
/// error is possible), the last one as a prefix, any word may match, ranked by bm25.
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{w}\""))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut terms: Vec<String> = rest.to_vec();
    terms.push(format!("{last}*"));
    Some(terms.join(" OR "))
}

fn main() {
    let real: ProceduresFile = read("procedures.json");
    let aliases: AliasesFile = read("aliases.json");
    let queries: QueriesFile = read("queries.json");
    let procedures = motcua_protocol::synthetic::catalog(&real.procedures, CATALOG_SIZE);
    let documents: Vec<SearchDocument> = procedures
        .iter()
        .map(|p| SearchDocument {
            code: p.code.clone(),
            name_vi: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            field_vi: p.field_vi.clone(),
            aliases: aliases
                .aliases
                .iter()
                .filter(|a| a.codes.contains(&p.code))
                .map(|a| a.phrase.clone())
                .collect(),
            popularity: p.popularity,
        })
        .collect();

    let mut builds = Vec::new();
    let mut index = None;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        index = Some(SearchIndex::build(documents.clone()));
        builds.push(started.elapsed());
    }
    builds.sort();
    let index = index.expect("built");

    let mut fts_builds = Vec::new();
    let mut fts = None;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        fts = Some(fts5_index(&procedures, &aliases));
        fts_builds.push(started.elapsed());
    }
    fts_builds.sort();
    let fts = fts.expect("built");

    let full: Vec<String> = queries.queries.iter().map(|q| q.query.clone()).collect();
    let typing = keystrokes(&queries.queries);

    let mut ours = Engine {
        name: "motcua index",
        search: Box::new(|q: &str| index.search(q, 5).into_iter().map(|h| h.code).collect()),
    };
    let mut statement = fts
        .prepare("SELECT code FROM fts WHERE fts MATCH ?1 ORDER BY rank LIMIT 5")
        .expect("query");
    let mut sqlite = Engine {
        name: "SQLite FTS5",
        search: Box::new(move |q: &str| {
            let Some(expression) = fts5_query(q) else {
                return Vec::new();
            };
            statement
                .query_map([expression], |row| row.get::<_, String>(0))
                .map(|rows| rows.filter_map(Result::ok).collect())
                .unwrap_or_default()
        }),
    };

    println!(
        "catalog: {} procedures ({} real, {} synthetic); {} labelled queries; {} keystrokes; {ROUNDS} rounds",
        procedures.len(),
        real.procedures.len().min(CATALOG_SIZE),
        procedures.iter().filter(|p| p.synthetic).count(),
        full.len(),
        typing.len()
    );
    println!(
        "{:<14} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>10}",
        "engine",
        "build p50",
        "query p50",
        "query p99",
        "keys p50",
        "keys p99",
        "keys max",
        "recall@5"
    );
    for (engine, build) in [
        (&mut ours, percentile(&builds, 0.5)),
        (&mut sqlite, percentile(&fts_builds, 0.5)),
    ] {
        let (q50, q99, _) = measure(engine, &full);
        let (k50, k99, kmax) = measure(engine, &typing);
        let (recall, missed) = recall_at_5(engine, &queries.queries);
        println!(
            "{:<14} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>10.3}",
            engine.name,
            format!("{:.2} ms", build.as_secs_f64() * 1e3),
            micros(q50),
            micros(q99),
            micros(k50),
            micros(k99),
            micros(kmax),
            recall
        );
        if !missed.is_empty() {
            println!(
                "  {} missed ({}): {}",
                engine.name,
                missed.len(),
                missed.join(" | ")
            );
        }
    }
}
