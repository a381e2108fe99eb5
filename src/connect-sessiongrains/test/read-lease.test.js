'use strict'

// Read leases: the store serves a session it loaded from its cache until the lease ends, and the grain makes it drop
// the copy (over the store's lease stream) before it acknowledges a change from anywhere else.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { env, startExpress, Jar } = require('./helpers')
const { LeaseStream } = require('../lib/lease-stream')

const aspnet = env.aspnetUrl

const isLoad = call => call === 'stream load' || call.startsWith('GET')

/**
 * An express app whose store counts its calls to the host, once its lease stream is open: 'METHOD PATH' for an HTTP
 * request, 'stream OP' for a call on the lease stream.
 */
async function startLeased (t, storeOptions = {}) {
  const app = await startExpress({ storeOptions })
  t.after(() => app.close())
  const calls = []
  const attempt = app.store.client.attempt.bind(app.store.client)
  app.store.client.attempt = (method, path, payload) => {
    calls.push(`${method} ${path.replace(/\/sessions\/[^/?]+/, '/sessions/ID').replace(/lease=[^&]+/, 'lease=KEY')}`)
    return attempt(method, path, payload)
  }
  const streamCall = LeaseStream.prototype.call
  LeaseStream.prototype.call = function (op, id, body) {
    calls.push(`stream ${op}`)
    return streamCall.call(this, op, id, body)
  }
  t.after(() => { LeaseStream.prototype.call = streamCall })
  const jar = new Jar()
  await jar.post(`${app.url}/counter`) // creates the session
  await jar.text(`${app.url}/counter`) // the store's first load opens its lease stream
  for (let i = 0; i < 100 && !app.store.readCache.key; i++) await new Promise(resolve => setTimeout(resolve, 20))
  app.store.readCache.forget(jar.sessionId) // tests start from a load
  assert.ok(app.store.readCache.key, 'the lease stream opened')
  calls.length = 0
  return { app, jar, calls }
}

test('reads under a lease make no call; a change from ASP.NET is seen by the very next read', async t => {
  const { app, jar, calls } = await startLeased(t, { readLease: 10000 })

  assert.equal((await jar.text(`${app.url}/counter`)).text, '1')
  assert.deepEqual(calls, ['stream load']) // leased: a call on the lease stream
  for (let i = 0; i < 5; i++) assert.equal((await jar.text(`${app.url}/counter`)).text, '1')
  assert.equal(calls.length, 1) // served from the copy

  for (let i = 2; i <= 21; i++) {
    const write = i % 2 === 0 ? `${aspnet}/counter` : `${aspnet}/counter/atomic`
    assert.equal((await jar.post(write)).text, String(i))
    assert.equal((await jar.text(`${app.url}/counter`)).text, String(i), `the read after ASP.NET's write number ${i - 1}`)
    assert.equal((await jar.text(`${app.url}/counter`)).text, String(i))
  }
  // Each ASP.NET write dropped the copy: one load after each, the second read served from the new copy.
  assert.equal(calls.filter(isLoad).length, 21)
})

test('the store\'s own writes keep its copy up to date: no load after them', async t => {
  const { app, jar, calls } = await startLeased(t, { readLease: 10000 })

  assert.equal((await jar.text(`${app.url}/counter`)).text, '1')
  assert.equal((await jar.post(`${app.url}/counter`)).text, '2') // a save (PATCH) under the lease
  assert.equal((await jar.post(`${app.url}/counter/atomic`)).text, '3') // an increment under the lease
  assert.equal((await jar.text(`${app.url}/counter`)).text, '3')
  assert.deepEqual(calls, [
    'stream load',
    'stream apply', // a save under the lease
    'stream increment'
  ])
  assert.equal((await jar.text(`${aspnet}/counter`)).text, '3')
})

