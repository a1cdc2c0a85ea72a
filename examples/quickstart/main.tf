# Quickstart: one Confluence integration for Frontegg's MCP gateway.
#
# `bash scripts/demo.sh` runs this against the local Frontegg emulator. Against real
# Frontegg, set FRONTEGG_CLIENT_ID and FRONTEGG_SECRET (an API key from the Frontegg
# portal) and FRONTEGG_REGION (or FRONTEGG_BASE_URL), and pass your Atlassian app's
# credentials as variables.

terraform {
  required_providers {
    frontegg = {
      source = "mirror.invalid/frontegg-mcp/frontegg"
    }
  }
}

# Credentials and endpoint come from the environment: FRONTEGG_CLIENT_ID,
# FRONTEGG_SECRET, and FRONTEGG_BASE_URL or FRONTEGG_REGION.
provider "frontegg" {}

variable "atlassian_client_id" {
  description = "Client id of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
  default     = "demo-atlassian-client-id"
}

variable "atlassian_client_secret" {
  description = "Secret of the Atlassian OAuth 2.0 (3LO) app. The default only suits the local emulator."
  type        = string
  sensitive   = true
  default     = "demo-atlassian-client-secret"
}

resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  # scopes: left out, so the app grants the 13 scopes of Frontegg's Confluence setup guide,
  # and every Confluence tool of Frontegg's catalog is enabled.
}

output "integration_id" {
  value = frontegg_confluence_integration.this.id
}

output "tools" {
  value = frontegg_confluence_integration.this.tools
}

output "requested_scopes" {
  value = frontegg_confluence_integration.this.requested_scopes
}
