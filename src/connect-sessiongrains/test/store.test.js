'use strict'

// express 5 + express-session 1.19 + SessionGrainsStore against a real SessionGrains host (SESSIONGRAINS_URL).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const net = require('node:net')
const { env, express, session, SessionGrainsStore, startExpress, startProxy, Jar, api, barrier } = require('./helpers')
const { createSessionGrains } = require('..')

const PARALLEL = 20

test('values round-trip through the grain as one JSON key each, and a Buffer as bytes', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  const cart = { items: [{ sku: 'a-1', qty: 2 }], note: 'Zoë <&> 😀' }

  await jar.post(`${app.url}/set?key=cart&value=${encodeURIComponent(JSON.stringify(cart))}`)
  await jar.post(`${app.url}/set?key=flag&value=true`)
  await jar.post(`${app.url}/set?key=n&value=42`)
  await jar.post(`${app.url}/set?key=nothing&value=null`)

  const snapshot = await api.load(jar.sessionId)
  assert.deepEqual(snapshot.values, {
    cart: JSON.stringify(cart), flag: 'true', n: '42', nothing: 'null'
  })
  const read = await (await jar.fetch(`${app.url}/session`)).json()
  assert.deepEqual(read.data, { cart, flag: true, n: 42, nothing: null })

  // A value another side wrote as bytes comes to express as a Buffer and is never rewritten unless express changes it.
  const patched = await api.call('PATCH', `/sessions/${encodeURIComponent(jar.sessionId)}`, {
    operationId: crypto.randomUUID(), binary: { blob: Buffer.from([0, 1, 2, 255]).toString('base64') }
  })
  assert.equal(patched.status, 200)
  const withBlob = await (await jar.fetch(`${app.url}/session`)).json()
  assert.deepEqual(withBlob.buffers, ['blob'])
  assert.deepEqual(withBlob.data.blob, { type: 'Buffer', data: [0, 1, 2, 255] })
  await jar.post(`${app.url}/set?key=n&value=43`)
  const after = await api.load(jar.sessionId)
  assert.equal(after.binary.blob, Buffer.from([0, 1, 2, 255]).toString('base64'))
  assert.equal(after.values.n, '43')
})

test('a read-only request writes nothing: only a load reaches the host, and the version is unchanged', async t => {
  const proxy = await startProxy()
  const app = await startExpress({ storeOptions: { url: proxy.url } })
  t.after(async () => { await app.close(); await proxy.close() })
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=color&value=%22green%22`)
  const before = await api.load(jar.sessionId)
  proxy.calls.length = 0

  for (let i = 0; i < 3; i++) {
    assert.equal((await jar.text(`${app.url}/get?key=color`)).text, '{"value":"green"}')
  }
  // Setting a key to the value it already has is no change either.
  await jar.post(`${app.url}/set?key=color&value=%22green%22`)

  assert.deepEqual(proxy.calls.map(c => c.method), ['GET', 'GET', 'GET', 'GET'])
  assert.equal((await api.load(jar.sessionId)).version, before.version)
})

test('values another side wrote in another JSON spelling are not taken for changes', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=a&value=1`)
  // What System.Text.Json writes for "Zoë <b>": non-ASCII and <>& escaped.
  const escaped = '{"name":"Zo\\u00EB \\u003Cb\\u003E","tags":[ 1, 2 ]}'
  const patched = await api.call('PATCH', `/sessions/${encodeURIComponent(jar.sessionId)}`, {
    operationId: crypto.randomUUID(), values: { profile: escaped }
  })
  assert.equal(patched.status, 200)

  const read = await (await jar.fetch(`${app.url}/get?key=profile`)).json()
  assert.deepEqual(read.value, { name: 'Zoë <b>', tags: [1, 2] })
  const before = await api.load(jar.sessionId)
  await jar.post(`${app.url}/set?key=a&value=2`)

  const after = await api.load(jar.sessionId)
  assert.equal(after.values.profile, escaped) // byte for byte: not re-sent
  assert.equal(after.values.a, '2')
  assert.equal(after.version, before.version + 1)
})

test(`${PARALLEL} parallel requests each setting its own key keep all ${PARALLEL}; express-session's MemoryStore keeps one`, async t => {
  for (const kind of ['grains', 'memory']) {
    const gate = barrier(PARALLEL) // every request has loaded the session before any sets its key
    const app = await startExpress({ gate, store: kind === 'memory' ? new session.MemoryStore() : undefined })
    t.after(() => app.close())
    const jar = new Jar()
    await jar.post(`${app.url}/set?key=start&value=0`)

    const responses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => jar.post(`${app.url}/gated/k${i}`)))
    assert.ok(responses.every(r => r.status === 200), JSON.stringify(responses))

    const { data } = await (await jar.fetch(`${app.url}/session`)).json()
    const kept = Object.keys(data).filter(k => /^k\d+$/.test(k))
    if (kind === 'grains') {
      assert.equal(kept.length, PARALLEL, `kept ${kept.join(',')}`)
      assert.equal(data.start, 0)
    } else {
      // Each save writes the whole session as that request saw it: the last one wins.
      assert.equal(kept.length, 1, `MemoryStore kept ${kept.join(',')}`)
    }
  }
})

