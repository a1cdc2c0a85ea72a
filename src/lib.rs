//! terraform-provider-frontegg: Frontegg resources for Terraform and OpenTofu.
