//! Every wire field name is spelled once, in `api/` (`api_object!`'s field tables): the request
//! builder, the full response checks (`src/core/`) and the quick check (`quick-check/src/`) read
//! the names from the tables. This test reads those sources and fails on a string literal, outside
//! test modules, that spells a field name as the wire uses it: the whole literal, a JSON member
//! (`\"type\"`), a query pair (`sort=`), a path (`meta.count`), the start of a message
//! (`users must be …`), or any use of a name with an underscore (`created_at`), which prose
//! never has.

use std::path::{Path, PathBuf};

/// Literals that spell a field name but mean something else, with what.
const NOT_FIELDS: &[(&str, &str, &str)] = &[
    ("src/core/response.rs", "status ", "a message's HTTP status, not the body's field"),
    ("src/core/error.rs", "type", "the InvalidInputError code for a value of the wrong type"),
    ("src/core/error.rs", "status", "the ResponseError code for a status the operation does not return"),
];

/// A literal that spells a field name: the file, the line and the literal's text as written.
#[derive(Debug, PartialEq)]
struct Spelling {
    file: String,
    line: usize,
    literal: String,
}

#[test]
fn no_wire_field_name_is_spelled_outside_the_api_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = field_names();
    let mut found = Vec::new();
    for file in scanned_files(root) {
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        found.extend(spellings(&file, &text, &names));
    }
    found.retain(|s| !NOT_FIELDS.iter().any(|(file, literal, _)| s.file == *file && s.literal == *literal));
    assert!(found.is_empty(), "field names spelled outside api/ (use the field tables, e.g. `UserAccountGroup::created_at`): {found:#?}");
}

#[test]
fn finds_names_in_literals_but_not_in_comments_chars_or_tests() {
    let source = r##"
        // "created_at" in a comment
        let a = member(&input, "type");
        let b = cat!("{\"", owner, "\":\"");
        let c = br#"meta.count"#;
        let d = '"'; let e = "the page at offset ";
        let f = cat!("users must be an array", "sort=");
        #[cfg(test)]
        pub(crate) mod tests {
            const BODY: &str = "created_at";
        }
        fn g<'a>(x: &'a str) -> &'a str { "x_business_id" }
    "##;
    let literals: Vec<String> = spellings("x.rs", source, &field_names()).into_iter().map(|s| s.literal).collect();
    assert_eq!(literals, ["type", "meta.count", "users must be an array", "sort="]);
}

