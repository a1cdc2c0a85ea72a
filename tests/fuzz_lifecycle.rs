//! A lifecycle fuzzer: random sequences of configuration edits, imports, moves, changes made
//! in the portal, answer shapes and faults, each run through the protocol harness (which
//! checks Terraform's rules on every plan, apply, read, import and move, and that the plan
//! after a successful apply is empty) against a fresh emulator.
//!
//! After every step it also checks that
//! - after a successful apply Frontegg holds what the configuration says (name, description,
//!   `isActive`, the app's client id and secret, the tools, the agents when configured);
//! - after a failed apply the state is true to what Frontegg holds;
//! - no tool whose scopes (as Frontegg's integration answer reports them) lie outside the
//!   grant is enabled, unless it was enabled before the apply and the apply failed, or the
//!   apply enabled it by its catalog record and its answer then listed more scopes (Frontegg
//!   contradicting itself: that apply must warn naming the tool, and the next one switch it
//!   off);
//! - no secret reaches the emulator's request log in clear (the harness checks diagnostics);
//! - a configuration that must be refused is refused with an error and changes nothing.
//!
//! `FUZZ_CASES` (default [`DEFAULT_CASES`]) and `FUZZ_SEED` (default [`DEFAULT_SEED`]) run
//! more cases or another seed; a failure prints the shrunk sequence, which is then kept
//! below as a named regression test.

mod protocol_support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use frontegg_emulator::{
    ENABLED_ONLY_TOOL_RECORDS, Emulator, Fault, FaultAction, MissingProvider, NewCatalogTool,
    Retirement,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use protocol_support::*;
use serde_json::json;
use tfvalue::Value;

const DEFAULT_CASES: u32 = 96;
const DEFAULT_SEED: u64 = 0x5eed_f022;
const MAX_STEPS: usize = 8;

const MCP: &str = "frontegg_mcp_integration";
const INTEGRATIONS: &str = "/app-integrations/resources/vendors-integrations/v1";

/// The 13 scopes of Frontegg's Confluence setup guide (the Confluence resource's default).
const RECOMMENDED: [&str; 13] = [
    "delete:page:confluence",
    "read:configuration:confluence",
    "read:content-details:confluence",
    "read:group:confluence",
    "read:hierarchical-content:confluence",
    "read:label:confluence",
    "read:page:confluence",
    "read:space-details:confluence",
    "read:space:confluence",
    "read:user:confluence",
    "write:label:confluence",
    "write:page:confluence",
    "write:space:confluence",
];

/// A granular scope beyond the 13 (no catalog tool needs it).
const EXTRA_SCOPE: &str = "read:blogpost:confluence";

/// The emulator's Confluence catalog: every tool with the scopes its catalog record lists.
const TOOLS: [(&str, &[&str]); 11] = [
    ("pages:read", &["read:page:confluence"]),
    (
        "pages:write",
        &["read:page:confluence", "write:page:confluence"],
    ),
    ("pages:delete", &["delete:page:confluence"]),
    (
        "pages:tree",
        &[
            "read:hierarchical-content:confluence",
            "read:page:confluence",
        ],
    ),
    (
        "spaces:read",
        &["read:space:confluence", "read:space-details:confluence"],
    ),
    ("spaces:write", &["write:space:confluence"]),
    (
        "users:read",
        &["read:user:confluence", "read:content-details:confluence"],
    ),
    ("groups:read", &["read:group:confluence"]),
    ("labels:read", &["read:label:confluence"]),
    (
        "labels:write",
        &["read:label:confluence", "write:label:confluence"],
    ),
    ("settings:read", &["read:configuration:confluence"]),
];

const AGENTS: [&str; 3] = ["agent-1", "agent-2", "agent-3"];
const PORTAL_AGENTS: [&str; 3] = ["agent-1", "portal-agent", "agent-3"];
const DESCRIPTIONS: [&str; 3] = ["Team wiki", "Docs space", "Engineering handbook"];
const CLIENT_IDS: [&str; 2] = [ATLASSIAN_CLIENT_ID, "Qm2vT8xK4pR6wN1sL9bZ3yD7hF5jC0aE"];
const SECRET_THREE: &str =
    "ATOAsecret-three-00000000000000000000000000000000000000000000000000ABCDEF03";
const SECRETS: [&str; 3] = [SECRET_ONE, SECRET_TWO, SECRET_THREE];

/// What the runs did, printed at the end to show the fuzzer reaches each kind of outcome.
static APPLIED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);
static UNCHANGED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);
static CONTRADICTED: AtomicUsize = AtomicUsize::new(0);

