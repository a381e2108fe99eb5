'use strict'

// The read cache's line to the host: one long POST to {prefix}/leases. Its answer streams the host's invalidations
// (one JSON line each, after a first line naming this stream's lease key), and its body carries this store's
// acknowledgements (an invalidation's number per line), sent only after the session is dropped. When the host says the
// stream takes calls, the loads and writes on every request's path go on it too, one JSON line each, answered on the
// stream by their number: no HTTP request per call.

const { connect, parseHead } = require('./connection')

const HEADERS_END = Buffer.from('\r\n\r\n')
const CRLF = Buffer.from('\r\n')
const MAX_PENDING = 64 * 1024 * 1024 // a line (a session's load answer) longer than this ends the stream

class LeaseStream {
  /**
   * @param {{ host: string, port: number, secure: boolean, tls?: import('node:tls').ConnectionOptions }} target
   * @param {string} head the request's head, ending with the empty line
   * @param {{ opened: (key: string, leaseMs: number) => void, invalidate: (sessionId: string) => void,
   *   closed: (reason: { status?: number, error?: Error }) => void }} handlers
   */
  constructor (target, head, handlers) {
    this.handlers = handlers
    this.buffer = null
    this.status = 0
    this.partialLine = null // the start of a line whose end has not come
    this.opened = false
    this.closed = false
    this.takesCalls = false
    this.calls = new Map() // call number -> { resolve, reject, sentAt }
    this.numbers = 0
    this.outgoing = ''
    this.flushScheduled = false
    this.socket = connect(target)
    this.socket.unref() // it never keeps the process alive
    this.socket.on('data', data => this.read(data))
    this.socket.on('error', error => this.close({ error }))
    this.socket.on('close', () => this.close({}))
    this.socket.write(head)
  }

  /**
   * Sends a call ('load', 'apply' or 'increment' of session `id`, with `body` as JSON text or undefined) on the stream;
   * resolves `{ status, body }` as an HTTP call does. A stream that closes first fails it as a reset connection.
   */
  call (op, id, body) {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(resetError())
        return
      }
      const number = ++this.numbers
      if (this.calls.size === 0) this.socket.ref()
      this.calls.set(number, { resolve, reject, sentAt: Date.now() })
      this.send('{"call":' + number + ',"op":"' + op + '","id":' + JSON.stringify(id) + (body === undefined ? '}\n' : ',"body":' + body + '}\n'))
    })
  }

  /** Ends the stream when its oldest call has waited longer than `timeout` ms; its calls fail and are sent again. */
  checkTimeout (now, timeout) {
    for (const call of this.calls.values()) {
      if (now - call.sentAt > timeout) {
        this.close({ error: Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'SESSIONGRAINS_TIMEOUT' }) })
      }
      return // the first is the oldest
    }
  }

  close (reason = {}) {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    const calls = [...this.calls.values()]
    this.calls.clear()
    for (const call of calls) call.reject(reason.error && reason.error.code === 'SESSIONGRAINS_TIMEOUT' ? reason.error : resetError())
    this.handlers.closed({ status: this.status || undefined, ...reason })
  }

  // Lines written in one turn of the event loop go out as one chunk of the request body.
  send (text) {
    this.outgoing += text
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
  }

  flush () {
    this.flushScheduled = false
    if (this.closed || this.outgoing === '') return
    const text = this.outgoing
    this.outgoing = ''
    this.socket.write(Buffer.byteLength(text, 'utf8').toString(16) + '\r\n' + text + '\r\n', 'utf8')
  }

  read (data) {
    this.buffer = this.buffer ? Buffer.concat([this.buffer, data]) : data
    if (this.buffer.length > MAX_PENDING) return this.close({ error: new Error('the lease stream sent an overlong line') })
    try {
      if (!this.status && !this.readHead()) return
      const acknowledgements = this.readChunks()
      if (acknowledgements && !this.closed) this.send(acknowledgements)
    } catch (error) {
      this.close({ error })
    }
  }

  readHead () {
    const end = this.buffer.indexOf(HEADERS_END)
    if (end < 0) return false
    const head = parseHead(this.buffer.latin1Slice(0, end)) // throws for an answer that is not HTTP: read() closes
    this.status = head.status
    if (this.status !== 200 || !head.chunked) {
      this.close({})
      return false
    }
    this.buffer = this.buffer.subarray(end + HEADERS_END.length)
    return true
  }

  // Decodes the chunks that have come whole, handles their complete lines; answers the acknowledgements to send.
  // Lines are cut as bytes ('\n' is never part of a UTF-8 sequence) and decoded whole: a chunk may end mid-character.
  readChunks () {
    let offset = 0
    const buffer = this.buffer
    const parts = this.partialLine ? [this.partialLine] : []
    for (;;) {
      const lineEnd = buffer.indexOf(CRLF, offset)
      if (lineEnd < 0) break
      const size = parseInt(buffer.latin1Slice(offset, lineEnd), 16)
      if (!(size >= 0)) throw new Error('the lease stream sent a bad chunk size')
      if (size === 0) { // the host ended the stream
        this.close({})
        return ''
      }
      if (buffer.length < lineEnd + 2 + size + 2) break
      parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size))
      offset = lineEnd + 2 + size + 2
    }
    this.buffer = offset >= buffer.length ? null : buffer.subarray(offset)
    if (parts.length === 0) return ''
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts)
    let acknowledgements = ''
    let start = 0
    let newline
    while (!this.closed && (newline = data.indexOf(10, start)) >= 0) {
      const line = start === newline ? '' : data.toString('utf8', start, newline)
      start = newline + 1
      if (line === '') continue
      acknowledgements += this.handle(JSON.parse(line))
    }
    this.partialLine = start >= data.length ? null : Buffer.from(data.subarray(start))
    if (this.partialLine && this.partialLine.length > MAX_PENDING) throw new Error('the lease stream sent an overlong line')
    return acknowledgements
  }

  // Handles one line from the host; answers the acknowledgement to send for it, if any.
  handle (message) {
    if (!this.opened) {
      this.opened = true
      this.takesCalls = message.calls === true
      this.handlers.opened(String(message.holder), Number(message.leaseMs))
      return ''
    }
    if (message.call !== undefined) {
      const call = this.calls.get(message.call)
      if (!call) throw new Error('the lease stream answered a call that was not sent')
      this.calls.delete(message.call)
      if (this.calls.size === 0) this.socket.unref()
      call.resolve({ status: message.status, body: message.body === null ? undefined : message.body })
      return ''
    }
    this.handlers.invalidate(String(message.id))
    return message.n + '\n'
  }
}

function resetError () {
  return Object.assign(new Error('the lease stream closed'), { code: 'ECONNRESET' })
}

module.exports = { LeaseStream }
