# Terraform >= 1.5: adopt the environment's Slack integration with `terraform apply`.
import {
  to = frontegg_mcp_integration.slack
  id = "slack"
}