test('increments from parallel requests all count, and a later save does not clobber them', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  await jar.post(`${app.url}/counter/atomic`)

  const results = await Promise.all(Array.from({ length: PARALLEL }, () => jar.post(`${app.url}/counter/atomic`)))
  assert.ok(results.every(r => r.status === 200))
  assert.deepEqual(results.map(r => Number(r.text)).sort((a, b) => a - b), Array.from({ length: PARALLEL }, (_, i) => i + 2))
  assert.equal((await jar.text(`${app.url}/counter`)).text, String(PARALLEL + 1))
  assert.equal((await api.load(jar.sessionId)).values.count, String(PARALLEL + 1))
})

test('a write whose response was dropped is retried with the same operation ID and applies once', async t => {
  let dropNext = []
  const proxy = await startProxy({
    drop: call => {
      const i = dropNext.indexOf(call.method)
      if (i < 0 || call.status >= 300) return false
      dropNext.splice(i, 1)
      return true
    }
  })
  const app = await startExpress({ storeOptions: { url: proxy.url } })
  t.after(async () => { await app.close(); await proxy.close() })
  const jar = new Jar()
  dropNext = ['PUT']
  assert.equal((await jar.post(`${app.url}/counter/atomic`)).text, '1') // creates the session (answer dropped), count 1
  const before = await api.load(jar.sessionId)
  const creates = proxy.calls.filter(c => c.method === 'PUT')
  assert.deepEqual(creates.map(c => [c.dropped, c.status]), [[true, 201], [false, 201]])
  assert.equal(creates[1].operationId, creates[0].operationId)
  assert.deepEqual(creates.map(c => c.retried), [false, true]) // the host keeps a retried write's ID for its whole window
  dropNext = ['POST', 'PATCH']

  assert.equal((await jar.post(`${app.url}/counter/atomic`)).text, '2') // the increment's first answer is dropped
  assert.equal((await jar.post(`${app.url}/set?key=color&value=%22red%22`)).status, 200) // so is the PATCH's

  const increments = proxy.calls.filter(c => c.method === 'POST')
  const patches = proxy.calls.filter(c => c.method === 'PATCH')
  assert.equal(increments.length, 3) // the first (not dropped), then the dropped one and its retry
  assert.equal(increments[1].dropped, true)
  assert.equal(increments[2].operationId, increments[1].operationId)
  assert.deepEqual(increments.map(c => c.retried), [false, false, true])
  assert.equal(patches.length, 2)
  assert.equal(patches[0].dropped, true)
  assert.equal(patches[1].operationId, patches[0].operationId)
  assert.deepEqual(patches.map(c => c.retried), [false, true])
  const after = await api.load(jar.sessionId)
  assert.equal(after.values.count, '2') // applied once
  assert.equal(after.values.color, '"red"')
  assert.equal(after.version, before.version + 2)
})

test('no byte of a response leaves before its session is saved; then the whole response leaves', async t => {
  let release, answered
  const released = new Promise(resolve => { release = resolve })
  const patchAnswered = new Promise(resolve => { answered = resolve })
  const proxy = await startProxy({ hold: call => call.method === 'PATCH' ? (answered(), released) : undefined })
  const app = await startExpress({ storeOptions: { url: proxy.url } })
  t.after(async () => { release(); await app.close(); await proxy.close() })
  const jar = new Jar()
  assert.equal((await jar.post(`${app.url}/counter`)).text, '1') // creates the session

  // express-session writes a response but its last byte before the store's callback (a redirect could be followed
  // before the save): held back here until the host's answer, which the proxy holds.
  const { port } = new URL(app.url)
  const socket = net.connect(Number(port), '127.0.0.1')
  t.after(() => socket.destroy())
  const received = []
  let saved = false
  socket.on('data', chunk => received.push({ chunk, afterSave: saved }))
  socket.write(`POST /counter HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: connect.sid=${jar.value}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
  await patchAnswered
  await new Promise(resolve => setTimeout(resolve, 100)) // the host has answered: time for any early byte to arrive
  assert.equal(received.length, 0)
  saved = true
  release()
  await new Promise(resolve => socket.on('end', resolve))
  const response = Buffer.concat(received.map(r => r.chunk)).toString('latin1')
  assert.match(response, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n2$/)
  assert.ok(received.every(r => r.afterSave))
  assert.equal((await api.load(jar.sessionId)).values.count, '2')
})

test('a save after the session was destroyed elsewhere does not bring it back', async t => {
  let release, onLoaded
  const released = new Promise(resolve => { release = resolve })
  const loaded = new Promise(resolve => { onLoaded = resolve })
  const app = await startExpress({ gate: { arrive: () => { onLoaded(); return released } } })
  t.after(() => app.close())
  const ended = []
  app.store.on('ended', info => ended.push(info.operation))
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=user&value=%22ada%22`)
  const sid = jar.sessionId

  const inFlight = jar.post(`${app.url}/gated/late`) // loads the session, then waits
  await loaded
  assert.equal((await new Jar().fetch(`${app.url}/logout`, { method: 'POST', headers: { cookie: `connect.sid=${jar.value}` } })).status, 204)
  release()
  assert.equal((await inFlight).status, 200) // succeeds quietly

  assert.equal(await api.load(sid), null)
  assert.deepEqual(ended, ['set'])
  assert.equal((await jar.text(`${app.url}/me`)).status, 401) // a new, empty session
})

