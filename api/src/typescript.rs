//! The package's TypeScript for the API's data, and the enum values and hosts it exports, generated from the
//! Rust definitions (`js/api.d.ts`, `js/vocabulary.js`). `cargo test -p upvest-api` fails when the
//! committed files differ from what the definitions give; `UPVEST_BLESS=1` rewrites them.

use crate::data::*;
use crate::declaration::{Declaration, Declared};
use crate::hosts::HOSTS;
use crate::vocabulary::*;

/// The declared types, in the order the declarations list them.
fn declared() -> Vec<Declaration> {
    vec![
        UserAccountGroupType::declaration(),
        BusinessAccountGroupType::declaration(),
        AccountGroupType::declaration(),
        AccountGroupStatus::declaration(),
        AccountGroupUserRelation::declaration(),
        SortField::declaration(),
        SortOrder::declaration(),
        ClosureReason::declaration(),
        AccountGroupEventType::declaration(),
        AccountGroupUser::declaration(),
        UserAccountGroup::declaration(),
        BusinessAccountGroup::declaration(),
        AccountGroup::declaration(),
        CreateUserAccountGroupRequest::declaration(),
        CreateBusinessAccountGroupRequest::declaration(),
        CreateAccountGroupRequest::declaration(),
        ListQuery::declaration(),
        ListMeta::declaration(),
        AccountGroupList::declaration(),
        CloseOptions::declaration(),
    ]
}

pub(crate) const GENERATED: &str =
    "Generated from api/src (the upvest-api crate) by `UPVEST_BLESS=1 cargo test -p upvest-api`: do not edit.";

/// A JSDoc comment of doc lines (as `///` gives them: each with a leading space), indented.
pub(crate) fn js_doc(lines: &[&str], indent: &str) -> String {
    let lines: Vec<&str> = lines.iter().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let body: String = many.iter().map(|line| format!("{indent} *{}{line}\n", if line.is_empty() { "" } else { " " })).collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
    }
}

fn quoted(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| format!("'{value}'")).collect()
}

/// `js/api.d.ts`: the types, and the declarations of the exported values.
pub fn declarations() -> String {
    let mut out = format!("// {GENERATED}\n\n");
    out.push_str(
        "/** An open string union: the listed values get completion, and values added by later API versions still type-check. */\n",
    );
    out.push_str("export type Open<T extends string> = T | (string & {});\n");
    let declared = declared();
    for declaration in &declared {
        out.push('\n');
        match declaration {
            Declaration::Enum { name, doc, values, open, .. } => {
                let union = quoted(values).join(" | ");
                out.push_str(&js_doc(doc, ""));
                out.push_str(&if *open {
                    format!("export type {name} = Open<{union}>;\n")
                } else {
                    format!("export type {name} = {union};\n")
                });
            }
            Declaration::Object { name, doc, input, fields } => {
                out.push_str(&js_doc(doc, ""));
                out.push_str(&format!("export interface {name} {{\n"));
                for field in fields {
                    out.push_str(&js_doc(field.doc, "  "));
                    let (mark, or_undefined) = match (field.optional, *input) {
                        (false, _) => ("", ""),
                        (true, false) => ("?", ""),
                        (true, true) => ("?", " | undefined"),
                    };
                    out.push_str(&format!("  {}{mark}: {}{or_undefined};\n", field.name, field.ts_type));
                }
                out.push_str("}\n");
            }
            Declaration::Union { name, doc, members } => {
                out.push_str(&js_doc(&[*doc], ""));
                out.push_str(&format!("export type {name} = {};\n", members.join(" | ")));
            }
        }
    }
    for declaration in &declared {
        if let Declaration::Enum { name, values, export, .. } = declaration {
            out.push_str(&format!("\n/** Every `{name}` value this version lists, in the API's order. */\n"));
            out.push_str(&format!("export declare const {export}: readonly [{}];\n", quoted(values).join(", ")));
        }
    }
    for host in HOSTS {
        out.push_str(&format!("\n/** {} */\nexport declare const {}: '{}';\n", host.doc, host.export, host.url));
    }
    out
}

/// `js/vocabulary.js`: the enum values the package exports.
pub fn values_module() -> String {
    let mut out = format!("// @ts-check\n// {GENERATED}\n");
    for declaration in declared() {
        if let Declaration::Enum { name, values, export, .. } = declaration {
            out.push_str(&format!("\n/** Every `{name}` value this version lists, in the API's order. */\n"));
            out.push_str(&format!("export const {export} = Object.freeze(/** @type {{const}} */ ([{}]));\n", quoted(values).join(", ")));
        }
    }
    for host in HOSTS {
        out.push_str(&format!("\n/** {} */\nexport const {} = '{}';\n", host.doc, host.export, host.url));
    }
    out
}

/// A file of the repository, for the tests that hold generated files to their sources.
#[cfg(test)]
pub(crate) fn repository_file(path: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Compares a committed generated file with what `source` gives, or writes it under
/// `UPVEST_BLESS` (tests only).
#[cfg(test)]
pub(crate) fn current_or_bless(path: &str, generated: &str, source: &str) {
    let file = repository_file(path);
    if std::env::var_os("UPVEST_BLESS").is_some() {
        std::fs::write(&file, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(committed == generated, "{path} is not what {source} gives: run `UPVEST_BLESS=1 cargo test -p upvest-api` and commit it");
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn the_generated_files_are_current() {
        current_or_bless("js/api.d.ts", &declarations(), "api/src");
        current_or_bless("js/vocabulary.js", &values_module(), "api/src");
    }

    #[test]
    fn enums_and_objects_are_declared_as_typescript_reads_them() {
        let text = declarations();
        assert!(text.contains("export type AccountGroupStatus = Open<'PENDING_APPROVAL' | 'ACTIVE' | 'CLOSING' | 'CLOSED' | 'LOCKED'>;\n"));
        assert!(text.contains("export type AccountGroupType = UserAccountGroupType | BusinessAccountGroupType;\n"));
        assert!(text.contains("  securities_account_number?: string | undefined;\n"), "an optional input field takes undefined");
        assert!(text.contains("  users: AccountGroupUser[];\n"));
        assert!(text.contains("  type?: AccountGroupUserRelation;\n"), "an optional output field, named as on the wire");
        assert!(text.contains("  order?: Open<SortOrder>;\n"));
        assert!(!text.contains("r#"));
        assert!(values_module()
            .contains("export const CLOSURE_REASONS = Object.freeze(/** @type {const} */ (['dunning', 'power_of_attorney', "));
    }
}
