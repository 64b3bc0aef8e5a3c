//! Procedure search that understands how people type Vietnamese: folded (no case, no
//! diacritics, NFC and NFD alike), as-you-type prefixes, typos, colloquial aliases, ranked
//! exact > prefix > fuzzy and then by popularity, with the matched ranges of the name for
//! highlighting.
//!
//! The index is an in-memory vocabulary of folded words with postings to the searchable
//! texts of each procedure (Vietnamese name, aliases, English name, field of work). A
//! query word is compared with the whole vocabulary (a few thousand words for a province's
//! catalog), so the cost of a keystroke is bounded and independent of the catalog's text.

use std::collections::HashMap;

use motcua_protocol::text::{Token, fold, tokenize};

/// At most this many query words are used (a 10 kB paste is cut, not scanned).
const MAX_QUERY_WORDS: usize = 12;
/// Query words are cut to this many characters.
const MAX_WORD_CHARS: usize = 40;
/// Results scoring below this are noise (one common word of a long query).
const MIN_SCORE: f32 = 0.25;

/// How a text was matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// Every query word matched a whole word.
    Exact,
    /// Some query word matched the beginning of a word (typing in progress).
    Prefix,
    /// Some query word matched only with a typo.
    Fuzzy,
}

/// Which text of the procedure matched best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchedText {
    /// The Vietnamese name.
    Name,
    /// A colloquial alias (the phrase).
    Alias(String),
    /// The English name.
    EnglishName,
    /// The field of work.
    Field,
    /// The procedure code.
    Code,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Procedure code.
    pub code: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Relevance, higher is better (comparable within one query only).
    pub score: f32,
    /// How the best text matched.
    pub kind: MatchKind,
    /// Which text matched best.
    pub matched: MatchedText,
    /// Ranges of `name_vi` to highlight, in `char`s, end exclusive, sorted.
    pub highlights: Vec<(usize, usize)>,
}

/// What the index needs of a procedure.
#[derive(Debug, Clone)]
pub struct SearchDocument {
    /// Procedure code.
    pub code: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Field of work (Vietnamese).
    pub field_vi: String,
    /// Colloquial phrases for it.
    pub aliases: Vec<String>,
    /// Demand, for tie-breaks.
    pub popularity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Name,
    Alias(usize),
    EnglishName,
    Field,
}

impl TextKind {
    fn weight(self) -> f32 {
        match self {
            TextKind::Name => 1.0,
            TextKind::Alias(_) => 0.97,
            TextKind::EnglishName => 0.9,
            TextKind::Field => 0.5,
        }
    }
}

struct Text {
    doc: u32,
    kind: TextKind,
    words: Vec<u32>,
    phrase: String,
}

struct Doc {
    source: SearchDocument,
    name_tokens: Vec<Token>,
    code_folded: String,
}

/// The search index over a catalog.
pub struct SearchIndex {
    docs: Vec<Doc>,
    texts: Vec<Text>,
    /// The folded words, as `char`s for comparison.
    vocabulary: Vec<Box<[char]>>,
    /// For each vocabulary word: the texts containing it.
    postings: Vec<Vec<u32>>,
    /// For each vocabulary word: its weight (rarer words say more).
    weights: Vec<f32>,
}

/// How a query word matched a vocabulary word.
#[derive(Debug, Clone, Copy)]
struct WordMatch {
    word: u32,
    quality: f32,
    kind: MatchKind,
}

/// Longest word compared for typos; longer words must match exactly or by prefix.
const MAX_FUZZY_CHARS: usize = 32;

