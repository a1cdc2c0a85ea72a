# Terraform >= 1.5: with resource.tf beside it, `terraform apply` adopts the environment's
# Slack integration (made in the portal) and sends the secret to it.
import {
  to = frontegg_mcp_integration.slack
  id = "slack"
}