/// Every field name of every object.
fn field_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = upvest_api::OBJECT_FIELDS.iter().flat_map(|fields| fields.iter().map(|field| field.name)).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The client core's modules but those only tests compile (`mod.rs` marks them), and the quick
/// check's.
fn scanned_files(root: &Path) -> Vec<String> {
    let core = std::fs::read_to_string(root.join("src/core/mod.rs")).unwrap();
    let lines: Vec<&str> = core.lines().collect();
    let test_only: Vec<String> = lines
        .windows(2)
        .filter(|pair| pair[0].starts_with("#[cfg(") && pair[0].contains("test"))
        .filter_map(|pair| pair[1].strip_prefix("mod ")?.strip_suffix(';').map(|name| format!("{name}.rs")))
        .collect();
    let mut files = Vec::new();
    for dir in ["src/core", "quick-check/src"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(dir)).unwrap().map(|entry| entry.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.ends_with(".rs") && !test_only.contains(&name) {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(files.len() > 10 && test_only.contains(&"field_names_spelled_once.rs".to_owned()), "{files:?} {test_only:?}");
    files
}

/// The literals of `source`, outside comments and `#[cfg(test)]` modules, that spell a name.
fn spellings(file: &str, source: &str, names: &[&str]) -> Vec<Spelling> {
    literals(&without_test_modules(source))
        .into_iter()
        .filter(|(_, literal)| spells_a_name(literal, names))
        .map(|(line, literal)| Spelling { file: file.to_owned(), line, literal })
        .collect()
}

/// The source with each `#[cfg(test)]` module blanked (its lines kept, so line numbers hold):
/// from the attribute to the module's closing brace, which rustfmt puts where the `mod` starts.
fn without_test_modules(source: &str) -> String {
    let mut out = Vec::new();
    let mut closing: Option<String> = None;
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(end) = &closing {
            if line == end {
                closing = None;
            }
            out.push("");
            continue;
        }
        let next_is_mod = lines.peek().is_some_and(|next| next.contains("mod ") && next.ends_with('{'));
        if line.trim() == "#[cfg(test)]" && next_is_mod {
            let indent = &line[..line.len() - line.trim_start().len()];
            closing = Some(format!("{indent}}}"));
            out.push("");
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

/// Each string literal (plain, byte, raw) with its line, as written between its quotes.
fn literals(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let line_at = |i: usize| chars[..i].iter().filter(|c| **c == '\n').count() + 1;
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let after_identifier = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if let Some((prefix, closing)) = literal_opening(rest).filter(|_| !after_identifier) {
            let content = &rest[prefix..];
            let len = if closing.is_empty() {
                escaped_string_len(content)
            } else {
                content.windows(closing.len()).position(|w| w == closing.as_slice()).unwrap()
            };
            found.push((line_at(i), content[..len].iter().collect()));
            i += prefix + len + closing.len().max(1);
            continue;
        }
        i += match rest {
            ['/', '/', ..] => rest.iter().position(|c| *c == '\n').unwrap_or(rest.len()),
            ['/', '*', ..] => rest.windows(2).position(|w| w == ['*', '/']).map_or(rest.len(), |at| at + 2),
            // A character literal: an escaped one, a plain one (a lone `'` starts a lifetime).
            ['\'', '\\', ..] => 3 + rest[3..].iter().position(|c| *c == '\'').unwrap() + 1,
            ['\'', _, '\'', ..] => 3,
            _ => 1,
        };
    }
    found
}

/// At a string literal's opening (`"`, `b"`, `r"`, `r#"`, `br#"`…): the opening's length and,
/// for a raw string, its closing (`"#`); an empty closing means a `"` that escapes can hide.
fn literal_opening(rest: &[char]) -> Option<(usize, Vec<char>)> {
    let after_b = usize::from(rest.first() == Some(&'b'));
    match rest.get(after_b)? {
        '"' => Some((after_b + 1, Vec::new())),
        'r' => {
            let hashes = rest[after_b + 1..].iter().take_while(|c| **c == '#').count();
            (rest.get(after_b + 1 + hashes) == Some(&'"'))
                .then(|| (after_b + 2 + hashes, std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect()))
        }
        _ => None,
    }
}

/// The length of a string's content up to its closing unescaped quote.
fn escaped_string_len(content: &[char]) -> usize {
    let mut at = 0;
    while content[at] != '"' {
        at += if content[at] == '\\' { 2 } else { 1 };
    }
    at
}

/// Whether a literal spells one of the names as the wire uses it (see the module's comment).
fn spells_a_name(literal: &str, names: &[&str]) -> bool {
    let chars: Vec<char> = literal.chars().collect();
    let word = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    let mut at = 0;
    while at < chars.len() {
        let len = chars[at..].iter().take_while(|c| word(c)).count();
        if len == 0 {
            at += 1;
            continue;
        }
        let run: String = chars[at..at + len].iter().collect();
        let (before, after) = (at.checked_sub(1).map(|b| chars[b]), chars.get(at + len).copied());
        let wire_before = before.is_none_or(|c| "\"{[.&?".contains(c));
        let wire_after = after.is_none_or(|c| "\"\\=.:[ ,".contains(c));
        if names.contains(&run.as_str()) && (run.contains('_') || (wire_before && wire_after)) {
            return true;
        }
        at += len;
    }
    false
}
