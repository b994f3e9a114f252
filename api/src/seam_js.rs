//! The JavaScript side of the seam, generated from its description (`seam`): the constants the
//! glue imports (`js/seam.js`), the declarations of the error codes, the errors' fields and the
//! limit options (`js/seam-types.d.ts`, joined into the package's `index.d.ts`), and the tables of
//! codes in the users' README (`package/README.md`, between markers). `cargo test -p upvest-api`
//! fails when a committed file differs from what the description gives; `UPVEST_BLESS=1`
//! rewrites them.

use crate::seam::*;
use crate::typescript::{js_doc, GENERATED};

/// The code sets, in the order the declarations list them.
const CODE_SETS: [CodeSet; 4] = [InputCode::SET, ResponseCode::SET, WebhookVerificationCode::SET, WebhookCode::SET];

fn quoted(values: impl IntoIterator<Item = &'static str>) -> Vec<String> {
    values.into_iter().map(|value| format!("'{value}'")).collect()
}

fn frozen_list(values: impl IntoIterator<Item = &'static str>) -> String {
    format!("Object.freeze(/** @type {{const}} */ ([{}]))", quoted(values).join(", "))
}

/// A number as the docs write it: `600,000`; a byte count in KiB, MiB or GiB when it is one.
fn shown(value: u32, unit: &str) -> String {
    if unit == "bytes" {
        for (size, name) in [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
            if value >= size && value % size == 0 {
                return format!("{} {name}", value / size);
            }
        }
    }
    let digits = value.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if unit.is_empty() {
        grouped
    } else {
        format!("{grouped} {unit}")
    }
}

/// An option's bounds (and, for the client's, its default) as its docs end.
fn range_line(option: &IntegerOption, with_default: bool) -> String {
    // The unit once, after the upper bound (`1 to 600,000 ms`), unless the bounds name their own.
    let min = shown(option.min, option.unit);
    let min = min.strip_suffix(&format!(" {}", option.unit)).unwrap_or(&min);
    let range = format!("From {min} to {}", shown(option.max, option.unit));
    match (with_default, option.default) {
        (false, _) => format!("{range}."),
        (true, Some(value)) => format!("{range}; default {}.", shown(value, option.unit)),
        (true, None) => format!("{range}; none by default."),
    }
}

/// A doc comment's lines as `js_doc` takes them (as `///` gives them: each with a leading space).
fn doc_lines(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| format!(" {}", line.trim_start())).collect()
}

fn js_doc_of(lines: &[String], indent: &str) -> String {
    js_doc(&lines.iter().map(String::as_str).collect::<Vec<_>>(), indent)
}

/// A code's doc as one line.
fn one_line(doc: &[&str]) -> String {
    doc.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ")
}

/// The union of a code set, with what it includes.
fn union(set: &CodeSet) -> String {
    let mut members = quoted(set.codes.iter().map(|code| code.code));
    members.extend(set.also.map(str::to_owned));
    members.join(" | ")
}

/// `js/seam.js`: the constants the glue imports.
pub fn constants_module() -> String {
    let mut out = format!("// @ts-check\n// {GENERATED}\n// The seam between the wasm core and the JavaScript glue (api/src/seam.rs).\n");
    out.push_str("\n// What `CallCore.judge` and `judgeFailure` answer.\n");
    for verdict in Verdict::ALL {
        out.push_str(&format!("/** {} */\nexport const {} = {};\n", verdict.doc(), verdict.js_name(), verdict.number()));
    }
    let verdicts: Vec<String> = Verdict::ALL.iter().map(|verdict| format!("typeof {}", verdict.js_name())).collect();
    out.push_str(&format!("/** @typedef {{{}}} Verdict */\n", verdicts.join(" | ")));
    for set in CODE_SETS {
        out.push_str(&format!("\n/** Every code of `{}`, in the declared order. */\n", set.name));
        out.push_str(&format!("export const {} = {};\n", set.export, frozen_list(set.codes.iter().map(|code| code.code))));
    }
    out.push_str("\n/** The error classes the wasm creates through `createError` (js/errors.js), by name. */\n");
    let wasm_classes = ErrorClass::ALL.iter().filter(|class| class.created_by_wasm()).map(|class| class.name());
    out.push_str(&format!("export const WASM_ERROR_CLASSES = {};\n", frozen_list(wasm_classes)));
    out.push_str("\n/** What each error class is made from: the members of its fields object. */\n");
    out.push_str("export const ERROR_FIELDS = Object.freeze({\n");
    for class in ErrorClass::ALL {
        out.push_str(&format!("  {}: {},\n", class.name(), frozen_list(class.fields().iter().map(|field| field.name))));
    }
    out.push_str("});\n");
    let kept = |list: &'static [OptionName], kept_by: KeptBy, transport: bool| {
        list.iter().filter(move |option| option.kept_by == kept_by && option.transport == transport).map(|option| option.name)
    };
    for (name, doc, names) in [
        (
            "TRANSPORT_FUNCTION_OPTIONS",
            "Options of the client and of `clientCredentials` that are the caller's functions: the driver calls them; the core sees only that each was given.",
            kept(CLIENT_OPTIONS, KeptBy::DriverFunction, true).collect::<Vec<_>>(),
        ),
        (
            "TRANSPORT_OBJECT_OPTIONS",
            "Options of the client and of `clientCredentials` the driver uses as they are (not copied): the core sees only that each was given.",
            kept(CLIENT_OPTIONS, KeptBy::DriverObject, true).collect(),
        ),
        ("CLIENT_FUNCTION_OPTIONS", "The client's own options that are the caller's functions.", kept(CLIENT_OPTIONS, KeptBy::DriverFunction, false).collect()),
        ("CLIENT_OPTION_NAMES", "Every option of the client, in the order messages list them.", CLIENT_OPTION_NAMES.to_vec()),
        ("CALL_OPTION_NAMES", "Every option of a call, in the order messages list them.", CALL_OPTION_NAMES.to_vec()),
        ("CREATE_OPTION_NAMES", "Every option of `create`, in the order messages list them.", CREATE_OPTION_NAMES.to_vec()),
    ] {
        out.push_str(&format!("\n/** {doc} */\nexport const {name} = {};\n", frozen_list(names)));
    }
    out
}

