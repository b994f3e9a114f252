//! The quick check (crate `upvest-quick-check`) against the full reader and checks it stands in
//! for: it must be sure of the bodies servers send and never sure of one the full path refuses.
//! (The property test over mutated bodies is in `fuzz`.)

use super::json_text;
use super::response::Expected;

const GROUP: &str = r#"{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","created_at":"2020-08-24T14:15:22Z","updated_at":"2020-08-24T14:15:22.5+01:00","type":"PERSONAL","status":"ACTIVE","users":[{"id":"413715f2-5401-4b97-8055-034a6b879f8c","type":"OWNER","extra":[1,{"a":null}]}],"securities_account_number":"123456789","new_field":{"x":[true,false,-1.5e3]}}"#;
const BUSINESS: &str = r#"{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","created_at":"2020-08-24T14:15:22Z","updated_at":"2020-08-24T14:15:22Z","type":"BUSINESS","status":"CLOSED","business_id":"413715f2-5401-4b97-8055-034a6b879f8c","securities_account_number":"1"}"#;

fn page(groups: &[&str], count: usize) -> String {
    format!(
        r#" {{ "meta" : {{"offset":0,"limit":1000,"count":{count},"total_count":5,"sort":"created_at"}}, "data" : [{}] }} "#,
        groups.join(" , ")
    )
}

/// The full check's verdict, which the quick one must never contradict.
fn full(expected: Expected, text: &str) -> bool {
    json_text::parse(text).is_some_and(|document| expected.check(&document.root()).is_ok())
}

#[test]
fn is_sure_of_the_bodies_servers_send() {
    for (expected, text) in [
        (Expected::Group, GROUP.to_owned()),
        (Expected::Group, BUSINESS.to_owned()),
        (Expected::Page, page(&[GROUP, BUSINESS, GROUP], 3)),
        (Expected::Page, page(&[], 0)),
    ] {
        assert!(expected.certainly_valid(text.as_bytes()), "{text}");
        assert!(full(expected, &text), "{text}");
    }
}

#[test]
fn leaves_faults_and_oddities_to_the_full_check() {
    let unsure = [
        (Expected::Page, page(&[GROUP, GROUP], 3)),
        (Expected::Page, page(&[GROUP], 1).replace("\"count\":1", "\"count\":1.0")),
        (Expected::Page, page(&[GROUP], 1).replace("\"count\":1", "\"count\":1,\"count\":1")),
        (Expected::Page, page(&[GROUP], 1).replace("\"limit\":1000,", "")),
        (Expected::Group, GROUP.replace("9d95820d", "9d95820z")),
        (Expected::Group, GROUP.replace("\"PERSONAL\"", "\"PERSON\\u0041L\"")),
        (Expected::Group, GROUP.replace("\"users\"", "\"users_\"")),
        (Expected::Group, GROUP.replace("2020-08-24T14:15:22Z", "2020-08-24")),
        (Expected::Group, GROUP.replace("\"status\":\"ACTIVE\"", "\"status\":null")),
        (Expected::Group, GROUP.replace("\"id\":\"413715f2", "\"id\":\"x13715f2")),
        (Expected::Group, BUSINESS.replace("\"business_id\"", "\"business\"")),
        (Expected::Group, format!("{GROUP} x")),
        (Expected::Group, GROUP.replace("-1.5e3", "-01")),
        (Expected::Group, GROUP.replace("\"id\":\"9d", "\"id\":\"9d\u{1}")),
        (Expected::Group, format!("{}{}", "[".repeat(70), "]".repeat(70))),
        (Expected::Token, r#"{"access_token":"t"}"#.to_owned()),
    ];
    for (expected, text) in unsure {
        assert!(!expected.certainly_valid(text.as_bytes()), "{text}");
    }
    // Escapes where nothing is compared are read (some servers escape `/` or all non-ASCII).
    for escaped in [
        GROUP.replace("\"OWNER\"", "\"OWN\\u0045R\""),
        GROUP.replace("\"ACTIVE\"", "\"AC\\/TIVE\\n\\ud83d\\ude00\\ud800\""),
        GROUP.replace("\"new_field\"", "\"new_field\":\"caf\\u00e9 \\\"quoted\\\" \\\\\",\"x\""),
    ] {
        assert!(Expected::Group.certainly_valid(escaped.as_bytes()) && full(Expected::Group, &escaped), "{escaped}");
    }
    // An escaped name could spell a checked one; a bad escape is a fault.
    for unsure in [
        GROUP.replace("\"id\"", "\"\\u0069d\""),
        GROUP.replace("\"ACTIVE\"", "\"AC\\xTIVE\""),
        GROUP.replace("\"ACTIVE\"", "\"AC\\u00eTIVE\""),
    ] {
        assert!(!Expected::Group.certainly_valid(unsure.as_bytes()), "{unsure}");
    }
}

#[test]
fn agrees_with_the_full_check_on_every_body_it_is_sure_of() {
    // Every way of cutting a page short, and every single-byte change to it.
    let text = page(&[GROUP, BUSINESS], 2);
    for end in 0..text.len() {
        let cut = &text[..end];
        assert!(!Expected::Page.certainly_valid(cut.as_bytes()) || full(Expected::Page, cut), "{cut}");
    }
    let mut bytes = text.into_bytes();
    for at in 0..bytes.len() {
        let was = bytes[at];
        for replacement in [b'"', b'{', b'}', b'[', b']', b',', b':', b'0', b'a', b'-', b' ', b'\\', 0xFF] {
            bytes[at] = replacement;
            if let Ok(changed) = std::str::from_utf8(&bytes) {
                assert!(!Expected::Page.certainly_valid(changed.as_bytes()) || full(Expected::Page, changed), "{changed}");
            }
        }
        bytes[at] = was;
    }
}
