# Terraform >= 1.5: with resource.tf beside it, `terraform apply` adopts the environment's
# Confluence integration (made in the portal) and sends the secret to it.
# `terraform plan -generate-config-out=generated.tf` writes the resource block instead.
import {
  to = frontegg_confluence_integration.this
  id = "confluence"
}
