//! The documentation in `docs/` (Terraform Registry layout) is checked against the code:
//!
//! * each page's `## Schema` section is rendered from the schema's attribute descriptions;
//! * each fenced block after an `<!-- example: PATH -->` marker is the file at PATH
//!   (from `examples/`).
//!
//! The prose around them is written by hand. The test fails when a page disagrees; run
//! `UPDATE_DOCS=1 cargo test --test docs` to rewrite the generated parts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tfplugin::schema::{Attribute, Schema};
use tfvalue::Type;

const WRITE_ONLY_LINK: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";
const EXAMPLE_MARKER: &str = "<!-- example: ";
/// The example folders of the Registry layout: every file in them belongs in the docs.
const DOCUMENTED_EXAMPLES: [&str; 3] = [
    "examples/provider",
    "examples/resources",
    "examples/data-sources",
];

struct Page {
    path: &'static str,
    schema: Schema,
    identity: Option<Schema>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pages() -> Vec<Page> {
    let provider = terraform_provider_frontegg::provider();
    let resource_named = |name: &str| {
        provider
            .resources()
            .into_iter()
            .find(|r| r.type_name() == name)
            .expect("resource registered")
    };
    let data_source_named = |name: &str| {
        provider
            .data_sources()
            .into_iter()
            .find(|d| d.type_name() == name)
            .expect("data source registered")
    };
    let resource = resource_named("frontegg_confluence_integration");
    let data_source = data_source_named("frontegg_confluence_integration");
    let mcp = resource_named("frontegg_mcp_integration");
    let catalog = data_source_named("frontegg_integration_catalog");
    vec![
        Page {
            path: "docs/resources/mcp_integration.md",
            schema: mcp.schema(),
            identity: mcp.identity_schema(),
        },
        Page {
            path: "docs/data-sources/integration_catalog.md",
            schema: catalog.schema(),
            identity: None,
        },
        Page {
            path: "docs/index.md",
            schema: provider.schema(),
            identity: None,
        },
        Page {
            path: "docs/resources/confluence_integration.md",
            schema: resource.schema(),
            identity: resource.identity_schema(),
        },
        Page {
            path: "docs/data-sources/confluence_integration.md",
            schema: data_source.schema(),
            identity: None,
        },
    ]
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::List(t) => format!("List of {}", type_name(t)),
        Type::Set(t) => format!("Set of {}", type_name(t)),
        Type::Map(t) => format!("Map of {}", type_name(t)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
        Type::Dynamic => "Dynamic".into(),
    }
}

fn render_attribute(out: &mut String, attribute: &Attribute) {
    let mut flags = vec![type_name(&attribute.ty)];
    if attribute.sensitive {
        flags.push("Sensitive".into());
    }
    if attribute.write_only {
        flags.push(format!("[Write-only]({WRITE_ONLY_LINK})"));
    }
    if attribute.deprecated {
        flags.push("Deprecated".into());
    }
    let description = attribute.description.split_whitespace().collect::<Vec<_>>();
    let _ = writeln!(
        out,
        "- `{}` ({}) {}",
        attribute.name,
        flags.join(", "),
        description.join(" ")
    );
}

fn render_group<'a>(
    out: &mut String,
    heading: &str,
    attributes: impl Iterator<Item = &'a Attribute>,
) {
    let mut attributes: Vec<&Attribute> = attributes.collect();
    if attributes.is_empty() {
        return;
    }
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    let _ = writeln!(out, "\n{heading}\n");
    for attribute in attributes {
        render_attribute(out, attribute);
    }
}

/// The `## Schema` section, as tfplugindocs lays it out.
fn render_schema(schema: &Schema, identity: Option<&Schema>) -> String {
    let mut out = String::from("## Schema\n");
    let attributes = &schema.block.attributes;
    render_group(
        &mut out,
        "### Required",
        attributes.iter().filter(|a| a.required),
    );
    render_group(
        &mut out,
        "### Optional",
        attributes.iter().filter(|a| a.optional),
    );
    render_group(
        &mut out,
        "### Read-Only",
        attributes.iter().filter(|a| a.computed && !a.optional),
    );
    if let Some(identity) = identity {
        render_group(
            &mut out,
            "### Identity (Terraform 1.12 and later)",
            identity.block.attributes.iter(),
        );
    }
    out
}

