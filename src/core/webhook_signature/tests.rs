use super::*;
use crate::core::signature::base64;
use crate::core::text::{cat, join};

/// A delivery upvest-mock signed (tests/shared/webhook-verifier-cases.mjs's CAPTURED), to a URL
/// with a query: DER signature, the key below.
const INPUT: &str = r#"sig1=("@method" "@path" "@query" "content-type" "content-length" "digest");keyid="TlIycN6SmZppPJeSXAt6MT3fgxAlgXHlaSe26kuAlVQ";created=1796161637;expires=1796161697;nonce="4eb4f5df02ce4a4a9102439400055f54""#;
const SIGNATURE: &str = "sig1=:MIGHAkIBX8Y+PdkG9O1ico9/eW0WlJDivSMN0Iabzqht5Gl7Q2rAn8EZk7K9ySJWhlzoUeq0xHhyhngYMtPoZ+SaMru2pSoCQXxCQP58cAFdIPtN20rhNsJe1dFkI4F7woqPhw4NStbRUg1dGrlhKsVEOv1H4bxAT8UDQxMp6hvhaTwhsbgVxAST:";
const DIGEST: &str = "SHA-256=Iproo/BjbSr+f2WCJvQJQXFiHLyORT3CBy+mr99jOdg=";
const X: &str = "AF8a53jkM7fDuB4Dzy_EKHeHTV7uNw1g0yeJzfXwSaV200u8NATN5dS_sMnVI4UuFZ7md0OzThy1VsULHkGTNTnU";
const Y: &str = "AAETeXvo6QsNMCsyVyLEBzcVAMwO1Y8TuFoQ6URu15TrXSVug9zCVrm0V9Xi3NePKH64qgAqjSll_VLTINUvnRwE";
const SIGNED_AT: f64 = 1_796_161_637.0;
const LIMITS: Limits = Limits { clock_skew_seconds: 30.0, max_validity_seconds: 300.0 };

fn code<T: std::fmt::Debug>(result: Result<T, Refusal<'_>>) -> (&'static str, String) {
    let refusal = result.unwrap_err();
    (refusal.code.as_str(), cat!(refusal.reason, refusal.subject))
}

/// A `signature-input` member of the components, valid for `ttl` seconds from `created`.
fn input(components: &[&str], created: i64, ttl: i64) -> String {
    let list: Vec<String> = components.iter().map(|c| cat!("\"", c, "\"")).collect();
    format!("sig1=({});keyid=\"k\";created={created};expires={};nonce=\"n\"", list.join(" "), created + ttl)
}

/// A delivery's `@method`, `@path` and `@query`, as the glue derives them from a method and a
/// request target (js/webhook-verifier.js), then the headers.
fn delivery(method: &str, target: &str, headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let (path, query) = match target.find('?') {
        Some(mark) => (&target[..mark], Some(&target[mark..])),
        None => (target, None),
    };
    let mut pairs = vec![("@method".to_owned(), method.to_owned()), ("@path".to_owned(), path.to_owned())];
    pairs.extend(query.map(|query| ("@query".to_owned(), query.to_owned())));
    pairs.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    pairs
}

/// A component lookup over the pairs.
fn components<'a>(pairs: &'a [(String, String)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
    move |name| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// A test's text that outlives what is read from it.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn raw_signature() -> String {
    cat!("sig1=:", base64(&[7; 132]), ":")
}

#[test]
fn reads_a_delivery_upvest_mock_signed_and_its_base_verifies_with_the_listed_key() {
    use p521::ecdsa::signature::Verifier;
    let signed = read(Some(SIGNATURE), Some(INPUT)).unwrap();
    assert_eq!(signed.components, ["@method", "@path", "@query", "content-type", "content-length", "digest"]);
    assert_eq!(signed.signature_params, &INPUT[5..]);
    assert_eq!((signed.keyid, signed.created, signed.expires), ("\"TlIycN6SmZppPJeSXAt6MT3fgxAlgXHlaSe26kuAlVQ\"", 1796161637, 1796161697));
    assert_eq!(signed.signature.len(), 132, "DER read as raw r‖s");
    assert_eq!(check_coverage(&signed, true), Ok(()));
    assert_eq!(check_lifetime(&signed, SIGNED_AT, LIMITS), Ok(()));
    let pairs = delivery(
        "POST",
        "/upvest/webhooks?tenant=acme",
        &[("content-type", "application/json"), ("content-length", "881"), ("digest", DIGEST)],
    );
    let base = base(&signed, components(&pairs)).unwrap();
    assert_eq!(
        base,
        cat!(
            "@method: POST\n@path: /upvest/webhooks\n@query: ?tenant=acme\ncontent-type: application/json\ncontent-length: 881\ndigest: ",
            DIGEST,
            "\n@signature-params: ",
            &INPUT[5..]
        )
    );
    let point = [&[4][..], &base64url(X), &base64url(Y)].concat();
    let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(&point).unwrap();
    let signature = p521::ecdsa::Signature::from_slice(&signed.signature).unwrap();
    assert!(key.verify(base.as_bytes(), &signature).is_ok());
    assert!(key.verify(base.replace("acme", "acne").as_bytes(), &signature).is_err());
}

