'use strict'
// A stand-in for a SessionGrains host's session store API that answers every call at once, from a Map, for bounding
// the Node side of express + connect-sessiongrains (what Node costs when the host costs next to nothing):
//
//   node tests/load/fake-store-api.js PORT
//   node tests/load/anchors/express/server.js --store sessiongrains --api-url http://127.0.0.1:PORT --port 5102
//
// It speaks only what the anchor's routes use: create (PUT), load (GET), apply (PATCH), and the lease stream with calls
// on it (no invalidations: it has no other front end). No token check. Never a test double: nothing asserts on it.

const http = require('node:http')

const sessions = new Map()
let holders = 0

function answer (op, id, body) {
  const session = sessions.get(id)
  if (op === 'create') {
    sessions.set(id, { version: 1, values: { ...body.values } })
    return { status: 201, body: { version: 1 } }
  }
  if (!session) return { status: 404, body: { error: 'no_session', message: 'There is no live session with this ID.' } }
  if (op === 'load') return { status: 200, body: { version: session.version, values: session.values, binary: {}, user: null, leaseMs: 1000 } }
  if (op === 'apply') {
    Object.assign(session.values, body.values)
    for (const key of body.removals || []) delete session.values[key]
    return { status: 200, body: { version: ++session.version } }
  }
  return { status: 400, body: { error: 'invalid_request', message: 'Not served here.' } }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost')
  req.setEncoding('utf8')
  if (url.pathname === '/session-store/leases') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    res.write(JSON.stringify({ holder: 'fake-' + (++holders), leaseMs: Number(url.searchParams.get('durationMs')), calls: true }) + '\n')
    let partial = ''
    req.on('data', text => {
      const lines = (partial + text).split('\n')
      partial = lines.pop()
      let out = ''
      for (const line of lines) {
        if (!line.startsWith('{')) continue // an acknowledgement
        const call = JSON.parse(line)
        out += JSON.stringify({ call: call.call, ...answer(call.op, call.id, call.body) }) + '\n'
      }
      if (out) res.write(out)
    })
    return
  }
  const match = /^\/session-store\/sessions\/([^/]+)$/.exec(url.pathname)
  let text = ''
  req.on('data', chunk => { text += chunk })
  req.on('end', () => {
    const op = { GET: 'load', PUT: 'create', PATCH: 'apply' }[req.method]
    const result = match && op ? answer(op, decodeURIComponent(match[1]), text ? JSON.parse(text) : undefined) : { status: 404, body: null }
    res.writeHead(result.status, { 'content-type': 'application/json' })
    res.end(result.body === null ? '' : JSON.stringify(result.body))
  })
})

server.listen(Number(process.argv[2] || 5450), '127.0.0.1')
