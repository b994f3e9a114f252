//! Test bodies shared by the Node and the browser suites: the built client against the real mock
//! over loopback. The mock's URL comes in at build time as UPVEST_MOCK_URL.

use js_sys::{Promise, Reflect, JSON};
use upvest_account_groups::AccountGroups;
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

pub fn client() -> AccountGroups {
    let options = json(&format!(r#"{{"baseUrl":"{}","clientId":"{CLIENT_ID}","accessToken":"test-token"}}"#, mock_url()));
    AccountGroups::new(options).expect("client options are valid")
}

pub async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> Promise;
}

/// The requests the mock has logged for a path.
pub async fn logged_requests(path: &str) -> Vec<JsValue> {
    let response: web_sys::Response = JsFuture::from(global_fetch(&format!("{}/__mock/requests", mock_url())))
        .await
        .expect("mock log reachable")
        .unchecked_into();
    let log = JsFuture::from(response.json().expect("json")).await.expect("log is JSON");
    js_sys::Array::from(&log).iter().filter(|r| text(r, "path") == path).collect()
}

pub async fn creates_a_user_group_and_gets_it_back() {
    let client = client();
    let request = json(&format!(r#"{{"user_id":"{USER_ID}","type":"PERSONAL"}}"#));
    let created = settle(client.create(request, JsValue::UNDEFINED)).await.expect("create succeeds");
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
    let request = json(r#"{"business_id":"0c9f4a6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f","type":"BUSINESS","securities_account_number":"000000042"}"#);
    let created = settle(client().create(request, JsValue::UNDEFINED)).await.expect("create succeeds");
    assert_eq!(text(&created, "business_id"), "0c9f4a6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f");
    assert_eq!(text(&created, "securities_account_number"), "000000042");
    assert!(field(&created, "users").is_undefined());
}

pub async fn rejects_bad_input_before_sending() {
    let before = logged_requests("/account_groups").await.len();
    let request = json(&format!(r#"{{"user_id":"{USER_ID}","type":"SAVINGS"}}"#));
    let error = settle(client().create(request, JsValue::UNDEFINED)).await.expect_err("bad type is refused");
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
