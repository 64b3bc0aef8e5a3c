//! `motcua search`, `motcua procedure`, `motcua catalog …`: the procedure catalog from the
//! command line. The catalog is refreshed when the portal answers (a cheap conditional
//! request) and read from the device otherwise.

use std::io::IsTerminal as _;
use std::path::Path;

use motcua_core::catalog::CatalogError;
use motcua_core::catalog::search::{MatchKind, MatchedText, SearchHit};
use motcua_protocol::catalog::{AgencyLevel, Fact, FieldKind, Procedure, ServiceLevel};
use serde::Serialize;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::{Output, terminal_safe};

/// The catalog shipped with the CLI: the repository's, the one the portal builds in.
const SHIPPED_PROCEDURES: &str = include_str!("../../data/catalog/procedures.json");
const SHIPPED_ALIASES: &str = include_str!("../../data/catalog/aliases.json");

/// Installs the shipped catalog when the profile has none (offline, no byte on the wire),
/// as the apps do at their first start.
pub(crate) fn install_shipped(client: &ClientContext) -> Result<(), CliError> {
    client
        .core
        .catalog()
        .install_bundled_catalog(SHIPPED_PROCEDURES, SHIPPED_ALIASES)?;
    Ok(())
}

/// Installs the shipped catalog if none is stored, then asks the portal for what changed
/// (one conditional request: a 304 or a delta); offline with a stored catalog is fine.
pub(crate) async fn refresh_if_possible(
    out: &Output,
    client: &ClientContext,
) -> Result<(), CliError> {
    install_shipped(client)?;
    match client.core.catalog().refresh_catalog().await {
        Ok(_) => Ok(()),
        Err(CatalogError::Network(_)) if client.core.catalog().catalog_version()?.is_some() => {
            if !out.json {
                eprintln!(
                    "{}",
                    out.t(
                        "(ngoại tuyến: dùng danh mục đã lưu trên máy)",
                        "(offline: using the catalog saved on this device)"
                    )
                );
            }
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Serialize)]
struct HitJson<'a> {
    code: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
    score: f32,
    kind: &'static str,
    matched_alias: Option<&'a str>,
    highlights: &'a [(usize, usize)],
}

fn kind_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Prefix => "prefix",
        MatchKind::Fuzzy => "fuzzy",
    }
}

