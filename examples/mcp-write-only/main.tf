# Terraform >= 1.11: the secret is sent to Frontegg but never stored in the plan or the
# state. Raise client_secret_wo_version to send a rotated secret.
variable "slack_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "frontegg_mcp_integration" "slack" {
  app                      = "slack"
  client_id                = "1234567890.0987654321"
  client_secret_wo         = var.slack_client_secret
  client_secret_wo_version = 1
}
