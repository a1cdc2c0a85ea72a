# By the integration's id (a UUID):
terraform import frontegg_mcp_integration.slack 2f6ac2d5-8a3e-4a57-9d7e-3c1f0b6e4a91

# Or the environment's integration of an app, by the app's name:
terraform import frontegg_mcp_integration.slack slack
