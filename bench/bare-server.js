// The serving ceiling: a bare Express app answering a small JSON body, in its own process.
// Usage: node bench/bare-server.js [port]   (prints "listening on <port>")
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/api/v1/ping', (_req, res) => {
  res.json({ ok: true, id: '12345', items: ['a', 'b', 'c'] });
});
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
