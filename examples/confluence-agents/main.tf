variable "atlassian_client_id" {
  type = string
}

variable "atlassian_client_secret" {
  type      = string
  sensitive = true
}

variable "agent_ids" {
  description = "Ids of the Frontegg agents that may use Confluence."
  type        = set(string)
  default     = ["support-agent", "docs-agent"]
}

# Exactly these agents are assigned: others assigned in the portal are unassigned. Leave
# `agent_ids` out to manage assignments elsewhere (the attribute then only reports them).
resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  agent_ids     = var.agent_ids
}
