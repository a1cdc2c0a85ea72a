terraform {
  required_providers {
    frontegg = {
      source = "mirror.invalid/frontegg-mcp/frontegg"
    }
  }
}

# The credentials are an environment (or account) API key from the Frontegg portal.
# Leave them out of the configuration and set FRONTEGG_CLIENT_ID and FRONTEGG_SECRET.
provider "frontegg" {
  region = "eu" # eu (default), us, ca, au or uk

  # With an account-level API key, pick the environment:
  # environment_id = "<environment id>"
}