fn count(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// One step of a sequence.
#[derive(Clone, Debug)]
pub enum Step {
    /// `scopes`: unset, or these of the 13 (a bit each, never none), and the extra scope.
    Scopes(Option<u16>, bool),
    /// `tools`: unset, or those of the catalog (a bit each) that fit the scopes; `Some(0)` is
    /// the empty set.
    Tools(Option<u16>),
    /// `agent_ids`: unset, or these agents; `Some(0)` is the empty set.
    Agents(Option<u8>),
    Description(Option<u8>),
    Enabled(Option<bool>),
    ClientId(u8),
    /// `client_secret` set to this secret (`client_secret_wo` unset).
    RotatePlain(u8),
    /// `client_secret_wo` set to this secret with the next `client_secret_wo_version`.
    RotateWriteOnly(u8),
    /// The state dropped and the integration imported by id.
    Import,
    /// A `moved` block to the other resource type.
    Move,
    Portal(Portal),
    Shape(Shape),
    Fault(FaultKind),
    Invalid(Invalid),
}

/// A change made in the portal, out of band.
#[derive(Clone, Debug)]
pub enum Portal {
    /// Exactly these tools enabled (a bit each, retired ones too), whatever the grant.
    ToolsToggled(u16),
    /// Exactly these agents (of [`PORTAL_AGENTS`]) assigned.
    AgentsAssigned(u8),
    SharedApp,
    Deactivate,
    DescriptionEdited,
    Delete,
}

/// From now on, Frontegg answers in another shape.
#[derive(Clone, Debug)]
pub enum Shape {
    /// Tools and their scopes listed in reverse order.
    Reversed,
    /// `description: ""` where none is set.
    EmptyDescription,
    /// The catalog list carries one more entry without `provider`.
    CatalogEntryWithoutProvider,
    /// Catalog tool records carry only `enabled`.
    EnabledOnlyToolRecords,
    /// The integration answer lists only the first scope of this (two-scope) tool.
    AnswerScopesSubset(u8),
    /// The integration answer lists this tool's catalog scopes and [`EXTRA_SCOPE`]: Frontegg
    /// contradicts its catalog, and, unless the grant holds that scope, an apply that enables
    /// the tool by its catalog record must warn and the next plan switch it off.
    AnswerScopesSuperset(u8),
    /// Lists answered in Frontegg's paged wrapper, one item per page.
    Paged,
    /// The integration list carries one more Confluence integration without `id`.
    IntegrationWithoutId,
    /// Every answer in the plain shape again.
    Plain,
    /// The catalog retires this tool (its record removed, or kept as `enabled: false`).
    RetireTool(u8, bool),
    /// The catalog offers [`NEW_TOOL`] (with its scopes in the record, or only in answers).
    AddTool(bool),
}

/// A fault of Frontegg during the apply of a forced change (the description).
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// The first vendor-integration request of the apply answers this 5xx.
    ServerError(u16),
    /// The first vendor-integration request of the apply answers 429 with a reset.
    RateLimited,
    /// The update is made, its answer lost (the connection drops).
    LostUpdate,
    /// The integration is deleted in the portal; the create that follows is made, its answer
    /// lost.
    LostCreate,
    /// The update is made, then answered with this status instead of the integration.
    AppliedThenFailed(u16),
    /// The agents change (to the next set) and Frontegg refuses every agent assignment.
    AgentsRefused,
}

/// A configuration that must be refused, with nothing changed.
#[derive(Clone, Debug)]
pub enum Invalid {
    ClassicScope,
    ToolOutsideScopes,
    UnknownTool,
    SecretAsClientId,
    BothSecrets,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Confluence,
    Mcp,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Confluence => TYPE_NAME,
            Kind::Mcp => MCP,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secret {
    Plain(u8),
    WriteOnly { which: u8, version: i64 },
}

/// What the configuration says.
#[derive(Clone, Debug)]
struct Model {
    scopes: Option<u16>,
    extra_scope: bool,
    tools: Option<u16>,
    agents: Option<u8>,
    description: Option<u8>,
    enabled: Option<bool>,
    client: u8,
    secret: Secret,
}

impl Model {
    fn new() -> Model {
        Model {
            scopes: None,
            extra_scope: false,
            tools: None,
            agents: None,
            description: None,
            enabled: None,
            client: 0,
            secret: Secret::Plain(0),
        }
    }

    /// The granted scopes.
    fn grant(&self) -> BTreeSet<String> {
        let mask = self.scopes.unwrap_or((1 << 13) - 1);
        let mut out: BTreeSet<String> = RECOMMENDED
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| s.to_string())
            .collect();
        if self.extra_scope {
            out.insert(EXTRA_SCOPE.to_string());
        }
        out
    }

    /// Whether the configuration leaves `scopes` unset (the Confluence resource's default).
    fn scopes_unset(&self) -> bool {
        self.scopes.is_none() && !self.extra_scope
    }

    /// The configured tools: those of the mask the catalog offers that fit the grant.
    fn configured_tools(&self, catalog: &Catalog) -> Option<BTreeSet<String>> {
        let mask = self.tools?;
        let grant = self.grant();
        Some(
            catalog
                .offered_inside(&grant)
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, id)| id.to_string())
                .collect(),
        )
    }

    /// The tools Frontegg must hold: the configured ones, or every offered tool inside the grant.
    fn expected_tools(&self, catalog: &Catalog) -> BTreeSet<String> {
        self.configured_tools(catalog).unwrap_or_else(|| {
            catalog
                .offered_inside(&self.grant())
                .map(|(_, id)| id.to_string())
                .collect()
        })
    }

    fn agents(&self) -> Option<BTreeSet<String>> {
        self.agents.map(|mask| {
            AGENTS
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, a)| a.to_string())
                .collect()
        })
    }
}

/// The tool a catalog change adds, and its scopes.
const NEW_TOOL: (&str, &[&str]) = (
    "pages:export",
    &["read:page:confluence", "read:space:confluence"],
);

