# Checks the Atlassian app's client id and secret with Atlassian before Frontegg stores them
# (Terraform 1.14 and later). A wrong pair stops the apply before the integration is created or
# updated; run it on demand with
#   terraform apply -invoke=action.frontegg_atlassian_app_check.confluence
variable "atlassian_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

action "frontegg_atlassian_app_check" "confluence" {
  config {
    client_id     = "Zx4kQ9bW2mT7rY1pL8vN3cH6dF0sJ5aG"
    client_secret = var.atlassian_client_secret
    callback_url  = provider::frontegg::integration_callback_url("your-id.mcp-gw.frontegg.com")
    scopes        = ["read:page:confluence", "read:space:confluence", "read:user:confluence"]
  }
}

resource "frontegg_confluence_integration" "this" {
  client_id                = "Zx4kQ9bW2mT7rY1pL8vN3cH6dF0sJ5aG"
  client_secret_wo         = var.atlassian_client_secret
  client_secret_wo_version = 1
  scopes                   = ["read:page:confluence", "read:space:confluence", "read:user:confluence"]

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.frontegg_atlassian_app_check.confluence]
    }
  }
}
