//! Property tests over everything the core reads from outside: response bodies, problem
//! documents, headers, token provider results, and caller input. The property is simply that no
//! input makes the core panic (a panic in wasm is a crash for the caller).
//!
//! `npm test` runs a short round; `scripts/fuzz.sh` runs a million cases per target:
//! `UPVEST_FUZZ_CASES=1000000 cargo test --release -p upvest-account-groups fuzz`.

use super::config::{check_base_url, ClientConfig};
use super::json::JsonView;
use super::paging::Pager;
use super::problem::Problem;
use super::request;
use super::response::{interpret, is_json_media_type, is_rfc3339, Expected};
use super::retry::{http_date_ms, retry_after_ms, AttemptFailure, RetryPolicy};
use super::token::{ClientCredentials, Token};
use super::validate::{number_text, quote};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};

/// The long run (`UPVEST_FUZZ_CASES`) draws fresh random inputs each time, to find new failures;
/// the short run in `npm test` uses a fixed seed, so it passes or fails the same way every time.
fn cases() -> Option<u32> {
    std::env::var("UPVEST_FUZZ_CASES").ok().and_then(|c| c.parse().ok())
}

/// Runs one property over its inputs and reports how many ran.
fn check<S: Strategy>(name: &str, strategy: S, property: impl Fn(S::Value)) {
    let total = cases().unwrap_or(2_000);
    let config = Config { cases: total, failure_persistence: None, ..Config::default() };
    let mut runner = match cases() {
        Some(_) => TestRunner::new(config),
        None => TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha)),
    };
    runner
        .run(&strategy, |value| {
            property(value);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    println!("fuzz {name}: {total} cases, 0 panics");
}

/// Strings that stress parsers: anything, plus the shapes validators look for.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-fA-F-]{30,40}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,4})?(Z|[+-][0-9]{2}:[0-9]{2})?.?",
        "(https?|ftp)://[a-z0-9.:@\\[\\]/%?#-]{0,30}",
        "[A-Z_]{0,12}",
        "[0-9]{0,12}",
        Just("9d95820d-4333-46b6-98de-04ab7512e76f".to_owned()),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>(), -5.0..2000.0f64, Just(f64::NAN), Just(f64::INFINITY), (0u32..2000).prop_map(f64::from)]
}

/// Arbitrary JSON, a few levels deep.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(|n| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop_oneof![text(), field_name()], inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "id",
        "created_at",
        "updated_at",
        "type",
        "status",
        "users",
        "business_id",
        "securities_account_number",
        "meta",
        "data",
        "offset",
        "limit",
        "count",
        "total_count",
        "title",
        "detail",
        "instance",
        "request_id",
        "access_token",
        "expires_in",
        "user_id",
        "sort",
        "order",
        "closure_reason",
        "notification_only",
        "idempotencyKey",
        "signal",
        "baseUrl",
        "clientId",
        "accessToken",
        "tokenProvider",
        "maxRetries",
        "timeoutMs",
        "pageSize",
        "tokenUrl",
        "clientSecret",
        "scopes",
    ])
    .prop_map(str::to_owned)
}

/// A contract-valid page with some of its values replaced: it gets past the early checks.
fn mutated_page() -> impl Strategy<Value = Value> {
    let group = json!({
        "id": "9d95820d-4333-46b6-98de-04ab7512e76f", "created_at": "2020-08-24T14:15:22Z",
        "updated_at": "2020-08-24T14:15:22Z", "type": "PERSONAL", "status": "ACTIVE",
        "users": [{"id": "413715f2-5401-4b97-8055-034a6b879f8c", "type": "OWNER"}], "securities_account_number": "123456789"
    });
    let page = json!({"meta": {"offset": 0, "limit": 2, "count": 2, "total_count": 2}, "data": [group.clone(), group]});
    prop::collection::vec((prop::sample::select(vec!["", "/meta", "/data/0", "/data/1", "/data/0/users/0"]), field_name(), value()), 0..4)
        .prop_map(move |edits| {
            let mut page = page.clone();
            for (place, name, replacement) in edits {
                // Edits may break the shape later edits expect; those then edit nothing.
                if let Some(object) = page.pointer_mut(place).and_then(Value::as_object_mut) {
                    object.insert(name, replacement);
                }
            }
            page
        })
}

