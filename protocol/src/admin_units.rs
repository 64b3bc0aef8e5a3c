//! Vietnam's administrative units since 1 July 2025: 34 province-level units (2-digit codes)
//! and 3,321 commune-level units (xã, phường, đặc khu; 5-digit codes), with the codes of
//! Decision 19/2025/QĐ-TTg, and the 63 province codes that open a 12-digit personal ID number.
//!
//! The data is `data/admin-units/*.json` (sources and coverage in `data/admin-units/SOURCES.md`),
//! embedded in the binary and parsed once, on first use. Codes are what dossiers store; names are
//! for display and search. Should an embedded file ever be malformed, the lists are empty (every
//! lookup answers "unknown") rather than a panic; a unit test guards the data.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::text::tokenize;

const PROVINCES_JSON: &str = include_str!("../../data/admin-units/provinces.json");
const COMMUNES_JSON: &str = include_str!("../../data/admin-units/communes.json");
const ID_PROVINCE_CODES_JSON: &str = include_str!("../../data/admin-units/id-province-codes.json");

/// Whether a province-level unit is a centrally-run city or a province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvinceKind {
    /// Thành phố trực thuộc trung ương.
    City,
    /// Tỉnh.
    Province,
}

/// A province of before 1 July 2025 that became part of a current one (for old dossiers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerProvince {
    /// Its 2-digit code before 1 July 2025 (e.g. `74` Bình Dương).
    pub code: String,
    /// Its name then, e.g. "Tỉnh Bình Dương".
    pub name: String,
}

/// A province-level unit (tỉnh or thành phố trực thuộc trung ương).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    /// 2-digit code, e.g. `79`.
    pub code: String,
    /// Full name, e.g. "Thành phố Hồ Chí Minh", "Tỉnh Khánh Hòa".
    pub name: String,
    /// City or province.
    pub kind: ProvinceKind,
    /// The pre-1 July 2025 provinces that form it (itself included when it kept its name).
    pub merged_from: Vec<FormerProvince>,
}

/// The three kinds of commune-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommuneKind {
    /// Xã (rural commune).
    Commune,
    /// Phường (urban ward).
    Ward,
    /// Đặc khu (island special zone).
    SpecialZone,
}

/// A commune-level unit (xã, phường or đặc khu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(String, String, String)", into = "(String, String, String)")]
pub struct Commune {
    /// 5-digit code, e.g. `19789`.
    pub code: String,
    /// Full name, e.g. "Phường Thuận Hóa".
    pub name: String,
    /// 2-digit code of its province, e.g. `46`.
    pub province_code: String,
}

impl From<(String, String, String)> for Commune {
    fn from((code, name, province_code): (String, String, String)) -> Self {
        Commune {
            code,
            name,
            province_code,
        }
    }
}

impl From<Commune> for (String, String, String) {
    fn from(commune: Commune) -> Self {
        (commune.code, commune.name, commune.province_code)
    }
}

impl Commune {
    /// Xã, phường or đặc khu (from the name's prefix).
    pub fn kind(&self) -> CommuneKind {
        if self.name.starts_with("Phường ") {
            CommuneKind::Ward
        } else if self.name.starts_with("Đặc khu ") {
            CommuneKind::SpecialZone
        } else {
            CommuneKind::Commune
        }
    }

    /// Its province.
    pub fn province(&self) -> Option<&'static Province> {
        province(&self.province_code)
    }
}

#[derive(Deserialize, Default)]
struct ProvincesFile {
    provinces: Vec<Province>,
}

#[derive(Deserialize, Default)]
struct CommunesFile {
    communes: Vec<Commune>,
}

#[derive(Deserialize, Default)]
struct IdProvinceCodesFile {
    codes: std::collections::BTreeMap<String, String>,
}

fn parse_provinces(json: &str) -> Vec<Province> {
    let mut provinces = serde_json::from_str::<ProvincesFile>(json)
        .unwrap_or_default()
        .provinces;
    provinces.sort_by(|a, b| a.code.cmp(&b.code));
    provinces
}

fn parse_communes(json: &str) -> Vec<Commune> {
    let mut communes = serde_json::from_str::<CommunesFile>(json)
        .unwrap_or_default()
        .communes;
    communes.sort_by(|a, b| a.code.cmp(&b.code));
    communes
}

