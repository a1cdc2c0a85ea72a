//! The documentation in `docs/` (Terraform Registry layout) is checked against the code,
//! with the names and the page layout of `tfplugindocs`:
//!
//! * each page ends with generated sections: `## Schema`, rendered from the schema's
//!   attribute descriptions, and for a resource `## Import`, rendered from
//!   `examples/resources/<type>/import-by-identity.tf` (with the identity schema),
//!   `import-by-string-id.tf` and `import.sh`; a function page ends with `## Signature`
//!   and `## Arguments`, rendered from the function's signature;
//! * each fenced block after an `<!-- example: PATH -->` marker is the file at PATH
//!   (from `examples/`);
//! * the frontmatter holds only what the Registry reads: `page_title`, and `subcategory`
//!   except on the provider's index page.
//!
//! The prose before the generated sections is written by hand. The test fails when a page
//! disagrees; run `UPDATE_DOCS=1 cargo test --test docs` to rewrite the generated parts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tfplugin::schema::{Attribute, Parameter, Schema, Signature};
use tfvalue::Type;

const WRITE_ONLY_LINK: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";
const IMPORT_BLOCK_LINK: &str = "https://developer.hashicorp.com/terraform/language/import";
const IMPORT_COMMAND_LINK: &str = "https://developer.hashicorp.com/terraform/cli/commands/import";
const EXAMPLE_MARKER: &str = "<!-- example: ";
/// The example folders of the Registry layout: every file in them belongs in the docs.
const DOCUMENTED_EXAMPLES: [&str; 6] = [
    "examples/provider",
    "examples/actions",
    "examples/resources",
    "examples/data-sources",
    "examples/list-resources",
    "examples/functions",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Provider,
    Resource,
    DataSource,
    ListResource,
    Function,
    Action,
}

struct Page {
    path: &'static str,
    kind: Kind,
    /// The resource or data source type name (the provider's name for the index page).
    name: &'static str,
    schema: Schema,
    identity: Option<Schema>,
}

impl Page {
    /// The example folder of the page in tfplugindocs' layout.
    fn examples_dir(&self) -> String {
        match self.kind {
            Kind::Provider => "examples/provider".to_string(),
            Kind::Resource => format!("examples/resources/{}", self.name),
            Kind::DataSource => format!("examples/data-sources/{}", self.name),
            Kind::ListResource => format!("examples/list-resources/{}", self.name),
            Kind::Function => format!("examples/functions/{}", self.name),
            Kind::Action => format!("examples/actions/{}", self.name),
        }
    }

    /// The example files tfplugindocs expects for the page.
    fn expected_examples(&self) -> Vec<String> {
        let dir = self.examples_dir();
        let names: &[&str] = match self.kind {
            Kind::Provider => &["provider.tf"],
            Kind::Resource if self.identity.is_some() => &[
                "resource.tf",
                "import.sh",
                "import-by-string-id.tf",
                "import-by-identity.tf",
            ],
            Kind::Resource => &["resource.tf", "import.sh", "import-by-string-id.tf"],
            Kind::DataSource => &["data-source.tf"],
            Kind::ListResource => &["list-resource.tfquery.hcl"],
            Kind::Function => &["function.tf"],
            Kind::Action => &["action.tf"],
        };
        names.iter().map(|n| format!("{dir}/{n}")).collect()
    }
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
    let list_resource = provider
        .list_resources()
        .into_iter()
        .find(|l| l.type_name() == "frontegg_confluence_integration")
        .expect("list resource registered");
    let action_named = |name: &str| {
        provider
            .actions()
            .into_iter()
            .find(|a| a.type_name() == name)
            .expect("action registered")
    };
    let app_check = action_named("frontegg_atlassian_app_check");
    vec![
        Page {
            path: "docs/index.md",
            kind: Kind::Provider,
            name: "frontegg",
            schema: provider.schema(),
            identity: None,
        },
        Page {
            path: "docs/resources/confluence_integration.md",
            kind: Kind::Resource,
            name: "frontegg_confluence_integration",
            schema: resource.schema(),
            identity: resource.identity_schema(),
        },
        Page {
            path: "docs/data-sources/confluence_integration.md",
            kind: Kind::DataSource,
            name: "frontegg_confluence_integration",
            schema: data_source.schema(),
            identity: None,
        },
        Page {
            path: "docs/resources/mcp_integration.md",
            kind: Kind::Resource,
            name: "frontegg_mcp_integration",
            schema: mcp.schema(),
            identity: mcp.identity_schema(),
        },
        Page {
            path: "docs/data-sources/integration_catalog.md",
            kind: Kind::DataSource,
            name: "frontegg_integration_catalog",
            schema: catalog.schema(),
            identity: None,
        },
        Page {
            path: "docs/list-resources/confluence_integration.md",
            kind: Kind::ListResource,
            name: "frontegg_confluence_integration",
            schema: list_resource.schema(),
            identity: None,
        },
        Page {
            path: "docs/actions/atlassian_app_check.md",
            kind: Kind::Action,
            name: "frontegg_atlassian_app_check",
            schema: app_check.schema(),
            identity: None,
        },
    ]
}