/// The optimal-string-alignment distance (edits and adjacent swaps) between `a` and `b`,
/// if it is at most `max`. Bounded and allocation-free: a keystroke compares the typed
/// word with every word of the vocabulary, so this is the hot loop of the search (a
/// general-purpose edit-distance crate allocates per call and cannot stop early).
fn osa_within(a: &[char], b: &[char], max: u8) -> Option<u8> {
    if a.len().abs_diff(b.len()) > usize::from(max)
        || a.len() > MAX_FUZZY_CHARS
        || b.len() > MAX_FUZZY_CHARS
    {
        return None;
    }
    let n = b.len();
    let mut rows = [[0u8; MAX_FUZZY_CHARS + 1]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(n + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i as u8;
        let mut row_min = rows[cur][0];
        for j in 1..=n {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut value = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
    }
    let distance = rows[a.len() % 3][n];
    (distance <= max).then_some(distance)
}

/// How well a typed word matches a vocabulary word, if at all.
fn word_match(query: &[char], candidate: &[char], is_last: bool) -> Option<(f32, MatchKind)> {
    if candidate == query {
        return Some((1.0, MatchKind::Exact));
    }
    if candidate.starts_with(query) && (is_last || query.len() >= 2) {
        // Every completion of what is typed is equally likely; popularity decides.
        return Some((0.85, MatchKind::Prefix));
    }
    if query.len() >= 4 {
        let allowed = if query.len() <= 6 { 1 } else { 2 };
        if let Some(distance) = osa_within(query, candidate, allowed) {
            return Some((0.7 - 0.1 * (f32::from(distance) - 1.0), MatchKind::Fuzzy));
        }
        // A typo inside a word still being typed: compare with the candidate's beginning.
        if is_last
            && candidate.len() > query.len()
            && osa_within(query, &candidate[..query.len()], 1).is_some()
        {
            return Some((0.55, MatchKind::Fuzzy));
        }
    }
    None
}

impl SearchIndex {
    /// Builds the index.
    pub fn build(documents: Vec<SearchDocument>) -> SearchIndex {
        let mut vocabulary: Vec<String> = Vec::new();
        let mut lookup: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut texts = Vec::new();
        let mut docs = Vec::with_capacity(documents.len());
        for (doc_id, source) in documents.into_iter().enumerate() {
            let doc_id = doc_id as u32;
            let mut add = |kind: TextKind, text: &str| {
                let mut tokens = tokenize(text);
                // Many published names start with "Thủ tục" ("procedure"), which says
                // nothing: it would only dilute how well the rest of the name matches.
                if kind == TextKind::Name
                    && tokens.len() > 2
                    && tokens[0].folded == "thu"
                    && tokens[1].folded == "tuc"
                {
                    tokens.drain(..2);
                }
                let text_id = texts.len() as u32;
                let mut words = Vec::with_capacity(tokens.len());
                for token in &tokens {
                    let id = *lookup.entry(token.folded.clone()).or_insert_with(|| {
                        vocabulary.push(token.folded.clone());
                        postings.push(Vec::new());
                        (vocabulary.len() - 1) as u32
                    });
                    let list = &mut postings[id as usize];
                    if list.last() != Some(&text_id) {
                        list.push(text_id);
                    }
                    words.push(id);
                }
                let phrase = tokens
                    .iter()
                    .map(|t| t.folded.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                texts.push(Text {
                    doc: doc_id,
                    kind,
                    words,
                    phrase,
                });
            };
            add(TextKind::Name, &source.name_vi);
            for (i, alias) in source.aliases.iter().enumerate() {
                add(TextKind::Alias(i), alias);
            }
            add(TextKind::EnglishName, &source.name_en);
            add(TextKind::Field, &source.field_vi);
            docs.push(Doc {
                name_tokens: tokenize(&source.name_vi),
                code_folded: fold(&source.code),
                source,
            });
        }
        // Inverse document frequency over procedures, not texts.
        let total = docs.len().max(1) as f32;
        let weights = postings
            .iter()
            .map(|list| {
                let mut procedures: Vec<u32> =
                    list.iter().map(|&t| texts[t as usize].doc).collect();
                procedures.dedup();
                (1.0 + total / procedures.len().max(1) as f32).ln()
            })
            .collect();
        SearchIndex {
            docs,
            texts,
            vocabulary: vocabulary
                .iter()
                .map(|w| w.chars().collect::<Vec<_>>().into_boxed_slice())
                .collect(),
            postings,
            weights,
        }
    }

    /// Number of procedures indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The best `limit` procedures for `query`. Any input is accepted: empty, huge or
    /// symbol-only queries simply find nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        if limit == 0 {
            return Vec::new();
        }
        let mut words: Vec<Vec<char>> = tokenize(query)
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .map(|t| t.folded.chars().take(MAX_WORD_CHARS).collect())
            .collect();
        words.dedup();
        if words.is_empty() {
            return Vec::new();
        }
        if let Some(hits) = self.search_code(query, limit) {
            return hits;
        }
        let last = words.len() - 1;
        let matches: Vec<Vec<WordMatch>> = words
            .iter()
            .enumerate()
            .map(|(i, word)| self.match_word(word, i == last))
            .collect();
        // A word found nowhere in the catalog ("cho", "con", a stray typo) is filler: it
        // neither helps nor hurts.
        let word_weights: Vec<f32> = matches
            .iter()
            .map(|list| {
                list.iter()
                    .filter(|m| m.kind == MatchKind::Exact)
                    .chain(list.iter())
                    .map(|m| self.weights[m.word as usize])
                    .next()
                    .unwrap_or(0.0)
            })
            .collect();
        let total_weight: f32 = word_weights.iter().sum();
        if total_weight <= 0.0 {
            return Vec::new();
        }

        // Per text touched: for each query word, its best match (quality, kind, word), in
        // one flat table (a row of `n` slots per text) indexed through a dense map: a
        // one-letter prefix touches most texts, so no hashing and no per-text allocation.
        let n = words.len();
        let mut row_of_text = vec![u32::MAX; self.texts.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut slots: Vec<Option<(f32, MatchKind, u32)>> = Vec::new();
        for (i, list) in matches.iter().enumerate() {
            for m in list {
                for &text in &self.postings[m.word as usize] {
                    let row = &mut row_of_text[text as usize];
                    if *row == u32::MAX {
                        *row = touched.len() as u32;
                        touched.push(text);
                        slots.resize(slots.len() + n, None);
                    }
                    let entry = &mut slots[*row as usize * n + i];
                    if entry.is_none_or(|(q, _, _)| q < m.quality) {
                        *entry = Some((m.quality, m.kind, m.word));
                    }
                }
            }
        }

        let joined = words
            .iter()
            .map(|w| w.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        let mut best_of_doc = vec![u32::MAX; self.docs.len()];
        let mut best: Vec<(u32, f32, MatchKind, TextKind)> = Vec::new();
        for (row, text_id) in touched.iter().enumerate() {
            let slots = &slots[row * n..(row + 1) * n];
            let text = &self.texts[*text_id as usize];
            let mut covered = 0.0;
            let mut kind = MatchKind::Exact;
            for (slot, weight) in slots.iter().zip(&word_weights) {
                if let Some((quality, k, _)) = slot {
                    covered += quality * weight;
                    kind = kind.max(*k);
                }
            }
            let coverage = covered / total_weight;
            let matched_words = text
                .words
                .iter()
                .filter(|w| slots.iter().flatten().any(|(_, _, m)| m == *w))
                .count();
            let precision = matched_words as f32 / text.words.len().max(1) as f32;
            let phrase_bonus = if text.phrase == joined {
                0.5
            } else if text.phrase.starts_with(&joined) {
                0.25
            } else {
                0.0
            };
            let score = (0.75 * coverage + 0.25 * precision + phrase_bonus) * text.kind.weight();
            let slot = &mut best_of_doc[text.doc as usize];
            if *slot == u32::MAX {
                *slot = best.len() as u32;
                best.push((text.doc, score, kind, text.kind));
            } else if score > best[*slot as usize].1 {
                best[*slot as usize] = (text.doc, score, kind, text.kind);
            }
        }

        let mut ranked: Vec<(u32, f32, MatchKind, TextKind)> = best
            .into_iter()
            .filter(|(_, score, _, _)| *score >= MIN_SCORE)
            .collect();
        let order = |a: &(u32, f32, MatchKind, TextKind), b: &(u32, f32, MatchKind, TextKind)| {
            let (da, db) = (
                &self.docs[a.0 as usize].source,
                &self.docs[b.0 as usize].source,
            );
            // Scores within a hundredth are a tie that popularity breaks.
            let (sa, sb) = ((a.1 * 100.0).round() as i64, (b.1 * 100.0).round() as i64);
            sb.cmp(&sa)
                .then(a.2.cmp(&b.2))
                .then(db.popularity.cmp(&da.popularity))
                .then(da.code.cmp(&db.code))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_by(order);
        ranked
            .into_iter()
            .map(|(doc_id, score, kind, text_kind)| {
                let doc = &self.docs[doc_id as usize];
                let matched = match text_kind {
                    TextKind::Name => MatchedText::Name,
                    TextKind::Alias(i) => MatchedText::Alias(doc.source.aliases[i].clone()),
                    TextKind::EnglishName => MatchedText::EnglishName,
                    TextKind::Field => MatchedText::Field,
                };
                SearchHit {
                    code: doc.source.code.clone(),
                    name_vi: doc.source.name_vi.clone(),
                    name_en: doc.source.name_en.clone(),
                    score,
                    kind,
                    matched,
                    highlights: highlights(&doc.name_tokens, &words),
                }
            })
            .collect()
    }

    fn match_word(&self, word: &[char], is_last: bool) -> Vec<WordMatch> {
        self.vocabulary
            .iter()
            .enumerate()
            .filter_map(|(id, candidate)| {
                word_match(word, candidate, is_last).map(|(quality, kind)| WordMatch {
                    word: id as u32,
                    quality,
                    kind,
                })
            })
            .collect()
    }

    /// A query that looks like a procedure code (`1.001193`, `1.0011`) finds codes.
    fn search_code(&self, query: &str, limit: usize) -> Option<Vec<SearchHit>> {
        let trimmed = query.trim();
        let looks_like_code = trimmed.len() >= 2
            && trimmed.chars().any(|c| c.is_ascii_digit())
            && trimmed.chars().all(|c| c.is_ascii_digit() || c == '.');
        if !looks_like_code {
            return None;
        }
        let mut hits: Vec<&Doc> = self
            .docs
            .iter()
            .filter(|d| d.code_folded.starts_with(trimmed))
            .collect();
        hits.sort_by(|a, b| {
            (b.code_folded == trimmed)
                .cmp(&(a.code_folded == trimmed))
                .then(b.source.popularity.cmp(&a.source.popularity))
        });
        Some(
            hits.into_iter()
                .take(limit)
                .map(|doc| SearchHit {
                    code: doc.source.code.clone(),
                    name_vi: doc.source.name_vi.clone(),
                    name_en: doc.source.name_en.clone(),
                    score: if doc.code_folded == trimmed { 2.0 } else { 1.0 },
                    kind: if doc.code_folded == trimmed {
                        MatchKind::Exact
                    } else {
                        MatchKind::Prefix
                    },
                    matched: MatchedText::Code,
                    highlights: Vec::new(),
                })
                .collect(),
        )
    }
}

/// The parts of the name's words that the query words match.
fn highlights(name: &[Token], words: &[Vec<char>]) -> Vec<(usize, usize)> {
    let last = words.len().saturating_sub(1);
    let mut ranges = Vec::new();
    for token in name {
        let folded: Vec<char> = token.folded.chars().collect();
        let mut best: Option<usize> = None;
        for (i, word) in words.iter().enumerate() {
            match word_match(word, &folded, i == last) {
                Some((_, MatchKind::Prefix)) => {
                    let end = (token.start + word.len()).min(token.end);
                    best = Some(best.map_or(end, |b| b.max(end)));
                }
                Some(_) => best = Some(token.end),
                None => {}
            }
        }
        if let Some(end) = best {
            ranges.push((token.start, end));
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(code: &str, name: &str, aliases: &[&str], popularity: u32) -> SearchDocument {
        SearchDocument {
            code: code.into(),
            name_vi: name.into(),
            name_en: String::new(),
            field_vi: "Hộ tịch".into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            popularity,
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::build(vec![
            doc(
                "1.001193",
                "Thủ tục đăng ký khai sinh",
                &["làm giấy khai sinh cho con"],
                900,
            ),
            doc("1.000656", "Đăng ký khai tử", &["báo tử"], 300),
            doc("1.000894", "Đăng ký kết hôn", &[], 500),
            doc(
                "1.004873",
                "Cấp Giấy xác nhận tình trạng hôn nhân",
                &["giấy độc thân"],
                400,
            ),
            doc("1.001022", "Đăng ký lại khai sinh", &[], 50),
            doc(
                "2.000986",
                "Đăng ký khai sinh có yếu tố nước ngoài",
                &[],
                20,
            ),
        ])
    }

    fn first(query: &str) -> Option<String> {
        index().search(query, 5).first().map(|h| h.code.clone())
    }

    #[test]
    fn exact_name_without_diacritics_comes_first() {
        let hits = index().search("dang ky khai sinh", 5);
        let codes: Vec<&str> = hits.iter().map(|h| h.code.as_str()).collect();
        assert_eq!(codes[0], "1.001193");
        assert!(codes.contains(&"1.001022") && codes.contains(&"2.000986"));
        assert_eq!(hits[0].kind, MatchKind::Exact);
        assert_eq!(
            hits[0].highlights,
            vec![(8, 12), (13, 15), (16, 20), (21, 25)]
        );
    }

    #[test]
    fn aliases_find_what_people_call_things() {
        assert_eq!(first("giay doc than").as_deref(), Some("1.004873"));
        assert_eq!(first("giấy độc thân").as_deref(), Some("1.004873"));
        assert_eq!(
            first("làm giấy khai sinh cho con").as_deref(),
            Some("1.001193")
        );
        let hit = &index().search("bao tu", 1)[0];
        assert_eq!(hit.matched, MatchedText::Alias("báo tử".into()));
    }

    #[test]
    fn as_you_type_prefixes_rank_by_popularity() {
        // "k" completes "khai", "ket", "khai tu": the most filed procedure comes first.
        assert_eq!(first("dang ky k").as_deref(), Some("1.001193"));
        let hit = &index().search("dang ky ket h", 1)[0];
        assert_eq!(hit.code, "1.000894");
        assert_eq!(hit.kind, MatchKind::Prefix);
        // Only the typed part of the last word is highlighted.
        assert_eq!(hit.highlights.last(), Some(&(12, 13)));
    }

    #[test]
    fn typos_are_tolerated_but_rank_below_exact() {
        assert_eq!(first("dang ky ket hon").as_deref(), Some("1.000894"));
        let hit = &index().search("dnag ky ket hoon", 1)[0];
        assert_eq!(hit.code, "1.000894");
        assert_eq!(hit.kind, MatchKind::Fuzzy);
        assert!(hit.score < index().search("dang ky ket hon", 1)[0].score);
    }

    #[test]
    fn bounded_edit_distance_counts_edits_and_swaps() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(osa_within(&chars("khai"), &chars("khai"), 1), Some(0));
        assert_eq!(osa_within(&chars("khia"), &chars("khai"), 1), Some(1));
        assert_eq!(osa_within(&chars("kai"), &chars("khai"), 1), Some(1));
        assert_eq!(osa_within(&chars("khaii"), &chars("khai"), 1), Some(1));
        assert_eq!(osa_within(&chars("kahi"), &chars("khai"), 2), Some(1));
        assert_eq!(osa_within(&chars("xyzw"), &chars("khai"), 2), None);
        assert_eq!(
            osa_within(&chars("thuongtru"), &chars("thuongtu"), 1),
            Some(1)
        );
        let long = "a".repeat(40);
        assert_eq!(osa_within(&chars(&long), &chars(&long), 2), None);
    }

    #[test]
    fn codes_are_searchable() {
        assert_eq!(first("1.001193").as_deref(), Some("1.001193"));
        let hits = index().search("1.00", 10);
        assert!(hits.iter().all(|h| h.code.starts_with("1.00")));
        assert_eq!(hits.len(), 5);
    }

    #[test]
    fn absurd_queries_find_nothing_without_error() {
        let index = index();
        let huge = "khai sinh ".repeat(1024);
        assert!(!index.search(&huge, 5).is_empty());
        for query in [
            "",
            "   ",
            "😀😀",
            "\u{0000}\u{0007}",
            "zzzzqqq",
            &"x".repeat(10_000),
        ] {
            assert!(index.search(query, 5).is_empty(), "{query:?}");
        }
        assert!(index.search("khai sinh", 0).is_empty());
    }
}
