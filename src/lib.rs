//! terraform-provider-frontegg: Frontegg resources for Terraform and OpenTofu.

pub mod provider;
