//! The provider's modules import one way: this test reads every file under `src/provider/`,
//! finds the modules each one names (`use super::…`, `super::x::f(…)`, `crate::provider::…`),
//! and fails on a cycle, naming it. A file that names an item of its parent module (rather than
//! a sibling) depends on the parent, which declares it: that is a cycle too.
//!
//! Test modules (`#[cfg(test)] mod tests { … }`) are left out: `use super::*` there is the
//! file's own items.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path under `crate::provider`: `[]` is `provider` itself, `["integration", "plan"]`.
type Module = Vec<String>;

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/provider")
}

/// Every module file under `dir`, with its module path.
fn modules(dir: &Path, prefix: &Module, out: &mut BTreeMap<Module, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/provider")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name")
            .to_string();
        if path.is_dir() {
            let mut module = prefix.clone();
            module.push(name);
            modules(&path, &module, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut module = prefix.clone();
            if name != "mod" {
                module.push(name);
            }
            let text = std::fs::read_to_string(&path).expect("source");
            out.insert(module, text);
        }
    }
}

/// The text without comments, string literals and `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if rest.starts_with("#[cfg(test)]") {
            // Skip the attribute and the item it gates, braces balanced.
            let Some(open) = rest.find('{') else { break };
            let mut depth = 0;
            let mut end = rest.len();
            for (i, ch) in rest[open..].char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &rest[end..];
        } else if c == '"' {
            // A string literal: skip to its closing quote (escapes honoured).
            let mut escaped = false;
            let mut end = rest.len();
            for (i, ch) in rest.char_indices().skip(1) {
                match (escaped, ch) {
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = i + 1;
                        break;
                    }
                    _ => escaped = false,
                }
            }
            out.push_str("\"\"");
            rest = &rest[end..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Every path the code names, with `use` groups expanded: `use super::{a::X, b}` gives
/// `super::a::X` and `super::b`.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for statement in code.split(';') {
        // A `use` declaration starts a line; what comes before it in the chunk is code.
        let starts = |line: &str| {
            let line = line.trim_start();
            ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .any(|p| line.starts_with(p))
        };
        let mut offset = 0;
        let mut at = None;
        for line in statement.split_inclusive('\n') {
            if starts(line) {
                at = Some(offset);
            }
            offset += line.len();
        }
        let (before, used) = statement.split_at(at.unwrap_or(statement.len()));
        expression_paths(before, &mut found);
        if let Some((_, tree)) = used.split_once("use ") {
            let tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
            let tree = [", ", " ,", "{ ", " {", " }", ":: "]
                .iter()
                .fold(tree, |t, p| t.replace(p, p.trim()));
            expand("", &tree, &mut found);
        }
    }
    found
}

/// Paths in expressions and types: `super::x::f(…)`, `x::Y`.
fn expression_paths(code: &str, out: &mut Vec<String>) {
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut rest = code;
    while let Some(i) = rest.find("::") {
        let start = rest[..i].rfind(|c: char| !is_path(c)).map_or(0, |j| j + 1);
        let len = rest[start..]
            .find(|c: char| !is_path(c))
            .unwrap_or(rest.len() - start);
        out.push(rest[start..start + len].trim_end_matches(':').to_string());
        rest = &rest[start + len..];
    }
}

/// Expands one `use` tree under `prefix`.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        let path = format!("{prefix}{tree}");
        let path = path.split(" as ").next().unwrap_or(&path);
        out.push(path.trim_end_matches("::self").to_string());
        return;
    };
    let head = format!("{prefix}{}", &tree[..open]);
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut depth = 0;
    let mut part = String::new();
    for c in body.chars().chain([',']) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !part.is_empty() {
                    expand(&head, &part, out);
                }
                part.clear();
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
}

/// The module a path names from inside module `from` (`None`: not a module of the provider).
fn target(from: &Module, path: &str, known: &BTreeSet<Module>) -> Option<Module> {
    let mut segments = path.split("::").filter(|s| !s.is_empty()).peekable();
    let mut at: Module = match *segments.peek()? {
        "super" | "self" => from.clone(),
        "crate" => {
            segments.next();
            if segments.next()? != "provider" {
                return None;
            }
            Vec::new()
        }
        child => {
            // A child module of `from`, named without `self::`.
            let mut module = from.clone();
            module.push(child.to_string());
            if !known.contains(&module) {
                return None;
            }
            from.clone()
        }
    };
    for segment in segments {
        match segment {
            "super" => {
                at.pop();
            }
            "self" => {}
            _ => {
                let mut next = at.clone();
                next.push(segment.to_string());
                if !known.contains(&next) {
                    break;
                }
                at = next;
            }
        }
    }
    Some(at)
}

/// The modules of the provider and the modules each one names.
fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = BTreeMap::new();
    modules(&provider_dir(), &Vec::new(), &mut files);
    let known: BTreeSet<Module> = files.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, text) in &files {
        let mut to = BTreeSet::new();
        for path in paths(&code(text)) {
            if let Some(t) = target(module, &path, &known)
                && &t != module
            {
                to.insert(t);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

/// A cycle of `edges`, if there is one.
fn cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        node: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        stack: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut found = stack[i..].to_vec();
            found.push(node.clone());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, stack, done) {
                return Some(found);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

fn name(module: &Module) -> String {
    std::iter::once("provider".to_string())
        .chain(module.iter().cloned())
        .collect::<Vec<_>>()
        .join("::")
}

#[test]
fn no_module_of_the_provider_imports_one_that_imports_it() {
    let edges = graph();
    if let Some(found) = cycle(&edges) {
        panic!(
            "import cycle: {}",
            found.iter().map(name).collect::<Vec<_>>().join(" → ")
        );
    }
}

#[test]
fn the_graph_sees_what_files_import() {
    let edges = graph();
    let module = |path: &str| -> Module {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    // A sample of edges that exist, so that a parser that sees nothing cannot pass.
    for (from, to) in [
        ("", "confluence_integration"),
        ("mcp_integration", "confluence_integration"),
        ("mcp_integration", "integration/plan"),
        ("integration/plan", "integration/tools"),
        ("integration/apply", "provider_data"),
    ] {
        assert!(
            edges[&module(from)].contains(&module(to)),
            "{} → {} not seen; it sees {:?}",
            name(&module(from)),
            name(&module(to)),
            edges[&module(from)].iter().map(name).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_cycle_is_found_and_named() {
    let module = |s: &str| vec![s.to_string()];
    let edges = BTreeMap::from([
        (module("a"), BTreeSet::from([module("b")])),
        (module("b"), BTreeSet::from([module("c")])),
        (module("c"), BTreeSet::from([module("a")])),
    ]);
    let found = cycle(&edges).expect("cycle");
    assert_eq!(found, [module("a"), module("b"), module("c"), module("a")]);
}

#[test]
fn use_groups_expand_and_an_item_of_the_parent_is_an_edge_to_it() {
    assert_eq!(
        paths("use super::{a::{self, X}, b as c};\nfn f() { super::d::g(); }"),
        ["super::a", "super::a::X", "super::b", "super::d::g"]
    );
    let module = |s: &str| vec![s.to_string()];
    let known = BTreeSet::from([Vec::new(), module("a"), module("b")]);
    assert_eq!(target(&module("a"), "super::Api", &known), Some(Vec::new()));
    assert_eq!(
        target(&module("a"), "super::b::X", &known),
        Some(module("b"))
    );
    assert_eq!(target(&Vec::new(), "b::X", &known), Some(module("b")));
    assert_eq!(target(&module("a"), "tfvalue::Value", &known), None);
}