/// `js/seam-types.d.ts`: the error codes, the errors' fields and the limit options.
pub fn declarations() -> String {
    let mut out = format!("// {GENERATED}\n// The seam's declarations (api/src/seam.rs), joined into the package's index.d.ts.\n");
    for set in CODE_SETS {
        let mut lines = doc_lines(set.doc);
        for code in set.codes {
            let mut doc = code.doc.iter().map(|line| line.trim());
            lines.push(format!(" - `{}`: {}", code.code, doc.next().unwrap_or_default()));
            lines.extend(doc.map(|line| format!("   {line}")));
        }
        if let Some(also) = set.also {
            lines.push(format!(" - a `{also}`."));
        }
        out.push('\n');
        out.push_str(&js_doc_of(&lines, ""));
        out.push_str(&format!("export type {} = {};\n", set.name, union(&set)));
    }
    for class in ErrorClass::ALL {
        out.push_str(&format!("\n/** @internal What a `{0}` is made from. */\nexport interface {0}Fields {{\n", class.name()));
        for field in class.fields() {
            let (mark, or_undefined) = if field.optional { ("?", " | undefined") } else { ("", "") };
            let or_undefined = if field.ts_type == "unknown" { "" } else { or_undefined };
            out.push_str(&format!("  {}{mark}: {}{or_undefined};\n", field.name, field.ts_type));
        }
        out.push_str("}\n");
    }
    let members = |options: Vec<(&IntegerOption, &'static [&'static str])>, with_default: bool| {
        let mut text = String::new();
        for (option, doc) in options {
            let mut lines = doc_lines(doc);
            lines.push(format!(" {}", range_line(option, with_default)));
            text.push_str(&js_doc_of(&lines, "  "));
            text.push_str(&format!("  {}?: number | undefined;\n", option.name));
        }
        text
    };
    out.push_str("\n/** The client's retries and time limits, each a whole number. */\nexport interface ClientLimitOptions {\n");
    out.push_str(&members(LIMIT_OPTIONS.iter().map(|option| (option, option.doc)).collect(), true));
    out.push_str("}\n");
    let call_limits = CALL_OPTIONS
        .iter()
        .filter_map(|name| LIMIT_OPTIONS.iter().find(|option| option.name == name.name))
        .filter_map(|option| option.call_doc.map(|doc| (option, doc)))
        .collect();
    out.push_str("\n/** A call's own retries and time limits, each a whole number; the client's apply where it sets none. */\n");
    out.push_str("export interface CallLimitOptions {\n");
    out.push_str(&members(call_limits, false));
    out.push_str("}\n");
    out
}

/// The README's table of a code set (and of the set it includes), under `header`.
fn readme_table(set: &CodeSet, header: &[&str]) -> String {
    let mut codes: Vec<&Code> = set.codes.iter().collect();
    if let Some(also) = set.also {
        codes.extend(CODE_SETS.iter().filter(|other| other.name == also).flat_map(|other| other.codes));
    }
    let mut out = format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len()));
    for code in codes {
        let example = code.example.map(|example| format!(" {example} |")).unwrap_or_default();
        out.push_str(&format!("| `'{}'` | {} |{example}\n", code.code, one_line(code.doc)));
    }
    out
}

/// What the README's region for a code set holds.
fn readme_region(set: &CodeSet) -> String {
    match set.name {
        "InvalidInputCode" => {
            format!("```ts\ntype {} = {};\n```\n\n{}", set.name, union(set), readme_table(set, &["`code`", "meaning", "example → `field`"]))
        }
        "ResponseErrorCode" => readme_table(set, &["`code`", "the response"]),
        _ => readme_table(set, &["`code`", "refused because"]),
    }
}

