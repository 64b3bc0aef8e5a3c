//! The process the kill test kills: it autosaves a field in a loop, printing `ack <n>` after
//! each save returns, and now and then fills and submits a new dossier. At start it
//! resumes the outbox, as the app does. `finish` mode delivers whatever is still queued.
//!
//! Usage: motcua-kill-worker <data-dir> <portal-url> <issuer> <edit-draft-id> <start> [finish]

use std::io::Write as _;

use motcua_core::MotCua;
use motcua_tests::worker::{PROCEDURE, ack, failed, main_with};

fn main() {
    main_with(
        "motcua-kill-worker <data-dir> <portal> <issuer> <draft> <start> [finish]",
        6,
        run,
    )
}

async fn run(args: Vec<String>, core: MotCua) -> i32 {
    let dossier = core.dossier();
    let finish = args.get(6).is_some_and(|m| m == "finish");
    if finish {
        for _ in 0..30 {
            if let Err(error) = dossier.run_outbox(true, None).await {
                eprintln!("outbox: {error}");
            }
            if dossier.pending_submissions().unwrap_or(1) == 0 {
                println!("done");
                return 0;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        return 1;
    }
    // Like the app at start: resume what an earlier run left in the outbox.
    let _ = dossier.run_outbox(true, None).await;
    let draft = &args[4];
    let start: u64 = args[5].parse().unwrap_or(0);
    let Ok(Some(procedure)) = core.catalog().open_procedure(PROCEDURE).await else {
        eprintln!("catalog missing");
        return 1;
    };
    let mut stdout = std::io::stdout();
    for i in start.. {
        match dossier.set_field(draft, "intended_spouse", &format!("v{i}")) {
            Ok(_) => ack(i),
            Err(error) => return failed("set_field", error),
        }
        if i % 5 == 0 {
            let Ok(created) = dossier.create_draft(PROCEDURE) else {
                return 1;
            };
            if motcua_tests::complete_draft(dossier, &procedure, &created.id, i).is_err() {
                return 1;
            }
            match dossier.submit(&created.id, None).await {
                Ok(outcome) => {
                    let _ = writeln!(stdout, "submit {} {outcome:?}", created.id);
                }
                Err(error) => return failed("submit", error),
            }
        }
    }
    0
}
