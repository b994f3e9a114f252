//! Static files: the admin page at `/` and the package's web build at `/pkg/`.

use crate::options::Options;
use crate::reply::Reply;
use bytes::Bytes;
use hyper::Method;
use std::path::{Path, PathBuf};

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
            Ok(bytes) => Reply::bytes(200, content_type(&file), Bytes::from(bytes))
                .with_header("cache-control", "no-cache".to_owned())
                .with_header("x-content-type-options", "nosniff".to_owned()),
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

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
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
