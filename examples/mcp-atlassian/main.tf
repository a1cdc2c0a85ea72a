# One Atlassian OAuth 2.0 (3LO) app for Jira and Confluence. Jira gets the tools of
# Frontegg's catalog that only read (every scope they need starts with "read:");
# Confluence gets every tool of the catalog. The same agents may use both.

variable "atlassian_client_id" {
  description = "Client id of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
}

variable "atlassian_client_secret" {
  description = "Secret of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
  sensitive   = true
}

variable "agent_ids" {
  description = "Ids of the Frontegg agents that may use the integrations."
  type        = set(string)
}

data "frontegg_integration_catalog" "this" {}

resource "frontegg_mcp_integration" "jira" {
  app           = "jira"
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  tools = [
    for t in data.frontegg_integration_catalog.this.apps["jira"].tools : t.identifier
    if alltrue([for s in (t.scopes == null ? [] : t.scopes) : length(regexall("^read:", s)) > 0])
  ]
  agent_ids = var.agent_ids
}

resource "frontegg_mcp_integration" "confluence" {
  app           = "confluence"
  name          = "Confluence (team wiki)"
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  agent_ids     = var.agent_ids
}