test('the store\'s own write renews its lease: the copy serves past the load\'s lease', async t => {
  const { app, jar, calls } = await startLeased(t, { readLease: 1500 })

  assert.equal((await jar.text(`${app.url}/counter`)).text, '1') // the load: leased for 1.5 s
  await new Promise(resolve => setTimeout(resolve, 900))
  assert.equal((await jar.post(`${app.url}/counter`)).text, '2') // renews it for 1.5 s from here
  await new Promise(resolve => setTimeout(resolve, 900)) // past the load's lease
  assert.equal((await jar.text(`${app.url}/counter`)).text, '2')
  assert.deepEqual(calls, ['stream load', 'stream apply'])
})

test('a destroy on ASP.NET ends the copy: the next express read is a new, empty session', async t => {
  const { app, jar } = await startLeased(t, { readLease: 10000 })
  assert.equal((await jar.text(`${app.url}/counter`)).text, '1') // leased
  const cookie = jar.value

  assert.ok((await jar.post(`${aspnet}/logout`)).status < 400)
  jar.value = cookie // the old cookie, still presented to express
  assert.equal((await jar.text(`${app.url}/counter`)).text, '0')
})

test('when the lease stream closes the copies go, loads reach the host, and a new stream opens', async t => {
  const { app, jar, calls } = await startLeased(t)
  assert.equal((await jar.text(`${app.url}/counter`)).text, '1')
  const firstKey = app.store.readCache.key

  app.store.readCache.stream.socket.destroy() // as when the host goes away
  for (let i = 0; i < 100 && app.store.readCache.key; i++) await new Promise(resolve => setTimeout(resolve, 10))
  assert.equal(app.store.readCache.key, null)
  assert.equal(app.store.readCache.lookup(jar.sessionId), undefined)
  // The grain cannot tell the closed stream's holder from a silent one: it waits out that lease (1 s), then stores.
  assert.deepEqual(await jar.post(`${aspnet}/counter`), { status: 200, text: '2' })
  assert.equal((await jar.text(`${app.url}/counter`)).text, '2')
  assert.deepEqual(calls.filter(isLoad), ['stream load', 'GET /sessions/ID']) // no stream: no lease

  for (let i = 0; i < 100 && !app.store.readCache.key; i++) {
    await new Promise(resolve => setTimeout(resolve, 20))
    await jar.text(`${app.url}/counter`) // a load asks for the stream again after its pause
  }
  assert.ok(app.store.readCache.key && app.store.readCache.key !== firstKey, 'a new stream with a new key')
})

test('a store that never acknowledges an invalidation holds a change back only until its lease ends', async t => {
  const { app, jar } = await startLeased(t, { readLease: 1500 })
  assert.equal((await jar.text(`${app.url}/counter`)).text, '1') // leased for 1.5 s
  const stream = app.store.readCache.stream
  const send = stream.send.bind(stream)
  stream.send = text => /^\d/.test(text) ? undefined : send(text) // acknowledgements go nowhere: a hung store, as the grain sees it

  const started = Date.now()
  assert.equal((await jar.post(`${aspnet}/counter`)).text, '2')
  const waited = Date.now() - started
  // The copy was dropped on the invalidation all the same, and the lease has ended anyway.
  assert.equal((await jar.text(`${app.url}/counter`)).text, '2')
  assert.ok(waited < 15000, `the ASP.NET write waited ${waited} ms`)
  t.diagnostic(`ASP.NET write held back ${waited} ms by an unacknowledged 1.5 s lease`)
})

test('a call whose answer a closing stream lost is sent again with its operation ID and applied once', async t => {
  const { app, jar, calls } = await startLeased(t)
  assert.equal((await jar.post(`${app.url}/counter/atomic`)).text, '2') // an increment on the stream
  const stream = app.store.readCache.stream
  const handle = stream.handle.bind(stream)
  stream.handle = message => {
    if (message.call === undefined) return handle(message)
    stream.socket.destroy() // the increment was applied; its answer is lost with the stream
    return ''
  }

  assert.equal((await jar.post(`${app.url}/counter/atomic`)).text, '3')
  // The retry goes as an HTTP request while no stream is open (its old key gets no lease: that stream has ended).
  assert.deepEqual(calls.slice(-3), ['stream increment', 'stream increment', 'POST /sessions/ID/increment?lease=KEY'])
  assert.equal((await jar.text(`${aspnet}/counter`)).text, '3') // once, not twice
})
