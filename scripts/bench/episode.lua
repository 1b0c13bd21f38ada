-- wrk: POST one sync episode per request (no id: each request is a new episode).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- The silo's admin key (the scripts start the silo with SD_ADMIN_KEY and export the same value as SD_API_KEY).
wrk.headers["X-Api-Key"] = os.getenv("SD_API_KEY") or ""
wrk.body = '{"features":{"x":0.5,"y":0.25}}'

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d duration_s=%.2f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
