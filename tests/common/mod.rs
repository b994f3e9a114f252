//! Test bodies shared by the Node and the browser suites: the wasm boundary (the core's plans and
//! judgements) against the real mock over loopback, through a small driver written here in Rust
//! (the package's own driver is JavaScript, tested by the node and Chromium suites). The mock's
//! URL comes in at build time as UPVEST_MOCK_URL.

use js_sys::{Promise, Reflect, Uint8Array, JSON};
use upvest_account_groups::wasm::call::CallCore;
use upvest_account_groups::wasm::client_core::ClientCore;
use upvest_api::seam::Verdict;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub const CLIENT_ID: &str = "363f3305-7ab0-4e82-a158-f9d382ad08b6";
pub const USER_ID: &str = "413715f2-5401-4b97-8055-034a6b879f8c";

pub fn mock_url() -> &'static str {
    option_env!("UPVEST_MOCK_URL").expect("UPVEST_MOCK_URL must name a running upvest-mock when the tests are built")
}

pub fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON parses")
}

pub fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).expect("field readable")
}

pub fn text(value: &JsValue, name: &str) -> String {
    field(value, name).as_string().unwrap_or_else(|| panic!("{name} is not a string"))
}

/// A random UUID v4 for `create`'s idempotency key, as the glue makes one.
pub fn fresh_key() -> String {
    let digit = |_| format!("{:x}", (js_sys::Math::random() * 16.0) as u8);
    let hex: String = (0..32).map(digit).collect();
    format!("{}-{}-4{}-8{}-{}", &hex[..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..])
}

