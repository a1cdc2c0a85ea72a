variable "github_client_id" {
  type = string
}

variable "github_client_secret" {
  type      = string
  sensitive = true
}

data "frontegg_integration_catalog" "this" {}

# Every GitHub tool of Frontegg's catalog that does not need the `repo` scope: agents may
# read the organization and the user's profile, never repositories.
resource "frontegg_mcp_integration" "github" {
  app           = "github"
  client_id     = var.github_client_id
  client_secret = var.github_client_secret
  tools = [
    for t in data.frontegg_integration_catalog.this.apps["github"].tools : t.identifier
    if !contains(t.scopes == null ? [] : t.scopes, "repo")
  ]
}
