use super::*;

/// A delivery upvest-mock signed (tests/shared/webhook-verifier-cases.mjs's CAPTURED), to a URL
/// with a query: DER signature, the key below.
const INPUT: &str = r#"sig1=("@method" "@path" "@query" "content-type" "content-length" "digest");keyid="TlIycN6SmZppPJeSXAt6MT3fgxAlgXHlaSe26kuAlVQ";created=1796161637;expires=1796161697;nonce="4eb4f5df02ce4a4a9102439400055f54""#;
const SIGNATURE: &str = "sig1=:MIGHAkIBX8Y+PdkG9O1ico9/eW0WlJDivSMN0Iabzqht5Gl7Q2rAn8EZk7K9ySJWhlzoUeq0xHhyhngYMtPoZ+SaMru2pSoCQXxCQP58cAFdIPtN20rhNsJe1dFkI4F7woqPhw4NStbRUg1dGrlhKsVEOv1H4bxAT8UDQxMp6hvhaTwhsbgVxAST:";
const DIGEST: &str = "SHA-256=Iproo/BjbSr+f2WCJvQJQXFiHLyORT3CBy+mr99jOdg=";
const X: &str = "AF8a53jkM7fDuB4Dzy_EKHeHTV7uNw1g0yeJzfXwSaV200u8NATN5dS_sMnVI4UuFZ7md0OzThy1VsULHkGTNTnU";
const Y: &str = "AAETeXvo6QsNMCsyVyLEBzcVAMwO1Y8TuFoQ6URu15TrXSVug9zCVrm0V9Xi3NePKH64qgAqjSll_VLTINUvnRwE";
const SIGNED_AT: f64 = 1_796_161_637.0;
const LIMITS: Limits = Limits { clock_skew_seconds: 30.0, max_validity_seconds: 300.0 };

fn code<T: std::fmt::Debug>(result: Result<T, Refusal>) -> (&'static str, String) {
    let refusal = result.unwrap_err();
    (refusal.code.as_str(), refusal.reason)
}

/// A `signature-input` member of the components, valid for `ttl` seconds from `created`.
fn input(components: &[&str], created: i64, ttl: i64) -> String {
    let list: Vec<String> = components.iter().map(|c| cat!("\"", c, "\"")).collect();
    format!("sig1=({});keyid=\"k\";created={created};expires={};nonce=\"n\"", list.join(" "), created + ttl)
}

fn raw_signature() -> String {
    cat!("sig1=:", base64(&[7; 132]), ":")
}

