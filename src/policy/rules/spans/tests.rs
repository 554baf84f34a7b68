//! The look-ups answer as `toml`'s tree does, path by path.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Found, Spans};

/// Every key path of a tree, with the span the tree gives it; paths
/// through arrays are left out (they lead nowhere).
fn paths(table: &DeTable<'_>, prefix: &[String], out: &mut Vec<(Vec<String>, usize)>) {
    for (key, value) in table {
        let mut path = prefix.to_vec();
        path.push(key.get_ref().to_string());
        out.push((path.clone(), value.span().start));
        if let DeValue::Table(inner) = value.get_ref() {
            paths(inner, &path, out);
        }
    }
}

/// The scan finds every path of the tree where the tree has it, and
/// nothing under a value that is not a table.
fn agrees(text: &str) {
    let tree: Spanned<DeTable<'_>> = DeTable::parse(text).expect("valid TOML");
    let spans = Spans::new(text).expect("valid TOML");
    let mut all = Vec::new();
    paths(tree.get_ref(), &[], &mut all);
    assert!(!all.is_empty());
    for (path, start) in all {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let found = spans.find(&path).map(|f| f.span().start);
        assert_eq!(found, Some(start), "{path:?} in\n{text}");
        let mut deeper = path.clone();
        deeper.push("nope");
        assert_eq!(spans.find(&deeper), None, "{deeper:?} in\n{text}");
    }
}

#[test]
fn same_spans_as_the_tree() {
    agrees(
        "top = 1\na.b.c = \"x\"\n[package]\nname = \"a\"\nkeywords = [\"x\", [1]]\nmetadata.x = { y = { z = 1 }, w.v = 2 }\n",
    );
    agrees("[x.y.z]\nk = 1\n[x]\nj = 2\n[x.y]\ni = { }\n");
    agrees("[dependencies.foo]\nversion = \"1\"\n[dependencies]\nbar = \"2\"\n");
    agrees(
        "[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[target.\"cfg(windows)\".dev-dependencies.\"w\\u0069n\"]\nversion = \"1\"\n",
    );
    agrees("[[bin]]\nname = \"a\"\n[bin.extra]\nx = 1\n[[bin]]\nname = \"b\"\n[[t.u]]\nv = 1\n");
    agrees("a = [\n  { b = 1 },\n  [2, { c = 3 }],\n]\nd = \"\"\"\n[not.a.table]\n\"\"\"\n[e]\n");
    agrees("p . q = 1 # comment\n[ r . s ]\nt = 'lit'\n['u'.\"v\"]\n");
}

#[test]
fn keys_seen_by_the_lexer() {
    let has = |text: &str| super::may_have_key(text, &["git", "path"]);
    assert!(has("[dependencies.x]\ngit = \"u\"\n"));
    assert!(has("x = { 'path' = \"../x\" }\n"));
    assert!(has("[a.\"p\\u0061th\"]\n"));
    assert!(has("x.git.y = 1\n"));
    assert!(!has(
        "repository = \"https://github.com/a/b\"\n# git = 1\npaths = 1\n"
    ));
    assert!(!has("[package]\nname = \"\"\"\ngit = 1\n\"\"\"\n"));
}

#[test]
fn paths_through_arrays_and_values_lead_nowhere() {
    let spans = Spans::new("a = 1\nb = [{ c = 1 }]\n[[d]]\ne = 1\n[d.f]\n").expect("valid");
    for path in [&["a", "x"][..], &["b", "c"], &["d", "e"], &["d", "f"], &[]] {
        assert_eq!(spans.find(path), None, "{path:?}");
    }
    assert!(matches!(spans.find(&["d"]), Some(Found::Table(_))));
    assert!(matches!(spans.find(&["b"]), Some(Found::Value(_))));
    assert!(Spans::new("[a\n").is_none());
    assert!(Spans::new("a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]").is_none());
}
