# The callback URL to set in the Atlassian developer console (your app → Authorization →
# OAuth 2.0 (3LO) → Callback URL). The gateway may be given with or without https://,
# a path or a trailing slash.
output "atlassian_callback_url" {
  value = provider::frontegg::integration_callback_url("your-id.mcp-gw.frontegg.com")
}
