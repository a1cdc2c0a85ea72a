//! The admin side: trace ids, the request log, injected faults, drift and the rate limit.

mod common;

use std::time::Duration;

use common::*;
use frontegg_emulator::{Fault, FaultAction, RateLimit, fingerprint};
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn trace_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("frontegg-trace-id")
        .expect("frontegg-trace-id header")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn every_answer_carries_a_trace_id() {
    let emulator = start().await;
    let base = emulator.base_url();
    let token = token(&emulator).await;
    let responses = [
        http()
            .post(format!("{base}/auth/vendor"))
            .json(&json!({ "clientId": CLIENT_ID, "secret": SECRET }))
            .send()
            .await
            .unwrap(),
        http()
            .post(format!("{base}/auth/vendor"))
            .json(&json!({ "clientId": CLIENT_ID, "secret": "wrong" }))
            .send()
            .await
            .unwrap(),
        http().get(format!("{base}{BASE}")).send().await.unwrap(),
        call(&emulator, &token, Method::GET, CATALOG, None).await,
        call(&emulator, &token, Method::POST, BASE, Some(json!({}))).await,
        http()
            .get(format!("{base}/no/such/route"))
            .send()
            .await
            .unwrap(),
        http()
            .get(format!("{base}/_emulator/health"))
            .send()
            .await
            .unwrap(),
    ];
    let mut ids: Vec<String> = responses.iter().map(trace_id).collect();
    for id in &ids {
        assert!(
            id.len() >= 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), responses.len(), "trace ids differ per answer");
}

#[tokio::test]
async fn request_log_never_holds_a_secret_in_clear() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "oauthConfigurations": { "clientId": "c", "clientSecret": "second-secret-xyz" } })),
    )
    .await;

    let in_process = serde_json::to_string(&emulator.requests()).unwrap();
    let over_http = http()
        .get(format!("{}/_emulator/requests", emulator.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for log in [&in_process, &over_http] {
        for secret in [
            SECRET,
            ATLASSIAN_SECRET,
            "second-secret-xyz",
            token.as_str(),
        ] {
            assert!(!log.contains(secret), "the log holds {secret:?} in clear");
        }
        assert!(log.contains(&fingerprint(ATLASSIAN_SECRET)));
        assert!(log.contains(&fingerprint(SECRET)));
    }
}

#[tokio::test]
async fn request_log_records_method_path_headers_body_and_status() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.clear_requests();
    create_confluence(&emulator, &token).await;
    let log = emulator.requests();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(entry.method, "POST");
    assert_eq!(entry.path, BASE);
    assert_eq!(entry.status, 201);
    assert_eq!(
        entry.header("authorization"),
        Some(format!("Bearer {}", fingerprint(&token)).as_str())
    );
    let body = entry.body.as_ref().unwrap();
    assert_eq!(
        body["oauthConfigurations"]["clientSecret"],
        json!(fingerprint(ATLASSIAN_SECRET))
    );
    assert_eq!(body["name"], "Confluence");
}

#[tokio::test]
async fn fingerprint_is_sha256_prefix_of_twelve_hex_chars() {
    // SHA-256("demo-secret") = cd577fe2561e…
    assert_eq!(fingerprint("demo-secret"), "sha256:cd577fe2561e");
}

#[tokio::test]
async fn respond_fault_answers_n_times_then_normal_service_resumes() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault {
        method: "GET".into(),
        path: BASE.into(),
        times: 2,
        action: FaultAction::Respond {
            status: 503,
            body: r#"{"errors":["Service unavailable"],"errorCode":"ER-05030"}"#.into(),
            headers: vec![("Retry-After".into(), "1".into())],
        },
        delay_ms: 0,
    });
    for _ in 0..2 {
        let response = call(&emulator, &token, Method::GET, BASE, None).await;
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "1");
        trace_id(&response);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0], "Service unavailable");
    }
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn respond_fault_does_not_apply_the_change() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::respond("POST", BASE, 1, 500, ""));
    let response = call(
        &emulator,
        &token,
        Method::POST,
        BASE,
        Some(create_body(&emulator)),
    )
    .await;
    assert_eq!(response.status(), 500);
    assert!(emulator.integrations(ENV).is_empty());
}

