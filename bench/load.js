// The load generator, run as its own process so it does not share a CPU core's event loop with the
// server: autocannon, used programmatically. Prints one JSON line with the results on stdout.
// Usage: node bench/load.js <config.json>
//   config: { url, connections, duration, warmup, mode: "bare" | "cycle", path?, slug?, tokens? }
// "cycle" is a trainer's loop: GET /projects/:slug/next, then PUT /comparisons/:id/ranking with the
// candidates in the order served. Each connection is one trainer, with its own API token.
import fs from 'node:fs';
import autocannon from 'autocannon';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

function percentile(xs, p) {
  if (!xs.length) return null;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function cycleRequests(stats) {
  return [
    {
      method: 'GET',
      path: `/api/v1/projects/${config.slug}/next?kind=comparison`,
      setupRequest: (req, context) => {
        context.started = performance.now();
        req.headers.authorization = `Bearer ${context.token}`;
        return req;
      },
      onResponse: (status, body, context) => {
        stats.next[status] = (stats.next[status] ?? 0) + 1;
        if (status === 200) {
          const { comparison } = JSON.parse(body);
          context.id = comparison.id;
          context.ranking = comparison.candidates.map((c) => [c.id]);
        }
      },
    },
    {
      method: 'PUT',
      setupRequest: (req, context) => {
        if (!context.id) return null; // nothing served (204): start the loop again
        req.path = `/api/v1/comparisons/${context.id}/ranking`;
        req.headers.authorization = `Bearer ${context.token}`;
        req.headers['content-type'] = 'application/json';
        req.body = JSON.stringify({ ranking: context.ranking, durationMs: 1000 });
        return req;
      },
      onResponse: (status, _body, context) => {
        stats.ranking[status] = (stats.ranking[status] ?? 0) + 1;
        if (status === 200) stats.cycles.push(performance.now() - context.started);
      },
    },
  ];
}

function once(duration, stats) {
  let connection = 0;
  const options = {
    url: config.url,
    connections: config.connections,
    duration,
    timeout: 30,
    ...(config.mode === 'cycle'
      ? {
          requests: cycleRequests(stats),
          // Each connection is its own trainer: its token lives in a per-connection context.
          setupClient: (client) => {
            const iterator = client.requestIterator;
            iterator.initialContext = { token: config.tokens[connection++ % config.tokens.length] };
            iterator.resetContext();
            iterator.rebuildRequest();
          },
        }
      : { requests: [{ method: 'GET', path: config.path }] }),
  };
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
}

const fresh = () => ({ next: {}, ranking: {}, cycles: [] });
const warm = config.warmup > 0 ? await once(config.warmup, fresh()) : null;
const stats = fresh();
const result = await once(config.duration, stats);
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    requestsTotal: result.requests.total,
    warmupRequests: warm?.requests.total ?? 0,
    durationS: result.duration,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats,
    errors: result.errors,
    timeouts: result.timeouts,
    byRoute: { next: stats.next, ranking: stats.ranking },
    cycles: {
      count: stats.cycles.length,
      perSecond: stats.cycles.length / result.duration,
      p50: percentile(stats.cycles, 50),
      p99: percentile(stats.cycles, 99),
    },
  })}\n`,
);