fn parse_id_codes(json: &str) -> std::collections::BTreeMap<String, String> {
    serde_json::from_str::<IdProvinceCodesFile>(json)
        .unwrap_or_default()
        .codes
}

fn province_list() -> &'static Vec<Province> {
    static PROVINCES: OnceLock<Vec<Province>> = OnceLock::new();
    PROVINCES.get_or_init(|| parse_provinces(PROVINCES_JSON))
}

fn commune_list() -> &'static Vec<Commune> {
    static COMMUNES: OnceLock<Vec<Commune>> = OnceLock::new();
    COMMUNES.get_or_init(|| parse_communes(COMMUNES_JSON))
}

fn id_codes() -> &'static std::collections::BTreeMap<String, String> {
    static CODES: OnceLock<std::collections::BTreeMap<String, String>> = OnceLock::new();
    CODES.get_or_init(|| parse_id_codes(ID_PROVINCE_CODES_JSON))
}

/// The 34 province-level units, by code.
pub fn provinces() -> &'static [Province] {
    province_list()
}

/// The province-level unit with this 2-digit code.
pub fn province(code: &str) -> Option<&'static Province> {
    let list = province_list();
    list.binary_search_by(|p| p.code.as_str().cmp(code))
        .ok()
        .and_then(|i| list.get(i))
}

/// All 3,321 commune-level units, by code.
pub fn communes() -> &'static [Commune] {
    commune_list()
}

/// The commune-level unit with this 5-digit code.
pub fn commune(code: &str) -> Option<&'static Commune> {
    let list = commune_list();
    list.binary_search_by(|c| c.code.as_str().cmp(code))
        .ok()
        .and_then(|i| list.get(i))
}

/// The communes, wards and special zones of a province, by code.
pub fn communes_of(province_code: &str) -> impl Iterator<Item = &'static Commune> + '_ {
    commune_list()
        .iter()
        .filter(move |c| c.province_code == province_code)
}

/// The name of the province of birth registration that a personal ID number's first three
/// digits stand for (one of the 63 pre-2025 provinces, e.g. `046` → "Thừa Thiên Huế").
/// Not today's province: never derive a current address from it.
pub fn id_province(code3: &str) -> Option<&'static str> {
    id_codes().get(code3).map(String::as_str)
}

/// Folded words (see [`crate::text`]) that name a unit's kind rather than the unit itself.
const KIND_WORDS: [&str; 10] = [
    "tinh", "thanh", "pho", "tp", "phuong", "p", "xa", "x", "dac", "khu",
];

/// A commune's search key: its kind and the folded words of its name and of its province's
/// name, without the kind prefixes.
struct SearchKey {
    kind: CommuneKind,
    name: Vec<String>,
    province: Vec<String>,
}

fn strip_kind_prefix(words: &[String]) -> (Option<CommuneKind>, &[String]) {
    let first = words.first().map(String::as_str);
    let second = words.get(1).map(String::as_str);
    match (first, second) {
        (Some("dac"), Some("khu")) => (Some(CommuneKind::SpecialZone), &words[2..]),
        (Some("thanh"), Some("pho")) => (None, &words[2..]),
        (Some("phuong" | "p"), _) => (Some(CommuneKind::Ward), &words[1..]),
        (Some("xa" | "x"), _) => (Some(CommuneKind::Commune), &words[1..]),
        (Some("tinh" | "tp"), _) => (None, &words[1..]),
        _ => (None, words),
    }
}

fn folded_words(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.folded).collect()
}

fn search_keys() -> &'static Vec<SearchKey> {
    static KEYS: OnceLock<Vec<SearchKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        commune_list()
            .iter()
            .map(|c| {
                let words = folded_words(&c.name);
                let (_, name) = strip_kind_prefix(&words);
                let province_words = c
                    .province()
                    .map(|p| folded_words(&p.name))
                    .unwrap_or_default();
                let (_, province) = strip_kind_prefix(&province_words);
                SearchKey {
                    kind: c.kind(),
                    name: name.to_vec(),
                    province: province.to_vec(),
                }
            })
            .collect()
    })
}

/// Does query word `word` match one of `words`? The last query word may be unfinished (the
/// person is still typing), so it matches as a prefix; the others must match whole words.
fn word_matches(word: &str, is_last: bool, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| w == word || (is_last && w.starts_with(word)))
}

