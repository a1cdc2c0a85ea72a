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
/// The examples: every file under `examples/` belongs in the docs, except the demo's
/// configuration and the `terraform.tf` of each folder (the same `required_providers` block
/// everywhere, which lets the folder plan where it stands; the index page shows it).
const EXAMPLES: &str = "examples";
const UNDOCUMENTED_EXAMPLES: [&str; 1] = ["examples/quickstart"];
/// The file every example folder holds besides its examples.
const FOLDER_TERRAFORM_FILE: &str = "terraform.tf";

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
            // `import-by-identity.tf` is optional: its import block would target the same
            // resource as `import-by-string-id.tf`, and the folder must plan where it
            // stands; the identity import is then generated from the identity schema.
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
    if identity_file.is_some() || page.identity.is_some() {
        let _ = writeln!(
            out,
            "\nIn Terraform v1.12.0 and later, the [`import` block]({IMPORT_BLOCK_LINK}) can be \
             used with the `identity` attribute, for example:"
        );
        let identity = page
            .identity
            .as_ref()
            .unwrap_or_else(|| panic!("{}: the resource declares no identity", page.path));
        match &identity_file {
            Some(path) => example_block(&mut out, "terraform", path),
            None => out.push_str(&identity_import_block(page, identity, root)),
        }
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

/// An `import` block by identity for the page's resource, at the address that
/// `import-by-string-id.tf` imports to, with a placeholder per identity attribute.
fn identity_import_block(page: &Page, identity: &Schema, root: &Path) -> String {
    let id_example = std::fs::read_to_string(
        root.join(page.examples_dir())
            .join("import-by-string-id.tf"),
    )
    .unwrap_or_default();
    let to = id_example
        .lines()
        .find_map(|l| l.trim().strip_prefix("to"))
        .and_then(|rest| rest.trim().strip_prefix('='))
        .map(str::trim)
        .map_or_else(|| format!("{}.this", page.name), str::to_string);
    let mut attributes: Vec<&Attribute> = identity.block.attributes.iter().collect();
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = format!("\n```terraform\nimport {{\n  to = {to}\n  identity = {{\n");
    for attribute in attributes {
        let _ = writeln!(out, "    {} = \"<{}>\"", attribute.name, attribute.name);
    }
    out.push_str("  }\n}\n```\n");
    out
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

/// Fails unless every file under [`EXAMPLES`] appears behind an example marker in `docs`
/// (except [`UNDOCUMENTED_EXAMPLES`] and the folders' [`FOLDER_TERRAFORM_FILE`]).
fn check_every_example_is_shown(root: &Path, docs: &str) {
    let mut pending = vec![root.join(EXAMPLES)];
    while let Some(dir) = pending.pop() {
        let relative_dir = dir.strip_prefix(root).expect("under root");
        if UNDOCUMENTED_EXAMPLES
            .iter()
            .any(|u| relative_dir == Path::new(u))
        {
            continue;
        }
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
            if name == FOLDER_TERRAFORM_FILE {
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

/// The folders under `examples/` that hold Terraform files.
fn example_folders(root: &Path) -> Vec<PathBuf> {
    let mut folders = Vec::new();
    let mut pending = vec![root.join(EXAMPLES)];
    while let Some(dir) = pending.pop() {
        let mut has_files = false;
        for entry in std::fs::read_dir(&dir).expect("examples dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                has_files = true;
            }
        }
        if has_files {
            folders.push(dir);
        }
    }
    folders.sort();
    folders
}

#[test]
fn every_example_folder_names_the_provider_the_same_way() {
    let root = root();
    let canonical = std::fs::read_to_string(root.join("examples/provider/provider.tf"))
        .expect("examples/provider/provider.tf");
    let address = format!(
        "source = \"{}\"",
        terraform_provider_frontegg::PROVIDER_ADDRESS
    );
    assert!(canonical.contains(&address), "provider.tf: {address}");
    let mut first: Option<String> = None;
    for folder in example_folders(&root) {
        let shown = folder
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        // The provider's own example and the demo declare the provider themselves.
        if ["examples/provider", "examples/quickstart"].contains(&shown.as_str()) {
            let main = std::fs::read_dir(&folder)
                .expect("folder")
                .map(|e| std::fs::read_to_string(e.expect("entry").path()).unwrap_or_default())
                .collect::<String>();
            assert!(main.contains(&address), "{shown}: {address}");
            continue;
        }
        let text = std::fs::read_to_string(folder.join(FOLDER_TERRAFORM_FILE))
            .unwrap_or_else(|_| panic!("{shown}/{FOLDER_TERRAFORM_FILE} is missing"));
        assert!(
            text.contains(&address),
            "{shown}/{FOLDER_TERRAFORM_FILE}: {address}"
        );
        match &first {
            None => first = Some(text),
            Some(first) => assert_eq!(
                &text, first,
                "{shown}/{FOLDER_TERRAFORM_FILE} differs from the other folders'"
            ),
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

// ---------------------------------------------------------------------------------------
// Guides, links, the index, the troubleshooting guide and the CI workflow.
// ---------------------------------------------------------------------------------------

/// The guides, in the Registry's layout (`docs/guides/<name>.md`).
fn guide_paths(root: &Path) -> Vec<PathBuf> {
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root.join("docs/guides"))
        .expect("docs/guides")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    guides
}

#[test]
fn guides_have_the_frontmatter_the_registry_reads() {
    let root = root();
    let guides = guide_paths(&root);
    for name in ["confluence", "official-provider", "ci", "troubleshooting"] {
        assert!(
            guides.iter().any(|g| g.ends_with(format!("{name}.md"))),
            "docs/guides/{name}.md is missing"
        );
    }
    for guide in guides {
        let text = std::fs::read_to_string(&guide).expect("guide");
        let path = guide
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        check_frontmatter(&path, Kind::Resource, &text);
        assert!(
            frontmatter_keys(&text).iter().any(|k| k == "subcategory"),
            "{path}: a guide needs `subcategory` in its frontmatter"
        );
    }
}

/// The Markdown files whose relative links must resolve.
fn linked_documents(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "ARCHITECTURE.md",
        "CHANGELOG.md",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    let mut pending = vec![root.join("docs")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of the inline Markdown links (`[text](target)`) outside code blocks and
/// code spans, with their line numbers.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    let mut in_fence = false;
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Code spans hold examples, not links.
        let mut prose = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                prose.push_str(part);
            }
            prose.push(' ');
        }
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].trim();
            let target = target.split_whitespace().next().unwrap_or_default();
            targets.push((number + 1, target.to_string()));
            rest = &after[end..];
        }
    }
    targets
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown file's headings.
fn anchors(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence && line.starts_with('#') {
            out.push(anchor_of(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn every_relative_link_resolves() {
    let root = root();
    let mut broken = Vec::new();
    for file in linked_documents(&root) {
        let text = std::fs::read_to_string(&file).expect("document");
        let shown = file
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        for (line, target) in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                file.parent().expect("a folder").join(path)
            };
            if !resolved.exists() {
                broken.push(format!("{shown}:{line}: {target} (no such file)"));
                continue;
            }
            if let Some(anchor) = anchor {
                let is_markdown = resolved.extension().is_some_and(|e| e == "md");
                let target_text = std::fs::read_to_string(&resolved).unwrap_or_default();
                if is_markdown && !anchors(&target_text).iter().any(|a| a == anchor) {
                    broken.push(format!("{shown}:{line}: {target} (no such heading)"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "relative links that point nowhere:\n{}",
        broken.join("\n")
    );
}

#[test]
fn link_targets_skip_code_and_keep_anchors() {
    let text = "see [a](x.md#b) and `[c](y.md)`\n```\n[d](z.md)\n```\n[e](#f \"title\")\n";
    assert_eq!(
        link_targets(text),
        [(1, "x.md#b".to_string()), (5, "#f".to_string())]
    );
    assert_eq!(anchor_of(" Installing a release "), "installing-a-release");
    assert_eq!(
        anchor_of("What `get_provider_schema_optional` saves"),
        "what-get_provider_schema_optional-saves"
    );
}

/// The Registry folder of each kind of page, and the page of a registered name.
fn index_entries() -> Vec<(String, String)> {
    let provider = terraform_provider_frontegg::provider();
    let page = |name: &str| name.strip_prefix("frontegg_").unwrap_or(name).to_string();
    let mut entries = Vec::new();
    // The resource the tests build for one more app (feature `test-vendor`) is never released.
    for r in provider
        .resources()
        .into_iter()
        .filter(|r| r.type_name() != "frontegg_jira_integration")
    {
        entries.push((
            r.type_name().to_string(),
            format!("resources/{}.md", page(r.type_name())),
        ));
    }
    for d in provider.data_sources() {
        entries.push((
            d.type_name().to_string(),
            format!("data-sources/{}.md", page(d.type_name())),
        ));
    }
    for l in provider.list_resources() {
        entries.push((
            l.type_name().to_string(),
            format!("list-resources/{}.md", page(l.type_name())),
        ));
    }
    for f in provider.functions() {
        entries.push((f.name().to_string(), format!("functions/{}.md", f.name())));
    }
    entries
}

#[test]
fn the_index_lists_every_resource_data_source_list_resource_function_and_action() {
    let root = root();
    let index = std::fs::read_to_string(root.join("docs/index.md")).expect("docs/index.md");
    let mut missing = Vec::new();
    for (name, page) in index_entries() {
        assert!(
            root.join("docs").join(&page).is_file(),
            "docs/{page} is missing"
        );
        if !index.contains(&format!("({page})")) || !index.contains(&format!("`{name}")) {
            missing.push(format!("`{name}` with a link to {page}"));
        }
    }
    // Every page of the reference, whatever its kind (actions and ephemeral resources too).
    for folder in [
        "resources",
        "data-sources",
        "list-resources",
        "functions",
        "actions",
        "ephemeral-resources",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join("docs").join(folder)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.ends_with(".md") && !index.contains(&format!("({folder}/{name})")) {
                missing.push(format!("a link to {folder}/{name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/index.md does not list: {}",
        missing.join(", ")
    );
}

/// A diagnostic summary as the code writes it: text and `{...}` placeholders.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Hole,
}

/// Where the summaries are: the provider (`src/`) and the protocol layer that speaks to
/// Terraform (`crates/tfplugin/src/`, without its test harness `testing.rs` and without
/// `diag.rs`, which defines the calls and passes their summaries on). The client and the
/// emulator emit no diagnostics.
const DIAGNOSTIC_SOURCES: [&str; 2] = ["src", "crates/tfplugin/src"];
const NOT_DIAGNOSTIC_SOURCES: [&str; 2] = [
    "crates/tfplugin/src/testing.rs",
    "crates/tfplugin/src/diag.rs",
];

/// The calls that emit a diagnostic, with their number of arguments and the index of the
/// summary among them.
const DIAGNOSTIC_CALLS: [(&str, usize, usize); 9] = [
    (".error(", 2, 0),
    (".warning(", 2, 0),
    (".error_at(", 3, 1),
    (".warning_at(", 3, 1),
    ("Diagnostic::error(", 2, 0),
    ("Diagnostic::warning(", 2, 0),
    ("Finding::error(", 2, 0),
    ("Finding::warning(", 2, 0),
    // integration/advice.rs: `client_error(diags, summary, error)`.
    ("client_error(", 3, 1),
];

/// Summaries passed as a variable: (file, the argument's text, the summaries it can hold).
/// Each summary listed here must appear as a string literal in that file, so the table
/// fails when the code changes. `finding.summary` comes from `Finding::error`/`warning`
/// (collected where those are called); `summary` in `client_error` from its callers.
const INDIRECT_SUMMARIES: &[(&str, &str, &[&str])] = &[
    (
        "src/provider/integration/advice.rs",
        "summary",
        &[
            "{title} integration created but not identified",
            "{title} integration already exists",
            "{title} integration already exists with these settings",
        ],
    ),
    (
        "src/provider/confluence_integration.rs",
        "finding.summary",
        &[],
    ),
];

/// The Rust files under `dir`, as paths relative to `root`.
fn rust_files(root: &Path, dir: &str) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![root.join(dir)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("under root");
                files.push(relative.display().to_string());
            }
        }
    }
    files.sort();
    files
}

/// The source without its unit tests (a trailing `#[cfg(test)]` module), with comment
/// lines blanked (so that line numbers stay those of the file).
fn code_of(source: &str) -> String {
    let source = match source.find("#[cfg(test)]\nmod ") {
        Some(at) => &source[..at],
        None => source,
    };
    source
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The length of the string literal (`"..."`, `r"..."`, `r#"..."#`) at the start of `s`.
fn literal_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if s.starts_with('"') {
        let mut i = 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        return None;
    }
    let hashes = s
        .strip_prefix('r')?
        .bytes()
        .take_while(|b| *b == b'#')
        .count();
    let open = 1 + hashes;
    if bytes.get(open) != Some(&b'"') {
        return None;
    }
    let close = format!("\"{}", "#".repeat(hashes));
    s[open + 1..]
        .find(&close)
        .map(|at| open + 1 + at + close.len())
}

/// The value of the string literal `lit` (escapes and line continuations resolved).
fn literal_value(lit: &str) -> String {
    if lit.starts_with('r') {
        let inner = lit.trim_start_matches('r').trim_matches('#');
        return inner[1..inner.len() - 1].to_string();
    }
    let inner = &lit[1..lit.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\n') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some('x') => {
                let code: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&code, 16).map_or('?', char::from));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The top-level arguments of the call whose argument list starts at `s` (just after its
/// `(`), as source text.
fn call_arguments(s: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(len) = literal_len(rest).filter(|_| {
            // `r` starts a raw string only where an identifier does not go on.
            !rest.starts_with('r')
                || i == 0
                || !s[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        }) {
            i += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '\'' => {
                // A char literal ('x', '\n'); a lifetime has no closing quote nearby.
                let len = if rest[1..].starts_with('\\') {
                    rest[2..].find('\'').map(|at| at + 3)
                } else {
                    rest.get(2..3).filter(|q| *q == "'").map(|_| 3)
                };
                i += len.unwrap_or(1);
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                if depth == 0 {
                    let last = s[start..i].trim();
                    if !last.is_empty() {
                        args.push(last.to_string());
                    }
                    return args;
                }
                depth -= 1;
            }
            ',' if depth == 0 => {
                args.push(s[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        i += c.len_utf8();
    }
    args
}

/// A summary argument as pieces, or `None` when it is not a literal or a `format!`.
fn summary_pieces(arg: &str) -> Option<Vec<Piece>> {
    let arg = arg.trim().trim_start_matches('&');
    let (lit, formatted) = match arg.strip_prefix("format!(") {
        Some(inner) => (inner.trim_start(), true),
        None => (arg, false),
    };
    let len = literal_len(lit)?;
    if !formatted && len != lit.len() {
        return None;
    }
    let value = literal_value(&lit[..len]);
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, formatted) {
            ('{', true) if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            ('}', true) if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            ('{', true) => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Hole);
            }
            _ => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Some(pieces)
}

/// How a summary reads with each placeholder as `{…}`, for messages.
fn shown(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.as_str(),
            Piece::Hole => "{…}",
        })
        .collect()
}

/// Whether `heading` is the summary, each placeholder standing for any non-empty text.
fn matches_summary(pieces: &[Piece], heading: &str) -> bool {
    match pieces.split_first() {
        None => heading.is_empty(),
        Some((Piece::Text(t), rest)) => heading
            .strip_prefix(t.as_str())
            .is_some_and(|tail| matches_summary(rest, tail)),
        Some((Piece::Hole, rest)) => heading
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(heading.len()))
            .any(|i| matches_summary(rest, &heading[i..])),
    }
}

/// Every diagnostic summary the code can emit, with where it is written; panics naming
/// any summary the test cannot read.
fn diagnostic_summaries(root: &Path) -> Vec<(String, Vec<Piece>)> {
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for dir in DIAGNOSTIC_SOURCES {
        for file in rust_files(root, dir) {
            if NOT_DIAGNOSTIC_SOURCES.contains(&file.as_str()) {
                continue;
            }
            let source = std::fs::read_to_string(root.join(&file)).expect("source");
            let code = code_of(&source);
            for (call, arity, at) in DIAGNOSTIC_CALLS {
                for (offset, _) in code.match_indices(call) {
                    if code[..offset].ends_with("fn ") || code[..offset].ends_with("fn") {
                        continue;
                    }
                    let args = call_arguments(&code[offset + call.len()..]);
                    if args.len() != arity {
                        continue; // another method of the same name
                    }
                    let line = code[..offset].matches('\n').count() + 1;
                    let place = format!("{file}:{line}");
                    if let Some(pieces) = summary_pieces(&args[at]) {
                        found.push((place, pieces));
                        continue;
                    }
                    let expression = args[at].trim_start_matches('&').trim();
                    match INDIRECT_SUMMARIES
                        .iter()
                        .find(|(f, e, _)| *f == file && *e == expression)
                    {
                        Some((_, _, summaries)) => {
                            for summary in *summaries {
                                assert!(
                                    source.contains(&format!("\"{summary}\"")),
                                    "{file}: INDIRECT_SUMMARIES lists {summary:?}, which the file no longer writes"
                                );
                                let pieces = summary_pieces(&format!("format!({summary:?})"))
                                    .expect("a summary");
                                found.push((place.clone(), pieces));
                            }
                        }
                        None => unreadable.push(format!("{place}: `{expression}`")),
                    }
                }
            }
        }
    }
    assert!(
        unreadable.is_empty(),
        "diagnostic summaries that are neither a literal nor a format! string; list what \
         they can hold in INDIRECT_SUMMARIES (tests/docs.rs):\n{}",
        unreadable.join("\n")
    );
    found
}

#[test]
fn the_troubleshooting_guide_names_every_diagnostic() {
    let root = root();
    let guide = std::fs::read_to_string(root.join("docs/guides/troubleshooting.md"))
        .expect("docs/guides/troubleshooting.md");
    let headings: Vec<&str> = guide
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(str::trim)
        .collect();
    let summaries = diagnostic_summaries(&root);
    assert!(
        summaries.len() > 40,
        "only {} summaries found",
        summaries.len()
    );
    let mut missing: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (place, pieces) in &summaries {
        if !headings.iter().any(|h| matches_summary(pieces, h)) {
            missing
                .entry(shown(pieces))
                .or_default()
                .push(place.clone());
        }
    }
    let missing: Vec<String> = missing
        .into_iter()
        .map(|(summary, places)| format!("### {summary}    ({})", places.join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/guides/troubleshooting.md has no `### ` heading for these {} diagnostic \
         summaries (write each as a heading; a {{…}} placeholder may be written as the \
         Confluence form or as <placeholder>):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn summaries_are_read_from_literals_and_format_strings() {
    let pieces =
        summary_pieces("format!(\"No {title} tool {} \\\n   enabled {{x}}\")").expect("format");
    assert_eq!(
        pieces,
        [
            Piece::Text("No ".into()),
            Piece::Hole,
            Piece::Text(" tool ".into()),
            Piece::Hole,
            Piece::Text(" enabled {x}".into()),
        ]
    );
    assert!(matches_summary(
        &pieces,
        "No Confluence tool <tool> enabled {x}"
    ));
    assert!(!matches_summary(&pieces, "No  tool x enabled {x}"));
    assert_eq!(
        summary_pieces("\"Empty app\""),
        Some(vec![Piece::Text("Empty app".into())])
    );
    assert_eq!(summary_pieces("summary"), None);
    assert_eq!(
        call_arguments("path, \"a, (b\", format!(\"{x:?}\", x = f(1, 2)));"),
        ["path", "\"a, (b\"", "format!(\"{x:?}\", x = f(1, 2))"]
    );
    assert_eq!(call_arguments("'(', \"x\")"), ["'('", "\"x\""]);
}

/// The workflow of the CI guide: the fenced YAML block after `<!-- ci-workflow -->`.
fn ci_workflow(guide: &str) -> String {
    let (_, after) = guide
        .split_once("<!-- ci-workflow -->\n```yaml\n")
        .expect("docs/guides/ci.md: a ```yaml block after <!-- ci-workflow -->");
    let (workflow, _) = after.split_once("\n```\n").expect("the block's end");
    workflow.to_string()
}

#[test]
fn the_ci_guides_workflow_is_valid_yaml_for_github_actions() {
    use yaml_rust2::{Yaml, YamlLoader};
    let guide = std::fs::read_to_string(root().join("docs/guides/ci.md")).expect("ci guide");
    let docs = YamlLoader::load_from_str(&ci_workflow(&guide))
        .unwrap_or_else(|e| panic!("docs/guides/ci.md: the workflow is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "one YAML document");
    let workflow = &docs[0];
    assert!(
        workflow["on"].as_hash().is_some(),
        "a workflow has `on` triggers"
    );
    let jobs = workflow["jobs"].as_hash().expect("a workflow has `jobs`");
    let mut runs = String::new();
    for (_, job) in jobs {
        assert!(job["runs-on"].as_str().is_some(), "every job has `runs-on`");
        let steps = job["steps"].as_vec().expect("every job has `steps`");
        for step in steps {
            assert!(
                step["uses"].as_str().is_some() || step["run"].as_str().is_some(),
                "every step uses an action or runs a command: {step:?}"
            );
            if let Some(run) = step["run"].as_str() {
                runs.push_str(run);
                runs.push('\n');
            }
        }
    }
    // What the guide promises: the mirror under this provider's address, init, a saved
    // plan applied, the secrets from the environment.
    assert!(runs.contains(terraform_provider_frontegg::PROVIDER_ADDRESS));
    for command in [
        "terraform init",
        "terraform plan -out=tfplan",
        "terraform apply tfplan",
    ] {
        assert!(runs.contains(command), "the workflow runs `{command}`");
    }
    let env = &workflow["env"];
    for variable in [
        "FRONTEGG_CLIENT_ID",
        "FRONTEGG_SECRET",
        "TF_VAR_atlassian_client_secret",
    ] {
        assert!(
            matches!(&env[variable], Yaml::String(v) if v.contains("secrets.")),
            "`{variable}` comes from the CI system's secrets"
        );
    }
}
