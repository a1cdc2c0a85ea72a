# Terraform >= 1.11: the secret is sent to Frontegg but never stored in the plan or the
# state. Raise client_secret_wo_version to send a rotated secret.

variable "slack_client_id" {
  description = "Client id of your Slack app."
  type        = string
}

variable "slack_client_secret" {
  description = "Secret of your Slack app; never stored."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "frontegg_mcp_integration" "slack" {
  app                      = "slack"
  client_id                = var.slack_client_id
  client_secret_wo         = var.slack_client_secret
  client_secret_wo_version = 1
}
