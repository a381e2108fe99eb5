'use strict'

// Shared by the tests: the host's address from the environment, an express 5 + express-session 1.19 app on
// 127.0.0.1:0, a cookie jar shared across hosts (as a browser's is across ports of one host), the store API read
// directly, and a loopback proxy that can drop responses or go down.

const http = require('node:http')
const express = require('express')
const session = require('express-session')
const SessionGrainsStore = require('..')

const env = {
  /** The SessionGrains host (root URL) serving the store API. */
  url: required('SESSIONGRAINS_URL'),
  token: required('SESSIONGRAINS_TOKEN'),
  /** The session cookie secret, the same as the ASP.NET side's Session:Secrets:0. */
  secret: required('SESSIONGRAINS_SECRET'),
  /** The ASP.NET Core demo sharing the cookie (by default the same host). */
  aspnetUrl: process.env.SESSIONGRAINS_ASPNET_URL || process.env.SESSIONGRAINS_URL
}

function required (name) {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: the tests need a running SessionGrains host (tests/SessionGrains.IntegrationTests/ExpressStoreTests.cs starts one and sets SESSIONGRAINS_URL, SESSIONGRAINS_TOKEN, SESSIONGRAINS_SECRET)`)
  }
  return value.replace(/\/+$/, '')
}

const COOKIE = { sameSite: 'lax' }

/** A barrier: `arrive()` resolves once `count` callers have arrived (or rejects after `timeoutMs`). */
function barrier (count, timeoutMs = 10000) {
  let arrived = 0
  let open
  const opened = new Promise(resolve => { open = resolve })
  return {
    arrive () {
      if (++arrived >= count) open()
      return Promise.race([
        opened,
        new Promise((resolve, reject) => setTimeout(() => reject(new Error(`barrier: ${arrived}/${count} arrived`)), timeoutMs).unref())
      ])
    }
  }
}

/**
 * Starts an express 5 app with express-session 1.19 on 127.0.0.1:0. `store` is a store instance (default: a
 * SessionGrainsStore on the host, with `storeOptions`). Routes mirror the ASP.NET demo's (count, user), plus tests' own.
 */
async function startExpress ({ store, storeOptions, gate, cookie = COOKIE } = {}) {
  store = store || new SessionGrainsStore({
    url: env.url, token: env.token, cookie, rawStringKeys: ['user'], ...storeOptions
  })
  const app = express()
  app.set('env', 'test') // express's error handler: no logging of the errors the tests cause
  app.use(session({
    secret: env.secret, name: 'connect.sid', resave: false, saveUninitialized: false, cookie, store
  }))
  const grains = store instanceof SessionGrainsStore
  const wrap = fn => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next)

  app.get('/counter', (req, res) => res.type('text').send(String(req.session.count ?? 0)))
  app.post('/counter', (req, res) => {
    req.session.count = Number(req.session.count ?? 0) + 1
    res.type('text').send(String(req.session.count))
  })
  app.post('/counter/atomic', wrap(async (req, res) => {
    res.type('text').send(String(await store.increment(req, 'count')))
  }))
  app.post('/set', (req, res) => {
    req.session[req.query.key] = JSON.parse(req.query.value)
    res.type('text').send(req.sessionID)
  })
  // The same, saved explicitly before answering: a store error is the response's status.
  app.post('/set-and-save', (req, res, next) => {
    req.session[req.query.key] = req.query.size ? 'x'.repeat(Number(req.query.size)) : JSON.parse(req.query.value)
    req.session.save(err => err ? next(err) : res.type('text').send(req.sessionID))
  })
  app.get('/get', (req, res) => res.json({ value: req.session[req.query.key] ?? null }))
  app.get('/session', (req, res) => {
    const data = {}
    for (const key of Object.keys(req.session)) if (key !== 'cookie') data[key] = req.session[key]
    res.json({ id: req.sessionID, data, buffers: Object.keys(data).filter(k => Buffer.isBuffer(req.session[k])) })
  })
  // Loads the session, waits at the gate, then sets a key: for races.
  app.post('/gated/:key', wrap(async (req, res) => {
    await gate.arrive(req)
    req.session[req.params.key] = req.query.value ? JSON.parse(req.query.value) : true
    res.type('text').send('ok')
  }))
  app.post('/login', wrap(async (req, res) => {
    const user = String(req.query.user || '')
    if (!grains) {
      await new Promise((resolve, reject) => req.session.regenerate(err => err ? reject(err) : resolve()))
      req.session.user = user
      return res.type('text').send(user)
    }
    await store.regenerate(req, { keepData: true }) // a new ID at login, data and binding kept
    req.session.user = user
    await store.bindUser(req, user) // saves, and lists the session under the user
    res.type('text').send(user)
  }))
  app.get('/me', (req, res) => req.session.user ? res.type('text').send(String(req.session.user)) : res.sendStatus(401))
  app.get('/me/binding', (req, res) => res.json(store.getUser(req)))
  app.get('/me/sessions', wrap(async (req, res) => {
    const user = store.getUser(req)
    if (!user) return res.sendStatus(401)
    res.json((await store.listUserSessions(user.userId)).map(s => ({ ...s, current: s.handle === user.handle })))
  }))
  app.post('/me/sessions/revoke-others', wrap(async (req, res) => {
    res.json({ revoked: await store.revokeOthers(req) })
  }))
  app.post('/regenerate', (req, res, next) => req.session.regenerate(err => {
    if (err) return next(err)
    req.session.fresh = true
    res.type('text').send(req.sessionID)
  }))
  app.post('/logout', (req, res, next) => req.session.destroy(err => err ? next(err) : res.sendStatus(204)))

  const server = await listen(app)
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    store,
    async close () {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      if (grains) store.close()
    }
  }
}

function listen (handler, port = 0) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler)
    server.keepAliveTimeout = 1000
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

/** A cookie jar for one browser: one connect.sid for every host on 127.0.0.1, whatever the port. */
class Jar {
  constructor () {
    this.value = null
  }

  async fetch (url, init = {}) {
    const headers = { ...(init.headers || {}) }
    if (this.value) headers.cookie = `connect.sid=${this.value}`
    const response = await fetch(url, { redirect: 'manual', ...init, headers })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (pair.slice(0, eq).trim() !== 'connect.sid') continue
      const value = pair.slice(eq + 1).trim()
      const expires = attributes.map(a => a.trim()).find(a => /^expires=/i.test(a))
      const expired = value === '' || (expires && new Date(expires.slice(8)) <= new Date())
      this.value = expired ? null : value
    }
    return response
  }

  async text (url, init) {
    const response = await this.fetch(url, init)
    return { status: response.status, text: await response.text() }
  }

  post (url) {
    return this.text(url, { method: 'POST' })
  }

  /** The session ID the cookie carries (its value is encodeURIComponent('s:' + id + '.' + signature)). */
  get sessionId () {
    if (!this.value) return null
    const signed = decodeURIComponent(this.value)
    return signed.slice(2, signed.lastIndexOf('.'))
  }
}

/** The store API called directly (what the grain holds, without the store's decoding). */
const api = {
  async call (method, path, body, { url = env.url, token = env.token } = {}) {
    const response = await fetch(`${url}/session-store${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : undefined }
  },
  /** The session's snapshot, or null (404). Note: a load slides the idle expiry, like any load. */
  async load (sid) {
    const answer = await this.call('GET', `/sessions/${encodeURIComponent(sid)}`)
    if (answer.status === 404) return null
    if (answer.status !== 200) throw new Error(`GET session: ${answer.status} ${JSON.stringify(answer.body)}`)
    return answer.body
  }
}

