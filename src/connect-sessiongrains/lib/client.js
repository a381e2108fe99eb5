'use strict'

// The HTTP/JSON client of a SessionGrains host's session store API (/session-store): a few pipelined keep-alive
// connections, or the open lease stream for the calls it takes, a per-attempt timeout, and retries of transient failures
// within a bounded budget. No runtime dependencies.

const { randomBytes } = require('node:crypto')
const { PipelinedConnection } = require('./connection')
const { LeaseStream } = require('./lease-stream')

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'ECONNABORTED', 'UND_ERR_SOCKET', 'ESOCKETTIMEDOUT', 'SESSIONGRAINS_TIMEOUT'
])
const TRANSIENT_STATUS = new Set([502, 503, 504])
const MAX_STREAMED_BODY = 64 * 1024 // larger bodies go as HTTP requests (the stream's lines are bounded)

/** An error from the store API or the way to it. `status` is what express's error handler answers with. */
class SessionGrainsError extends Error {
  constructor (message, { status = 500, code, apiStatus, cause, body } = {}) {
    super(message, cause ? { cause } : undefined)
    this.name = 'SessionGrainsError'
    this.status = status
    this.statusCode = status
    this.code = code
    if (apiStatus !== undefined) this.apiStatus = apiStatus
    if (body !== undefined) this.body = body
  }
}

class StoreApiClient {
  /**
   * @param {object} options
   * @param {string} options.url the host's root URL; calls go to `${url}/session-store/...`
   * @param {string} options.token the bearer token (one of the host's SessionStoreApi:Tokens)
   * @param {number} [options.timeout] per-attempt timeout in ms (default 5000)
   * @param {number} [options.retryBudget] how long transient failures are retried, in ms (default 10000)
   * @param {number} [options.connections] pipelined keep-alive connections to the host (default 4)
   * @param {import('node:tls').ConnectionOptions} [options.tls] TLS options for an https: url (ca, client certificate, ...)
   */
  constructor (options) {
    if (!options || typeof options.url !== 'string' || options.url === '') {
      throw new TypeError('connect-sessiongrains: the `url` option (the SessionGrains host\'s root URL) is required')
    }
    if (typeof options.token !== 'string' || options.token === '') {
      throw new TypeError('connect-sessiongrains: the `token` option (a SessionStoreApi:Tokens value of the host) is required')
    }
    if (!/^[\x21-\x7e]+$/.test(options.token)) {
      throw new TypeError('connect-sessiongrains: the `token` option must be printable ASCII with no spaces (a bearer token)')
    }
    const base = new URL(options.url)
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError('connect-sessiongrains: `url` must be an http: or https: URL')
    }
    this.prefix = base.pathname.replace(/\/+$/, '') + '/session-store'
    this.target = {
      host: base.hostname.replace(/^\[|\]$/g, ''),
      port: Number(base.port) || (base.protocol === 'https:' ? 443 : 80),
      secure: base.protocol === 'https:',
      tls: options.tls,
      onClose: connection => this.forget(connection)
    }
    this.headers = `Host: ${base.host}\r\nAuthorization: Bearer ${options.token}\r\nAccept: application/json\r\n`
    this.connections = []
    this.callStream = null // the open lease stream, when it takes calls
    this.maxConnections = Math.floor(positive(options.connections, 4))
    this.timeout = positive(options.timeout, 5000)
    this.retryBudget = Math.max(0, options.retryBudget ?? 10000)
    // One coarse clock for every call's timeout instead of a timer per call; it never keeps the process alive.
    this.timeoutCheck = setInterval(() => this.checkTimeouts(), Math.min(1000, Math.max(10, this.timeout / 5)))
    this.timeoutCheck.unref()
    // Operation IDs in a GUID's shape: 80 random bits drawn once per client, then a 48-bit count. The host keys a
    // session's recent writes by them, so they need only be unique: two clients would have to draw the same 80 bits.
    const random = randomBytes(10).toString('hex')
    this.operationPrefix = `${random.slice(0, 8)}-${random.slice(8, 12)}-${random.slice(12, 16)}-${random.slice(16, 20)}-`
    this.operations = 0
  }

  /** A new operation ID for a write: sent unchanged on every attempt of that write. */
  operationId () {
    return this.operationPrefix + (++this.operations).toString(16).padStart(12, '0')
  }

  /**
   * Sends one call, retrying transient failures (connection refused or reset, timeouts, 502/503/504) with backoff
   * until `retryBudget` is spent. `body`: an object or its JSON text. A write's body starts with its `operationId`,
   * the same on every attempt; from the second attempt on, the body also says `retried: true`.
   * Resolves `{ status, body }` for every answer that is not transient (callers decide about 404 and 409).
   * `path` may be a function, called for the first attempt that goes as an HTTP request.
   * With `streamed` ({ op, id }: the call as the lease stream names it), an attempt goes on the open lease stream
   * when there is one; such a call is under the stream's lease, whatever `path` says.
   */
  async call (method, path, body, streamed) {
    let json = typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body)
    const streamable = streamed && (json === undefined || json.length * 3 <= MAX_STREAMED_BODY || Buffer.byteLength(json, 'utf8') <= MAX_STREAMED_BODY)
    let payload // made for the first attempt that goes as an HTTP request
    const deadline = Date.now() + this.retryBudget
    let attempt = 0
    for (;;) {
      let failure
      try {
        const stream = streamable && this.callStream
        if (!stream && payload === undefined && json !== undefined) payload = Buffer.from(json, 'utf8')
        const answer = stream
          ? await stream.call(streamed.op, streamed.id, json)
          : await this.attempt(method, typeof path === 'function' ? (path = path()) : path, payload)
        if (!TRANSIENT_STATUS.has(answer.status)) {
          return checkAuth(answer)
        }
        failure = answer
      } catch (err) {
        if (!TRANSIENT_CODES.has(err.code)) throw err
        failure = err
      }
      const delay = Math.min(1000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)
      if (Date.now() + delay >= deadline) {
        throw unavailable(method, failure, attempt + 1)
      }
      attempt++
      if (attempt === 1 && json !== undefined && json.startsWith('{"operationId":')) {
        // An earlier attempt may still reach the host: marked, the write's ID is kept for its whole window there.
        json = json.slice(0, -1) + ',"retried":true}'
        payload = undefined
      }
      await new Promise(resolve => setTimeout(resolve, delay))
    }
  }

  /** One attempt on the least busy connection (a new one while there are fewer than `connections`). */
  attempt (method, path, payload) {
    let connection = null
    for (const candidate of this.connections) {
      if (!connection || candidate.inFlight < connection.inFlight) connection = candidate
    }
    if (!connection || (connection.inFlight > 0 && this.connections.length < this.maxConnections)) {
      connection = new PipelinedConnection(this.target)
      this.connections.push(connection)
    }
    let head = `${method} ${this.prefix}${path} HTTP/1.1\r\n${this.headers}`
    if (payload) head += `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n`
    else if (method !== 'GET' && method !== 'HEAD') head += 'Content-Length: 0\r\n'
    return connection.send(head + '\r\n', payload, method === 'HEAD')
  }

  /** Opens a lease stream (see ReadCache) asking for leases of `durationMs`; calls go on it while it is open. */
  openLeaseStream (durationMs, handlers) {
    const head = `POST ${this.prefix}/leases?durationMs=${durationMs} HTTP/1.1\r\n${this.headers}` +
      'Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'
    const stream = new LeaseStream(this.target, head, {
      ...handlers,
      opened: (key, leaseMs) => {
        if (stream.takesCalls) this.callStream = stream
        handlers.opened(key, leaseMs)
      },
      closed: reason => {
        if (this.callStream === stream) this.callStream = null
        handlers.closed(reason)
      }
    })
    return stream
  }

  /** Sends the calls made so far now rather than at the end of the turn (each connection's and the stream's). */
  flush () {
    this.callStream?.flush()
    for (const connection of this.connections) connection.flush()
  }

  checkTimeouts () {
    const now = Date.now()
    for (const connection of [...this.connections]) connection.checkTimeout(now, this.timeout)
    this.callStream?.checkTimeout(now, this.timeout)
  }

  forget (connection) {
    const index = this.connections.indexOf(connection)
    if (index >= 0) this.connections.splice(index, 1)
  }

  /** Closes the connections (calls in flight fail) and stops the timeout clock. */
  close () {
    clearInterval(this.timeoutCheck)
    for (const connection of [...this.connections]) connection.close()
  }
}