/// How well a commune answers the query: lower is better, `None` when it does not.
fn rank(query: &[String], kind: Option<CommuneKind>, key: &SearchKey) -> Option<u8> {
    let mut in_name = 0;
    let mut in_province_only = 0;
    for (i, word) in query.iter().enumerate() {
        let is_last = i + 1 == query.len();
        if word_matches(word, is_last, &key.name) {
            in_name += 1;
        } else if word_matches(word, is_last, &key.province) {
            in_province_only += 1;
        } else if !KIND_WORDS.contains(&word.as_str()) {
            return None;
        }
    }
    if in_name == 0 {
        return None;
    }
    let exact = key.name.len() == query.len() && key.name.iter().zip(query).all(|(a, b)| a == b);
    let starts = query.len() <= key.name.len()
        && key
            .name
            .iter()
            .zip(query)
            .enumerate()
            .all(|(i, (a, b))| a == b || (i + 1 == query.len() && a.starts_with(b.as_str())));
    let mut score = if exact {
        0
    } else if starts {
        1
    } else if in_province_only == 0 {
        2
    } else {
        3
    };
    if kind.is_some_and(|k| k != key.kind) {
        score += 4;
    }
    Some(score)
}

/// Finds communes by name as people type it: with or without diacritics, NFC or NFD, with or
/// without the kind ("phường thuận hóa", "P. Thuận Hoá", "thuan hoa"), optionally followed by
/// the province ("thuan hoa hue"). Prefixes Tỉnh, Thành phố, TP., Phường, P., Xã, Đặc khu are
/// not needed to match; a kind that is given ranks units of that kind first. Exact names come
/// first, then names starting with the query, then other matches; ties by code.
pub fn search_communes(query: &str, limit: usize) -> Vec<&'static Commune> {
    let words = folded_words(query);
    let (kind, query_words) = strip_kind_prefix(&words);
    if query_words.is_empty() || limit == 0 {
        return Vec::new();
    }
    let communes = commune_list();
    let mut hits: Vec<(u8, &'static Commune)> = search_keys()
        .iter()
        .zip(communes.iter())
        .filter_map(|(key, commune)| rank(query_words, kind, key).map(|score| (score, commune)))
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    hits.into_iter().take(limit).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_embedded_data_parses_and_is_complete() {
        assert_eq!(provinces().len(), 34);
        let cities = provinces()
            .iter()
            .filter(|p| p.kind == ProvinceKind::City)
            .count();
        // 6 from 1 July 2025, plus Đồng Nai, Quảng Ninh and Bắc Ninh in 2026 (SOURCES.md).
        assert_eq!(cities, 9);
        assert_eq!(communes().len(), 3321);
        let codes: HashSet<&str> = communes().iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes.len(), 3321, "commune codes are unique");
        for c in communes() {
            assert!(
                c.code.len() == 5 && c.code.bytes().all(|b| b.is_ascii_digit()),
                "{c:?}"
            );
            assert!(province(&c.province_code).is_some(), "{c:?}");
            assert!(
                ["Xã ", "Phường ", "Đặc khu "]
                    .iter()
                    .any(|p| c.name.starts_with(p)),
                "{c:?}"
            );
            use unicode_normalization::UnicodeNormalization as _;
            assert_eq!(c.name.nfc().collect::<String>(), c.name, "NFC: {c:?}");
        }
        let kinds = |k| communes().iter().filter(|c| c.kind() == k).count();
        assert_eq!(kinds(CommuneKind::SpecialZone), 13);
        assert_eq!(
            kinds(CommuneKind::Commune) + kinds(CommuneKind::Ward),
            3321 - 13
        );
        // Every pre-2025 province is in exactly one current one, and each is an ID code too.
        let former: Vec<&str> = provinces()
            .iter()
            .flat_map(|p| p.merged_from.iter().map(|f| f.code.as_str()))
            .collect();
        assert_eq!(former.len(), 63);
        assert_eq!(former.iter().collect::<HashSet<_>>().len(), 63);
        for code in former {
            assert!(id_province(&format!("0{code}")).is_some(), "{code}");
        }
        assert!(provinces().iter().all(|p| communes_of(&p.code).count() > 0));
    }

    #[test]
    fn lookups_by_code() {
        let hue = commune("19789").unwrap();
        assert_eq!(hue.name, "Phường Thuận Hóa");
        assert_eq!(hue.kind(), CommuneKind::Ward);
        assert_eq!(hue.province().unwrap().name, "Thành phố Huế");
        assert_eq!(commune("06970").unwrap().name, "Xã Ba Chẽ");
        assert!(commune("06978").is_none());
        assert!(commune("99999").is_none());
        assert!(commune("").is_none());
        assert!(commune("1978").is_none());
        assert_eq!(province("56").unwrap().name, "Tỉnh Khánh Hòa");
        assert_eq!(province("01").unwrap().name, "Thành phố Hà Nội");
        let hcm = province("79").unwrap();
        assert_eq!(hcm.kind, ProvinceKind::City);
        let former: Vec<&str> = hcm.merged_from.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(former, ["79", "74", "77"]);
        assert!(
            province("74").is_none(),
            "Bình Dương is no longer a province"
        );
        assert_eq!(communes_of("46").count(), 40);
        assert_eq!(communes_of("79").count(), 168);
        assert_eq!(communes_of("xx").count(), 0);
        assert!(
            communes_of("46").any(|c| c.kind() == CommuneKind::Commune && c.name == "Xã Phú Vinh")
        );
    }

    #[test]
    fn id_number_province_codes() {
        assert_eq!(id_codes().len(), 63);
        for (code, name) in [
            ("001", "Hà Nội"),
            ("079", "Hồ Chí Minh"),
            ("046", "Thừa Thiên Huế"),
            ("056", "Khánh Hòa"),
            ("074", "Bình Dương"),
            ("072", "Tây Ninh"),
            ("024", "Bắc Giang"),
            ("017", "Hòa Bình"),
            ("096", "Cà Mau"),
        ] {
            assert_eq!(id_province(code), Some(name), "{code}");
        }
        for code in ["000", "003", "999", "79", "0079", ""] {
            assert_eq!(id_province(code), None, "{code}");
        }
    }

    #[test]
    fn search_folds_diacritics_and_prefixes() {
        let first = |q: &str| search_communes(q, 5).first().map(|c| c.code.as_str());
        assert_eq!(first("phuong thuan hoa"), Some("19789"));
        assert_eq!(first("Phường Thuận Hóa"), Some("19789"));
        assert_eq!(first("P. Thuận Hoá"), Some("19789"));
        assert_eq!(first("thuan hoa hue"), Some("19789"));
        assert_eq!(first("thuan hoa, thanh pho hue"), Some("19789"));
        use unicode_normalization::UnicodeNormalization as _;
        let nfd: String = "phường thuận hóa".nfd().collect();
        assert_eq!(first(&nfd), Some("19789"));
        // A kind given ranks that kind first: the communes named Thuận Hòa before the ward.
        let xa = search_communes("xa thuan hoa", 10);
        assert!(xa.len() > 2);
        assert_eq!(xa[0].kind(), CommuneKind::Commune);
        assert_eq!(crate::text::fold(&xa[0].name), "xa thuan hoa");
        assert!(xa.iter().any(|c| c.code == "19789"));
        assert_eq!(first("dac khu phu quoc"), first("phu quoc"));
        let phu_quoc = commune(first("dac khu phu quoc").unwrap()).unwrap();
        assert_eq!(phu_quoc.kind(), CommuneKind::SpecialZone);
        // Unfinished last word.
        assert!(
            search_communes("thuan ho", 50)
                .iter()
                .any(|c| c.code == "19789")
        );
        assert!(search_communes("", 5).is_empty());
        assert!(search_communes("phường", 5).is_empty());
        assert!(search_communes("zzzz", 5).is_empty());
        assert!(search_communes("thuan hoa", 0).is_empty());
        assert_eq!(search_communes("hoa", 3).len(), 3);
        // Exact names rank before longer ones.
        let ba_dinh = search_communes("ba dinh", 10);
        assert_eq!(ba_dinh[0].name, "Phường Ba Đình");
    }

    #[test]
    fn malformed_data_gives_empty_lists_not_a_panic() {
        assert!(parse_provinces("not json").is_empty());
        assert!(parse_provinces(r#"{"provinces": [1, 2]}"#).is_empty());
        assert!(parse_communes("{").is_empty());
        assert!(parse_communes(r#"{"communes": [["1", "x"]]}"#).is_empty());
        assert!(parse_id_codes("[]").is_empty());
        assert_eq!(parse_communes(COMMUNES_JSON).len(), 3321);
    }
}
