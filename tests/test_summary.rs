//! The closing line of `scripts/test.sh` (`scripts/test-summary.awk`) counts an acceptance
//! test that skipped itself because `TF_ACC` is unset as skipped, not passed. The check runs
//! this binary's own probe test without `TF_ACC`, as `cargo test` would, and feeds its real
//! output to the script.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// An acceptance test in miniature: it skips itself without `TF_ACC`.
#[test]
fn skip_probe() {
    // With TF_ACC set the probe has nothing to do either: it only shows the skip line.
    let _ = common::acc_enabled("skip_probe");
}

fn summary(log: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.log");
    std::fs::write(&path, log).expect("log");
    let out = Command::new("awk")
        .arg("-f")
        .arg(root.join("scripts/test-summary.awk"))
        .arg(&path)
        .output()
        .expect("run awk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_test_that_skipped_itself_counts_as_skipped() {
    for threads in ["1", "2"] {
        let out = Command::new(std::env::current_exe().expect("this test binary"))
            .args(["--exact", "skip_probe", "--test-threads", threads])
            .env_remove("TF_ACC")
            .output()
            .expect("run the probe");
        assert!(out.status.success());
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            log.contains(common::SKIP_MARKER),
            "the marker passes the capture:\n{log}"
        );
        assert!(
            summary(&log).ends_with("0 passed, 0 failed, 1 skipped"),
            "{log}\n{}",
            summary(&log)
        );
    }
}

#[test]
fn a_test_that_ran_counts_as_passed_and_each_skip_once() {
    let log = "x-1::a: acceptance test skipped unless env 'TF_ACC' set\n\
               test a ... x-1::b: acceptance test skipped unless env 'TF_ACC' set\nok\n\
               x-1::a: acceptance test skipped unless env 'TF_ACC' set\n\
               test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured\n\
               test result: FAILED. 3 passed; 1 failed; 0 ignored;\n";
    assert_eq!(
        summary(log),
        "==> 2 test binaries and doc-test runs\n6 passed, 1 failed, 3 skipped"
    );
}
