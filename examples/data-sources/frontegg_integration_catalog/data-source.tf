# The apps Frontegg's catalog offers in this environment, each with its tools.
data "frontegg_integration_catalog" "this" {}

output "apps" {
  value = keys(data.frontegg_integration_catalog.this.apps)
}

# The Slack tools that only read: every scope they need ends in `:read` or `:history`.
output "slack_read_tools" {
  value = [
    for t in data.frontegg_integration_catalog.this.apps["slack"].tools : t.identifier
    if alltrue([
      for s in (t.scopes == null ? [] : t.scopes) : length(regexall(":(read|history)$", s)) > 0
    ])
  ]
}
