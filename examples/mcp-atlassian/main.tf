variable "atlassian_client_id" {
  type = string
}

variable "atlassian_client_secret" {
  type      = string
  sensitive = true
}

variable "agent_ids" {
  description = "Ids of the Frontegg agents that may use the integrations."
  type        = set(string)
  default     = ["support-agent", "docs-agent"]
}

# One Atlassian OAuth 2.0 (3LO) app for Jira and Confluence. Jira's tools are picked by
# name; Confluence gets every tool of the catalog. The same agents may use both.
resource "frontegg_mcp_integration" "jira" {
  app           = "jira"
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  tools         = ["issues:read", "projects:read"]
  agent_ids     = var.agent_ids
}

resource "frontegg_mcp_integration" "confluence" {
  app           = "confluence"
  name          = "Confluence (team wiki)"
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  agent_ids     = var.agent_ids
}
