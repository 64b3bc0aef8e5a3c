//! The process the assisted-session kill test kills: on the volunteer's profile it opens
//! an assisted session, prints `login <url> <redirect>` and reads the callback URL on
//! standard input, completes the citizen's login, starts a draft and then saves the
//! citizen's form values in a loop, printing `ack <n>` after each save, until killed.
//!
//! Usage: motcua-assist-worker <data-dir> <portal-url> <issuer>

use std::io::{BufRead as _, Write as _};

use motcua_core::MotCua;
use motcua_core::assist::CONSENT_STATEMENT_VERSION;
use motcua_tests::worker::{PROCEDURE, ack, failed, main_with};

fn main() {
    main_with("motcua-assist-worker <data-dir> <portal> <issuer>", 4, run)
}

async fn run(_args: Vec<String>, volunteer: MotCua) -> i32 {
    let session = match volunteer
        .assist()
        .begin_assisted_session(CONSENT_STATEMENT_VERSION)
    {
        Ok(session) => session,
        Err(error) => return failed("begin", error),
    };
    let citizen = session.core();
    let request = match citizen.identity().begin_login().await {
        Ok(request) => request,
        Err(error) => return failed("login", error),
    };
    println!("login {} {}", request.url, request.redirect_uri);
    let _ = std::io::stdout().flush();
    let mut callback = String::new();
    if std::io::stdin().lock().read_line(&mut callback).is_err() {
        return 1;
    }
    if let Err(error) = citizen.identity().complete_login(callback.trim()).await {
        return failed("complete", error);
    }
    let dossier = citizen.dossier();
    let draft = match dossier.create_draft(PROCEDURE) {
        Ok(draft) => draft,
        Err(error) => return failed("draft", error),
    };
    println!("draft {}", draft.id);
    let mut n: u64 = 0;
    loop {
        n += 1;
        // The same distinctive values the test looks for, saved again and again.
        let (field, value) = if n.is_multiple_of(2) {
            ("phone", "0987654321")
        } else {
            ("purpose", "marriage_vn")
        };
        if let Err(error) = dossier.set_field(&draft.id, field, value) {
            return failed("set", error);
        }
        ack(n);
    }
}