/// The Confluence catalog as the emulator holds it now: each tool with the scopes its catalog
/// record lists (and its `ToolDto`s report, unless an answer shape says otherwise), and whether
/// it is offered (not retired).
#[derive(Clone, Debug)]
struct Catalog {
    tools: Vec<(&'static str, &'static [&'static str], bool)>,
    /// Tools whose integration answers list other scopes than their catalog records.
    answers: BTreeMap<usize, Vec<String>>,
    /// Every scope any answer ever listed for a tool whose answers differed from its record:
    /// the provider remembers what Frontegg reported, also once the answers agree again.
    ever: BTreeMap<usize, BTreeSet<String>>,
}

impl Catalog {
    fn new() -> Catalog {
        Catalog {
            tools: TOOLS
                .iter()
                .map(|(id, scopes)| (*id, *scopes, true))
                .collect(),
            answers: BTreeMap::new(),
            ever: BTreeMap::new(),
        }
    }

    /// The scopes Frontegg's integration answer reports for the tool at `i`.
    fn answer_scopes(&self, i: usize) -> Vec<String> {
        self.answers
            .get(&i)
            .cloned()
            .unwrap_or_else(|| self.tools[i].1.iter().map(|s| s.to_string()).collect())
    }

    /// Answers for the tool at `i` list `scopes` from now on.
    fn answer_with(&mut self, i: usize, scopes: Vec<String>) {
        self.ever
            .entry(i)
            .or_default()
            .extend(scopes.iter().cloned());
        self.answers.insert(i, scopes);
    }

    /// The offered tools whose scopes, by their catalog record and by every answer, lie inside
    /// `grant`, with their index.
    fn offered_inside<'a>(
        &'a self,
        grant: &'a BTreeSet<String>,
    ) -> impl Iterator<Item = (usize, &'static str)> + 'a {
        self.tools
            .iter()
            .enumerate()
            .filter(|(i, (_, scopes, offered))| {
                *offered
                    && scopes.iter().all(|s| grant.contains(*s))
                    && self.answer_scopes(*i).iter().all(|s| grant.contains(s))
                    && self
                        .ever
                        .get(i)
                        .is_none_or(|ever| ever.iter().all(|s| grant.contains(s)))
            })
            .map(|(i, (id, _, _))| (i, *id))
    }
}

fn set_of<'a>(items: impl IntoIterator<Item = &'a String>) -> Value {
    Value::set(items.into_iter().map(|s| Value::string(s.as_str())))
}

/// One sequence being run: the harness, the configuration and the state Terraform holds.
struct Run {
    h: Harness,
    kind: Kind,
    model: Model,
    state: Value,
    /// The secret Frontegg holds for the app, when known.
    held_secret: Option<u8>,
    catalog: Catalog,
    /// Applies of this run that enabled a tool its answer then contradicted.
    contradicted: usize,
}

/// The scopes Frontegg's integration answer reports for `tool`.
fn answer_scopes(catalog: &Catalog, tool: &str) -> Vec<String> {
    match catalog.tools.iter().position(|(id, _, _)| *id == tool) {
        Some(i) => catalog.answer_scopes(i),
        None => Vec::new(),
    }
}

fn held_tools(held: &serde_json::Value) -> BTreeSet<String> {
    held["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .filter_map(|t| t["identifier"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn held_agents(held: &serde_json::Value) -> BTreeSet<String> {
    held["agentIds"]
        .as_array()
        .map(|agents| {
            agents
                .iter()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn state_set(state: &Value, name: &str) -> BTreeSet<String> {
    string_elements(state.attr(name)).into_iter().collect()
}

impl Run {
    async fn start() -> Run {
        Run {
            h: Harness::start().await,
            kind: Kind::Confluence,
            model: Model::new(),
            state: Value::Null,
            held_secret: None,
            catalog: Catalog::new(),
            contradicted: 0,
        }
    }

    /// The integration Frontegg holds, if any.
    fn held(&self) -> Option<serde_json::Value> {
        let held = self.h.integrations();
        assert!(
            held.len() <= 1,
            "Frontegg holds two integrations: {held:#?}"
        );
        held.into_iter().next()
    }

    fn held_id(&self) -> Option<String> {
        self.held()
            .and_then(|h| h["id"].as_str().map(str::to_string))
    }

    fn config(&self) -> Value {
        self.config_of(&self.model)
    }

    fn config_of(&self, m: &Model) -> Value {
        let grant = m.grant();
        let scopes = if m.scopes_unset() && self.kind == Kind::Confluence {
            Value::Null
        } else {
            set_of(&grant)
        };
        let tools = m
            .configured_tools(&self.catalog)
            .map_or(Value::Null, |t| set_of(&t));
        let agents = m.agents().map_or(Value::Null, |a| set_of(&a));
        let description = m
            .description
            .map_or(Value::Null, |d| Value::string(DESCRIPTIONS[d as usize % 3]));
        let enabled = m.enabled.map_or(Value::Null, Value::Bool);
        let client_id = Value::string(CLIENT_IDS[m.client as usize % 2]);
        let (secret, secret_wo, version) = match m.secret {
            Secret::Plain(k) => (
                Value::string(SECRETS[k as usize % 3]),
                Value::Null,
                Value::Null,
            ),
            Secret::WriteOnly { which, version } => (
                Value::Null,
                Value::string(SECRETS[which as usize % 3]),
                Value::from(version),
            ),
        };
        let common = [
            ("scopes", scopes),
            ("tools", tools),
            ("agent_ids", agents),
            ("description", description),
            ("enabled", enabled),
            ("client_id", client_id),
            ("client_secret", secret),
            ("client_secret_wo", secret_wo),
            ("client_secret_wo_version", version),
        ];
        match self.kind {
            Kind::Confluence => self.h.config(common),
            Kind::Mcp => {
                let [a, b, c, d, e, f, g, i, j] = common;
                self.h.config([
                    a,
                    b,
                    c,
                    d,
                    e,
                    f,
                    g,
                    i,
                    j,
                    ("app", Value::string("confluence")),
                ])
            }
        }
    }

    /// `terraform refresh`: one empty listing is not proof of a deletion, so a state whose
    /// integration Frontegg no longer holds is read twice.
    async fn refresh(&mut self) {
        for _ in 0..2 {
            if self.state.is_null() {
                return;
            }
            let read = self.h.read(&self.state).await;
            assert_no_errors(&read.diags);
            self.state = read.state;
            let id = self.state.attr("id").as_str().map(str::to_string);
            if self.state.is_null() || id == self.held_id() {
                return;
            }
        }
    }

    /// `terraform apply` of the model, with `fault` armed for the apply.
    async fn converge(&mut self, fault: Option<Fault>) {
        self.refresh().await;
        let config = self.config();
        let diags = self.h.validate(&config).await;
        assert_no_errors(&diags);
        let plan = self.h.plan(&self.state, &config).await;
        assert_no_errors(&plan.diags);
        assert!(
            plan.requires_replace.is_empty(),
            "no attribute changed here forces a replacement: {:?}",
            plan.requires_replace
        );
        if !self.state.is_null() && plan.planned == self.state {
            // No change: Terraform does not apply.
            count(&UNCHANGED);
            self.check_holds_config();
            self.check_grant(&BTreeSet::new(), true);
            return;
        }
        let before = self.held().map(|h| held_tools(&h)).unwrap_or_default();
        let prior = self.state.clone();
        let faulted = fault.is_some();
        // Tools this apply enables by their catalog record whose answers will show scopes
        // outside the grant: Frontegg contradicts itself, the apply must warn and the next
        // plan switch them off.
        let grant = self.model.grant();
        let contradicted: BTreeSet<String> = state_set(&plan.planned, "tools")
            .into_iter()
            .filter(|t| prior.is_null() || !state_set(&prior, "tools").contains(t))
            .filter(|t| {
                !answer_scopes(&self.catalog, t)
                    .iter()
                    .all(|s| grant.contains(s))
            })
            .collect();
        if !contradicted.is_empty() {
            self.h
                .expect_follow_up("an answer shows a planned tool needs more than the grant");
        }
        if let Some(fault) = fault {
            self.h.emulator.inject_fault(fault);
        }
        let applied = self.h.apply(&prior, &plan.planned, &config).await;
        self.h.emulator.clear_faults();
        let failed = !errors(&applied.diags).is_empty();
        self.state = applied.state;
        count(if failed { &FAILED } else { &APPLIED });
        if failed {
            self.held_secret = None;
            self.check_true_to_frontegg(&applied.diags);
            self.check_grant(&before, false);
        } else {
            self.held_secret = match self.model.secret {
                Secret::Plain(k) => Some(k),
                Secret::WriteOnly { which, version } => {
                    let sent = prior.is_null()
                        || prior.attr("client_secret_wo_version") != &Value::from(version);
                    if sent { Some(which) } else { self.held_secret }
                }
            };
            if !contradicted.is_empty() {
                count(&CONTRADICTED);
                self.contradicted += 1;
                for tool in &contradicted {
                    assert!(
                        warnings(&applied.diags)
                            .iter()
                            .any(|d| d.summary.contains(tool.as_str())
                                || d.detail.contains(tool.as_str())),
                        "the apply that enabled {tool} against its answer's scopes warns: {:#?}",
                        applied.diags
                    );
                }
                // The next apply switches them off.
                self.check_grant(&contradicted, false);
                return Box::pin(self.converge(None)).await;
            }
            self.check_holds_config();
            self.check_grant(&BTreeSet::new(), true);
            if faulted {
                // The harness leaves its own checks out while a fault is armed: do them now.
                self.check_settled(&config).await;
            }
        }
        self.check_request_log();
    }

    /// A read returns the state unchanged and the plan from it is empty.
    async fn check_settled(&mut self, config: &Value) {
        if self.state.is_null() {
            return;
        }
        let read = self.h.read(&self.state).await;
        assert_no_errors(&read.diags);
        assert_eq!(
            read.state, self.state,
            "a read right after the apply changed the state"
        );
        let plan = self.h.plan(&read.state, config).await;
        assert_no_errors(&plan.diags);
        assert_eq!(
            plan.planned, read.state,
            "the plan after the apply is not empty"
        );
    }

    /// After a successful apply (or an empty plan): Frontegg holds what the configuration says.
    #[track_caller]
    fn check_holds_config(&self) {
        let held = self
            .held()
            .expect("after a successful apply Frontegg holds the integration");
        assert_eq!(
            held["id"].as_str(),
            self.state.attr("id").as_str(),
            "the state names the integration Frontegg holds"
        );
        assert_eq!(held["name"], json!("Confluence"));
        let description = self.model.description.map(|d| DESCRIPTIONS[d as usize % 3]);
        assert_eq!(
            held["description"].as_str().filter(|d| !d.is_empty()),
            description,
            "description"
        );
        assert_eq!(
            held["isActive"],
            json!(self.model.enabled.unwrap_or(true)),
            "isActive"
        );
        assert_eq!(held["useFronteggIntegration"], json!(false), "own app");
        assert_eq!(
            held["oauthConfigurations"]["clientId"],
            json!(CLIENT_IDS[self.model.client as usize % 2]),
            "client id"
        );
        if let Some(k) = self.held_secret {
            let id = held["id"].as_str().unwrap_or_default();
            assert_eq!(
                self.h.emulator.secret_fingerprint_of(ENV, id),
                Some(frontegg_emulator::fingerprint(SECRETS[k as usize % 3])),
                "Frontegg holds the configured secret"
            );
        }
        // A tool whose answer lists fewer scopes than its catalog record is judged by the
        // answer once held: which tools an unset `tools` ends with then depends on history.
        if self.model.tools.is_some() || self.catalog.ever.is_empty() {
            assert_eq!(
                held_tools(&held),
                self.model.expected_tools(&self.catalog),
                "tools"
            );
        }
        if let Some(agents) = self.model.agents() {
            assert_eq!(held_agents(&held), agents, "agents");
        }
        assert_eq!(
            state_set(&self.state, "tools"),
            held_tools(&held),
            "state tools"
        );
    }

    /// No tool outside the grant is enabled (judged by the scopes of the integration answer);
    /// after a failed apply, those enabled before it may stay.
    #[track_caller]
    fn check_grant(&self, before: &BTreeSet<String>, succeeded: bool) {
        let Some(held) = self.held() else {
            return;
        };
        let grant = self.model.grant();
        for tool in held_tools(&held) {
            let scopes = answer_scopes(&self.catalog, &tool);
            let inside = scopes.iter().all(|s| grant.contains(s));
            assert!(
                inside || (!succeeded && before.contains(&tool)),
                "{tool} (scopes {scopes:?}) is enabled outside the grant {grant:?}"
            );
        }
    }

    /// After a failed apply the state is true to what Frontegg holds.
    #[track_caller]
    fn check_true_to_frontegg(&self, diags: &[Diag]) {
        let held = self.held();
        if self.state.is_null() {
            assert!(
                held.is_none()
                    || errors(diags)
                        .iter()
                        .any(|d| d.detail.contains("terraform import")),
                "a failed apply forgot the integration Frontegg holds without saying how to import it: {diags:#?}"
            );
            return;
        }
        let held = held.unwrap_or_else(|| {
            panic!(
                "a failed apply kept a state of an integration Frontegg does not hold: {diags:#?}"
            )
        });
        assert_eq!(held["id"].as_str(), self.state.attr("id").as_str());
        assert_eq!(
            state_set(&self.state, "tools"),
            held_tools(&held),
            "after a failed apply the state's tools are Frontegg's: {diags:#?}"
        );
        assert_eq!(
            state_set(&self.state, "agent_ids"),
            held_agents(&held),
            "after a failed apply the state's agents are Frontegg's: {diags:#?}"
        );
        assert_eq!(
            self.state.attr("enabled"),
            &Value::Bool(held["isActive"].as_bool().unwrap_or(true)),
            "after a failed apply `enabled` is Frontegg's: {diags:#?}"
        );
        assert_eq!(
            self.state.attr("description").as_str(),
            held["description"].as_str().filter(|d| !d.is_empty()),
            "after a failed apply the description is Frontegg's: {diags:#?}"
        );
    }

    /// No secret of any configuration reached the emulator's request log in clear.
    #[track_caller]
    fn check_request_log(&self) {
        let emulator: &Emulator = &self.h.emulator;
        for request in emulator.requests() {
            let logged = format!("{request:?}");
            for secret in SECRETS {
                assert!(
                    !logged.contains(secret),
                    "a secret reached the request log in clear: {} {}",
                    request.method,
                    request.path
                );
            }
        }
    }

    async fn step(&mut self, step: &Step) {
        // Each step is another terraform command: a new provider process, which reads
        // Frontegg's catalog afresh (a process reads it once).
        self.h.new_run().await;
        match step {
            Step::Scopes(mask, extra) => {
                self.model.scopes = mask.map(|m| m.max(1));
                self.model.extra_scope = *extra;
                self.converge(None).await;
            }
            Step::Tools(mask) => {
                self.model.tools = *mask;
                self.converge(None).await;
            }
            Step::Agents(mask) => {
                self.model.agents = *mask;
                self.converge(None).await;
            }
            Step::Description(d) => {
                self.model.description = *d;
                self.converge(None).await;
            }
            Step::Enabled(e) => {
                self.model.enabled = *e;
                self.converge(None).await;
            }
            Step::ClientId(c) => {
                self.model.client = *c;
                self.converge(None).await;
            }
            Step::RotatePlain(k) => {
                self.model.secret = Secret::Plain(*k);
                self.converge(None).await;
            }
            Step::RotateWriteOnly(k) => {
                let version = match self.model.secret {
                    Secret::WriteOnly { version, .. } => version + 1,
                    Secret::Plain(_) => 1,
                };
                self.model.secret = Secret::WriteOnly { which: *k, version };
                self.converge(None).await;
            }
            Step::Import => self.import().await,
            Step::Move => self.moved().await,
            Step::Portal(change) => {
                self.portal(change);
                self.converge(None).await;
            }
            Step::Shape(shape) => {
                self.shape(shape);
                self.converge(None).await;
            }
            Step::Fault(kind) => self.fault(kind).await,
            Step::Invalid(invalid) => self.invalid(invalid).await,
        }
    }

    async fn import(&mut self) {
        let Some(id) = self.held_id() else {
            return self.converge(None).await;
        };
        let imported = self.h.import(&id).await;
        assert_no_errors(&imported.diags);
        self.state = imported.states[0].clone();
        self.converge(None).await;
    }

    async fn moved(&mut self) {
        let (from, to) = match self.kind {
            Kind::Confluence => (Kind::Confluence, Kind::Mcp),
            Kind::Mcp => (Kind::Mcp, Kind::Confluence),
        };
        // The state as stored under the source type, before the harness drives the target.
        let source = (!self.state.is_null()).then(|| self.h.stored(&self.state));
        self.h.drive(to.type_name());
        self.kind = to;
        if let Some((stored, version)) = source {
            let moved = self.h.move_state(from.type_name(), version, &stored).await;
            assert_no_errors(&moved.diags);
            self.state = moved.state;
        }
        self.converge(None).await;
    }

    fn portal(&mut self, change: &Portal) {
        let Some(id) = self.held_id() else {
            return;
        };
        let patch = match change {
            Portal::ToolsToggled(mask) => json!({
                "tools": self.catalog.tools
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, (t, _, _))| *t)
                    .collect::<Vec<_>>()
            }),
            Portal::AgentsAssigned(mask) => json!({
                "agentIds": PORTAL_AGENTS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, a)| *a)
                    .collect::<Vec<_>>()
            }),
            Portal::SharedApp => json!({"useFronteggIntegration": true}),
            Portal::Deactivate => json!({"isActive": false}),
            Portal::DescriptionEdited => json!({"description": "changed in the portal"}),
            Portal::Delete => {
                assert!(self.h.emulator.delete_integration(ENV, &id));
                return;
            }
        };
        assert!(self.h.emulator.patch_integration(ENV, &id, patch));
    }

    fn shape(&mut self, shape: &Shape) {
        match shape {
            Shape::Reversed => self.h.emulator.set_reversed_answers(true, true),
            Shape::EmptyDescription => self.h.emulator.set_empty_description(true),
            Shape::CatalogEntryWithoutProvider => self
                .h
                .emulator
                .set_catalog_entry_without_provider(Some(MissingProvider::Absent)),
            Shape::EnabledOnlyToolRecords => {
                self.h.emulator.omit_fields(&ENABLED_ONLY_TOOL_RECORDS)
            }
            Shape::AnswerScopesSubset(which) => {
                let two: Vec<usize> = (0..TOOLS.len()).filter(|i| TOOLS[*i].1.len() > 1).collect();
                let i = two[*which as usize % two.len()];
                self.h
                    .emulator
                    .set_answer_scopes(TOOLS[i].0, Some(&TOOLS[i].1[..1]));
                self.catalog.answer_with(i, vec![TOOLS[i].1[0].to_string()]);
            }
            Shape::AnswerScopesSuperset(which) => {
                let i = *which as usize % TOOLS.len();
                let scopes: Vec<&str> = TOOLS[i].1.iter().copied().chain([EXTRA_SCOPE]).collect();
                self.h.emulator.set_answer_scopes(TOOLS[i].0, Some(&scopes));
                self.catalog
                    .answer_with(i, scopes.iter().map(|s| s.to_string()).collect());
            }
            Shape::Paged => self.h.emulator.set_page_size(Some(1)),
            Shape::IntegrationWithoutId => {
                assert!(
                    self.h
                        .emulator
                        .set_integration_without_id(Some("confluence"))
                );
            }
            Shape::Plain => {
                let e = &self.h.emulator;
                e.set_reversed_answers(false, false);
                e.set_empty_description(false);
                e.set_catalog_entry_without_provider(None);
                e.omit_fields(&[]);
                e.clear_answer_scopes();
                e.set_page_size(None);
                e.set_integration_without_id(None);
                self.catalog.answers.clear();
            }
            Shape::RetireTool(which, removed) => {
                let i = *which as usize % self.catalog.tools.len();
                let how = if *removed {
                    Retirement::Removed
                } else {
                    Retirement::Disabled
                };
                let tool = &mut self.catalog.tools[i];
                if tool.2 {
                    assert!(
                        self.h
                            .emulator
                            .retire_catalog_tool("confluence", tool.0, how)
                    );
                    tool.2 = false;
                }
            }
            Shape::AddTool(scopes_in_record) => {
                if !self
                    .catalog
                    .tools
                    .iter()
                    .any(|(id, _, _)| *id == NEW_TOOL.0)
                {
                    self.h
                        .emulator
                        .add_catalog_tool(
                            "confluence",
                            NewCatalogTool {
                                identifier: NEW_TOOL.0.into(),
                                name: Some("Export pages".into()),
                                category: Some("Pages".into()),
                                scopes: NEW_TOOL.1.iter().map(|s| s.to_string()).collect(),
                                scopes_in_record: *scopes_in_record,
                            },
                        )
                        .expect("add a catalog tool");
                    self.catalog.tools.push((NEW_TOOL.0, NEW_TOOL.1, true));
                }
            }
        }
    }

    async fn fault(&mut self, kind: &FaultKind) {
        if let FaultKind::LostCreate = kind {
            if let Some(id) = self.held_id() {
                assert!(self.h.emulator.delete_integration(ENV, &id));
            }
            self.refresh().await;
        }
        // A change to apply: the next description (or the next agents).
        if let FaultKind::AgentsRefused = kind {
            self.model.agents = Some(self.model.agents.map_or(1, |a| (a + 1) % 8));
        } else {
            self.model.description = Some(self.model.description.map_or(0, |d| (d + 1) % 3));
        }
        let creating = self.state.is_null();
        let any = format!("{INTEGRATIONS}*");
        let fault = match kind {
            FaultKind::ServerError(status) => {
                Fault::respond("*", &any, 1, *status, "upstream failed")
            }
            FaultKind::RateLimited => Fault {
                method: "*".into(),
                path: any,
                times: 1,
                action: FaultAction::Respond {
                    status: 429,
                    body: r#"{"errors":["Too many requests"]}"#.into(),
                    headers: vec![
                        ("X-Rate-Limit-Reset".into(), "2026-01-01T00:00:00Z".into()),
                        ("Retry-After".into(), "1".into()),
                    ],
                },
                delay_ms: 0,
            },
            FaultKind::AgentsRefused => Fault::respond(
                "POST",
                &format!("{INTEGRATIONS}/*"),
                0,
                400,
                r#"{"errors":["agent assignment refused"]}"#,
            ),
            FaultKind::AppliedThenFailed(status) if creating => {
                Fault::apply_then_respond("POST", INTEGRATIONS, 1, *status, "upstream failed")
            }
            FaultKind::AppliedThenFailed(status) => Fault::apply_then_respond(
                "PATCH",
                &format!("{INTEGRATIONS}/*"),
                1,
                *status,
                "upstream failed",
            ),
            FaultKind::LostUpdate | FaultKind::LostCreate if creating => {
                Fault::apply_then_drop("POST", INTEGRATIONS, 1)
            }
            FaultKind::LostUpdate | FaultKind::LostCreate => {
                Fault::apply_then_drop("PATCH", &format!("{INTEGRATIONS}/*"), 1)
            }
        };
        self.converge(Some(fault)).await;
    }

    async fn invalid(&mut self, invalid: &Invalid) {
        if self.kind == Kind::Mcp {
            // These rules are the Confluence resource's (other apps have other scopes).
            return;
        }
        self.refresh().await;
        let m = &self.model;
        let mut config = self.config();
        match invalid {
            Invalid::ClassicScope => {
                let mut scopes = m.grant();
                scopes.insert("read:confluence-content.all".into());
                config.set_attr("scopes", set_of(&scopes));
            }
            Invalid::ToolOutsideScopes => {
                config.set_attr("scopes", strings(["read:page:confluence"]));
                config.set_attr("tools", strings(["pages:read", "pages:delete"]));
            }
            Invalid::UnknownTool => {
                let mut tools = m.expected_tools(&self.catalog);
                tools.insert("pages:nuke".into());
                config.set_attr("tools", set_of(&tools));
            }
            Invalid::SecretAsClientId => {
                config.set_attr(
                    "client_id",
                    Value::string("ATOAnot-a-client-id-000000000000"),
                );
            }
            Invalid::BothSecrets => {
                config.set_attr("client_secret", Value::string(SECRET_ONE));
                config.set_attr("client_secret_wo", Value::string(SECRET_TWO));
                config.set_attr("client_secret_wo_version", Value::from(1));
            }
        }
        let before = self.h.integrations();
        let diags = self.h.validate(&config).await;
        let refused = if errors(&diags).is_empty() {
            let plan = self.h.plan(&self.state, &config).await;
            !errors(&plan.diags).is_empty()
        } else {
            true
        };
        assert!(refused, "{invalid:?} must be refused with an error");
        count(&REFUSED);
        assert_eq!(
            self.h.integrations(),
            before,
            "a refused configuration changed Frontegg"
        );
        self.check_request_log();
    }
}

/// Runs `steps` from a fresh emulator: a create first, then each step. Returns how many
/// applies enabled a tool its answer then contradicted.
async fn run(steps: Vec<Step>) -> usize {
    let mut run = Run::start().await;
    run.converge(None).await;
    for step in &steps {
        run.step(step).await;
    }
    run.contradicted
}

fn mask(bits: u32) -> impl Strategy<Value = u16> {
    (0u16..(1 << bits)).boxed()
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (prop::option::weighted(0.8, 1u16..(1 << 13)), any::<bool>())
            .prop_map(|(m, e)| Step::Scopes(m, e)),
        3 => prop::option::of(mask(12)).prop_map(Step::Tools),
        2 => prop::option::of(0u8..8).prop_map(Step::Agents),
        1 => prop::option::of(0u8..3).prop_map(Step::Description),
        1 => prop::option::of(any::<bool>()).prop_map(Step::Enabled),
        1 => (0u8..2).prop_map(Step::ClientId),
        1 => (0u8..3).prop_map(Step::RotatePlain),
        1 => (0u8..3).prop_map(Step::RotateWriteOnly),
        1 => Just(Step::Import),
        1 => Just(Step::Move),
        4 => prop_oneof![
            mask(12).prop_map(Portal::ToolsToggled),
            (0u8..8).prop_map(Portal::AgentsAssigned),
            Just(Portal::SharedApp),
            Just(Portal::Deactivate),
            Just(Portal::DescriptionEdited),
            Just(Portal::Delete),
        ]
        .prop_map(Step::Portal),
        2 => prop_oneof![
            Just(Shape::Reversed),
            Just(Shape::EmptyDescription),
            Just(Shape::CatalogEntryWithoutProvider),
            Just(Shape::EnabledOnlyToolRecords),
            (0u8..5).prop_map(Shape::AnswerScopesSubset),
            (0u8..11).prop_map(Shape::AnswerScopesSuperset),
            Just(Shape::Paged),
            Just(Shape::IntegrationWithoutId),
            Just(Shape::Plain),
            (0u8..12, any::<bool>()).prop_map(|(t, r)| Shape::RetireTool(t, r)),
            any::<bool>().prop_map(Shape::AddTool),
        ]
        .prop_map(Step::Shape),
        2 => prop_oneof![
            prop_oneof![Just(500u16), Just(502), Just(503)].prop_map(FaultKind::ServerError),
            Just(FaultKind::RateLimited),
            Just(FaultKind::LostUpdate),
            Just(FaultKind::LostCreate),
            prop_oneof![Just(500u16), Just(400)].prop_map(FaultKind::AppliedThenFailed),
            Just(FaultKind::AgentsRefused),
        ]
        .prop_map(Step::Fault),
        1 => prop_oneof![
            Just(Invalid::ClassicScope),
            Just(Invalid::ToolOutsideScopes),
            Just(Invalid::UnknownTool),
            Just(Invalid::SecretAsClientId),
            Just(Invalid::BothSecrets),
        ]
        .prop_map(Step::Invalid),
    ]
}

fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    let raw = raw.trim();
    match raw.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => raw.parse().ok(),
    }
}

#[test]
fn lifecycle_sequences_keep_terraforms_rules_and_frontegg_true_to_the_configuration() {
    let cases = env_number("FUZZ_CASES").map_or(DEFAULT_CASES, |n| n as u32);
    let seed = env_number("FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    // Past libtest's output capture, so that CI's log shows the case count and the seed.
    let _ = writeln!(
        std::io::stderr(),
        "lifecycle fuzzer: {cases} cases, seed {seed:#x} (FUZZ_CASES and FUZZ_SEED run others)"
    );
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let result = runner.run(&prop::collection::vec(step(), 1..=MAX_STEPS), |steps| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(run(steps));
        Ok(())
    });
    let _ = writeln!(
        std::io::stderr(),
        "lifecycle fuzzer: {} applies, {} failed applies, {} empty plans, {} refused configurations, {} applies that enabled a tool its answer then contradicted",
        APPLIED.load(Ordering::Relaxed),
        FAILED.load(Ordering::Relaxed),
        UNCHANGED.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
        CONTRADICTED.load(Ordering::Relaxed),
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, steps)) => panic!(
            "lifecycle fuzzer (seed {seed:#x}) failed; shrunk sequence, to keep as a regression \
             test:\n\nrun(vec!{steps:#?}).await;\n\n{why}"
        ),
        Err(TestError::Abort(why)) => panic!("lifecycle fuzzer (seed {seed:#x}) aborted: {why}"),
    }
}