#[tokio::test]
async fn fault_path_prefix_with_star_matches_sub_paths() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::respond(
        "DELETE",
        "/app-integrations/resources/vendors-integrations/*",
        1,
        502,
        "bad gateway",
    ));
    let response = call(
        &emulator,
        &token,
        Method::DELETE,
        &format!("{BASE}/some-id"),
        None,
    )
    .await;
    assert_eq!(response.status(), 502);
    assert_eq!(response.text().await.unwrap(), "bad gateway");
}

#[tokio::test]
async fn fault_for_another_method_does_not_match() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::respond("POST", BASE, 1, 500, ""));
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn apply_then_respond_creates_and_answers_the_injected_status() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault {
        method: "POST".into(),
        path: BASE.into(),
        times: 1,
        action: FaultAction::ApplyThenRespond {
            status: 502,
            body: String::new(),
        },
        delay_ms: 0,
    });
    let response = call(
        &emulator,
        &token,
        Method::POST,
        BASE,
        Some(create_body(&emulator)),
    )
    .await;
    assert_eq!(response.status(), 502);
    assert_eq!(emulator.integrations(ENV).len(), 1);
}

#[tokio::test]
async fn apply_then_respond_can_answer_a_success_whose_body_is_not_the_integration() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let page = "<html><body>Created</body></html>";
    emulator.inject_fault(Fault::apply_then_respond("POST", BASE, 1, 201, page).after(50));
    let response = call(
        &emulator,
        &token,
        Method::POST,
        BASE,
        Some(create_body(&emulator)),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.text().await.unwrap(), page);
    assert_eq!(emulator.integrations(ENV).len(), 1, "the create happened");
    let logged = emulator.requests();
    assert_eq!(logged.last().unwrap().status, 201);
}

#[tokio::test]
async fn apply_then_drop_creates_but_the_client_sees_a_transport_error() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::apply_then_drop("POST", BASE, 1));
    let result = http()
        .post(format!("{}{BASE}", emulator.base_url()))
        .bearer_auth(&token)
        .json(&create_body(&emulator))
        .send()
        .await;
    let error = result.expect_err("no answer reaches the client");
    assert!(error.status().is_none(), "{error:?}");
    assert_eq!(emulator.integrations(ENV).len(), 1);
    assert_eq!(emulator.requests().last().unwrap().status, 0);
    let listed = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(listed.status(), 200);
}

#[tokio::test]
async fn delay_fault_waits_then_answers_normally() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::delay("GET", BASE, 1, 400));
    let timed_out = http()
        .get(format!("{}{BASE}", emulator.base_url()))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());
    emulator.inject_fault(Fault::delay("GET", BASE, 1, 50));
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_held_request_has_taken_its_fault_while_it_waits() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::delay("GET", BASE, 1, 1_500));
    emulator.inject_fault(Fault::respond("GET", "/elsewhere", 0, 500, ""));
    assert_eq!(emulator.pending_faults(), 2);
    let held = tokio::spawn({
        let url = format!("{}{BASE}", emulator.base_url());
        async move { http().get(url).bearer_auth(&token).send().await }
    });
    while emulator.pending_faults() == 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        emulator.requests().iter().all(|r| r.path != BASE),
        "the request is still held"
    );
    let response = held.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(emulator.pending_faults(), 1, "a fault until cleared stays");
}

