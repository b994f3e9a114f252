//! Static files: the admin page at `/` and the package's web build at `/pkg/`, with headers
//! that keep other sites from framing them or the browser from guessing their types.

use bytes::Bytes;
use hyper::Method;
use std::path::{Path, PathBuf};
use upvest_mock::app::App;
use upvest_mock::options::Options;
use upvest_mock::reply::Reply;

/// The app, answering paths no endpoint serves from `--www` and `--pkg`.
pub fn serve_from(app: App) -> App {
    let options = app.options().clone();
    app.with_fallback(Box::new(move |method, path| serve(&options, method, path)))
}

pub fn serve(options: &Options, method: &Method, path: &str) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return Reply::problem(404, "not_found", format!("no such path {path}"));
    }
    let (root, relative) = match path.strip_prefix("/pkg/") {
        Some(rest) => (options.pkg.as_deref(), rest),
        None => (options.www.as_deref(), path.trim_start_matches('/')),
    };
    let relative = if relative.is_empty() || relative.ends_with('/') { format!("{relative}index.html") } else { relative.to_owned() };
    match root.and_then(|root| file_under(root, &relative)) {
        Some(file) => match std::fs::read(&file) {
            Ok(bytes) => {
                let declared = (content_type(&file) == HTML).then(|| declared_policy(&String::from_utf8_lossy(&bytes))).flatten();
                // frame-ancestors works only in a header, never in a <meta> policy.
                let policy =
                    declared.map_or_else(|| NO_FRAMING.to_owned(), |p| format!("{}; {NO_FRAMING}", p.trim_end_matches([';', ' '])));
                Reply::bytes(200, content_type(&file), Bytes::from(bytes))
                    .with_header("cache-control", "no-cache".to_owned())
                    .with_header("content-security-policy", policy)
                    .with_header("x-frame-options", "DENY".to_owned())
                    .with_header("x-content-type-options", "nosniff".to_owned())
                    .with_header("referrer-policy", "no-referrer".to_owned())
            }
            Err(_) => Reply::problem(404, "not_found", format!("no such file {path}")),
        },
        None => Reply::problem(404, "not_found", format!("no such path {path}")),
    }
}

/// The file for a URL path below `root`, refusing anything that could leave it.
fn file_under(root: &Path, relative: &str) -> Option<PathBuf> {
    let safe = relative.split('/').all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\\') && !s.contains('%'));
    let file = root.join(relative);
    (safe && file.is_file()).then_some(file)
}

const HTML: &str = "text/html; charset=utf-8";
const NO_FRAMING: &str = "frame-ancestors 'none'";

/// The policy a page declares in `<meta http-equiv="Content-Security-Policy" content="…">`, so
/// that it is also sent as a header: the page keeps one policy, in one place, and a page served
/// here without one (a test page, a bundler's development build that needs `eval`) is not held
/// to the admin page's.
fn declared_policy(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    lower.match_indices("<meta").find_map(|(start, _)| {
        let end = start + lower[start..].find('>')?;
        let attributes = attributes(&html[start + "<meta".len()..end]);
        let value = |name: &str| attributes.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
        value("http-equiv").filter(|v| v.eq_ignore_ascii_case("content-security-policy"))?;
        value("content").map(str::to_owned)
    })
}

/// A tag's `name="value"`, `name='value'` and `name=value` attributes.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].split_whitespace().last().unwrap_or("");
        let after = rest[eq + 1..].trim_start();
        let (value, next) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => match after[1..].find(quote) {
                Some(close) => (&after[1..1 + close], &after[close + 2..]),
                None => break,
            },
            _ => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
        };
        found.push((name, value));
        rest = next;
    }
    found
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => HTML,
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_declared_policy_is_found_whatever_the_attribute_order_and_quotes() {
        let page = r#"<head><meta charset="utf-8"><META content="default-src 'self'" HTTP-EQUIV=Content-Security-Policy></head>"#;
        assert_eq!(declared_policy(page).as_deref(), Some("default-src 'self'"));
        let admin = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/index.html")).unwrap();
        assert!(declared_policy(&admin).unwrap().starts_with("default-src 'self'"));
        assert_eq!(declared_policy(r#"<meta name="viewport" content="width=device-width">"#), None);
        assert_eq!(declared_policy("<p>no meta</p>"), None);
    }
}