function positive (value, fallback) {
  return typeof value === 'number' && value > 0 ? value : fallback
}

function checkAuth (answer) {
  if (answer.status === 401 || answer.status === 403) {
    // A configuration problem of the server side, not of the browser's request: express answers 500.
    throw new SessionGrainsError(
      `connect-sessiongrains: the SessionGrains store API refused the token (${answer.status}): the store's \`token\` ` +
      'option must be one of the host\'s SessionStoreApi:Tokens', {
        status: 500, code: 'SESSIONGRAINS_UNAUTHORIZED', apiStatus: answer.status, body: answer.body
      })
  }
  return answer
}

function unavailable (method, failure, attempts) {
  const what = failure instanceof Error
    ? `${failure.code || failure.name}: ${failure.message}`
    : `HTTP ${failure.status}${failure.body && failure.body.error ? ' ' + failure.body.error : ''}`
  return new SessionGrainsError(
    `connect-sessiongrains: the SessionGrains store API is unavailable (${method}, ${attempts} attempt(s), last: ${what})`, {
      status: 503,
      code: 'SESSIONGRAINS_UNAVAILABLE',
      apiStatus: failure instanceof Error ? undefined : failure.status,
      cause: failure instanceof Error ? failure : undefined
    })
}

/** An error for an answer the caller did not expect. */
function unexpected (what, answer) {
  const code = answer.body && typeof answer.body === 'object' && answer.body.error
  const message = answer.body && typeof answer.body === 'object' && answer.body.message
  const status = answer.status === 413 || answer.status === 409 ? answer.status : answer.status >= 500 ? 502 : 500
  return new SessionGrainsError(
    `connect-sessiongrains: ${what} failed: HTTP ${answer.status}${code ? ' ' + code : ''}${message ? ': ' + message : ''}`, {
      status, code: code ? 'SESSIONGRAINS_' + String(code).toUpperCase() : 'SESSIONGRAINS_HTTP_' + answer.status, apiStatus: answer.status, body: answer.body
    })
}

module.exports = { StoreApiClient, SessionGrainsError, unexpected }
