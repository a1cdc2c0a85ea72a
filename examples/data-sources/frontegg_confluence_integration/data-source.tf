# The environment's Confluence integration, wherever it was configured.
data "frontegg_confluence_integration" "current" {}

output "confluence_scopes" {
  value = data.frontegg_confluence_integration.current.scopes
}