/// Sequences kept as named tests: every sequence the fuzzer ever failed on (none so far), and
/// the sequences of the defects found by hand before the fuzzer existed, so that each runs on
/// every build whatever the seed.
mod sequences {
    use super::FaultKind::*;
    use super::Invalid::*;
    use super::Portal::*;
    use super::Shape::*;
    use super::Step::*;
    use super::run;

    /// The nine `read:` scopes of the 13 (a bit each, in the order of `RECOMMENDED`).
    const READ_ONLY_SCOPES: u16 = 0b0_0011_1111_1110;

    /// Found by the fuzzer (seed `0xb`): two tools answered with fewer scopes than their
    /// catalog records; `pages:tree`, answered with `read:hierarchical-content:confluence`
    /// alone, stays enabled under a grant without `read:page:confluence`, as the answer
    /// allows. The fuzzer's model then remembered only the last such tool (fixed in the test:
    /// every answer shape is remembered), not a provider defect.
    #[tokio::test]
    async fn two_tools_answered_with_fewer_scopes_then_a_narrowing() {
        run(vec![
            Shape(AnswerScopesSubset(1)),
            Shape(AnswerScopesSubset(0)),
            Scopes(Some(3632), false),
        ])
        .await;
    }

    #[tokio::test]
    async fn a_tool_answered_beyond_the_grant_after_a_deletion_warns_then_is_switched_off() {
        let contradicted = run(vec![
            Shape(AnswerScopesSuperset(0)),
            Portal(Delete),
            Tools(Some(0b11)),
        ])
        .await;
        assert_eq!(
            contradicted, 1,
            "the create after the deletion enabled pages:read"
        );
    }

