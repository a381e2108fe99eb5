'use strict'

// The responses a touch holds (ResponseBatch) against a real node:http server and raw client sockets: held corked
// through the turn, released together in its check phase, each in one write.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const net = require('node:net')
const { ResponseBatch } = require('../lib/response-batch')

const REQUESTS = 10

test('responses held in one event-loop turn leave after it, together, each in one write', async t => {
  const batch = new ResponseBatch()
  const events = []
  let arrived = 0
  let releaseArrivals
  const allArrived = new Promise(resolve => { releaseArrivals = resolve })
  const pending = []
  const server = http.createServer((req, res) => {
    pending.push(res)
    if (++arrived === REQUESTS) releaseArrivals()
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const { port } = server.address()

  const sockets = []
  for (let i = 0; i < REQUESTS; i++) {
    const socket = net.connect(port, '127.0.0.1')
    const chunks = []
    socket.on('data', chunk => chunks.push(chunk))
    const ended = new Promise(resolve => socket.on('end', resolve))
    socket.write(`GET /${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    sockets.push({ socket, chunks, ended })
  }
  t.after(() => { for (const { socket } of sockets) socket.destroy() })
  await allArrived

  for (const [i, res] of pending.entries()) {
    batch.add(res, () => {
      events.push(`callback ${i}`)
      res.end('!')
    })
    assert.ok(res.socket.writableCorked > 0)
    // As express-session does after calling touch: the head and all but the last byte written; end() in the callback.
    res.setHeader('Content-Length', 6)
    res.write('hello')
  }
  events.push('turn ended')
  await new Promise(resolve => process.nextTick(resolve)) // after res.write's own uncork (a next tick), before the check phase
  for (const res of pending) assert.ok(res.socket.writableLength > 0, 'a byte was handed to the socket before the callback')
  await Promise.all(sockets.map(s => s.ended))

  assert.deepEqual(events, ['turn ended', ...pending.map((_, i) => `callback ${i}`)])
  for (const { chunks } of sockets) {
    assert.equal(chunks.length, 1, 'the response left in one write (without the cork, res.write sends its part at once)')
    assert.match(chunks[0].toString('latin1'), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello!$/)
  }
})

test('with no response to hold (a touch outside a request), the callback runs at once', () => {
  const batch = new ResponseBatch()
  let called = 0
  batch.add(undefined, () => called++)
  batch.add({}, () => called++) // no cork: not a response
  assert.equal(called, 2)
  batch.add(undefined, undefined) // no callback: nothing to do
})
