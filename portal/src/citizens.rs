//! Demo citizens of the built-in provider: fictional people with realistic data, seeded
//! idempotently into the database at start.

use crate::store::sql::{Connection, OptionalExtension, params};
use motcua_protocol::identity::IdentityLevel;

/// A fictional citizen one can log in as at the built-in provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoCitizen {
    /// The provider's subject identifier (`sub`).
    pub subject: &'static str,
    /// Full name with diacritics.
    pub full_name: &'static str,
    /// 12-digit personal ID number (province of birth registration, century and sex, year,
    /// six random digits).
    pub personal_id: &'static str,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: &'static str,
    /// Permanent address with the two-tier units in force since 1 July 2025.
    pub address: &'static str,
    /// Electronic-identity level.
    pub level: IdentityLevel,
}

static DEMO_CITIZENS: [DemoCitizen; 5] = [
    DemoCitizen {
        subject: "demo-0001",
        full_name: "Nguyễn Thị Lan",
        personal_id: "046187004213",
        birth_date: "1987-03-12",
        address: "Số 12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế",
        level: IdentityLevel::Level2,
    },
    DemoCitizen {
        subject: "demo-0002",
        full_name: "Trần Văn Bình",
        personal_id: "001052007381",
        birth_date: "1952-05-19",
        address: "Số 8 ngõ 41 phố Thái Hà, Phường Đống Đa, Thành phố Hà Nội",
        level: IdentityLevel::Level2,
    },
    DemoCitizen {
        subject: "demo-0003",
        full_name: "Lê Hoàng Minh",
        personal_id: "079201003657",
        birth_date: "2001-11-23",
        address: "Số 45 Nguyễn Trãi, Phường Bến Thành, Thành phố Hồ Chí Minh",
        level: IdentityLevel::Level1,
    },
    DemoCitizen {
        subject: "demo-0004",
        full_name: "Phạm Thị Hương",
        personal_id: "074195008824",
        birth_date: "1995-07-08",
        address: "Số 27 Đại lộ Bình Dương, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
        level: IdentityLevel::Level1,
    },
    DemoCitizen {
        subject: "demo-0005",
        full_name: "Võ Thị Mai",
        personal_id: "056303001245",
        birth_date: "2003-02-14",
        address: "Số 3 Trần Phú, Phường Nha Trang, Tỉnh Khánh Hòa",
        level: IdentityLevel::Level2,
    },
];

/// The demo citizens of the built-in provider, in the order the login page lists them.
pub fn demo_citizens() -> &'static [DemoCitizen] {
    &DEMO_CITIZENS
}

/// A citizen as the provider reads it from its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProviderCitizen {
    pub subject: String,
    pub full_name: String,
    pub personal_id: String,
    pub birth_date: String,
    pub address: String,
    pub level: IdentityLevel,
}

/// Inserts or updates the demo citizens; running it again changes nothing.
pub(crate) fn seed(conn: &Connection) -> crate::store::sql::Result<()> {
    let mut statement = conn.prepare(
        "INSERT INTO demo_citizens (subject, full_name, personal_id, birth_date, address, level, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (subject) DO UPDATE SET
            full_name = excluded.full_name, personal_id = excluded.personal_id,
            birth_date = excluded.birth_date, address = excluded.address,
            level = excluded.level, position = excluded.position",
    )?;
    for (position, citizen) in DEMO_CITIZENS.iter().enumerate() {
        statement.execute(params![
            citizen.subject,
            citizen.full_name,
            citizen.personal_id,
            citizen.birth_date,
            citizen.address,
            i64::from(citizen.level.number()),
            i64::try_from(position).unwrap_or(i64::MAX),
        ])?;
    }
    Ok(())
}

fn from_row(row: &crate::store::sql::Row<'_>) -> crate::store::sql::Result<ProviderCitizen> {
    Ok(ProviderCitizen {
        subject: row.get(0)?,
        full_name: row.get(1)?,
        personal_id: row.get(2)?,
        birth_date: row.get(3)?,
        address: row.get(4)?,
        level: IdentityLevel::from_number(row.get(5)?),
    })
}