/// The README's table of the client's limits: range, default, and whether a call takes its own.
fn readme_limits() -> String {
    let mut out = "| option | what it sets | from … to | default | per call |\n|---|---|---|---|---|\n".to_owned();
    for option in LIMIT_OPTIONS {
        let range = range_line(option, false);
        let range = range.trim_start_matches("From ").trim_end_matches('.').replace(" to ", " … ");
        let default = option.default.map_or("none".to_owned(), |value| shown(value, option.unit));
        let per_call = if option.call_doc.is_some() { "yes" } else { "no" };
        out.push_str(&format!("| `{}` | {} | {range} | {default} | {per_call} |\n", option.name, one_line(option.doc)));
    }
    out
}

/// The README's generated regions, by the name their markers carry.
fn readme_regions() -> Vec<(&'static str, String)> {
    let mut regions: Vec<(&'static str, String)> =
        [InputCode::SET, ResponseCode::SET, WebhookCode::SET].iter().map(|set| (set.name, readme_region(set))).collect();
    regions.push(("ClientLimitOptions", readme_limits()));
    regions
}

/// `package/README.md` with its generated regions as the description gives them; `None` when a
/// region's markers are missing.
pub fn readme(committed: &str) -> Option<String> {
    let mut text = committed.to_owned();
    for (name, region) in readme_regions() {
        let start = format!("<!-- {GENERATED} {name} -->\n");
        let end = format!("\n<!-- end of {name} -->");
        let from = text.find(&start)? + start.len();
        let to = from + text[from..].find(&end)?;
        text.replace_range(from..to, &region);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typescript::{current_or_bless, repository_file};

    #[test]
    fn the_generated_seam_files_are_current() {
        current_or_bless("js/seam.js", &constants_module(), "api/src/seam.rs");
        current_or_bless("js/seam-types.d.ts", &declarations(), "api/src/seam.rs");
        let committed = std::fs::read_to_string(repository_file("package/README.md")).unwrap();
        let generated = readme(&committed).expect("package/README.md has a region, between markers, for each table of codes");
        current_or_bless("package/README.md", &generated, "api/src/seam.rs");
    }

    #[test]
    fn numbers_are_shown_as_the_docs_write_them() {
        assert_eq!(shown(600_000, "ms"), "600,000 ms");
        assert_eq!(shown(10, ""), "10");
        assert_eq!(shown(16 * 1024 * 1024, "bytes"), "16 MiB");
        assert_eq!(shown(1000, "bytes"), "1,000 bytes");
        // An option of the tests' own, so that changing a real one changes no test here.
        let option = |max: u32, default: Option<u32>, unit: &'static str| IntegerOption {
            name: "tries",
            min: 1,
            max,
            default,
            unit,
            doc: &["How often."],
            call_doc: None,
        };
        assert_eq!(range_line(&option(3_600_000, None, "ms"), true), "From 1 to 3,600,000 ms; none by default.");
        assert_eq!(range_line(&option(10, Some(2), ""), false), "From 1 to 10.");
        assert_eq!(range_line(&option(10, Some(2), ""), true), "From 1 to 10; default 2.");
    }

    #[test]
    fn the_declarations_read_as_typescript_does() {
        // Shapes, not contents: a new code or a changed range changes no test here.
        let text = declarations();
        let codes: Vec<String> = InputCode::ALL.iter().map(|code| format!("'{}'", code.as_str())).collect();
        assert!(text.contains(&format!("export type InvalidInputCode = {};\n", codes.join(" | "))));
        assert!(text.contains("export type WebhookErrorCode = 'too-large' | 'encoding' | "));
        assert!(text.contains("' | WebhookVerificationCode;\n"), "a union that includes another names it");
        assert!(text.contains(" * - `unreadable`: a value that could not be read at all"), "each code in the union's comment");
        assert!(text.contains("  title?: string | undefined;\n  detail?: string | undefined;\n"));
        assert!(text.contains("  cause?: unknown;\n"));
        let retries =
            format!("   * {}\n   * {}\n   */\n  maxRetries?: number | undefined;\n", MAX_RETRIES.doc[0], range_line(&MAX_RETRIES, true));
        assert!(text.contains(&retries), "an option's doc ends with its range and default");
        let module = constants_module();
        assert!(module.contains("export const DONE_WITH_BODY = 0;\n"));
        assert!(module.contains("export const TRANSPORT_FUNCTION_OPTIONS = Object.freeze(/** @type {const} */ (['fetch', 'signer', 'onRequest', 'onResponse']));\n"));
        assert!(module.contains("export const CLIENT_FUNCTION_OPTIONS = Object.freeze(/** @type {const} */ (['tokenProvider']));\n"));
    }
}
