use super::*;

fn entry<'a>(kind: Kind, key: &'a str, value: &'a str) -> Entry<'a> {
    Entry { kind, key, value }
}

#[test]
fn reads_members_items_and_parameters_as_written() {
    let field = r#"sig0=:AA==:, sig1=("@method" "@path";x);keyid="k";created=-2;n=1.5;t=tok:en/x;b;f=?0,  flag;p=1"#;
    let entries = parse(field).unwrap();
    use Kind::*;
    assert_eq!(
        entries,
        [
            entry(Member, "sig0", ":AA==:"),
            entry(Item, "", ":AA==:"),
            entry(Member, "sig1", r#"("@method" "@path";x);keyid="k";created=-2;n=1.5;t=tok:en/x;b;f=?0"#),
            entry(Item, "", "\"@method\""),
            entry(Item, "", "\"@path\""),
            entry(ItemParameter, "x", ""),
            entry(MemberParameter, "keyid", "\"k\""),
            entry(MemberParameter, "created", "-2"),
            entry(MemberParameter, "n", "1.5"),
            entry(MemberParameter, "t", "tok:en/x"),
            entry(MemberParameter, "b", ""),
            entry(MemberParameter, "f", "?0"),
            entry(Member, "flag", ""),
            entry(MemberParameter, "p", "1"),
        ]
    );
    let (sig1, parts) = member(&entries, "sig1").unwrap();
    assert_eq!((sig1.key, parts.len()), ("sig1", 9));
    assert_eq!(member_parameter(parts, "created").and_then(integer), Some(-2));
    assert_eq!(member_parameter(parts, "n").and_then(integer), None, "a decimal is no integer");
    assert_eq!(member_parameter(parts, "keyid").and_then(string).as_deref(), Some("k"));
    assert_eq!(member_parameter(parts, "t").and_then(string), None, "a token is no string");
    assert_eq!(bytes(member(&entries, "sig0").unwrap().0.value), Some(vec![0]));
    assert_eq!(member(&entries, "flag").unwrap().1, [entry(MemberParameter, "p", "1")]);
    assert_eq!(member(&entries, "none"), None);
}

#[test]
fn the_last_of_a_key_counts_and_strings_unescape() {
    let entries = parse(r#"a=1;p=1;p="x\"y\\", a=2"#).unwrap();
    let (a, parts) = member(&entries, "a").unwrap();
    assert_eq!((a.value, parts), ("2", &[entry(Kind::Item, "", "2")][..]));
    let (_, first) = member(&entries[..4], "a").unwrap();
    assert_eq!(member_parameter(first, "p").and_then(string).as_deref(), Some("x\"y\\"));
    assert_eq!(parse("a=()").unwrap(), [entry(Kind::Member, "a", "()")]);
    assert_eq!(parse("a=( 1  2 )").unwrap()[0].value, "( 1  2 )");
    // A decimal may have up to 15 integer digits, as the webhook verifier's JavaScript parser took.
    assert!(parse("a=1234567890123.5").is_some());
}

#[test]
fn refuses_what_is_no_dictionary() {
    for field in [
        "",
        " ",
        "A=1",
        "a=1,",
        "a=1, ",
        "a=1;",
        "a=1 b=2",
        "a=(1",
        "a=(1)x",
        "a=(1,2)",
        "a=\"unterminated",
        "a=\"bad\\escape\"",
        "a=\"tab\there\"",
        "a=\"é\"",
        "a=1234567890123456",
        "a=1.2345",
        "a=-",
        "a=1.",
        "a=:AAA",
        "a=:A:",
        "a=:A=AA:",
        "a=:AA-A:",
        "a=?2",
        "a=?",
        "a=@",
        "a=1;P=2",
        "a=1\t,b=2\u{0}",
        "a=\u{0}",
    ] {
        assert_eq!(parse(field), None, "{field:?}");
    }
    // Bare keys, whitespace around commas, and unpadded base64 are fine.
    assert!(parse("a, b;c\t,\td=:AQ:").is_some());
    assert_eq!(bytes(":AQID:"), Some(vec![1, 2, 3]));
    assert_eq!(from_base64("Zm9vYmE"), Some(b"fooba".to_vec()));
    assert_eq!(from_base64("Zm9vYmE="), Some(b"fooba".to_vec()));
    assert_eq!(from_base64("Zm9vYg=="), Some(b"foob".to_vec()));
    assert_eq!(from_base64("A==="), None);
}

#[test]
fn survives_hostile_input() {
    let deep = "a=".to_owned() + &"(".repeat(10_000);
    assert_eq!(parse(&deep), None);
    let long = "a=(".to_owned() + &"\"x\" ".repeat(10_000) + ")";
    assert_eq!(parse(&long).unwrap().len(), 10_001);
    for field in ["a=\"\\", "a=:", "a=?", "a=(\"x\";", "a=1;b=", "\u{10ffff}", "a=\"x\"\u{0301}", "a=tok\u{e9}n"] {
        assert_eq!(parse(field), None, "{field:?}");
    }
}
