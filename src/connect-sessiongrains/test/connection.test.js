'use strict'

// The store's pipelined HTTP/1.1 client against a raw TCP server that answers the way a real server may: several
// answers in one write, one answer split across many writes, chunked bodies, interim 100 answers, a closed connection.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const { StoreApiClient } = require('../lib/client')

const TOKEN = 'connection-test-token-0123456789abcdef'

/** A server that reads requests (heads only; bodies by Content-Length) and lets the test answer each with raw bytes. */
async function rawServer (answer) {
  const requests = []
  const sockets = new Set()
  const server = net.createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let buffer = Buffer.alloc(0)
    socket.on('data', data => {
      buffer = Buffer.concat([buffer, data])
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffer.subarray(0, end).toString('latin1')
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
        if (buffer.length < end + 4 + length) return
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8')
        buffer = buffer.subarray(end + 4 + length)
        const request = { head, body, socket, index: requests.length }
        requests.push(request)
        answer(request)
      }
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/root`,
    requests,
    close: () => new Promise(resolve => { for (const s of sockets) s.destroy(); server.close(resolve) })
  }
}

const json = (status, value, extra = '') => {
  const body = Buffer.from(JSON.stringify(value))
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${extra}\r\n`), body])
}

test('calls made in one turn of the event loop share one connection and one write; answers return to their callers in order', async t => {
  const pending = []
  const server = await rawServer(request => {
    pending.push(request)
    if (pending.length === 3) { // all three answers in one write, the middle one chunked and in two chunks
      const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5\r\n{"n":\r\n2;ext=1\r\n2}\r\n0\r\n\r\n'
      request.socket.write(Buffer.concat([json(200, { n: 1 }), Buffer.from(chunked), json(404, { error: 'no_session' })]))
    }
  })
  const client = new StoreApiClient({ url: server.url, token: TOKEN, connections: 1 })
  t.after(async () => { client.close(); await server.close() })

  const answers = await Promise.all([
    client.call('GET', '/sessions/a'),
    client.call('PATCH', '/sessions/b', { operationId: 'x' }),
    client.call('GET', '/sessions/c')
  ])
  assert.deepEqual(answers, [{ status: 200, body: { n: 1 } }, { status: 200, body: { n: 2 } }, { status: 404, body: { error: 'no_session' } }])
  assert.equal(new Set(server.requests.map(r => r.socket)).size, 1)
  assert.match(server.requests[0].head, /^GET \/root\/session-store\/sessions\/a HTTP\/1\.1\r\n/)
  assert.match(server.requests[0].head, new RegExp(`\r\nAuthorization: Bearer ${TOKEN}\r\n`))
  assert.equal(server.requests[1].body, '{"operationId":"x"}')
})

test('an answer split into single bytes, after an interim 100 answer, and a 204 with no body are read whole', async t => {
  const server = await rawServer(request => {
    const bytes = request.index === 0
      ? Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'), json(200, { text: 'Zoë 😀' })])
      : Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')
    let i = 0
    const drip = () => {
      if (i < bytes.length) request.socket.write(bytes.subarray(i, ++i), () => setImmediate(drip))
    }
    drip()
  })
  const client = new StoreApiClient({ url: server.url, token: TOKEN, connections: 1 })
  t.after(async () => { client.close(); await server.close() })

  assert.deepEqual(await client.call('GET', '/sessions/a'), { status: 200, body: { text: 'Zoë 😀' } })
  assert.deepEqual(await client.call('DELETE', '/sessions/a'), { status: 204, body: undefined })
})

test('a connection closed with calls in flight: those calls are sent again on a new connection, with their operation IDs, marked retried', async t => {
  let closed = false
  const server = await rawServer(request => {
    if (!closed && request.index === 1) { // answer the first, then close with the second (and third) unanswered
      closed = true
      request.socket.end(json(200, { n: 0 }, 'Connection: close\r\n'))
      return
    }
    if (request.index > 1 && !request.socket.writableEnded) request.socket.write(json(200, { echo: request.body }))
  })
  const client = new StoreApiClient({ url: server.url, token: TOKEN, connections: 1 })
  t.after(async () => { client.close(); await server.close() })

  const answers = await Promise.all([
    client.call('GET', '/sessions/a'),
    client.call('PATCH', '/sessions/a', { operationId: 'op-1' }),
    client.call('PATCH', '/sessions/a', { operationId: 'op-2' })
  ])
  assert.deepEqual(answers[0], { status: 200, body: { n: 0 } })
  assert.deepEqual(answers.slice(1).map(a => a.body.echo).sort(), ['{"operationId":"op-1","retried":true}', '{"operationId":"op-2","retried":true}'])
  const sockets = server.requests.map(r => r.socket)
  assert.ok(new Set(sockets).size >= 2, 'the retries went out on a new connection')
})

test('a call with no answer within `timeout` fails its connection and is retried; after the budget it is a 503 error', async t => {
  const server = await rawServer(() => { /* never answers */ })
  const client = new StoreApiClient({ url: server.url, token: TOKEN, timeout: 100, retryBudget: 400 })
  t.after(async () => { client.close(); await server.close() })

  const started = Date.now()
  await assert.rejects(client.call('GET', '/sessions/a'), err => {
    assert.equal(err.code, 'SESSIONGRAINS_UNAVAILABLE')
    assert.equal(err.status, 503)
    assert.equal(err.cause.code, 'SESSIONGRAINS_TIMEOUT')
    return true
  })
  assert.ok(server.requests.length >= 2, `retried (${server.requests.length} attempts)`)
  assert.ok(Date.now() - started < 5000)
})

test('an answer that is not HTTP fails the connection as a transient error, not a wrong result', async t => {
  let first = true
  const server = await rawServer(request => {
    if (first) {
      first = false
      request.socket.write('HELLO\r\n\r\n')
    } else {
      request.socket.write(json(200, { ok: true }))
    }
  })
  const client = new StoreApiClient({ url: server.url, token: TOKEN })
  t.after(async () => { client.close(); await server.close() })

  assert.deepEqual(await client.call('GET', '/sessions/a'), { status: 200, body: { ok: true } })
  assert.equal(server.requests.length, 2)
})

test('a token that cannot be a bearer token is refused at construction', () => {
  assert.throws(() => new StoreApiClient({ url: 'http://127.0.0.1:1', token: 'has a space' }), /printable ASCII/)
})