/// A function's page, `docs/functions/<name>.md`.
struct FunctionPage {
    path: String,
    name: &'static str,
    signature: Signature,
}

impl FunctionPage {
    /// The page's example files, as [`Page::expected_examples`].
    fn expected_examples(&self) -> Vec<String> {
        vec![format!("examples/functions/{}/function.tf", self.name)]
    }
}

fn function_pages() -> Vec<FunctionPage> {
    terraform_provider_frontegg::provider()
        .functions()
        .into_iter()
        .map(|f| FunctionPage {
            path: format!("docs/functions/{}.md", f.name()),
            name: f.name(),
            signature: f.signature(),
        })
        .collect()
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
fn render_schema(schema: &Schema) -> String {
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
    if attributes.is_empty() {
        out.push_str("\nNo arguments.\n");
    }
    out
}

/// A function page's `## Signature` and `## Arguments`, as tfplugindocs writes them.
fn render_signature(name: &str, signature: &Signature) -> String {
    let mut params: Vec<String> = signature
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, p.ty))
        .collect();
    if let Some(v) = &signature.variadic {
        params.push(format!("{} {}...", v.name, v.ty));
    }
    let mut out = format!(
        "## Signature\n\n```text\n{name}({}) {}\n```\n\n## Arguments\n\n",
        params.join(", "),
        signature.return_type
    );
    let argument = |out: &mut String, p: &Parameter, variadic: &str| {
        let description = p.description.split_whitespace().collect::<Vec<_>>();
        let _ = writeln!(
            out,
            "1. `{}` ({variadic}{}) {}",
            p.name,
            type_name(&p.ty),
            description.join(" ")
        );
    };
    for p in &signature.parameters {
        argument(&mut out, p, "");
    }
    if let Some(v) = &signature.variadic {
        argument(&mut out, v, "Variadic, ");
    }
    out
}

/// A fenced example block behind its marker (filled in by [`with_examples`]).
fn example_block(out: &mut String, language: &str, path: &str) {
    let _ = write!(out, "\n{EXAMPLE_MARKER}{path} -->\n```{language}\n```\n");
}

/// The `## Import` section of a resource page, as tfplugindocs' default resource template
/// lays it out: identity (with the identity schema), then id, then the import command,
/// each for the files of [`Page::expected_examples`] that exist. `None` without any.
fn render_import(page: &Page, root: &Path) -> Option<String> {
    let dir = page.examples_dir();
    let file = |name: &str| {
        let path = format!("{dir}/{name}");
        root.join(&path).is_file().then_some(path)
    };
    let (identity_file, id_file, command_file) = (
        file("import-by-identity.tf"),
        file("import-by-string-id.tf"),
        file("import.sh"),
    );
    if identity_file.is_none() && id_file.is_none() && command_file.is_none() {
        return None;
    }
    let mut out = String::from("## Import\n\nImport is supported using the following syntax:\n");
    if let Some(path) = identity_file {
        let _ = writeln!(
            out,
            "\nIn Terraform v1.12.0 and later, the [`import` block]({IMPORT_BLOCK_LINK}) can be \
             used with the `identity` attribute, for example:"
        );
        example_block(&mut out, "terraform", &path);
        let identity = page
            .identity
            .as_ref()
            .unwrap_or_else(|| panic!("{path}: the resource declares no identity"));
        out.push_str("\n### Identity Schema\n");
        let attributes = &identity.block.attributes;
        render_group(
            &mut out,
            "#### Required",
            attributes.iter().filter(|a| a.required),
        );
        render_group(
            &mut out,
            "#### Optional",
            attributes.iter().filter(|a| a.optional),
        );
    }
    if let Some(path) = id_file {
        let _ = writeln!(
            out,
            "\nIn Terraform v1.5.0 and later, the [`import` block]({IMPORT_BLOCK_LINK}) can be \
             used with the `id` attribute, for example:"
        );
        example_block(&mut out, "terraform", &path);
    }
    if let Some(path) = command_file {
        let _ = writeln!(
            out,
            "\nThe [`terraform import` command]({IMPORT_COMMAND_LINK}) can be used, for example:"
        );
        example_block(&mut out, "shell", &path);
    }
    Some(out)
}