#[tokio::test]
async fn clear_faults_removes_pending_faults() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault::respond("GET", BASE, 5, 500, ""));
    emulator.clear_faults();
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn faults_can_be_injected_and_cleared_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let admin = format!("{}/_emulator/faults", emulator.base_url());
    let response = http()
        .post(&admin)
        .json(&json!({
            "method": "GET",
            "path": BASE,
            "times": 1,
            "action": { "type": "respond", "status": 418, "body": "{\"message\":\"teapot\"}", "headers": [["x-extra", "1"]] }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let faulted = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(faulted.status(), 418);
    assert_eq!(faulted.headers()["x-extra"], "1");

    http()
        .post(&admin)
        .json(&json!({ "method": "GET", "path": BASE, "times": 3, "action": { "type": "respond", "status": 500 } }))
        .send()
        .await
        .unwrap();
    let cleared = http().delete(&admin).send().await.unwrap();
    assert_eq!(cleared.status(), 200);
    let normal = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(normal.status(), 200);
}

#[tokio::test]
async fn malformed_fault_over_http_is_400() {
    let emulator = start().await;
    let response = http()
        .post(format!("{}/_emulator/faults", emulator.base_url()))
        .json(&json!({ "method": "GET" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn rate_limit_answers_429_with_a_parseable_reset() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_rate_limit(Some(RateLimit {
        requests: 2,
        window_secs: 60,
    }));
    for _ in 0..2 {
        let response = call(&emulator, &token, Method::GET, BASE, None).await;
        assert_eq!(response.status(), 200);
    }
    let limited = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(limited.status(), 429);
    trace_id(&limited);
    let reset = limited.headers()["x-rate-limit-reset"].to_str().unwrap();
    let reset_at = OffsetDateTime::parse(reset, &Rfc3339).expect("RFC 3339 reset");
    assert!(reset_at > OffsetDateTime::now_utc());
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let body: Value = limited.json().await.unwrap();
    assert!(body["errors"].is_array());

    emulator.set_rate_limit(None);
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn rate_limit_window_resets() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_rate_limit(Some(RateLimit {
        requests: 1,
        window_secs: 1,
    }));
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        429
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn rate_limit_can_be_set_and_removed_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let admin = format!("{}/_emulator/rate-limit", emulator.base_url());
    let set = http()
        .put(&admin)
        .json(&json!({ "requests": 0, "windowSecs": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        429
    );
    http().delete(&admin).send().await.unwrap();
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn drift_patch_and_delete_change_integrations_out_of_band() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    assert!(emulator.patch_integration(
        ENV,
        &id,
        json!({ "tools": ["pages:read"], "isActive": false, "oauthConfigurations": { "clientSecret": "changed" } })
    ));
    let listed: Vec<Value> = call(&emulator, &token, Method::GET, BASE, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tool_identifiers(&listed[0]), ["pages:read"]);
    assert_eq!(listed[0]["isActive"], false);
    assert_eq!(
        listed[0]["oauthConfigurations"]["clientId"],
        "atlassian-client"
    );
    assert_eq!(
        emulator.secret_fingerprint_of(ENV, &id),
        Some(fingerprint("changed"))
    );

    assert!(emulator.delete_integration(ENV, &id));
    assert!(!emulator.delete_integration(ENV, &id));
    assert!(!emulator.patch_integration(ENV, &id, json!({ "name": "x" })));
    assert!(emulator.integrations(ENV).is_empty());
}

#[tokio::test]
async fn drift_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let admin = format!(
        "{}/_emulator/environments/{ENV}/integrations",
        emulator.base_url()
    );
    let listed: Vec<Value> = http()
        .get(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let fp: Value = http()
        .get(format!("{admin}/{id}/secret-fingerprint"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fp["fingerprint"], json!(fingerprint(ATLASSIAN_SECRET)));
    let patched = http()
        .patch(format!("{admin}/{id}"))
        .json(&json!({ "name": "Renamed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    assert_eq!(emulator.integrations(ENV)[0]["name"], "Renamed");
    let deleted = http().delete(format!("{admin}/{id}")).send().await.unwrap();
    assert_eq!(deleted.status(), 200);
    let gone = http().delete(format!("{admin}/{id}")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn admin_calls_are_not_in_the_request_log() {
    let emulator = start().await;
    http()
        .get(format!("{}/_emulator/health", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn request_log_can_be_cleared_over_http() {
    let emulator = start().await;
    token(&emulator).await;
    assert_eq!(emulator.requests().len(), 1);
    let response = http()
        .delete(format!("{}/_emulator/requests", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn request_log_holds_the_trace_id_answered() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    let answered = trace_id(&response);
    assert_eq!(
        emulator.requests().last().unwrap().trace_id.as_deref(),
        Some(answered.as_str())
    );
}

#[tokio::test]
async fn a_trace_id_injected_by_a_fault_is_kept() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.inject_fault(Fault {
        method: "GET".into(),
        path: BASE.into(),
        times: 1,
        action: FaultAction::Respond {
            status: 500,
            body: r#"{"errors":["boom"],"errorCode":"ER-05000"}"#.into(),
            headers: vec![("frontegg-trace-id".into(), "feedfacecafe0001".into())],
        },
        delay_ms: 0,
    });
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(trace_id(&response), "feedfacecafe0001");
    assert_eq!(
        emulator.requests().last().unwrap().trace_id.as_deref(),
        Some("feedfacecafe0001")
    );
}
