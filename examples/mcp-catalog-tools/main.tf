# Every GitHub tool of Frontegg's catalog that does not need the `repo` scope: agents may
# read the organization and the user's profile, never repositories.

variable "github_client_id" {
  description = "Client id of your GitHub OAuth app."
  type        = string
}

variable "github_client_secret" {
  description = "Secret of your GitHub OAuth app."
  type        = string
  sensitive   = true
}

data "frontegg_integration_catalog" "this" {}

resource "frontegg_mcp_integration" "github" {
  app           = "github"
  client_id     = var.github_client_id
  client_secret = var.github_client_secret
  tools = [
    for t in data.frontegg_integration_catalog.this.apps["github"].tools : t.identifier
    if !contains(t.scopes == null ? [] : t.scopes, "repo")
  ]
}
