'use strict';
// Anchor app for the SessionGrains load-test harness: the same three routes served by a
// plain express deployment (one process, no cluster) with express-session.
//
//   node server.js --store memory|redis|sessiongrains|constant [--port 5100] [--redis-url redis://127.0.0.1:6379]
//                  [--api-url http://127.0.0.1:8081]
//
//   --store memory         express-session's built-in MemoryStore
//   --store redis          connect-redis 9 (RedisStore) over the node `redis` client
//   --store constant       a calibration store: every load answers one fixed session ({count: 1}) in the next turn
//                          of the event loop and saves nothing, the least any store adds to express-session
//   --store sessiongrains  connect-sessiongrains, calling a SessionGrains host's session store API at --api-url with
//                          the bearer token $SESSIONGRAINS_TOKEN (run.sh installs the package from its npm pack tarball)
//   --port N        listens on 127.0.0.1:N (default: $PORT, else 5100)
//   --redis-url U   redis mode only (default: $REDIS_URL, else redis://127.0.0.1:6379)
//   secret          $SESSION_SECRET, else a fixed test secret
//
// Routes (text/plain bodies):
//   GET  /counter  the session's count, "0" when there is no session or no count; read only.
//   POST /counter  count + 1 stored back into the session; answers the new count.
//   GET  /ping     "pong"; registered before the session middleware, so it never touches it.

const express = require('express');
const session = require('express-session');

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) usage(`unexpected argument: ${arg}`);
    opts[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
    if (opts[m[1]] === undefined) usage(`missing value for --${m[1]}`);
  }
  return opts;
}

function usage(message) {
  if (message) console.error(message);
  console.error('usage: node server.js --store memory|redis|sessiongrains|constant [--port N] [--redis-url redis://127.0.0.1:6379] [--api-url URL]');
  process.exit(2);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const storeKind = args.store;
  if (!['memory', 'redis', 'sessiongrains', 'constant'].includes(storeKind)) usage();
  const port = Number(args.port ?? process.env.PORT ?? 5100);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) usage(`bad port: ${args.port ?? process.env.PORT}`);
  const redisUrl = args['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const secret = process.env.SESSION_SECRET || 'sessiongrains-load-test-anchor-secret';

  let redisClient = null;
  let store; // undefined → express-session's MemoryStore
  if (storeKind === 'redis') {
    const { createClient } = require('redis');
    const { RedisStore } = require('connect-redis');
    redisClient = createClient({ url: redisUrl });
    redisClient.on('error', (err) => console.error('redis client error:', err.message));
    await redisClient.connect();
    store = new RedisStore({ client: redisClient });
  } else if (storeKind === 'constant') {
    class ConstantStore extends session.Store {
      get(sid, cb) { setImmediate(cb, null, { cookie: { originalMaxAge: null, httpOnly: true, path: '/' }, count: 1 }); }
      set(sid, sess, cb) { setImmediate(cb); }
      touch(sid, sess, cb) { cb(); }
      destroy(sid, cb) { setImmediate(cb); }
    }
    store = new ConstantStore();
  } else if (storeKind === 'sessiongrains') {
    const { SessionGrainsStore } = require('connect-sessiongrains');
    store = new SessionGrainsStore({ url: args['api-url'] ?? 'http://127.0.0.1:8081', token: process.env.SESSIONGRAINS_TOKEN });
  }

  const app = express();

  // The no-session route comes first: express-session loads the session eagerly for
  // every request it sees, so /ping must not pass through it.
  app.get('/ping', (req, res) => {
    res.type('text/plain').send('pong');
  });

  app.use(
    session({
      store,
      secret,
      resave: false,
      saveUninitialized: false,
      // cookie: defaults (name connect.sid, path /, httpOnly, no maxAge).
    }),
  );

  app.get('/counter', (req, res) => {
    res.type('text/plain').send(String(req.session.count ?? '0'));
  });

  app.post('/counter', (req, res) => {
    const current = Number.parseInt(req.session.count ?? '0', 10);
    const next = (Number.isNaN(current) ? 0 : current) + 1;
    // Stored as a decimal string, like the ASP.NET anchors' SetString("count", ...).
    // express-session saves the session before the response is ended.
    req.session.count = String(next);
    res.type('text/plain').send(String(next));
  });

  const server = app.listen(port, '127.0.0.1', () => {
    console.log(`express anchor (${storeKind}) listening on http://127.0.0.1:${port}`);
  });
  server.on('error', (err) => {
    console.error(`listen failed: ${err.message}`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    server.close(async () => {
      if (redisClient) {
        try {
          await redisClient.close();
        } catch {
          // the process is exiting anyway
        }
      }
      process.exit(0);
    });
    // Keep-alive connections (e.g. wrk's) would hold server.close() open.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
