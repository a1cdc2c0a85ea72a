//! The stand-in of Atlassian's token endpoint: a wrong client or secret is
//! `401 access_denied`, a known client with a made-up code `403 invalid_grant`, and the
//! secret never reaches the request log in clear.

use frontegg_emulator::{
    AtlassianAppConfig, DEFAULT_ATLASSIAN_CLIENT_ID, DEFAULT_ATLASSIAN_SECRET, Emulator,
    EmulatorConfig,
};
use serde_json::{Value, json};

async fn post(emulator: &Emulator, body: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/oauth/token", emulator.base_url()))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn exchange(client_id: &str, secret: Option<&str>) -> String {
    let mut body = json!({
        "grant_type": "authorization_code",
        "client_id": client_id,
        "code": "made-up-code-3c9e",
        "redirect_uri": "https://mcp.example.com/oauth/callback",
    });
    if let Some(secret) = secret {
        body["client_secret"] = json!(secret);
    }
    body.to_string()
}

#[tokio::test]
async fn the_demo_app_is_known_and_a_made_up_code_is_refused() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let (status, body) = post(
        &emulator,
        &exchange(DEFAULT_ATLASSIAN_CLIENT_ID, Some(DEFAULT_ATLASSIAN_SECRET)),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "invalid_grant");

    // A wrong secret, a missing secret and an unknown client are answered alike.
    for body in [
        exchange(DEFAULT_ATLASSIAN_CLIENT_ID, Some("not-the-secret")),
        exchange(DEFAULT_ATLASSIAN_CLIENT_ID, None),
        exchange("someone-else", Some(DEFAULT_ATLASSIAN_SECRET)),
    ] {
        let (status, answer) = post(&emulator, &body).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(
            answer,
            json!({"error": "access_denied", "error_description": "Unauthorized"})
        );
    }

    // A known client without a code, a refresh token, and a body that is not JSON.
    let no_code = json!({"grant_type": "authorization_code", "client_id": DEFAULT_ATLASSIAN_CLIENT_ID, "client_secret": DEFAULT_ATLASSIAN_SECRET});
    assert_eq!(post(&emulator, &no_code.to_string()).await.0, 400);
    let refresh = json!({"grant_type": "refresh_token", "client_id": DEFAULT_ATLASSIAN_CLIENT_ID, "client_secret": DEFAULT_ATLASSIAN_SECRET, "refresh_token": "x"});
    let (status, answer) = post(&emulator, &refresh.to_string()).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (403, Some("invalid_grant"))
    );
    let (status, answer) = post(&emulator, "grant_type=authorization_code").await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("invalid_request"))
    );

    let log = serde_json::to_string(&emulator.requests()).unwrap();
    assert!(log.contains("/oauth/token"), "{log}");
    assert!(!log.contains(DEFAULT_ATLASSIAN_SECRET), "{log}");
    assert!(!log.contains("not-the-secret"), "{log}");
}

#[tokio::test]
async fn configured_apps_replace_the_demo_app() {
    let emulator = Emulator::start(EmulatorConfig {
        atlassian_apps: vec![AtlassianAppConfig {
            client_id: "app-1".into(),
            secret: "app-1-secret".into(),
        }],
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(
        post(&emulator, &exchange("app-1", Some("app-1-secret")))
            .await
            .0,
        403
    );
    assert_eq!(
        post(
            &emulator,
            &exchange(DEFAULT_ATLASSIAN_CLIENT_ID, Some(DEFAULT_ATLASSIAN_SECRET))
        )
        .await
        .0,
        401
    );
}
