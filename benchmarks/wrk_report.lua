-- wrk script: when the run is done, print one machine-readable line for benchmarks/run.py.
-- Latencies are wrk's (HdrHistogram) in microseconds; "non_2xx_3xx" is wrk's status error count.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d," ..
    "\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f," ..
    "\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d,\"timeouts\":%d," ..
    "\"non_2xx_3xx\":%d}\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status))
end