pub fn client() -> ClientCore {
    let options = json(&format!(r#"{{"baseUrl":"{}","clientId":"{CLIENT_ID}","accessToken":"test-token"}}"#, mock_url()));
    ClientCore::new(options).expect("client options are valid")
}

/// The glue's loop, small: plan, fetch, judge, until the core says done or failed.
pub async fn settle(call: Result<CallCore, JsValue>) -> Result<JsValue, JsValue> {
    let mut call = call?;
    for _ in 0..5 {
        let planned = call.plan(Some("test-token".to_owned()), js_sys::Date::now());
        let headers = web_sys::Headers::new()?;
        let lines: Vec<&str> = planned.lines().collect();
        for pair in lines.chunks(2) {
            headers.append(pair[0], pair[1])?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method(&call.method());
        init.set_headers(&headers);
        if let Some(body) = call.body() {
            init.set_body(&JsValue::from_str(&body));
        }
        let response: web_sys::Response = JsFuture::from(global_fetch_with_init(&call.url(), &init)).await?.unchecked_into();
        let bytes = Uint8Array::new(&JsFuture::from(response.array_buffer()?).await?).to_vec();
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let verdict = call.judge(
            response.status(),
            header("upvest-request-id"),
            header("content-type"),
            header("retry-after"),
            &bytes,
            js_sys::Date::now(),
            0.5,
        );
        let parsed = || JSON::parse(&String::from_utf8_lossy(&bytes));
        match Verdict::ALL.get(verdict as usize) {
            Some(Verdict::DoneWithBody) => return parsed(),
            Some(Verdict::DoneEmpty) => return Ok(JsValue::UNDEFINED),
            Some(Verdict::Retry | Verdict::RefreshToken) => continue,
            _ => return Err(call.error(parsed().unwrap_or(JsValue::UNDEFINED), JsValue::UNDEFINED)),
        }
    }
    Err(JsValue::from_str("the call did not settle within five attempts"))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> Promise;
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch_with_init(url: &str, init: &web_sys::RequestInit) -> Promise;
}

/// The requests the mock has logged for a path.
pub async fn logged_requests(path: &str) -> Vec<JsValue> {
    let response: web_sys::Response =
        JsFuture::from(global_fetch(&format!("{}/__mock/requests", mock_url()))).await.expect("mock log reachable").unchecked_into();
    let log = JsFuture::from(response.json().expect("json")).await.expect("log is JSON");
    js_sys::Array::from(&log).iter().filter(|r| text(r, "path") == path).collect()
}

pub async fn creates_a_user_group_and_gets_it_back() {
    let client = client();
    let request = json(&format!(r#"{{"user_id":"{USER_ID}","type":"PERSONAL"}}"#));
    let created = settle(client.create(request, JsValue::UNDEFINED, fresh_key())).await.expect("create succeeds");
    assert_eq!(text(&created, "type"), "PERSONAL");
    assert_eq!(text(&created, "status"), "ACTIVE");
    assert_eq!(text(&created, "securities_account_number").len(), 9);
    let id = text(&created, "id");
    let fetched = settle(client.get(JsValue::from_str(&id), JsValue::UNDEFINED)).await.expect("get succeeds");
    assert_eq!(text(&fetched, "id"), id);
    assert_eq!(text(&fetched, "created_at"), text(&created, "created_at"));

    let sent = logged_requests("/account_groups").await;
    let post = sent.iter().rev().find(|r| text(r, "method") == "POST").expect("the create reached the mock");
    let headers = field(post, "headers");
    assert_eq!(text(&headers, "upvest-client-id"), CLIENT_ID);
    assert_eq!(text(&headers, "authorization"), "Bearer test-token");
    assert_eq!(text(&headers, "upvest-api-version"), "1");
    assert_eq!(text(&headers, "accept"), "application/json");
    assert_eq!(text(&headers, "content-type"), "application/json");
    let key = text(&headers, "idempotency-key");
    assert!(key.len() == 36 && key.as_bytes()[14] == b'4', "a UUID v4 idempotency key, got {key}");
}

pub async fn creates_a_business_group() {
    let request =
        json(r#"{"business_id":"0c9f4a6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f","type":"BUSINESS","securities_account_number":"000000042"}"#);
    let created = settle(client().create(request, JsValue::UNDEFINED, fresh_key())).await.expect("create succeeds");
    assert_eq!(text(&created, "business_id"), "0c9f4a6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f");
    assert_eq!(text(&created, "securities_account_number"), "000000042");
    assert!(field(&created, "users").is_undefined());
}

pub async fn rejects_bad_input_before_sending() {
    let before = logged_requests("/account_groups").await.len();
    let request = json(&format!(r#"{{"user_id":"{USER_ID}","type":"SAVINGS"}}"#));
    let error = settle(client().create(request, JsValue::UNDEFINED, fresh_key())).await.expect_err("bad type is refused");
    assert_eq!(text(&error, "name"), "InvalidInputError");
    assert_eq!(text(&error, "field"), "type");
    assert!(text(&error, "message").contains("must be one of PERSONAL"));
    assert_eq!(logged_requests("/account_groups").await.len(), before, "nothing was sent");
}

pub async fn reports_an_unknown_group_as_a_problem() {
    let missing = "9d95820d-4333-46b6-98de-04ab7512e76f";
    let error = settle(client().get(JsValue::from_str(missing), JsValue::UNDEFINED)).await.expect_err("404");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&error, "name"), "ProblemError");
    assert_eq!(field(&error, "status").as_f64(), Some(404.0));
    assert_eq!(text(&error, "type"), "https://docs.upvest.co/errors/not_found");
    assert_eq!(text(&error, "requestId").len(), 36);
}

/// The quick check's string scan as the wasm runs it (sixteen bytes at a time with `simd128`),
/// held to the native one (`plain_run_end_words`) at every length, stop and start.
pub async fn scans_plain_runs_with_simd_as_without() {
    use upvest_quick_check::lex::{plain_run_end, plain_run_end_words};
    for len in 0..70 {
        for stop in [b'"', b'\\', 0x00, 0x1f] {
            let mut bytes = vec![b'a'; len];
            bytes.extend([stop, b'"', b'x']);
            for from in 0..=len {
                assert_eq!(plain_run_end(&bytes, from), Some(len), "{len} {stop} {from}");
                assert_eq!(plain_run_end(&bytes, from), plain_run_end_words(&bytes, from));
            }
        }
        for plain in [0x20, 0x7f, 0x80, 0xe9, 0xff] {
            assert_eq!(plain_run_end(&vec![plain; len], 0), None, "{plain} is plain");
        }
    }
}

/// The quick check's UUID scan as the wasm runs it (`simd128`), held to the byte-by-byte one
/// with every byte value at every position.
pub async fn checks_uuids_with_simd_as_without() {
    use upvest_quick_check::shapes::{is_uuid_bytes, is_uuid_quick};
    let mut uuid = *b"9d95820d-4333-46b6-98de-04ab7512E76F";
    assert!(is_uuid_quick(&uuid));
    for at in 0..uuid.len() {
        let kept = uuid[at];
        for byte in 0..=u8::MAX {
            uuid[at] = byte;
            assert_eq!(is_uuid_quick(&uuid), is_uuid_bytes(&uuid), "{byte} at {at}");
        }
        uuid[at] = kept;
    }
}

/// Declares one wasm-bindgen test per shared body in the file that invokes it, so that the Node
/// and the browser suites always run the same list.
#[macro_export]
macro_rules! shared_suite {
    () => {
        shared_suite!(@each
            creates_a_user_group_and_gets_it_back,
            creates_a_business_group,
            rejects_bad_input_before_sending,
            reports_an_unknown_group_as_a_problem,
            scans_plain_runs_with_simd_as_without,
            checks_uuids_with_simd_as_without,
        );
    };
    (@each $($name:ident),* $(,)?) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn $name() {
                common::$name().await
            }
        )*
    };
}
