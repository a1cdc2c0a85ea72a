# Terraform >= 1.11: the secret is sent to Frontegg but never stored in the plan or the
# state. Raise client_secret_wo_version to send a rotated secret.

variable "atlassian_client_id" {
  description = "Client id of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
}

variable "atlassian_client_secret" {
  description = "Secret of the Atlassian OAuth 2.0 (3LO) app; never stored."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "frontegg_confluence_integration" "this" {
  client_id                = var.atlassian_client_id
  client_secret_wo         = var.atlassian_client_secret
  client_secret_wo_version = 1
}
