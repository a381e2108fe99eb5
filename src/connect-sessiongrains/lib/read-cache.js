'use strict'

// Sessions this store loaded under read leases, served without a call until the lease ends. The host's grain tells
// the store (over its lease stream) to drop a session before it acknowledges anyone else's change, or waits out the
// lease. A drop leaves a marker that refuses loads begun before it; the store's own writes update the copy in place
// when they took the version one step further, and renew its lease. While no stream is open, nothing is leased.

const { performance } = require('node:perf_hooks')
const { debuglog } = require('node:util')
const { withChanges } = require('./values')

const debug = debuglog('sessiongrains')
const OPEN_TIMEOUT_MS = 10000 // a host (or proxy) that never answers the stream's request: try again

class ReadCache {
  /**
   * @param {(durationMs: number, handlers: object) => { close: () => void }} openStream
   * @param {number} durationMs the lease each load asks for
   */
  constructor (openStream, durationMs) {
    this.openStream = openStream
    this.durationMs = durationMs
    this.slots = new Map() // session ID -> { session, endsAt } | { ticket, at } (a drop marker)
    this.tickets = 0
    this.key = null // the open stream's lease key
    this.stream = null
    this.streamStartedAt = 0
    this.retryAt = 0
    this.pause = 100
    this.off = false
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, durationMs))
    this.sweeper.unref()
  }

  /** The session's leased copy (`{ version, entries, user }`, as the store keeps a load answer), or undefined. */
  lookup (sid) {
    const slot = this.slots.get(sid)
    return slot && slot.session && performance.now() < slot.endsAt ? slot.session : undefined
  }

  /** Starts a load: answers the lease key to send (null: none) and the ticket `cacheLoad` takes. */
  beginLoad () {
    this.ensureStream()
    return { key: this.key, ticket: ++this.tickets, startedAt: performance.now() }
  }

  /**
   * Keeps a loaded session for its lease of `leaseMs`, counted from when the load was sent, unless a drop came after
   * the load began.
   */
  cacheLoad (sid, session, leaseMs, load) {
    const endsAt = load.startedAt + Math.min(leaseMs, this.durationMs)
    if (!load.key || load.key !== this.key || !(endsAt > performance.now())) return
    const current = this.slots.get(sid)
    if (current && (current.ticket > load.ticket || (current.session && current.session.version > session.version))) return
    this.slots.set(sid, { session, endsAt })
  }

  /**
   * After this store's own write that answered `version`: the copy moves one step, with `sets` (canonical entries,
   * see values.js) and `removals`, or is dropped when it was not the version before. The grain renewed the lease for
   * `leaseMs` (0: not at all), counted from `sentAt`, when the write was sent. A copy whose entries are `before` takes
   * `after` (the writer's own next entries) rather than a map of its own.
   */
  applyWrite (sid, version, sets, removals, sentAt, leaseMs, before, after) {
    const slot = this.slots.get(sid)
    if (slot && slot.session && slot.session.version + 1 === version) {
      const renewedUntil = leaseMs > 0 ? sentAt + Math.min(leaseMs, this.durationMs) : 0
      const entries = before !== undefined && slot.session.entries === before ? after : withChanges(slot.session.entries, sets, removals)
      const session = { version, entries, user: slot.session.user }
      this.slots.set(sid, { session, endsAt: Math.max(slot.endsAt, renewedUntil) })
    } else {
      this.forget(sid)
    }
  }

  forget (sid) {
    this.slots.set(sid, { ticket: ++this.tickets, at: performance.now() })
  }

  close () {
    clearInterval(this.sweeper)
    this.off = true
    if (this.stream) this.stream.close()
  }

  ensureStream () {
    const now = performance.now()
    if (this.stream && !this.key && now - this.streamStartedAt > OPEN_TIMEOUT_MS) {
      this.stream.close({ error: new Error(`the lease stream did not open within ${OPEN_TIMEOUT_MS} ms`) })
    }
    if (this.stream || this.off || now < this.retryAt) return
    this.streamStartedAt = now
    const stream = this.openStream(this.durationMs, {
      opened: key => {
        this.key = key
        this.pause = 100
      },
      invalidate: sid => this.forget(sid),
      closed: ({ status, error }) => {
        if (this.stream !== stream) return
        this.stream = null
        this.key = null
        this.slots.clear() // no invalidation can reach a copy now; loads in flight check the key
        if (status === 404 || status === 400) {
          this.off = true // a host without lease streams: every load goes to it
          debug('the host serves no lease streams (%d): read leases are off', status)
          return
        }
        debug('the lease stream closed (%s): loads go to the host until it is open again', error ? error.message : status)
        this.retryAt = performance.now() + this.pause
        this.pause = Math.min(this.pause * 2, 5000)
      }
    })
    this.stream = stream
  }

  // Copies whose lease ended go, and markers older than a lease: a load begun before them would have ended too.
  sweep () {
    const now = performance.now()
    for (const [sid, slot] of this.slots) {
      if (slot.session ? slot.endsAt <= now : slot.at + this.durationMs <= now) this.slots.delete(sid)
    }
  }
}

module.exports = { ReadCache }
