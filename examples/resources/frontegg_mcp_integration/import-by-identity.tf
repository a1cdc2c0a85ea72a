# Terraform >= 1.12: import by resource identity.
import {
  to = frontegg_mcp_integration.slack
  identity = {
    id = "2f6ac2d5-8a3e-4a57-9d7e-3c1f0b6e4a91"
  }
}
