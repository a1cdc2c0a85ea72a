# Exactly these agents are assigned: others assigned in the portal are unassigned. Leave
# `agent_ids` out to manage assignments elsewhere (the attribute then only reports them).

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
  description = "Ids of the Frontegg agents that may use Confluence."
  type        = set(string)
}

resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  agent_ids     = var.agent_ids
}
