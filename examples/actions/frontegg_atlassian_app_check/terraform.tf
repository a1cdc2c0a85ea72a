# What lets this folder plan where it stands: the provider's source address (installed from
# your mirror, see the installation guide). The Frontegg API key comes from FRONTEGG_CLIENT_ID
# and FRONTEGG_SECRET, the region from FRONTEGG_REGION (or FRONTEGG_BASE_URL).
terraform {
  required_providers {
    frontegg = {
      source = "mirror.invalid/frontegg-mcp/frontegg"
    }
  }
}
