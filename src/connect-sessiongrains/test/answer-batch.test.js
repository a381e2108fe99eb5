'use strict'

// How the store answers express-session (AnswerBatch), against a real node:http server and raw client sockets:
// responses held corked from the store's call to its callback, the turn's callbacks run together in its check phase,
// each response in one write, and the hook after them sees the calls their promise jobs made.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const net = require('node:net')
const { AnswerBatch } = require('../lib/answer-batch')

const REQUESTS = 10

test('responses held in one event-loop turn leave after it, together, each in one write', async t => {
  const events = []
  const batch = new AnswerBatch(() => events.push('after answers'))
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
    batch.later(() => {
      events.push(`callback ${i}`)
      res.end('!')
      // A save the callback starts runs in a promise job, a few steps on: the hook still comes after it.
      Promise.resolve().then(() => Promise.resolve()).then(() => events.push(`save ${i}`))
    }, null, undefined, batch.hold(res))
    assert.ok(res.socket.writableCorked > 0)
    // As express-session does after calling touch: the head and all but the last byte written; end() in the callback.
    res.setHeader('Content-Length', 6)
    res.write('hello')
  }
  events.push('turn ended')
  await new Promise(resolve => process.nextTick(resolve)) // after res.write's own uncork (a next tick), before the check phase
  for (const res of pending) assert.ok(res.socket.writableLength > 0, 'a byte was handed to the socket before the callback')
  await Promise.all(sockets.map(s => s.ended))

  assert.deepEqual(events, ['turn ended', ...pending.map((_, i) => `callback ${i}`), ...pending.map((_, i) => `save ${i}`), 'after answers'])
  for (const { chunks } of sockets) {
    assert.equal(chunks.length, 1, 'the response left in one write (without the cork, res.write sends its part at once)')
    assert.match(chunks[0].toString('latin1'), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello!$/)
  }
})

test('a response held until a later answer leaves whole after it; the callback gets the answer\'s error', async t => {
  const batch = new AnswerBatch(() => {})
  let held, response
  const server = http.createServer((req, res) => {
    response = res
    held = batch.hold(res) // as a save does, until the grain's answer
    res.setHeader('Content-Length', 6)
    res.write('hello')
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const socket = net.connect(server.address().port, '127.0.0.1')
  t.after(() => socket.destroy())
  const chunks = []
  socket.on('data', chunk => chunks.push(chunk))
  const ended = new Promise(resolve => socket.on('end', resolve))
  socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  while (!held) await new Promise(resolve => setTimeout(resolve, 10))
  await new Promise(resolve => setTimeout(resolve, 50)) // turns go by: time for an early byte to arrive
  assert.equal(chunks.length, 0)

  const failure = new Error('the save failed')
  let received
  batch.later(err => {
    received = err
    response.end('!')
  }, failure, undefined, held)
  assert.equal(received, undefined) // queued for the check phase
  await ended
  assert.equal(received, failure)
  assert.equal(chunks.length, 1)
  assert.match(chunks[0].toString('latin1'), /\r\n\r\nhello!$/)
})

test('without a response there is nothing to hold; each queued answer lets its response go after its callback', async () => {
  const batch = new AnswerBatch(() => {})
  assert.equal(batch.hold(undefined), undefined)
  assert.equal(batch.hold({}), undefined) // no cork: not a response
  const events = []
  const fake = name => ({ uncork: () => events.push(`uncork ${name}`) })
  batch.later((err, value) => events.push(`callback ${value}`), null, 'first', fake('first'))
  batch.later(undefined, null, undefined, fake('second')) // no callback: its response still goes
  batch.later((err, value) => events.push(`callback ${value}`), null, 'third')
  assert.deepEqual(events, [])
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(events, ['callback first', 'uncork first', 'uncork second', 'callback third'])
})