fn base64url(text: &str) -> Vec<u8> {
    structured_field::bytes(&cat!(":", text.replace('-', "+").replace('_', "/"), ":")).unwrap()
}

#[test]
fn the_base_ends_with_the_documented_v6_line() {
    // Upvest's v6 docs: `@signature-params: ` and the signature-input member as sent.
    let documented = r#"("@method" "@path" "@query" "accept" "authorization" "content-length" "content-type" "digest" "idempotency-key" "upvest-client-id");keyid="8d4997a8-cf7a-4e51-adbb-401656a3e5c2";created=1633529659;expires=1633529664;nonce="o085M4cMgpbicuOL""#;
    let field = cat!("sig1=", documented);
    let signed = read(Some(&raw_signature()), Some(&field)).unwrap();
    let pairs = delivery("POST", "/endpoint?a=b", &[]);
    let derived = components(&pairs);
    let base = base(&signed, |name| derived(name).or(Some(if name == "accept" { "<accept>" } else { "<other>" }))).unwrap();
    assert!(base.starts_with("@method: POST\n@path: /endpoint\n@query: ?a=b\naccept: <accept>\n"), "{base}");
    assert!(base.ends_with(&cat!("\n@signature-params: ", documented)), "{base}");
}

#[test]
fn takes_parameters_in_any_order_alg_tag_and_raw_signatures() {
    for params in [
        r#";keyid="k";created=100;expires=160;nonce="n""#,
        r#";keyid="k";nonce="n";created=100;expires=160"#,
        r#";alg="ecdsa-p521-sha512";keyid="k";created=100;expires=160;nonce="n""#,
        r#";created=100;keyid="k";tag="upvest";expires=160"#,
    ] {
        let field = cat!(r#"sig0=("x"), sig1=("@method" "@path" "digest")"#, params);
        let signed = read(Some(&cat!("other=?1, ", raw_signature())), Some(&field)).unwrap();
        assert_eq!((signed.created, signed.expires, &signed.signature), (100, 160, &vec![7; 132]), "{params}");
        assert!(base(&signed, |_| Some("d")).unwrap().ends_with(&cat!("@signature-params: (\"@method\" \"@path\" \"digest\")", params)));
    }
}

#[test]
fn refuses_each_malformed_signature_with_its_message() {
    let good = input(&["@method", "@path", "digest"], 100, 60);
    let missing = "the request lacks the signature or signature-input header";
    let dictionaries = "signature and signature-input must be structured-field dictionaries with a sig1 member";
    let list = "sig1 in signature-input must be a list of distinct component names with a keyid string, created and expires times (expires not before created) and no alg but ecdsa-p521-sha512";
    let (times, alg) = (list, list);
    let bytes = "the signature must be an ECDSA P-521 signature, DER or raw r‖s, as a byte sequence";
    let raw = raw_signature();
    for (signature, field, expected) in [
        (None, Some(good.as_str()), ("missing-signature", missing)),
        (Some(raw.as_str()), None, ("missing-signature", missing)),
        (None, None, ("missing-signature", missing)),
        (Some(raw.as_str()), Some(r#"sig1=("@method" "@path";keyid="k""#), ("malformed-signature", dictionaries)),
        (Some(raw.as_str()), Some(&good.replace("sig1=", "sig2=")), ("malformed-signature", dictionaries)),
        (Some(&raw.replace("sig1=", "sig2=")), Some(&good), ("malformed-signature", dictionaries)),
        (Some("sig1=:AAEC"), Some(&good), ("malformed-signature", dictionaries)),
        (Some(raw.as_str()), Some(r#"sig1="@method";keyid="k";created=1;expires=2"#), ("malformed-signature", list)),
        (Some(raw.as_str()), Some(r#"sig1=("@method" "@method");keyid="k";created=1;expires=2"#), ("malformed-signature", list)),
        (Some(raw.as_str()), Some(r#"sig1=(method);keyid="k";created=1;expires=2"#), ("malformed-signature", list)),
        (Some(raw.as_str()), Some(r#"sig1=("digest";sf);keyid="k";created=1;expires=2"#), ("malformed-signature", list)),
        (Some(raw.as_str()), Some(r#"sig1=("@method");created=1;expires=2"#), ("malformed-signature", times)),
        (Some(raw.as_str()), Some(r#"sig1=("@method");keyid=k;created=1;expires=2"#), ("malformed-signature", times)),
        (Some(raw.as_str()), Some(r#"sig1=("@method");keyid="k";created="1";expires=2"#), ("malformed-signature", times)),
        (Some(raw.as_str()), Some(r#"sig1=("@method");keyid="k";created=1.5;expires=2"#), ("malformed-signature", times)),
        (Some(raw.as_str()), Some(r#"sig1=("@method");keyid="k";created=1"#), ("malformed-signature", times)),
        (Some(raw.as_str()), Some(r#"sig1=("@method");keyid="k";created=3;expires=2"#), ("malformed-signature", times)),
        (Some(raw.as_str()), Some(&cat!(good, ";alg=\"ed25519\"")), ("malformed-signature", alg)),
        (Some(raw.as_str()), Some(&cat!(good, ";alg=ecdsa-p521-sha512")), ("malformed-signature", alg)),
        (Some("sig1=:AAEC:"), Some(&good), ("malformed-signature", bytes)),
        (Some("sig1=\"AAEC\""), Some(&good), ("malformed-signature", bytes)),
        (Some(&cat!("sig1=:", base64(&[7; 131]), ":")), Some(&good), ("malformed-signature", bytes)),
    ] {
        let (code, reason) = code(read(signature, field));
        assert_eq!((code, reason.as_str()), expected, "{signature:?} {field:?}");
    }
    // expires equal to created is a signature valid for no time, read (the lifetime check judges it).
    assert!(read(Some(&raw), Some(r#"sig1=("@method");keyid="k";created=2;expires=2"#)).is_ok());
}

#[test]
fn coverage_requires_what_upvest_signs_and_the_query_with_one() {
    let signed = |components: &[&str]| read(Some(&raw_signature()), Some(leak(input(components, 100, 60)))).unwrap();
    let all = signed(&["@method", "@path", "@query", "content-type", "content-length", "digest"]);
    for has_query in [false, true] {
        assert_eq!(check_coverage(&all, has_query), Ok(()));
    }
    assert_eq!(check_coverage(&signed(&["digest", "@path", "@method"]), false), Ok(()), "in any order");
    assert_eq!(
        code(check_coverage(&signed(&["@method", "@path", "content-type", "content-length"]), false)),
        ("not-covered", "the signature does not cover digest".into())
    );
    assert_eq!(
        code(check_coverage(&signed(&["@method", "@path", "digest"]), true)),
        ("not-covered", "the signature does not cover @query".into())
    );
    assert_eq!(code(check_coverage(&signed(&[]), true)), ("not-covered", "the signature does not cover @method".into()), "the first");
}

#[test]
fn lifetime_allows_the_clock_skew_and_no_longer_validity() {
    let signed = |created: i64, ttl: i64| read(Some(&raw_signature()), Some(leak(input(&["@method"], created, ttl)))).unwrap();
    let now = 1_000_000.4;
    const FUTURE: &str = "the signature was created in the future (beyond clockSkewSeconds)";
    const EXPIRED: &str = "the signature has expired (beyond clockSkewSeconds)";
    const TOO_LONG: &str = "the signature is valid for longer than maxValiditySeconds";
    for (created, ttl) in [(1_000_000, 60), (1_000_030, 60), (999_911, 60), (1_000_000, 300), (1_000_000, 0)] {
        assert_eq!(check_lifetime(&signed(created, ttl), now, LIMITS), Ok(()), "{created} {ttl}");
    }
    for (created, ttl, expected) in [
        (1_000_031, 60, ("created-in-future", FUTURE)),
        (1_000_120, 60, ("created-in-future", FUTURE)),
        (999_600, 300, ("expired", EXPIRED)),
        (999_909, 60, ("expired", EXPIRED)),
        (1_000_000, 301, ("validity-too-long", TOO_LONG)),
        (1_000_000, 3600, ("validity-too-long", TOO_LONG)),
    ] {
        let (code, reason) = code(check_lifetime(&signed(created, ttl), now, LIMITS));
        assert_eq!((code, reason.as_str()), expected);
    }
    let strict = Limits { clock_skew_seconds: 0.0, max_validity_seconds: 30.5 };
    assert_eq!(code(check_lifetime(&signed(1_000_001, 10), now, strict)).0, "created-in-future");
    // A fraction of a second counts.
    assert_eq!(code(check_lifetime(&signed(1_000_000, 31), now, strict)).0, "validity-too-long");
    // Far-off times, negative or at the 15-digit limit, are refused, not overflowed.
    assert_eq!(code(check_lifetime(&signed(-999_999_999_999_999, 1), now, LIMITS)).0, "expired");
    assert_eq!(code(check_lifetime(&signed(999_999_999_999_999, 0), now, LIMITS)).0, "created-in-future");
    let long =
        read(Some(&raw_signature()), Some(r#"sig1=("@method");keyid="k";created=-999999999999999;expires=999999999999999"#)).unwrap();
    assert_eq!(code(check_lifetime(&long, now, LIMITS)).0, "validity-too-long");
}

#[test]
fn the_digest_header_must_list_the_body_s_sha_256() {
    use sha2::{Digest, Sha256};
    // Upvest's documented v6 vectors.
    let hello = base64(&Sha256::digest(br#"{"hello": "world"}"#));
    assert!(digest_matches("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", &hello));
    let key = base64(&Sha256::digest(br#"{"key": "value"}"#));
    assert!(digest_matches("SHA-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=", &key));
    assert!(digest_matches("sha-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=", &key), "the name in any case");
    assert!(digest_matches("SHA-512=abc, SHA-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=", &key), "among others");
    for wrong in [
        "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
        "SHA-512=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=",
        "SHA-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U",
        "SHA-256 =lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=",
        "lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=",
        "",
        ",,,",
    ] {
        assert!(!digest_matches(wrong, &key), "{wrong}");
    }
}

#[test]
fn the_base_needs_every_covered_component() {
    let signed = |components: &[&str]| read(Some(&raw_signature()), Some(leak(input(components, 100, 60)))).unwrap();
    let traced = signed(&["@method", "@path", "digest", "x-upvest-trace"]);
    let digest_only = delivery("POST", "/hooks", &[("digest", "SHA-256=x")]);
    let both = delivery("POST", "/hooks", &[("digest", "SHA-256=x"), ("x-upvest-trace", "t")]);
    assert_eq!(
        code(base(&traced, components(&digest_only))),
        ("missing-component", "the signature covers a component the request does not carry: x-upvest-trace".into())
    );
    assert!(base(&traced, components(&both)).unwrap().starts_with("@method: POST\n@path: /hooks\ndigest: SHA-256=x\nx-upvest-trace: t\n"));
    let no_method: Vec<_> = both.iter().filter(|(n, _)| n != "@method").cloned().collect();
    assert_eq!(code(base(&traced, components(&no_method))).0, "missing-component", "no method");
    let no_url: Vec<_> = both.iter().filter(|(n, _)| n != "@path").cloned().collect();
    assert_eq!(code(base(&traced, components(&no_url))).0, "missing-component", "no url");
    let query = signed(&["@method", "@query"]);
    assert_eq!(code(base(&query, components(&both))).1, "the signature covers a component the request does not carry: @query");
    let authority = signed(&["@method", "@path", "@authority", "digest"]);
    let with_authority = [both.clone(), vec![("@authority".to_owned(), "example.com".to_owned())]].concat();
    assert_eq!(
        code(base(&authority, components(&with_authority))),
        ("malformed-signature", "the signature covers a component webhook signatures do not use: @authority".into())
    );
}

#[test]
fn verify_runs_the_checks_in_order() {
    use sha2::{Digest, Sha256};
    let sha256 = base64(&Sha256::digest(br#"{"key": "value"}"#));
    let digest = "SHA-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=";
    let zeros = base64(&[0; 32]);
    let signature = raw_signature();
    let good = input(&["@method", "@path", "digest"], 100, 60);
    let expired = input(&["@method", "@path", "digest"], 0, 60);
    let uncovered = input(&["@method", "@path"], 100, 60);
    let run = |input: &str, with_digest: bool, body: Body<'_>, url: Option<&str>| {
        let mut pairs = vec![("signature", signature.as_str()), ("signature-input", input)];
        if with_digest {
            pairs.push(("digest", digest));
        }
        let mut pairs = delivery("POST", url.unwrap_or(""), &pairs);
        if url.is_none() {
            pairs.retain(|(name, _)| name != "@path");
        }
        let delivery = Delivery { component: components(&pairs), body };
        verify(&delivery, 100.0, LIMITS).map(|v| (v.keyid.to_owned(), v.signature.len(), v.base)).map_err(|r| r.code.as_str())
    };
    let (keyid, length, base) = run(&good, true, Body::Sha256(&sha256), Some("/hooks")).unwrap();
    assert_eq!((keyid.as_str(), length), ("\"k\"", 132));
    assert!(base.starts_with(&cat!("@method: POST\n@path: /hooks\ndigest: ", digest, "\n@signature-params: (")));
    assert!(run(&good, true, Body::Unread, Some("/hooks")).is_ok());
    assert_eq!(run(&good, false, Body::Unread, Some("/hooks")).unwrap_err(), "missing-digest");
    assert_eq!(run(&good, true, Body::Sha256(&zeros), Some("/hooks")).unwrap_err(), "digest-mismatch");
    assert_eq!(run(&good, true, Body::NotBytes, Some("/hooks")).unwrap_err(), "digest-mismatch");
    assert_eq!(run(&good, true, Body::NotBytes, None).unwrap_err(), "digest-mismatch", "the digest before the base");
    assert_eq!(run(&good, true, Body::Sha256(&sha256), None).unwrap_err(), "missing-component");
    // Each check before the next: coverage before lifetime before digest.
    assert_eq!(run(&uncovered, false, Body::NotBytes, Some("/hooks")).unwrap_err(), "not-covered");
    assert_eq!(run(&expired, false, Body::NotBytes, Some("/hooks")).unwrap_err(), "expired");
    assert_eq!(run("", true, Body::Unread, None).unwrap_err(), "malformed-signature");
    let delivery = Delivery { component: |_: &str| None, body: Body::Unread };
    assert_eq!(verify(&delivery, 0.0, LIMITS).unwrap_err().code, Code::MissingSignature);
    assert_eq!(code(check_digest(None, Body::Unread)), ("missing-digest", "the request has no digest header".into()));
}

#[test]
fn survives_hostile_headers() {
    let huge = "a".repeat(100_000);
    let many = cat!("sig1=(", join(&vec!["\"x\""; 5000], " "), ");keyid=\"k\";created=1;expires=2");
    let nested = cat!("sig1=", "(".repeat(5000));
    let not_utf16 = "sig1=(\"\u{fffd}\");keyid=\"k\";created=1;expires=2";
    for field in [huge.as_str(), &many, &nested, not_utf16, "sig1=()", "sig1", ",", "sig1=(\"@method\");keyid=\"k\";created=-;expires=2"] {
        let result = read(Some(&raw_signature()), Some(field));
        assert!(result.is_err() || field == "sig1=()", "{field:.40}");
    }
    let empty = read(Some(&raw_signature()), Some("sig1=();keyid=\"\";created=0;expires=0")).unwrap();
    assert_eq!(code(check_coverage(&empty, false)).0, "not-covered");
}

#[test]
fn the_messages_name_the_label_and_algorithm_upvest_api_defines() {
    // The refusals spell them out (no formatting in the wasm for constants); a change in
    // upvest_api::signing must change them too.
    let (_, list) = code(read(Some(&raw_signature()), Some("sig1=(1);keyid=\"k\";created=1;expires=2")));
    assert!(list.starts_with(&cat!(LABEL, " in signature-input")), "{list}");
    assert!(NOT_UPVESTS.starts_with(&cat!(LABEL, " ")));
    let (_, alg) = code(read(Some(&raw_signature()), Some("sig1=(\"@method\");keyid=\"k\";created=1;expires=2;alg=\"x\"")));
    assert!(alg.contains(webhook::ALGORITHM), "{alg}");
    let (_, dictionaries) = code(read(Some("x"), Some("y")));
    assert!(dictionaries.contains(&cat!(" a ", LABEL, " member")), "{dictionaries}");
}

#[test]
fn a_code_is_its_place_in_the_seam_s_list_one_digit() {
    // The wasm answers a refusal's code as its place in WEBHOOK_VERIFICATION_CODES (js/seam.js,
    // generated from Code::ALL in order), one digit: the codes the core gives come first.
    for (place, code) in Code::ALL.iter().enumerate() {
        assert_eq!(*code as usize, place, "{code:?}");
    }
    assert!((Code::DigestMismatch as usize) < 10);
}

#[test]
fn keyid_is_the_string_item_as_written() {
    // The glue takes the quotes and the escapes (\" and \\ only) away.
    let signed = read(Some(&raw_signature()), Some(r#"sig1=("@method");keyid="a\"b\\c";created=1;expires=2"#)).unwrap();
    assert_eq!(signed.keyid, r#""a\"b\\c""#);
}