/**
 * A loopback proxy in front of the host: records each call (method, path, operation ID, retried mark), can drop the response of
 * calls a predicate picks (forwarded, answered by the host, then the client's socket destroyed), can hold an answer
 * back until the promise `hold(call)` answers settles, and can go down and come back on the same port.
 */
async function startProxy ({ drop, hold } = {}) {
  const target = new URL(env.url)
  const calls = []
  const sockets = new Set()
  const handler = (req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      let json
      try { json = body.length ? JSON.parse(body.toString('utf8')) : undefined } catch { json = undefined }
      const call = { method: req.method, path: req.url, operationId: json && json.operationId, retried: Boolean(json && json.retried), dropped: false }
      calls.push(call)
      const upstream = http.request({
        hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers
      }, up => {
        const parts = []
        up.on('data', c => parts.push(c))
        up.on('end', async () => {
          call.status = up.statusCode
          await (hold && hold(call))
          if (drop && drop(call, calls)) {
            call.dropped = true
            req.socket.destroy() // the host applied it; the client never hears back
            return
          }
          res.writeHead(up.statusCode, up.headers)
          res.end(Buffer.concat(parts))
        })
      })
      upstream.on('error', err => { res.statusCode = 502; res.end(String(err)) })
      upstream.end(body)
    })
  }
  let server = await listen(handler)
  const port = server.address().port
  const track = s => { sockets.add(s); s.on('close', () => sockets.delete(s)) }
  server.on('connection', track)
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async down () {
      for (const s of sockets) s.destroy()
      await new Promise(resolve => server.close(resolve))
    },
    async up () {
      server = await listen(handler, port)
      server.on('connection', track)
    },
    async close () {
      for (const s of sockets) s.destroy()
      if (server.listening) await new Promise(resolve => server.close(resolve))
    }
  }
}

module.exports = { env, COOKIE, SessionGrainsStore, session, express, startExpress, startProxy, Jar, api, barrier }