/// All citizens of the provider, in display order.
pub(crate) fn list(conn: &Connection) -> crate::store::sql::Result<Vec<ProviderCitizen>> {
    let mut statement = conn.prepare_cached(
        "SELECT subject, full_name, personal_id, birth_date, address, level
         FROM demo_citizens ORDER BY position, subject",
    )?;
    let rows = statement.query_map([], from_row)?;
    rows.collect()
}

/// One citizen by subject.
pub(crate) fn find(
    conn: &Connection,
    subject: &str,
) -> crate::store::sql::Result<Option<ProviderCitizen>> {
    conn.query_row(
        "SELECT subject, full_name, personal_id, birth_date, address, level
         FROM demo_citizens WHERE subject = ?1",
        [subject],
        from_row,
    )
    .optional()
}

/// The ID number as shown on screen: first four and last two digits, e.g. `0461******23`.
pub(crate) fn mask_personal_id(personal_id: &str) -> String {
    let chars: Vec<char> = personal_id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 63 province codes in use before the 2025 merger.
    const PROVINCE_CODES: [&str; 63] = [
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
        "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
        "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
        "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
        "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    ];

    /// Sex of each demo citizen (the ID number encodes it): true for female.
    fn is_female(subject: &str) -> bool {
        matches!(subject, "demo-0001" | "demo-0004" | "demo-0005")
    }

    #[test]
    fn id_numbers_follow_the_structure_and_match_the_birth_date() {
        for citizen in demo_citizens() {
            let id = citizen.personal_id;
            assert_eq!(id.len(), 12, "{}", citizen.subject);
            assert!(id.bytes().all(|b| b.is_ascii_digit()));
            assert!(PROVINCE_CODES.contains(&&id[..3]), "province of {id}");

            let (year, rest) = citizen.birth_date.split_once('-').unwrap();
            let (month, day) = rest.split_once('-').unwrap();
            let year: u32 = year.parse().unwrap();
            let month: u32 = month.parse().unwrap();
            let day: u32 = day.parse().unwrap();
            assert!((1..=12).contains(&month) && (1..=31).contains(&day));
            assert!((1900..2100).contains(&year));

            let century_sex = u32::from(id.as_bytes()[3] - b'0');
            let century_base = (year / 100 - 19) * 2;
            let expected = century_base + u32::from(is_female(citizen.subject));
            assert_eq!(century_sex, expected, "century/sex digit of {id}");
            assert_eq!(
                &id[4..6],
                format!("{:02}", year % 100),
                "year digits of {id}"
            );
        }
    }

    #[test]
    fn the_demo_set_covers_both_levels_and_an_elderly_person() {
        let citizens = demo_citizens();
        assert!(citizens.len() >= 4);
        assert!(citizens.iter().any(|c| c.level == IdentityLevel::Level1));
        assert!(citizens.iter().any(|c| c.level == IdentityLevel::Level2));
        assert!(citizens.iter().any(|c| {
            c.level == IdentityLevel::Level2 && ("1940".."1960").contains(&&c.birth_date[..4])
        }));
        let mut subjects: Vec<_> = citizens.iter().map(|c| c.subject).collect();
        subjects.dedup();
        assert_eq!(subjects.len(), citizens.len());
        for citizen in citizens {
            assert!(!citizen.address.contains("Quận") && !citizen.address.contains("Huyện"));
        }
    }

    #[test]
    fn seeding_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(dir.path()).unwrap();
        seed(&conn).unwrap();
        seed(&conn).unwrap();
        let listed = list(&conn).unwrap();
        assert_eq!(listed.len(), demo_citizens().len());
        assert_eq!(listed[0].subject, demo_citizens()[0].subject);
        let found = find(&conn, "demo-0002").unwrap().unwrap();
        assert_eq!(found.level, IdentityLevel::Level2);
        assert!(find(&conn, "nobody").unwrap().is_none());
    }

    #[test]
    fn masking_keeps_four_and_two_digits() {
        assert_eq!(mask_personal_id("046187004213"), "0461******13");
        assert_eq!(mask_personal_id("123"), "***");
    }
}