#[test]
fn fuzz_interpret_never_panics() {
    let expected = prop::sample::select(vec![Expected::Group, Expected::Page, Expected::Accepted, Expected::Token, Expected::VerifyKeys]);
    let body = prop_oneof![value(), mutated_page()];
    let strategy = (expected, any::<u16>(), prop::option::of(text()), prop::option::of(text()), prop::option::of(body));
    check("interpret", strategy, |(expected, status, request_id, content_type, body)| {
        let _ = is_json_media_type(content_type.as_deref());
        if let Err(e) = interpret(expected, status, request_id.clone(), content_type.as_deref(), body.as_ref()) {
            let _ = e.to_string();
        }
        let view = body.as_ref();
        let _ = Problem::from_response(status, request_id, view.as_ref()).to_string();
        if let Some(body) = &body {
            let number = |name: &str| body.field("meta").and_then(|m| m.field(name)).and_then(|v| v.number()).unwrap_or(0.0);
            let received = body.field("data").map_or(0, |d| d.length()) as u32;
            let _ =
                Pager::new::<&Value>(None, None).map(|mut p| p.advance(number("offset"), received, number("total_count"), received / 2));
            let _ = Token::from_provider(&body);
            let _ = super::webhook::events(&body);
        }
    });
}

#[test]
fn fuzz_the_quick_check_never_contradicts_the_full_one() {
    let sure = std::cell::Cell::new(0u32);
    let texts = mutated_page().prop_flat_map(|page| {
        let group = page.pointer("/data/0").cloned().unwrap_or(Value::Null);
        let texts = [page.to_string(), serde_json::to_string_pretty(&page).unwrap_or_default(), group.to_string()];
        (prop::sample::select(texts.to_vec()), any::<bool>())
    });
    check("quick_check", texts, |(text, as_page)| {
        let expected = if as_page { Expected::Page } else { Expected::Group };
        if expected.certainly_valid(text.as_bytes()) {
            sure.set(sure.get() + 1);
            let document = super::json_text::parse(&text).unwrap_or_else(|| panic!("sure of invalid JSON: {text}"));
            assert_eq!(expected.check(&document.root()), Ok(()), "sure of a body the full check refuses: {text}");
        }
    });
    // Unedited pages and their groups are common among the inputs: the quick check was tried.
    assert!(sure.get() > 0, "the quick check was never sure");
}

#[test]
fn fuzz_json_text_parses_like_serde_json() {
    let texts = prop_oneof![
        value().prop_map(|v| v.to_string()),
        value().prop_map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()),
        any::<String>(),
        text()
    ];
    check("json_text", texts, |text| {
        let ours = super::json_text::parse(&text);
        match serde_json::from_str::<Value>(&text) {
            Ok(theirs) => {
                // serde_json refuses nothing JSON allows, and nests at most 128 deep; ours at most 64.
                let node = ours.unwrap_or_else(|| panic!("json_text refused valid JSON: {text:?}"));
                assert!(super::json_text::tests::same(&node.root(), &theirs), "json_text differs on {text:?}");
            }
            // serde_json also refuses numbers beyond f64; JSON.parse (and json_text) read them as Infinity.
            Err(e) if e.to_string().contains("number out of range") => {}
            Err(_) => assert!(ours.is_none(), "json_text accepted invalid JSON: {text:?}"),
        }
    });
}

#[test]
fn fuzz_headers_and_text_never_panic() {
    check("headers", (text(), number(), any::<u32>(), 0.0..1.0f64), |(value, now, retries, random)| {
        let _ = retry_after_ms(&value, now);
        let _ = http_date_ms(&value);
        let _ = is_rfc3339(&value);
        let _ = check_base_url(&value);
        let _ = quote(&value);
        let _ = number_text(now);
        let failure = AttemptFailure::Status { status: 503, retry_after: Some(value) };
        let _ = RetryPolicy { max_retries: 10, ..RetryPolicy::default() }.delay_after(&failure, retries % 12, random, now);
    });
}

#[test]
fn fuzz_caller_input_never_panics() {
    check("input", (value(), value(), value()), |(a, b, c)| {
        let _ = request::create(Some(&a), Some(&b), "6f1c2a9e-58b4-4d0e-9a3f-0c7b2e5d8a41");
        let _ = request::get(Some(&a), Some(&b));
        let _ = request::list(Some(&a), Some(&b));
        let _ = request::list_for_user(Some(&a), Some(&b), Some(&c));
        let _ = request::close(Some(&a), Some(&b), Some(&c));
        let _ = Pager::new(Some(Some(&a)), Some(&b));
        let _ = ClientConfig::parse(Some(&a));
        let _ = ClientCredentials::parse(Some(&a));
        let _ = (&a).kind();
    });
}
