//! Autosave and start-up benchmark (docs/ARCHITECTURE.md budgets: a field change saved < 2 ms; opening
//! the core with 2,000 procedures and 1,000 drafts cached < 30 ms). Real files in a
//! temporary directory, the real SQLite (WAL), sealing with AES-256-GCM.
//!
//! Run: `cargo bench -p motcua-core --bench autosave`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_core::secure_store::MemorySecureStore;
use motcua_core::{CoreConfig, MotCua};
use motcua_protocol::catalog::{AliasesFile, ProceduresFile, assemble};

const SAVES: usize = 2000;
const DRAFTS: usize = 1000;

fn read<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/catalog")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("catalog file")).expect("catalog JSON")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn open(dir: &Path, secrets: &Arc<MemorySecureStore>) -> MotCua {
    let config = CoreConfig::new(
        dir.to_path_buf(),
        url::Url::parse("http://127.0.0.1:9").expect("url"),
        "http://127.0.0.1:9/oidc".into(),
        "motcua-app".into(),
    );
    MotCua::open(config, secrets.clone()).expect("core opens")
}

fn main() {
    let real: ProceduresFile = read("procedures.json");
    let aliases: AliasesFile = read("aliases.json");
    let procedures = motcua_protocol::synthetic::catalog(&real.procedures, 2000);
    let catalog = assemble(procedures, aliases.aliases).expect("catalog");
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = Arc::new(MemorySecureStore::new());
    let core = open(dir.path(), &secrets);
    core.catalog().install_catalog(&catalog).expect("install");
    let dossier = core.dossier();

    // Autosave: one field change = validate + seal + one transaction.
    let draft = dossier.create_draft("1.004873").expect("draft");
    let mut times = Vec::with_capacity(SAVES);
    for i in 0..SAVES {
        let (field, value) = if i % 2 == 0 {
            ("intended_spouse", format!("Trần Thị Mai {i}"))
        } else {
            ("phone", format!("09{:08}", i))
        };
        let started = Instant::now();
        dossier.set_field(&draft.id, field, &value).expect("saved");
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "autosave ({SAVES} field changes, WAL, sealed): p50 {}  p99 {}  max {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().expect("times"))
    );

    // A profile with years of use: 1,000 drafts with fields.
    for i in 0..DRAFTS {
        let d = dossier.create_draft("1.004873").expect("draft");
        dossier
            .set_field(&d.id, "intended_spouse", &format!("Người số {i}"))
            .expect("field");
    }
    drop(core);

    let mut opens = Vec::new();
    let mut first_search = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let core = open(dir.path(), &secrets);
        opens.push(started.elapsed());
        let started = Instant::now();
        let hits = core
            .catalog()
            .search_procedures("giay doc than", 5)
            .expect("search");
        first_search.push(started.elapsed());
        assert!(!hits.is_empty());
    }
    opens.sort();
    first_search.sort();
    println!(
        "open the core (2,000 procedures, {DRAFTS} drafts cached): p50 {}  max {}",
        ms(percentile(&opens, 0.5)),
        ms(*opens.last().expect("opens"))
    );
    println!(
        "first search after open (loads the catalog and builds the index): p50 {}  max {}",
        ms(percentile(&first_search, 0.5)),
        ms(*first_search.last().expect("searches"))
    );
}
