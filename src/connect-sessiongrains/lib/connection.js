'use strict'

// One keep-alive HTTP/1.1 connection to the store API that pipelines: the calls made in one turn of the event loop
// (e.g. by every request express read from its sockets in that turn) go out in one write,
// and the answers come back in order. Node's http client costs several times more CPU per call than the store's own
// work, and a store call is on every request's path, as a Redis command is for connect-redis.

const net = require('node:net')
const tls = require('node:tls')

const CRLF = Buffer.from('\r\n')
const HEADERS_END = Buffer.from('\r\n\r\n')
const MAX_HEAD = 64 * 1024

class PipelinedConnection {
  /**
   * @param {{ host: string, port: number, secure: boolean, tls?: tls.ConnectionOptions, onClose: (c: PipelinedConnection) => void }} target
   */
  constructor (target) {
    this.target = target
    this.pending = [] // calls sent (or about to be), oldest first: { resolve, reject, sentAt, bodyless }
    this.outgoing = []
    this.flushScheduled = false
    this.buffer = null
    this.response = null // the answer being read: { status, length, chunked, close, chunks, size }
    this.closed = false
    this.socket = connect(target)
    this.socket.on('data', data => this.read(data))
    this.socket.on('error', err => this.fail(err))
    this.socket.on('close', () => this.fail(resetError('the connection to the store API closed')))
  }

  get inFlight () {
    return this.pending.length
  }

  /** Queues one request (its head as latin1 text, its body bytes or undefined); resolves `{ status, body }`. */
  send (head, payload, bodyless) {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(resetError('the connection to the store API closed'))
        return
      }
      if (this.pending.length === 0) this.socket.ref()
      this.pending.push({ resolve, reject, sentAt: Date.now(), bodyless })
      this.outgoing.push(Buffer.from(head, 'latin1'))
      if (payload) this.outgoing.push(payload)
      if (!this.flushScheduled) {
        this.flushScheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  flush () {
    this.flushScheduled = false
    if (this.closed || this.outgoing.length === 0) return
    const data = this.outgoing.length === 1 ? this.outgoing[0] : Buffer.concat(this.outgoing)
    this.outgoing = []
    this.socket.write(data)
  }

  /** Ends the connection when its oldest call has waited longer than `timeout` ms; every call on it then fails. */
  checkTimeout (now, timeout) {
    const oldest = this.pending[0]
    if (oldest && now - oldest.sentAt > timeout) {
      this.fail(Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'SESSIONGRAINS_TIMEOUT' }))
    }
  }

  close () {
    this.fail(resetError('the store was closed'))
  }

  fail (err) {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    const calls = this.pending
    this.pending = []
    this.outgoing = []
    for (const call of calls) call.reject(err)
    this.target.onClose(this)
  }

  read (data) {
    this.buffer = this.buffer ? Buffer.concat([this.buffer, data]) : data
    try {
      while (this.buffer && !this.closed && this.readOne()) { /* one answer per turn */ }
    } catch (err) {
      this.fail(err)
    }
  }

  // Reads one answer from the buffer; false when more bytes are needed.
  readOne () {
    const buffer = this.buffer
    let response = this.response
    let offset = 0
    if (!response) {
      const end = buffer.indexOf(HEADERS_END)
      if (end < 0) {
        if (buffer.length > MAX_HEAD) throw protocolError('an answer\'s head is too long')
        return false
      }
      response = parseHead(buffer.latin1Slice(0, end))
      offset = end + HEADERS_END.length
      if (response.status < 200) { // 100 Continue and other interim answers: the real one follows
        this.consume(offset)
        return true
      }
      const call = this.pending[0]
      if (!call) throw protocolError('an answer came with no call waiting')
      if (call.bodyless || response.status === 204 || response.status === 304) response.length = 0
      else if (!response.chunked && response.length < 0) throw protocolError('an answer had neither Content-Length nor chunked encoding')
      this.response = response
    }
    if (response.chunked) {
      for (;;) {
        const lineEnd = buffer.indexOf(CRLF, offset)
        if (lineEnd < 0) return this.consume(offset, false)
        const size = parseInt(buffer.latin1Slice(offset, lineEnd), 16)
        if (!(size >= 0)) throw protocolError('a bad chunk size')
        if (size === 0) { // the last chunk, then trailers (unused by the API) up to an empty line
          const end = buffer.indexOf(HEADERS_END, lineEnd)
          if (end < 0) return this.consume(offset, false)
          offset = end + HEADERS_END.length
          break
        }
        if (buffer.length < lineEnd + 2 + size + 2) return this.consume(offset, false)
        response.chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size))
        offset = lineEnd + 2 + size + 2
      }
    } else {
      if (buffer.length - offset < response.length) return this.consume(offset, false)
      if (response.length > 0) response.chunks.push(buffer.subarray(offset, offset + response.length))
      offset += response.length
    }
    this.consume(offset)
    this.response = null
    const call = this.pending.shift()
    if (this.pending.length === 0) this.socket.unref()
    call.resolve({ status: response.status, body: parseBody(response.chunks) })
    if (response.close) this.fail(resetError('the store API closed the connection'))
    return true
  }

  // Drops the first `offset` bytes (a body's chunks keep their own view of them); answers `result`.
  consume (offset, result = true) {
    if (offset > 0) this.buffer = offset >= this.buffer.length ? null : this.buffer.subarray(offset)
    return result
  }
}

/** A TCP (or, for an https: url, TLS) socket to the host, without Nagle's delay. */
function connect (target) {
  const options = { host: target.host, port: target.port }
  const socket = target.secure
    ? tls.connect({ ...target.tls, ...options, servername: target.tls?.servername ?? (net.isIP(target.host) ? undefined : target.host) })
    : net.connect(options)
  socket.setNoDelay(true)
  return socket
}

function parseHead (head) {
  const lines = head.split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0])
  if (!match) throw protocolError('not an HTTP/1.1 answer')
  const response = { status: Number(match[1]), length: -1, chunked: false, close: false, chunks: [] }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (name === 'content-length') response.length = Number(line.slice(colon + 1).trim())
    else if (name === 'transfer-encoding') response.chunked = /chunked/i.test(line.slice(colon + 1))
    else if (name === 'connection') response.close = /close/i.test(line.slice(colon + 1))
  }
  if (response.chunked) response.length = -1
  else if (response.length >= 0 && !Number.isSafeInteger(response.length)) throw protocolError('a bad Content-Length')
  return response
}

function parseBody (chunks) {
  if (chunks.length === 0) return undefined
  const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8')
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

// Transient: the caller retries the call (the same operation ID), on a new connection.
function resetError (message) {
  return Object.assign(new Error(message), { code: 'ECONNRESET' })
}

function protocolError (message) {
  return Object.assign(new Error(`connect-sessiongrains: ${message} from the store API`), { code: 'ECONNRESET' })
}

module.exports = { PipelinedConnection, connect, parseHead }
