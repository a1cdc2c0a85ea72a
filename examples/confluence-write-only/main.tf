# Terraform >= 1.11: the secret is sent to Frontegg but never stored in the plan or the
# state. Raise client_secret_wo_version to send a rotated secret.
variable "atlassian_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "frontegg_confluence_integration" "this" {
  client_id                = "Zx4kQ9bW2mT7rY1pL8vN3cH6dF0sJ5aG"
  client_secret_wo         = var.atlassian_client_secret
  client_secret_wo_version = 1
}
