'use strict'

// The read cache's line to the host: one long POST to {prefix}/leases. Its answer streams the host's invalidations
// (one JSON line each, after a first line naming this stream's lease key), and its body carries this store's
// acknowledgements (an invalidation's number per line), sent only after the session is dropped.

const { connect, parseHead } = require('./connection')

const HEADERS_END = Buffer.from('\r\n\r\n')
const CRLF = Buffer.from('\r\n')
const MAX_PENDING = 1024 * 1024

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
    this.text = ''
    this.opened = false
    this.closed = false
    this.socket = connect(target)
    this.socket.unref() // it never keeps the process alive
    this.socket.on('data', data => this.read(data))
    this.socket.on('error', error => this.close({ error }))
    this.socket.on('close', () => this.close({}))
    this.socket.write(head)
  }

  close (reason = {}) {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    this.handlers.closed({ status: this.status || undefined, ...reason })
  }

  read (data) {
    this.buffer = this.buffer ? Buffer.concat([this.buffer, data]) : data
    if (this.buffer.length > MAX_PENDING) return this.close({ error: new Error('the lease stream sent an overlong line') })
    try {
      if (!this.status && !this.readHead()) return
      const acknowledgements = this.readChunks()
      if (acknowledgements && !this.closed) {
        this.socket.write(acknowledgements.length.toString(16) + '\r\n' + acknowledgements + '\r\n')
      }
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
  readChunks () {
    let acknowledgements = ''
    let offset = 0
    const buffer = this.buffer
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
      this.text += buffer.toString('utf8', lineEnd + 2, lineEnd + 2 + size)
      offset = lineEnd + 2 + size + 2
    }
    this.buffer = offset >= buffer.length ? null : buffer.subarray(offset)
    let newline
    while (!this.closed && (newline = this.text.indexOf('\n')) >= 0) {
      const line = this.text.slice(0, newline)
      this.text = this.text.slice(newline + 1)
      if (line === '') continue
      const message = JSON.parse(line)
      if (!this.opened) {
        this.opened = true
        this.handlers.opened(String(message.holder), Number(message.leaseMs))
      } else {
        this.handlers.invalidate(String(message.id))
        acknowledgements += message.n + '\n'
      }
    }
    return acknowledgements
  }
}

module.exports = { LeaseStream }
