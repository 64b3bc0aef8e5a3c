//! `motcua demo`: the README's main job. Starts an embedded portal on a temporary data
//! directory and a free loopback port, then walks the citizen's journey through the real
//! core over real HTTP, printing each step: login, the catalog, a dossier through the desk
//! with its receipt, and a second dossier whose fee is paid by VietQR transfer ([`fee`]).

mod fee;

use std::sync::Arc;
use std::time::Instant;

use motcua_core::secure_store::MemorySecureStore;
use motcua_core::{APP_REDIRECT_URI, CoreConfig, Localized as _, MotCua};
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::receipt::RootKey;
use serde::Serialize;

use motcua_core::desk::DeskClient;
use motcua_protocol::api::desk::DeskActionRequest;
use motcua_protocol::api::tracking::StatusChange;
use motcua_protocol::lifecycle::ActionKind;

use crate::browser::{Browser, Landing};
use crate::client::fetch_client_config;
use crate::error::CliError;
use crate::output::{Output, profile_text};

/// The procedure the demo files: the marital status certificate ("giấy độc thân").
const DEMO_PROCEDURE: &str = "1.004873";

/// The declaration form the demo attaches: a one-page PDF.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n\
trailer << /Root 1 0 R >>\n%%EOF\n";

/// The demo staff accounts' password (the portal's development default).
const DEMO_STAFF_PASSWORD: &str = "motcua-dev";