test('regenerate keeping data moves data and user binding to a new ID; the old ID is gone', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  const user = 'regen-' + crypto.randomUUID().slice(0, 8)
  await jar.post(`${app.url}/set?key=cart&value=%5B1%2C2%5D`)
  const first = jar.sessionId

  assert.equal((await jar.post(`${app.url}/login?user=${user}`)).text, user)
  const second = jar.sessionId
  assert.notEqual(second, first)
  assert.equal(await api.load(first), null)
  const snapshot = await api.load(second)
  assert.equal(snapshot.values.cart, '[1,2]')
  assert.equal(snapshot.values.user, user) // a rawStringKeys key: plain text, as ASP.NET's SetString writes it
  assert.equal(snapshot.user.userId, user)

  // Logging in again on a bound session keeps the binding across the new ID.
  await jar.post(`${app.url}/login?user=${user}`)
  const third = jar.sessionId
  assert.equal((await api.load(third)).user.userId, user)
  const sessions = (await (await jar.fetch(`${app.url}/me/sessions`)).json())
  assert.equal(sessions.length, 1)
  assert.equal(sessions[0].current, true)
})

test('a value over the host limit is a 413 through an explicit save', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=a&value=1`)
  const response = await jar.post(`${app.url}/set-and-save?key=big&size=${300 * 1024}`)
  assert.equal(response.status, 413)
  assert.equal((await api.load(jar.sessionId)).values.big, undefined)
})

test('a bad token fails the express request loudly (500), never a request without a session', async t => {
  const good = await startExpress()
  const bad = await startExpress({ storeOptions: { token: 'not-the-token-' + 'x'.repeat(32) } })
  t.after(async () => { await good.close(); await bad.close() })
  const jar = new Jar()
  await jar.post(`${good.url}/set?key=color&value=%22blue%22`)

  const read = await jar.text(`${bad.url}/get?key=color`)
  assert.equal(read.status, 500)
  assert.match(read.text, /token/)
  assert.equal((await new Jar().post(`${bad.url}/set-and-save?key=a&value=1`)).status, 500)
  assert.equal((await jar.text(`${good.url}/get?key=color`)).text, '{"value":"blue"}')
})

test('the host down is an error (503), without a disconnect event; it works again when the host is back', async t => {
  const proxy = await startProxy()
  // A refused connection fails at once, within the short budget; a host slow to answer (a loaded machine) still gets 5 s.
  const app = await startExpress({ storeOptions: { url: proxy.url, retryBudget: 800, timeout: 5000 } })
  t.after(async () => { await app.close(); await proxy.close() })
  const events = []
  app.store.on('disconnect', () => events.push('disconnect'))
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=color&value=%22teal%22`)

  await proxy.down()
  const started = Date.now()
  const failed = await jar.text(`${app.url}/get?key=color`)
  assert.equal(failed.status, 503)
  assert.match(failed.text, /unavailable/)
  assert.ok(Date.now() - started < 5000)
  assert.equal((await new Jar().post(`${app.url}/set-and-save?key=a&value=1`)).status, 503)

  await proxy.up()
  assert.equal((await jar.text(`${app.url}/get?key=color`)).text, '{"value":"teal"}')
  assert.deepEqual(events, [])
})