    /// Found by the fuzzer (seed `0x20`): `pages:read` answered with a scope beyond the grant is
    /// switched off; once the answers agree with the catalog again, the provider still judges
    /// it by the scopes Frontegg last reported for it (it is not held, so no answer reports it
    /// again) and leaves it off. That is the documented rule (tools are judged by what Frontegg
    /// reported); the fuzzer's model expected the catalog's judgement and now remembers every
    /// answered scope as the provider does.
    #[tokio::test]
    async fn a_tool_answered_beyond_the_grant_stays_off_when_the_answers_agree_again() {
        run(vec![Shape(AnswerScopesSuperset(0)), Shape(Plain)]).await;
    }

    #[tokio::test]
    async fn a_narrowing_then_every_tool_switched_on_in_the_portal() {
        run(vec![
            Scopes(Some(READ_ONLY_SCOPES), false),
            Portal(ToolsToggled(0b111_1111_1111)),
            Scopes(None, false),
        ])
        .await;
    }

    #[tokio::test]
    async fn an_import_under_enabled_only_tool_records_after_a_narrowing() {
        run(vec![
            Shape(EnabledOnlyToolRecords),
            Scopes(Some(READ_ONLY_SCOPES), false),
            Import,
            Portal(ToolsToggled(0b1_1111_1111_1111)),
            Scopes(None, true),
        ])
        .await;
    }

