# In a file ending in .tfquery.hcl, beside the provider configuration.
#   terraform query                                   lists the integration and its identity
#   terraform query -generate-config-out=generated.tf writes a resource and an import block
list "frontegg_confluence_integration" "all" {
  provider = frontegg
}
