variable "slack_client_id" {
  type = string
}

variable "slack_client_secret" {
  type      = string
  sensitive = true
}

# Frontegg's MCP gateway reaches Slack through your own Slack app. The app grants only
# these scopes, so the gateway offers agents the Slack tools that need nothing more.
resource "frontegg_mcp_integration" "slack" {
  app           = "slack"
  client_id     = var.slack_client_id
  client_secret = var.slack_client_secret
  scopes        = ["channels:read", "channels:history", "users:read"]
}

output "slack_tools" {
  value = frontegg_mcp_integration.slack.tools
}