#[test]
fn reads_a_delivery_upvest_mock_signed_and_its_base_verifies_with_the_listed_key() {
    use p521::ecdsa::signature::Verifier;
    let signed = read(Some(SIGNATURE), Some(INPUT)).unwrap();
    assert_eq!(signed.components, ["@method", "@path", "@query", "content-type", "content-length", "digest"]);
    assert_eq!(
        (signed.keyid.as_str(), signed.created, signed.expires),
        ("TlIycN6SmZppPJeSXAt6MT3fgxAlgXHlaSe26kuAlVQ", 1796161637, 1796161697)
    );
    assert_eq!(signed.signature.len(), 132, "DER read as raw r‖s");
    let target = Target::of("/upvest/webhooks?tenant=acme");
    assert_eq!(check_coverage(&signed, Some(&target)), Ok(()));
    assert_eq!(check_lifetime(&signed, SIGNED_AT, LIMITS), Ok(()));
    assert_eq!(covered_headers(&signed), ["content-type", "content-length", "digest"]);
    let values = ["application/json", "881", DIGEST].map(|v| Some(v.to_owned()));
    let base = base(INPUT, Some("post"), Some(&target), &values).unwrap();
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
    let standard = text.replace('-', "+").replace('_', "/");
    let field = cat!("a=:", standard, ":");
    match super::Dictionary::parse(&field).unwrap().get("a").unwrap().value.clone() {
        Value::Item(Item { value: BareItem::Bytes(bytes), .. }) => bytes,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_base_ends_with_the_documented_v6_line() {
    // Upvest's v6 docs: `@signature-params: ` and the signature-input member as sent.
    let documented = r#"("@method" "@path" "@query" "accept" "authorization" "content-length" "content-type" "digest" "idempotency-key" "upvest-client-id");keyid="8d4997a8-cf7a-4e51-adbb-401656a3e5c2";created=1633529659;expires=1633529664;nonce="o085M4cMgpbicuOL""#;
    let field = cat!("sig1=", documented);
    let signed = read(Some(&raw_signature()), Some(&field)).unwrap();
    let values: Vec<Option<String>> = covered_headers(&signed).iter().map(|name| Some(cat!("<", name, ">"))).collect();
    let target = Target::of("/endpoint?a=b");
    let base = base(&field, Some("POST"), Some(&target), &values).unwrap();
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
        assert_eq!((signed.created, signed.expires, signed.signature), (100, 160, vec![7; 132]), "{params}");
        assert!(base(&field, Some("POST"), Some(&Target::of("/h")), &[Some("d".into())])
            .unwrap()
            .ends_with(&cat!("@signature-params: (\"@method\" \"@path\" \"digest\")", params)));
    }
}

#[test]
fn refuses_each_malformed_signature_with_its_message() {
    let good = input(&["@method", "@path", "digest"], 100, 60);
    let missing = "the request lacks the signature or signature-input header";
    let dictionaries = "signature and signature-input must be structured-field dictionaries with a sig1 member";
    let list = "sig1 in signature-input must be a list of distinct component names";
    let times = "sig1 in signature-input needs a keyid string and created and expires times, expires not before created";
    let alg = "alg must be ecdsa-p521-sha512, the only algorithm of webhook signatures";
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
    let signed = |components: &[&str]| read(Some(&raw_signature()), Some(&input(components, 100, 60))).unwrap();
    let plain = Target::of("/hooks");
    let with_query = Target::of("/hooks?source=upvest");
    let all = signed(&["@method", "@path", "@query", "content-type", "content-length", "digest"]);
    for target in [Some(&plain), Some(&with_query), None] {
        assert_eq!(check_coverage(&all, target), Ok(()));
    }
    assert_eq!(check_coverage(&signed(&["digest", "@path", "@method"]), Some(&plain)), Ok(()), "in any order");
    assert_eq!(
        code(check_coverage(&signed(&["@method", "@path", "content-type", "content-length"]), Some(&plain))),
        ("not-covered", "the signature does not cover digest".into())
    );
    assert_eq!(
        code(check_coverage(&signed(&["@method", "@path", "digest"]), Some(&with_query))),
        ("not-covered", "the signature does not cover @query".into())
    );
    assert_eq!(
        code(check_coverage(&signed(&[]), Some(&with_query))),
        ("not-covered", "the signature does not cover @method, @path, digest, @query".into())
    );
}

#[test]
fn lifetime_allows_the_clock_skew_and_no_longer_validity() {
    let signed = |created: i64, ttl: i64| read(Some(&raw_signature()), Some(&input(&["@method"], created, ttl))).unwrap();
    let now = 1_000_000.4;
    for (created, ttl) in [(1_000_000, 60), (1_000_030, 60), (999_911, 60), (1_000_000, 300), (1_000_000, 0)] {
        assert_eq!(check_lifetime(&signed(created, ttl), now, LIMITS), Ok(()), "{created} {ttl}");
    }
    for (created, ttl, expected) in [
        (1_000_031, 60, ("created-in-future", "the signature was created 31 s in the future")),
        (1_000_120, 60, ("created-in-future", "the signature was created 120 s in the future")),
        (999_600, 300, ("expired", "the signature expired 100 s ago")),
        (999_909, 60, ("expired", "the signature expired 31 s ago")),
        (1_000_000, 301, ("validity-too-long", "the signature is valid for 301 s, longer than maxValiditySeconds (300)")),
        (1_000_000, 3600, ("validity-too-long", "the signature is valid for 3600 s, longer than maxValiditySeconds (300)")),
    ] {
        let (code, reason) = code(check_lifetime(&signed(created, ttl), now, LIMITS));
        assert_eq!((code, reason.as_str()), expected);
    }
    let strict = Limits { clock_skew_seconds: 0.0, max_validity_seconds: 30.5 };
    assert_eq!(code(check_lifetime(&signed(1_000_001, 10), now, strict)).0, "created-in-future");
    assert_eq!(
        code(check_lifetime(&signed(1_000_000, 31), now, strict)).1,
        "the signature is valid for 31 s, longer than maxValiditySeconds (30.5)"
    );
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
    let hello = Sha256::digest(br#"{"hello": "world"}"#);
    assert!(digest_matches("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", &hello));
    let key = Sha256::digest(br#"{"key": "value"}"#);
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
    let field = input(&["@method", "@path", "digest", "x-upvest-trace"], 100, 60);
    let target = Target::of("/hooks");
    let d = Some("SHA-256=x".to_owned());
    assert_eq!(
        code(base(&field, Some("POST"), Some(&target), &[d.clone(), None])),
        ("missing-component", "the signature covers x-upvest-trace, which the request does not carry".into())
    );
    assert_eq!(code(base(&field, None, Some(&target), &[d.clone(), Some("t".into())])).0, "missing-component", "no method");
    assert_eq!(code(base(&field, Some("POST"), None, &[d.clone(), Some("t".into())])).0, "missing-component", "no url");
    let query = input(&["@method", "@query"], 100, 60);
    assert_eq!(code(base(&query, Some("POST"), Some(&target), &[])).1, "the signature covers @query, which the request does not carry");
    let authority = input(&["@method", "@path", "@authority", "digest"], 100, 60);
    assert_eq!(
        code(base(&authority, Some("POST"), Some(&target), &[d])),
        ("malformed-signature", "the signature covers @authority, a component webhook signatures do not use".into())
    );
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
    assert_eq!(code(check_coverage(&empty, None)).0, "not-covered");
    assert!(base("not a dictionary", Some("POST"), None, &[]).is_err());
}