/// What a sync brought, as one line: each status, with the appointment when set.
fn synced_line(out: &Output, changes: &[StatusChange]) -> String {
    changes
        .iter()
        .map(|c| {
            let mut text = c.status.label(out.lang).to_owned();
            if let Some(date) = &c.appointment_date {
                text.push_str(&format!(" ({} {date})", out.t("hẹn trả", "appointment")));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One printed step of the demo.
#[derive(Debug, Serialize)]
struct Step<'a> {
    step: usize,
    title: &'a str,
    detail: String,
    millis: u128,
}

struct Steps<'o> {
    out: &'o Output,
    count: usize,
    started: Instant,
}

impl Steps<'_> {
    fn print(&mut self, vi: &str, en: &str, detail: String) {
        self.count += 1;
        let title = self.out.t(vi, en);
        let millis = self.started.elapsed().as_millis();
        self.out.result(
            &Step {
                step: self.count,
                title,
                detail: detail.clone(),
                millis,
            },
            || {
                let indented = detail
                    .lines()
                    .map(|l| format!("     {l}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                format!("{:>2}. {title}  ({millis} ms)\n{indented}", self.count)
            },
        );
    }
}

/// After the acceptance: the receipt the phone synced, and the desk verifying it offline.
async fn show_receipt(
    out: &Output,
    steps: &mut Steps<'_>,
    core: &MotCua,
    code: &str,
) -> Result<(), CliError> {
    let area = core.receipt();
    let view = area.receipt(code)?;
    steps.print(
        "Giấy tiếp nhận có mã QR về điện thoại (ký Ed25519, COSE, Base45)",
        "The receipt QR code reached the phone (Ed25519, COSE, Base45)",
        format!(
            "{}\n{} {} · {} {} · {} {}",
            view.qr_text,
            out.t("QR phiên bản", "QR version"),
            view.qr.version,
            out.t("mức", "level"),
            view.qr.ec_level,
            out.t("khóa", "key"),
            view.kid
        ),
    );
    let list = area.refresh_trust_list().await?;
    let verification = area.verify_receipt(&view.qr_text)?;
    steps.print(
        "Bàn một cửa tải danh sách khóa một lần, rồi kiểm tra giấy tiếp nhận không cần mạng",
        "The desk fetches the key list once, then verifies the receipt with no network",
        format!(
            "{} [{}] · {} #{} ({} {})",
            verification.verdict.message(out.lang),
            verification.verdict.code(),
            out.t("danh sách khóa", "key list"),
            list.sequence,
            list.keys,
            out.t("khóa", "keys")
        ),
    );
    Ok(())
}

/// Runs the demo.
pub async fn run(out: &Output) -> Result<(), CliError> {
    let workspace = tempfile::tempdir()?;
    let mut steps = Steps {
        out,
        count: 0,
        started: Instant::now(),
    };

    let portal_config = motcua_portal::PortalConfig::for_tests(&workspace.path().join("portal"));
    let portal = motcua_portal::start(portal_config)
        .await
        .map_err(|e| CliError::Portal(e.to_string()))?;
    let portal_url = portal.base_url();
    steps.print(
        "Khởi động cổng dịch vụ công (kèm nhà cung cấp định danh thử nghiệm)",
        "Started the portal (with its development identity provider)",
        format!("{portal_url}  ·  issuer {}", portal.issuer()),
    );

    let client_config = fetch_client_config(&portal_url).await?;
    let secrets = Arc::new(MemorySecureStore::new());
    let mut core_config = CoreConfig::new(
        workspace.path().join("phone"),
        portal_url.clone(),
        client_config.issuer.clone(),
        client_config.client_id.clone(),
    );
    // The app's branding carries the province root key; the demo's portal made it.
    core_config.receipt_root_key = RootKey::parse(&portal.receipt_root_key());
    let core = MotCua::open(core_config, secrets.clone())?;
    steps.print(
        "Mở lõi ứng dụng (như trên điện thoại)",
        "Opened the app core (as on a phone)",
        format!(
            "client_id {}  ·  redirect {APP_REDIRECT_URI}",
            client_config.client_id
        ),
    );

    let identity = core.identity();
    let request = identity.begin_login().await?;
    steps.print(
        "Bắt đầu đăng nhập: PKCE S256, state, nonce",
        "Login started: PKCE S256, state, nonce",
        request.url.split('?').next().unwrap_or_default().to_owned(),
    );

    let browser = Browser::new(&request.redirect_uri)?;
    let Landing::Page(login_page) = browser.open(&request.url).await? else {
        return Err(CliError::Portal(
            "the provider skipped its login page".into(),
        ));
    };
    let citizens = motcua_portal::demo_citizens();
    let chosen = citizens
        .iter()
        .filter(|c| c.level == IdentityLevel::Level2)
        .max_by_key(|c| std::cmp::Reverse(c.birth_date))
        .or_else(|| citizens.first())
        .ok_or_else(|| CliError::Portal("no demo citizens".into()))?;
    let offered = login_page
        .attributes("form[data-citizen]", "data-citizen")
        .len();
    steps.print(
        "Trang đăng nhập của nhà cung cấp định danh",
        "The identity provider's login page",
        format!(
            "{offered} {}; {} {}",
            out.t("công dân thử nghiệm", "demo citizens"),
            out.t("chọn", "choosing"),
            chosen.full_name
        ),
    );

    let form = login_page.form(&format!("form[data-citizen='{}']", chosen.subject))?;
    let Landing::Callback(callback) = browser.submit(&form).await? else {
        return Err(CliError::Portal(
            "the provider did not redirect back to the app".into(),
        ));
    };
    steps.print(
        "Nhà cung cấp chuyển về ứng dụng với mã xác thực",
        "The provider redirected back to the app with a code",
        callback.split('?').next().unwrap_or_default().to_owned(),
    );

    let profile = identity.complete_login(&callback).await?;
    steps.print(
        "Đăng nhập xong: ID token hợp lệ, đã có phiên làm việc với cổng",
        "Logged in: ID token valid, portal session opened",
        profile_text(out, &profile),
    );

    let confirmed = identity.whoami().await?;
    steps.print(
        "Cổng xác nhận người dùng (whoami)",
        "The portal confirms who is logged in (whoami)",
        format!(
            "{} · {} {}",
            confirmed.full_name,
            out.t("mức", "level"),
            confirmed.identity_level.number()
        ),
    );

    let refreshed = core.catalog().refresh_catalog().await?;
    let procedures = match &refreshed {
        motcua_core::catalog::CatalogRefresh::Updated { procedures, .. } => *procedures,
        motcua_core::catalog::CatalogRefresh::Unchanged { .. } => 0,
    };
    steps.print(
        "Tải danh mục thủ tục hành chính về máy (dùng được khi mất mạng)",
        "Downloaded the procedure catalog to the device (usable offline)",
        format!("{procedures} {}", out.t("thủ tục", "procedures")),
    );

    for query in ["giay doc than", "làm giấy khai sinh cho con", "dang ky k"] {
        let hits = core.catalog().search_procedures(query, 3)?;
        let lines: Vec<String> = hits
            .iter()
            .map(|hit| format!("{}  [{}]", hit.name_vi, hit.code))
            .collect();
        steps.print(
            "Tìm thủ tục bằng lời của người dân (không dấu, gõ dở, cách gọi quen)",
            "Searched in people's own words (no diacritics, half-typed, colloquial)",
            format!("\"{query}\" →\n{}", lines.join("\n")),
        );
    }

    // A dossier: the marital status certificate, pre-filled from the identity.
    let dossier = core.dossier();
    core.catalog().open_procedure(DEMO_PROCEDURE).await?;
    let draft = dossier.create_draft(DEMO_PROCEDURE)?;
    let prefilled: Vec<&str> = draft
        .fields
        .iter()
        .filter(|f| f.prefilled)
        .map(|f| f.field_id.as_str())
        .collect();
    steps.print(
        "Tạo hồ sơ nháp, điền sẵn từ tài khoản định danh",
        "Created a draft, pre-filled from the electronic identity",
        format!(
            "{}\n{}: {}",
            draft.procedure_name,
            out.t("điền sẵn", "pre-filled"),
            prefilled.join(", ")
        ),
    );
    let commune = motcua_protocol::admin_units::search_communes("phuong thuan hoa", 1)
        .first()
        .map(|c| c.code.clone())
        .unwrap_or_default();
    let typed = [
        ("current_status", "never_married"),
        ("purpose", "marriage_vn"),
        ("registration_unit", commune.as_str()),
        ("phone", "0912 345 678"),
    ];
    let mut saved = Vec::new();
    for (field, value) in typed {
        let state = dossier.set_field(&draft.id, field, value)?;
        saved.push(format!(
            "{field} = {}{}",
            state.value.unwrap_or_default(),
            state
                .error
                .map(|e| format!("  ⚠ {}", motcua_core::Localized::message(&e, out.lang)))
                .unwrap_or_default()
        ));
    }
    steps.print(
        "Điền từng mục; mỗi thay đổi được lưu ngay (mã hóa trên máy)",
        "Filled the fields; each change is saved at once (sealed on the device)",
        saved.join("\n"),
    );
    let attachment =
        dossier.add_attachment(&draft.id, "declaration_form", "to-khai.pdf", DEMO_PDF, None)?;
    steps.print(
        "Đính kèm tờ khai",
        "Attached the declaration form",
        format!("{} ({} B)", attachment.file_name, attachment.size),
    );
    let outcome = dossier.submit(&draft.id, None).await?;
    let code = match &outcome {
        motcua_core::dossier::DeliveryOutcome::Delivered { dossier_code } => dossier_code.clone(),
        other => format!("{other:?}"),
    };
    steps.print(
        "Nộp hồ sơ đúng một lần (tải lên tiếp nối được, khóa chống trùng)",
        "Submitted exactly once (resumable upload, idempotency key)",
        format!("{} {code}", out.t("Mã hồ sơ:", "Dossier code:")),
    );

    // The one-stop desk moves the dossier; the phone follows it by syncing. Each officer
    // has a staff session of their own, kept apart from the citizen's.
    let reception = DeskClient::new(portal_url.clone(), Arc::new(MemorySecureStore::new()))?;
    let specialist = DeskClient::new(portal_url.clone(), Arc::new(MemorySecureStore::new()))?;
    reception.login("tiepnhan", DEMO_STAFF_PASSWORD).await?;
    specialist.login("chuyenvien", DEMO_STAFF_PASSWORD).await?;
    let desk_step = |action: ActionKind, missing: Vec<String>| DeskActionRequest {
        action,
        note: None,
        reason: None,
        missing,
    };
    let act_and_sync = async |officer: &DeskClient,
                              request: DeskActionRequest,
                              vi: &str,
                              en: &str,
                              steps: &mut Steps<'_>|
           -> Result<(), CliError> {
        let after = officer.act(&code, &request).await?;
        let changes = core.tracking().sync().await?;
        steps.print(
            vi,
            en,
            format!(
                "{} · {} {}",
                after.status.label(out.lang),
                out.t("điện thoại đồng bộ:", "phone synced:"),
                synced_line(out, &changes)
            ),
        );
        Ok(())
    };
    act_and_sync(
        &reception,
        desk_step(ActionKind::Accept, Vec::new()),
        "Bộ phận một cửa tiếp nhận hồ sơ, hẹn ngày trả",
        "The desk accepts the dossier and sets the appointment",
        &mut steps,
    )
    .await?;
    show_receipt(out, &mut steps, &core, &code).await?;
    act_and_sync(
        &reception,
        desk_step(ActionKind::StartProcessing, Vec::new()),
        "Chuyển chuyên viên giải quyết",
        "Passed to the specialist",
        &mut steps,
    )
    .await?;
    act_and_sync(
        &specialist,
        desk_step(
            ActionKind::RequestSupplement,
            vec!["Tờ khai có chữ ký của người yêu cầu".to_owned()],
        ),
        "Chuyên viên yêu cầu bổ sung (tạm dừng tính thời hạn)",
        "The specialist asks for a supplement (the clock pauses)",
        &mut steps,
    )
    .await?;

    // The citizen answers on the phone: same sealed drafts, same exactly-once outbox.
    let answer = dossier.answer_supplement(&code)?;
    dossier.set_field(
        &answer.id,
        motcua_core::dossier::SUPPLEMENT_NOTE_FIELD,
        "Tôi gửi lại tờ khai đã ký.",
    )?;
    dossier.add_attachment(
        &answer.id,
        "declaration_form",
        "to-khai-da-ky.pdf",
        DEMO_PDF,
        None,
    )?;
    let answered = dossier.submit(&answer.id, None).await?;
    let changes = core.tracking().sync().await?;
    steps.print(
        "Công dân bổ sung ngay trên điện thoại (gửi đúng một lần)",
        "The citizen answers on the phone (sent exactly once)",
        format!(
            "{}: {} · {} {}",
            out.t("Cần bổ sung", "Requested"),
            answer.requested.join("; "),
            match answered {
                motcua_core::dossier::DeliveryOutcome::Delivered { .. } =>
                    out.t("đã gửi ·", "sent ·"),
                _ => out.t("chờ gửi lại ·", "queued ·"),
            },
            synced_line(out, &changes)
        ),
    );
    act_and_sync(
        &specialist,
        desk_step(ActionKind::MarkResultReady, Vec::new()),
        "Chuyên viên hoàn thành, có kết quả",
        "The specialist finishes: result ready",
        &mut steps,
    )
    .await?;
    act_and_sync(
        &reception,
        desk_step(ActionKind::HandBack, Vec::new()),
        "Trả kết quả cho công dân",
        "Result handed to the citizen",
        &mut steps,
    )
    .await?;
    if let Some(tracked) = core.tracking().dossier(&code)? {
        let timeline: Vec<String> = tracked
            .timeline
            .iter()
            .map(|c| format!("{}  {}", c.at, c.status.label(out.lang)))
            .collect();
        steps.print(
            "Dòng thời gian của hồ sơ (xem được cả khi mất mạng)",
            "The dossier's timeline (viewable offline)",
            timeline.join("\n"),
        );
    }

    fee::pay_a_fee(
        out,
        &mut steps,
        &core,
        &portal_url,
        fee::Officers {
            reception: &reception,
            specialist: &specialist,
        },
    )
    .await?;
    reception.logout().await?;
    specialist.logout().await?;

    identity.refresh().await?;
    steps.print(
        "Làm mới phiên (refresh token được thay mới)",
        "Session refreshed (refresh token rotated)",
        out.t(
            "token chỉ nằm trong kho bảo mật",
            "tokens live only in secure storage",
        )
        .to_owned(),
    );

    let logout = identity.logout().await?;
    steps.print(
        "Đăng xuất: phiên bị thu hồi trên cổng",
        "Logged out: session revoked on the portal",
        format!(
            "revoked_on_portal = {}  ·  {} {}",
            logout.revoked_on_portal,
            out.t(
                "token đã xóa; còn lại trong kho bảo mật:",
                "tokens erased; left in secure storage:"
            ),
            secrets.keys().join(", ")
        ),
    );

    portal.shutdown().await;
    steps.print(
        "Dừng cổng và xóa dữ liệu tạm",
        "Stopped the portal and removed the temporary data",
        String::new(),
    );
    Ok(())
}