test('a save without a request replaces the whole session; set and destroy keep express-session\'s callbacks', async t => {
  const store = new SessionGrainsStore({ url: env.url, token: env.token })
  t.after(() => store.close())
  const sid = 'plain-' + crypto.randomUUID()
  const call = (method, ...args) => new Promise((resolve, reject) => store[method](...args, (err, value) => err ? reject(err) : resolve(value)))

  await call('set', sid, { a: 1, b: 'two', cookie: { originalMaxAge: null } })
  assert.deepEqual((await api.load(sid)).values, { a: '1', b: '"two"' })
  await call('set', sid, { b: 'three', c: [3] })
  assert.deepEqual((await api.load(sid)).values, { b: '"three"', c: '[3]' })
  const loaded = await call('get', sid)
  assert.equal(loaded.b, 'three')
  assert.equal(loaded.cookie.path, '/')
  assert.equal(loaded.cookie.originalMaxAge, null)
  await call('destroy', sid)
  assert.equal(await call('get', sid), null)
  await call('destroy', sid) // idempotent
})

test('a loaded session gets its cookie from the store\'s copy of the cookie options (maxAge, sameSite)', async t => {
  const app = await startExpress({ cookie: { maxAge: 60_000, sameSite: 'lax' } })
  t.after(() => app.close())
  const jar = new Jar()
  const expiresOf = async pending => {
    const response = await pending
    await response.text() // the end of the body comes after the save
    const line = response.headers.getSetCookie().find(c => c.startsWith('connect.sid='))
    return line && { line, expires: new Date(/Expires=([^;]+)/i.exec(line)[1]) }
  }

  const created = await expiresOf(jar.fetch(`${app.url}/set?key=a&value=1`, { method: 'POST' }))
  assert.match(created.line, /SameSite=Lax/)
  assert.equal(await expiresOf(jar.fetch(`${app.url}/get?key=a`)), undefined) // not rolling: a read sends no cookie
  const changed = await expiresOf(jar.fetch(`${app.url}/set?key=a&value=2`, { method: 'POST' }))

  assert.match(changed.line, /SameSite=Lax/)
  assert.ok(Math.abs(changed.expires - Date.now() - 60_000) < 5_000, changed.line)
})

test('keys an express session cannot hold are skipped on load and kept in the grain', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=a&value=1`)
  // JSON.parse makes "__proto__" an own key (an object literal would set the prototype instead).
  const hidden = JSON.parse('{"id":"\\"x\\"","cookie":"{\\"path\\":\\"/evil\\"}","constructor":"1","__proto__":"{\\"polluted\\":true}","save":"2"}')
  assert.deepEqual(Object.keys(hidden), ['id', 'cookie', 'constructor', '__proto__', 'save'])
  const patched = await api.call('PATCH', `/sessions/${encodeURIComponent(jar.sessionId)}`, {
    operationId: crypto.randomUUID(), values: hidden
  })
  assert.equal(patched.status, 200)

  const read = await (await jar.fetch(`${app.url}/session`)).json()
  assert.deepEqual(read.data, { a: 1 })
  await jar.post(`${app.url}/set?key=a&value=2`)
  const after = await api.load(jar.sessionId)
  assert.deepEqual(Object.keys(after.values).sort(), ['__proto__', 'a', 'constructor', 'cookie', 'id', 'save'].sort())
  assert.equal(after.values.a, '2')
  assert.equal({}.polluted, undefined)
})

test('express-session\'s own regenerate destroys the old session and the next save creates the new one', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  await jar.post(`${app.url}/set?key=a&value=1`)
  const old = jar.sessionId

  const renewed = await jar.post(`${app.url}/regenerate`)

  assert.equal(renewed.text, jar.sessionId)
  assert.notEqual(jar.sessionId, old)
  assert.equal(await api.load(old), null)
  assert.deepEqual((await api.load(jar.sessionId)).values, { fresh: 'true' })
})

test('createSessionGrains makes the middleware and the store from one set of options, with the farm\'s defaults', async t => {
  const { middleware, store } = createSessionGrains({ secret: env.secret, store: { url: env.url, token: env.token } })
  const app = express()
  app.use(middleware)
  app.post('/set', (req, res) => { req.session.color = 'plum'; res.send('ok') })
  const server = http.createServer(app).listen(0, '127.0.0.1')
  await new Promise(resolve => server.once('listening', resolve))
  t.after(() => { server.closeAllConnections(); server.close(); store.close() })
  const jar = new Jar()

  const response = await jar.fetch(`http://127.0.0.1:${server.address().port}/set`, { method: 'POST' })
  await response.text() // the end of the body comes after the save

  const line = response.headers.getSetCookie().find(c => c.startsWith('connect.sid='))
  assert.match(line, /SameSite=Lax/)
  assert.ok(store instanceof SessionGrainsStore)
  assert.equal((await api.load(jar.sessionId)).values.color, '"plum"')
  const nothing = await new Jar().fetch(`http://127.0.0.1:${server.address().port}/nothing`)
  await nothing.text()
  assert.equal(nothing.headers.getSetCookie().length, 0)
})