    #[tokio::test]
    async fn a_move_there_and_back_keeps_the_grant_under_drift() {
        run(vec![
            Scopes(Some(READ_ONLY_SCOPES), false),
            Move,
            Portal(ToolsToggled(0b111_1111_1111)),
            Move,
            Tools(Some(0b101)),
        ])
        .await;
    }

    #[tokio::test]
    async fn a_lost_create_answer_then_a_retired_tool_and_a_new_one() {
        run(vec![
            Fault(LostCreate),
            Shape(RetireTool(0, true)),
            Shape(AddTool(false)),
            Agents(Some(0b011)),
            Portal(AgentsAssigned(0b110)),
            Fault(ServerError(500)),
        ])
        .await;
    }

    #[tokio::test]
    async fn secrets_rotated_after_an_import_and_a_shared_app_switch() {
        run(vec![
            RotateWriteOnly(1),
            Import,
            Portal(SharedApp),
            RotateWriteOnly(2),
            RotatePlain(0),
            Fault(RateLimited),
            Invalid(BothSecrets),
        ])
        .await;
    }

    #[tokio::test]
    async fn answer_shapes_that_disagree_with_the_catalog_after_a_deletion() {
        run(vec![
            Shape(AnswerScopesSubset(0)),
            Shape(Reversed),
            Shape(EmptyDescription),
            Portal(Delete),
            Description(None),
            Shape(CatalogEntryWithoutProvider),
            Shape(IntegrationWithoutId),
            Shape(Paged),
            Portal(Deactivate),
            Invalid(ClassicScope),
            Shape(Plain),
            Enabled(Some(false)),
        ])
        .await;
    }
}
