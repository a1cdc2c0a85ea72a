# The closing line of scripts/test.sh: passed, failed and skipped tests over the output of
# `cargo test` for every test binary. An acceptance test that skipped itself (TF_ACC unset)
# reports "ok" to cargo; it prints "<binary>::<test>: acceptance test skipped unless env
# 'TF_ACC' set" (tests/common/mod.rs, past the output capture), and counts here as skipped,
# not passed. Each skipped test counts once, wherever its line falls in the output.
/acceptance test skipped unless env .TF_ACC. set/ {
  line = $0
  sub(/: acceptance test skipped unless env .TF_ACC. set.*/, "", line)
  n = split(line, words, " ")
  if (!(words[n] in skipped_tests)) { skipped_tests[words[n]] = 1; skipped++ }
}
/^test result:/ {
  for (i = 1; i <= NF; i++) {
    if ($(i) ~ /^passed;?$/)  passed  += $(i-1)
    if ($(i) ~ /^failed;?$/)  failed  += $(i-1)
    if ($(i) ~ /^ignored;?$/) ignored += $(i-1)
  }
  binaries++
}
END {
  printf "\n==> %d test binaries and doc-test runs\n", binaries
  printf "%d passed, %d failed, %d skipped\n", passed - skipped, failed, ignored + skipped
}
