'use strict'
// The store's own JavaScript per request, without I/O: express-session's inflate and a save through
// connect-sessiongrains, its read cache primed with 1,000 sessions and its lease stream replaced by one that answers
// every write at once; beside a calibration store that answers one fixed session and saves nothing.
//
//   node tests/load/store-path-bench.js [PACKAGE_DIR]   (run `npm ci` in tests/load/anchors/express first)
//
// PACKAGE_DIR: a connect-sessiongrains checkout (default: this repository's), to compare two versions side by side.
// Prints µs per request (medians of 5 rounds of 100,000) and bytes allocated per request (V8's sampling heap
// profiler, counting objects already collected), for a write request and a read request.

const path = require('node:path')
const inspector = require('node:inspector')
const { performance } = require('node:perf_hooks')

const anchor = path.join(__dirname, 'anchors/express/node_modules/express-session')
const expressSession = require(anchor)
const packageDir = path.resolve(process.argv[2] || path.join(__dirname, '../../src/connect-sessiongrains'))
const { createStoreClass } = require(path.join(packageDir, 'lib/store'))
const SessionGrainsStore = createStoreClass(expressSession)
const SESSIONS = 1000

class CalibrationStore extends expressSession.Store {
  get (sid, cb) { setImmediate(cb, null, { cookie: { originalMaxAge: null, httpOnly: true, path: '/' }, count: '5' }) }
  set (sid, session, cb) { setImmediate(cb) }
}

function grainsStore () {
  const store = new SessionGrainsStore({ url: 'http://127.0.0.1:9', token: 'store-path-bench-token-0123456789abcdef' })
  // Each write answers its session's next version and renews the lease, as the host does for the lease's holder.
  const versions = new Map()
  store.client.callStream = {
    checkTimeout () {},
    flush () {},
    call: (op, id) => {
      const version = (versions.get(id) || 1) + 1
      versions.set(id, version)
      return Promise.resolve({ status: 200, body: { version, leaseMs: 1000 } })
    }
  }
  const cache = store.readCache
  cache.key = 'bench'
  cache.stream = { close () {} }
  for (let i = 0; i < SESSIONS; i++) {
    const load = { key: 'bench', ticket: ++cache.tickets, startedAt: performance.now() + 1e9 } // leases that never end
    cache.cacheLoad('s' + i, store.loaded({ version: 1, values: { count: '"5"' }, user: null }), 1000, load)
  }
  return store
}

function request (store, i, write) {
  return new Promise((resolve, reject) => {
    const req = { headers: {}, sessionID: 's' + (i % SESSIONS), connection: {} }
    store.get(req.sessionID, (err, loaded) => {
      if (err) return reject(err)
      const session = store.createSession(req, loaded)
      if (!write) return resolve()
      session.count = String(Number(session.count) + 1)
      store.set(req.sessionID, session, err => err ? reject(err) : resolve())
    })
  })
}

async function run (store, write, count) {
  for (let i = 0; i < count; i += 32) {
    const batch = []
    for (let j = 0; j < 32; j++) batch.push(request(store, i + j, write))
    await Promise.all(batch)
  }
}

async function timed (store, write) {
  const rounds = []
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint()
    await run(store, write, 100000)
    rounds.push(Number(process.hrtime.bigint() - start) / 100000 / 1000)
  }
  return rounds.sort((a, b) => a - b)[2]
}

async function allocated (store, write) {
  const session = new inspector.Session()
  session.connect()
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => e ? reject(e) : resolve(r)))
  await post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  await run(store, write, 100000)
  const { profile } = await post('HeapProfiler.stopSampling')
  session.disconnect()
  const total = node => node.selfSize + node.children.reduce((sum, child) => sum + total(child), 0)
  return total(profile.head) / 100000
}

async function main () {
  for (const [name, store] of [['calibration store', new CalibrationStore()], ['connect-sessiongrains', grainsStore()]]) {
    for (const write of [true, false]) await run(store, write, 100000) // warm-up
    const line = []
    for (const write of [true, false]) {
      line.push(`${write ? 'write' : 'read'} ${(await timed(store, write)).toFixed(2)} µs, ${Math.round(await allocated(store, write))} bytes`)
    }
    console.log(`${name.padEnd(22)} ${line.join('; ')} per request`)
    if (store.close) store.close()
  }
}

main().then(() => process.exit(0), err => { console.error(err); process.exit(1) })
