# By the integration's id (a UUID):
terraform import frontegg_confluence_integration.this 2f6ac2d5-8a3e-4a57-9d7e-3c1f0b6e4a91

# Or the environment's Confluence integration, whatever its id:
terraform import frontegg_confluence_integration.this confluence
