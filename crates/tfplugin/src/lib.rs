//! A Terraform plugin protocol v6 server: go-plugin transport, AutoMTLS, schemas,
//! and Terraform's plan/apply rules.

pub mod proto;