/// `motcua search "<query>"`.
pub async fn search(
    out: &Output,
    client: &ClientContext,
    query: &str,
    limit: usize,
) -> Result<(), CliError> {
    refresh_if_possible(out, client).await?;
    let hits = client.core.catalog().search_procedures(query, limit)?;
    let json: Vec<HitJson<'_>> = hits
        .iter()
        .map(|hit| HitJson {
            code: &hit.code,
            name_vi: &hit.name_vi,
            name_en: &hit.name_en,
            score: hit.score,
            kind: kind_name(hit.kind),
            matched_alias: match &hit.matched {
                MatchedText::Alias(phrase) => Some(phrase),
                _ => None,
            },
            highlights: &hit.highlights,
        })
        .collect();
    let bold = std::io::stdout().is_terminal();
    // Styled: the highlights are escape sequences of ours; hit_line makes the catalog's
    // texts terminal-safe itself.
    out.result_styled(&json, || {
        if hits.is_empty() {
            return out
                .t(
                    "Không tìm thấy thủ tục nào. Hãy thử từ khác, ví dụ \"khai sinh\".",
                    "No procedure found. Try other words, for example \"birth\".",
                )
                .to_owned();
        }
        hits.iter()
            .enumerate()
            .map(|(i, hit)| hit_line(out, i + 1, hit, bold))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn hit_line(out: &Output, rank: usize, hit: &SearchHit, bold: bool) -> String {
    let name = match out.lang {
        motcua_core::Lang::Vi => highlight(&hit.name_vi, &hit.highlights, bold),
        motcua_core::Lang::En => terminal_safe(&hit.name_en).into_owned(),
    };
    let mut line = format!("{rank:>2}. {name}  [{}]", terminal_safe(&hit.code));
    if let MatchedText::Alias(phrase) = &hit.matched {
        line.push_str(&format!(
            "  ({} \"{}\")",
            out.t("còn gọi là", "also called"),
            terminal_safe(phrase)
        ));
    }
    line
}

/// Marks the highlighted ranges: bold on a terminal, «…» otherwise.
fn highlight(text: &str, ranges: &[(usize, usize)], bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    let mut result = String::with_capacity(text.len() + ranges.len() * 8);
    for (i, c) in text.chars().enumerate() {
        if ranges.iter().any(|&(start, _)| start == i) {
            result.push_str(open);
        }
        let mut one = [0u8; 4];
        result.push_str(&terminal_safe(c.encode_utf8(&mut one)));
        if ranges.iter().any(|&(_, end)| end == i + 1) {
            result.push_str(close);
        }
    }
    result
}

/// `motcua procedure <code>`.
pub async fn procedure(out: &Output, client: &ClientContext, code: &str) -> Result<(), CliError> {
    refresh_if_possible(out, client).await?;
    let procedure = client
        .core
        .catalog()
        .open_procedure(code)
        .await?
        .ok_or_else(|| CliError::NotFound(code.to_owned()))?;
    out.result(&procedure, || procedure_text(out, &procedure));
    Ok(())
}

fn money(amount: &Fact<u64>, out: &Output) -> String {
    match amount {
        Fact::Known(0) => out.t("miễn phí", "free").to_owned(),
        Fact::Known(vnd) => {
            let digits = vnd.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            format!("{grouped} đ")
        }
        Fact::Unknown { unknown } => {
            format!("{} ({unknown})", out.t("chưa xác định", "not established"))
        }
    }
}

fn procedure_text(out: &Output, p: &Procedure) -> String {
    let vi = matches!(out.lang, motcua_core::Lang::Vi);
    let mut lines = vec![
        format!("{}  [{}]", if vi { &p.name_vi } else { &p.name_en }, p.code),
        format!(
            "{}: {}",
            out.t("Lĩnh vực", "Field"),
            if vi { &p.field_vi } else { &p.field_en }
        ),
        format!(
            "{}: {} ({})",
            out.t("Cơ quan giải quyết", "Agency"),
            p.agency_vi,
            match p.agency_level {
                AgencyLevel::Central => out.t("trung ương", "central"),
                AgencyLevel::Province => out.t("cấp tỉnh", "province"),
                AgencyLevel::Commune => out.t("cấp xã", "commune"),
            }
        ),
        format!(
            "{}: {}",
            out.t("Mức độ", "Service level"),
            match p.service_level {
                ServiceLevel::FullyOnline => out.t("trực tuyến toàn trình", "fully online"),
                ServiceLevel::PartlyOnline => out.t(
                    "trực tuyến một phần (cần đến bộ phận một cửa)",
                    "partly online (a visit to the desk is needed)"
                ),
            }
        ),
        format!(
            "{}: {}",
            out.t("Thời hạn giải quyết", "Processing time"),
            match &p.processing_days {
                Fact::Known(days) => format!("{days} {}", out.t("ngày làm việc", "working days")),
                Fact::Unknown { unknown } =>
                    format!("{} ({unknown})", out.t("chưa xác định", "not established")),
            }
        ),
    ];
    let mut fee = format!(
        "{}: {}",
        out.t("Lệ phí", "Fee"),
        money(&p.fee.amount_vnd, out)
    );
    if let Some(online) = &p.fee.online_amount_vnd {
        fee.push_str(&format!(
            "; {} {}",
            out.t("nộp trực tuyến:", "filed online:"),
            money(online, out)
        ));
    }
    lines.push(fee);
    if let Some(note) = if vi { &p.fee.note_vi } else { &p.fee.note_en } {
        lines.push(format!("  {note}"));
    }
    lines.push(format!(
        "{}: {} {}",
        out.t("Tài khoản định danh cần có", "Identity required"),
        out.t("mức", "level"),
        p.required_identity_level.number()
    ));
    lines.push(format!("{}:", out.t("Thành phần hồ sơ", "Documents")));
    for d in &p.documents {
        let mark = if d.required { "*" } else { "-" };
        lines.push(format!(
            "  {mark} {}",
            if vi { &d.name_vi } else { &d.name_en }
        ));
    }
    lines.push(format!("{}:", out.t("Thông tin cần khai", "Form fields")));
    for f in &p.form {
        let kind = match f.kind {
            FieldKind::Text => "text",
            FieldKind::LongText => "long text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Select => "select",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
            FieldKind::PersonalId => "ID number",
            FieldKind::AdminUnit => "province/commune",
        };
        let required = if f.required { " *" } else { "" };
        lines.push(format!(
            "  {}{required} ({kind})",
            if vi { &f.label_vi } else { &f.label_en }
        ));
    }
    if p.synthetic {
        lines.push(
            out.t(
                "(dữ liệu tổng hợp để đo hiệu năng)",
                "(synthetic benchmark data)",
            )
            .to_owned(),
        );
    }
    lines.join("\n")
}

/// `motcua catalog refresh`: the shipped catalog first when none is stored, then what
/// changed since.
pub async fn refresh(out: &Output, client: &ClientContext) -> Result<(), CliError> {
    install_shipped(client)?;
    let outcome = client.core.catalog().refresh_catalog().await?;
    #[derive(Serialize)]
    struct Refreshed {
        version: String,
        changed: bool,
        procedures: Option<usize>,
    }
    let (version, changed, procedures) = match outcome {
        motcua_core::catalog::CatalogRefresh::Updated {
            version,
            procedures,
        } => (version, true, Some(procedures)),
        motcua_core::catalog::CatalogRefresh::Unchanged { version } => (version, false, None),
    };
    out.result(
        &Refreshed {
            version: version.clone(),
            changed,
            procedures,
        },
        || match procedures {
            Some(n) => format!(
                "{} {n} {} ({version})",
                out.t("Đã cập nhật", "Updated"),
                out.t("thủ tục", "procedures")
            ),
            None => format!(
                "{} ({version})",
                out.t("Danh mục không đổi", "Catalog unchanged")
            ),
        },
    );
    Ok(())
}

/// `motcua catalog synthetic --count N --out DIR`: the benchmark catalog as data files.
pub fn synthetic(out: &Output, count: usize, dir: &Path) -> Result<(), CliError> {
    let (procedures, aliases) = motcua_portal::builtin_catalog();
    let generated = motcua_protocol::synthetic::catalog(&procedures, count);
    std::fs::create_dir_all(dir)?;
    let file = motcua_protocol::catalog::ProceduresFile {
        procedures: generated,
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| CliError::Portal(e.to_string()))?;
    std::fs::write(dir.join("procedures.json"), json)?;
    let aliases = motcua_protocol::catalog::AliasesFile { aliases };
    let json = serde_json::to_vec_pretty(&aliases).map_err(|e| CliError::Portal(e.to_string()))?;
    std::fs::write(dir.join("aliases.json"), json)?;
    #[derive(Serialize)]
    struct Written<'a> {
        procedures: usize,
        directory: &'a Path,
    }
    out.result(
        &Written {
            procedures: file.procedures.len(),
            directory: dir,
        },
        || {
            format!(
                "{} {} → {}",
                file.procedures.len(),
                out.t("thủ tục (tổng hợp)", "procedures (synthetic)"),
                dir.display()
            )
        },
    );
    Ok(())
}