/// `page` with its `## Schema` section (up to the next `## ` heading) replaced.
fn with_schema(page: &str, schema_section: &str) -> String {
    let Some(start) = page.find("\n## Schema\n").map(|i| i + 1) else {
        panic!("the page has no `## Schema` section");
    };
    let end = page[start + 1..]
        .find("\n## ")
        .map_or(page.len(), |i| start + 1 + i + 1);
    let rest = &page[end..];
    let separator = if rest.is_empty() { "" } else { "\n" };
    format!("{}{schema_section}{separator}{rest}", &page[..start])
}

/// `page` with the fenced block after each example marker replaced by the example file.
fn with_examples(page: &str, root: &Path) -> String {
    let mut out = String::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(path) = line
            .strip_prefix(EXAMPLE_MARKER)
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        let fence = lines
            .next()
            .expect("a fenced block after the example marker");
        assert!(fence.starts_with("```"), "a fence after {line}");
        out.push_str(fence);
        out.push('\n');
        for inner in lines.by_ref() {
            if inner == "```" {
                break;
            }
        }
        let example = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|e| panic!("example {path}: {e}"));
        out.push_str(example.trim_end());
        out.push_str("\n```\n");
    }
    out
}

#[test]
fn docs_agree_with_the_schema_and_the_examples() {
    let root = root();
    let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let mut all_docs = String::new();
    for page in pages() {
        let path = root.join(page.path);
        let current = std::fs::read_to_string(&path).expect(page.path);
        let schema_section = render_schema(&page.schema, page.identity.as_ref());
        let expected = with_examples(&with_schema(&current, &schema_section), &root);
        all_docs.push_str(&expected);
        if expected != current {
            if update {
                std::fs::write(&path, &expected).expect(page.path);
            } else {
                stale.push(page.path);
            }
        }
    }
    check_every_example_is_shown(&root, &all_docs);
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}. Run `UPDATE_DOCS=1 cargo test --test docs` and review the diff."
    );
}

#[test]
fn every_attribute_has_a_description() {
    for page in pages() {
        let identity = page.identity.iter().flat_map(|s| &s.block.attributes);
        for attribute in page.schema.block.attributes.iter().chain(identity) {
            assert!(
                !attribute.description.trim().is_empty(),
                "{}: `{}` has no description",
                page.path,
                attribute.name
            );
        }
        assert!(
            !page.schema.block.description.trim().is_empty(),
            "{}",
            page.path
        );
    }
}

/// Fails unless every file of [`DOCUMENTED_EXAMPLES`] appears behind an example marker in `docs`.
fn check_every_example_is_shown(root: &Path, docs: &str) {
    let mut pending: Vec<PathBuf> = DOCUMENTED_EXAMPLES.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("examples dir") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with('.') || name.starts_with("terraform.tfstate") {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(root).expect("under root");
            let marker = format!("{EXAMPLE_MARKER}{} -->", relative.display());
            assert!(
                docs.contains(&marker),
                "{} is not in the docs",
                relative.display()
            );
        }
    }
}

#[test]
fn schema_section_replacement_keeps_the_following_sections() {
    let page = "# T\n\nprose\n\n## Schema\n\nold\n\n## Import\n\nmore\n";
    assert_eq!(
        with_schema(page, "## Schema\n\nnew\n"),
        "# T\n\nprose\n\n## Schema\n\nnew\n\n## Import\n\nmore\n"
    );
    assert_eq!(
        with_schema("# T\n\n## Schema\n\nold\n", "## Schema\n\nnew\n"),
        "# T\n\n## Schema\n\nnew\n"
    );
}
