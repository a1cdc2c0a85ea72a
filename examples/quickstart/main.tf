# Quickstart: one Confluence integration for Frontegg's MCP gateway, its Atlassian app
# checked before Frontegg stores it (Terraform 1.14 and later).
#
# `bash scripts/demo.sh` runs this against the local Frontegg emulator. Against real
# Frontegg, set FRONTEGG_CLIENT_ID and FRONTEGG_SECRET (an API key from the Frontegg
# portal) and FRONTEGG_REGION (or FRONTEGG_BASE_URL), and pass your Atlassian app's
# credentials as variables.

terraform {
  # The Atlassian app check below is an action: Terraform 1.13 would ignore it.
  required_version = ">= 1.14"

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

# Checks the app's client id and secret with Atlassian's token endpoint (Terraform 1.14 and
# later): a pair copied wrongly from the Atlassian developer console stops the apply before
# Frontegg stores it. Run it on demand with
#   terraform apply -invoke=action.frontegg_atlassian_app_check.this
# The demo points the provider at the emulator's stand-in of the endpoint
# (FRONTEGG_ATLASSIAN_URL), which knows the demo's app.
action "frontegg_atlassian_app_check" "this" {
  config {
    client_id     = var.atlassian_client_id
    client_secret = var.atlassian_client_secret
  }
}

resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  # scopes: left out, so the app grants the 13 scopes of Frontegg's Confluence setup guide,
  # and every Confluence tool of Frontegg's catalog is enabled.

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.frontegg_atlassian_app_check.this]
    }
  }
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
