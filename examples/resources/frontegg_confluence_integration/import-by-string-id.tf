# Terraform >= 1.5: adopt the environment's Confluence integration with `terraform apply`.
# `terraform plan -generate-config-out=generated.tf` writes its configuration; add a secret.
import {
  to = frontegg_confluence_integration.this
  id = "confluence"
}