/// `page` with everything from its `## Schema` heading on replaced by `generated`.
fn with_generated(page: &str, generated: &str) -> String {
    with_generated_from(page, "## Schema", generated)
}

/// `page` with everything from its `heading` on replaced by `generated`.
fn with_generated_from(page: &str, heading: &str, generated: &str) -> String {
    let Some(start) = page.find(&format!("\n{heading}\n")).map(|i| i + 1) else {
        panic!("the page has no `{heading}` section");
    };
    format!("{}{generated}", &page[..start])
}

/// The keys of the page's YAML frontmatter (panics without one).
fn frontmatter_keys(page: &str) -> Vec<String> {
    let body = page
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(front, _)| front)
        .expect("the page starts with a `---` frontmatter block");
    body.lines()
        .filter(|line| !line.starts_with([' ', '\t']) && !line.trim().is_empty())
        .filter_map(|line| line.split_once(':').map(|(key, _)| key.trim().to_string()))
        .collect()
}

/// Fails unless the frontmatter of the `kind` page at `path` holds what the Registry reads
/// and nothing else.
fn check_frontmatter(path: &str, kind: Kind, text: &str) {
    let allowed: &[&str] = match kind {
        Kind::Provider => &["page_title"],
        _ => &["page_title", "subcategory"],
    };
    let keys = frontmatter_keys(text);
    for key in &keys {
        assert!(
            allowed.contains(&key.as_str()),
            "{path}: frontmatter key `{key}` is not one the Registry reads (allowed: {allowed:?})",
        );
    }
    assert!(
        keys.iter().any(|k| k == "page_title"),
        "{path}: the frontmatter has no page_title",
    );
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
        check_frontmatter(page.path, page.kind, &current);
        let mut generated = render_schema(&page.schema);
        if let Some(import) = render_import(&page, &root) {
            generated.push('\n');
            generated.push_str(&import);
        }
        let expected = with_examples(&with_generated(&current, &generated), &root);
        all_docs.push_str(&expected);
        if expected != current {
            if update {
                std::fs::write(&path, &expected).expect(page.path);
            } else {
                stale.push(page.path.to_string());
            }
        }
    }
    for page in function_pages() {
        let path = root.join(&page.path);
        let current = std::fs::read_to_string(&path).expect("function page");
        check_frontmatter(&page.path, Kind::Function, &current);
        let generated = render_signature(page.name, &page.signature);
        let expected = with_examples(
            &with_generated_from(&current, "## Signature", &generated),
            &root,
        );
        all_docs.push_str(&expected);
        if expected != current {
            if update {
                std::fs::write(&path, &expected).expect("function page");
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
fn examples_are_named_as_tfplugindocs_expects() {
    let root = root();
    let expected = pages()
        .into_iter()
        .map(|p| (p.path.to_string(), p.expected_examples()))
        .chain(
            function_pages()
                .into_iter()
                .map(|p| (p.path.clone(), p.expected_examples())),
        );
    for (path, examples) in expected {
        for example in examples {
            assert!(
                root.join(&example).is_file(),
                "{path}: {example} is missing (tfplugindocs reads the examples by these names)",
            );
        }
    }
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
fn generated_sections_replace_the_page_from_the_schema_heading_on() {
    let page = "# T\n\nprose\n\n## Schema\n\nold\n\n## Import\n\nold import\n";
    assert_eq!(
        with_generated(page, "## Schema\n\nnew\n\n## Import\n\nnew import\n"),
        "# T\n\nprose\n\n## Schema\n\nnew\n\n## Import\n\nnew import\n"
    );
}

#[test]
fn frontmatter_keys_are_the_top_level_keys() {
    let page =
        "---\npage_title: \"T\"\ndescription: |-\n  one: two\nsubcategory: \"\"\n---\n\n# T\n";
    assert_eq!(
        frontmatter_keys(page),
        ["page_title", "description", "subcategory"]
    );
}
