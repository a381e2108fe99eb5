'use strict'

const { performance } = require('node:perf_hooks')
const { debuglog } = require('node:util')
const { StoreApiClient, SessionGrainsError, unexpected } = require('./client')
const { ReadCache } = require('./read-cache')
const { encode, entryValue, bodyJson, decodeText, withChanges } = require('./values')
const { AnswerBatch, callBack } = require('./answer-batch')

const debug = debuglog('sessiongrains')
// Symbol-keyed properties: for...in, Object.keys and JSON skip them, so neither express nor a save sees them.
const LOADED = Symbol('connect-sessiongrains.loaded') // on a loaded session: its baseline
const STATE = Symbol('connect-sessiongrains.state') // on a request: its baseline and write queue

/**
 * Builds the store class on the `Store`, `Session` and `Cookie` of the app's express-session.
 * @param {typeof import('express-session')} expressSession
 */
function createStoreClass (expressSession) {
  const { Store, Session, Cookie } = expressSession
  if (typeof Store !== 'function' || typeof Session !== 'function' || typeof Cookie !== 'function') {
    throw new TypeError('connect-sessiongrains: pass the express-session module (it exports Store, Session and Cookie)')
  }

  /** Keys a loaded express session cannot hold: skipped on load, and so never removed by express. */
  const hidden = key => key === 'cookie' || key === 'id' || key === 'req' || key in Session.prototype

  class SessionGrainsStore extends Store {
    /**
     * @param {import('../index').SessionGrainsStoreOptions} options
     */
    constructor (options = {}) {
      super()
      this.client = new StoreApiClient(options)
      this.answers = new AnswerBatch(() => this.client.flush())
      this.cookie = options.cookie || {}
      this.proxy = options.proxy
      this.rawStringKeys = new Set(options.rawStringKeys || [])
      this.idleTimeoutSeconds = seconds(options.idleTimeout, 'idleTimeout')
      this.absoluteTimeoutSeconds = seconds(options.absoluteTimeout, 'absoluteTimeout')
      const readLease = options.readLease ?? 1000
      if (typeof readLease !== 'number' || !(readLease >= 0 && readLease <= 10000)) {
        throw new TypeError('connect-sessiongrains: `readLease` must be 0 (off) to 10000 milliseconds')
      }
      this.readCache = readLease > 0 ? new ReadCache((ms, handlers) => this.client.openLeaseStream(ms, handlers), Math.floor(readLease)) : null
    }

    // ---- express-session's contract ------------------------------------------------------------------------------

    /**
     * Loads a session (and slides its idle expiry), or serves it from the read cache while this store holds a lease
     * on it (the expiry then slides at the next load, at most `readLease` later). `cb(err, session | null)`.
     */
    get (sid, cb) {
      const cache = this.readCache
      const cached = cache && cache.lookup(sid)
      if (cached) {
        // Answered in the loop's check phase, with the turn's other answers (see AnswerBatch).
        let session
        try {
          session = this.toExpressSession(sid, cached)
        } catch (err) {
          this.answers.later(cb, err)
          return
        }
        this.answers.later(cb, null, session)
        return
      }
      const load = cache && cache.beginLoad()
      settle(this.client.call('GET', () => sessionPath(sid) + leaseQuery(load && load.key), undefined, { op: 'load', id: sid }).then(answer => {
        if (answer.status === 404) return null
        if (answer.status !== 200) throw unexpected('loading a session', answer)
        const loaded = this.loaded(answer.body)
        if (load && answer.body.leaseMs > 0) cache.cacheLoad(sid, loaded, answer.body.leaseMs, load)
        return this.toExpressSession(sid, loaded)
      }), cb, this)
    }

    /**
     * Saves a session: the top-level keys that changed since this request loaded it (or last saved it), nothing when
     * none did. A session the request did not load (new or regenerated) is created. A session that ended elsewhere
     * meanwhile is not brought back: the save succeeds quietly and the store emits 'ended'. Without a request (a
     * plain object, e.g. from outside the middleware) the stored session is replaced by `session` as a whole.
     * The request's response is held back until the save ends (see AnswerBatch).
     */
    set (sid, session, cb) {
      const req = session && session.req
      if (!req || typeof req !== 'object') {
        settle(this.replace(sid, session), cb, this)
        return
      }
      settle(this.enqueue(req, () => this.save(req, sid, session)), cb, this, this.answers.hold(req.res))
    }

    /**
     * Writes nothing: loading a session already slid its idle expiry. Calls back at the end of this event-loop turn,
     * the request's response held until then (see AnswerBatch).
     */
    touch (sid, session, cb) {
      const held = this.answers.hold(session && session.req && session.req.res)
      if (held) this.answers.later(cb, null, undefined, held)
      else callBack(cb, null)
    }

    /** Ends a session (idempotent). */
    destroy (sid, cb) {
      this.forget(sid)
      settle(this.client.call('DELETE', sessionPath(sid)).then(answer => {
        if (answer.status !== 204 && answer.status !== 404 && answer.status !== 200) throw unexpected('destroying a session', answer)
      }), cb, this)
    }

    /** express-session's `createSession`, which also records this request's baseline (what it loaded). */
    createSession (req, sess) {
      const loaded = sess[LOADED]
      // What express-session's own createSession makes, with the cookie built once from the options.
      sess.cookie = this.newCookie(req)
      req.session = new Session(req, sess)
      if (loaded) {
        this.state(req).baseline = loaded
      }
      return req.session
    }

    /**
     * `req.session.regenerate(cb)` calls `regenerate(req, cb)`: a new, empty session, as express-session does.
     * `regenerate(req, { keepData: true, userId? })` gives the session a new ID keeping its data and its user
     * binding (and binds `userId` when given): the way to log in without session fixation. Returns a promise.
     */
    regenerate (req, options, cb) {
      if (typeof options === 'function') {
        return super.regenerate(req, options)
      }
      const promise = this.enqueue(req, () => this.regenerateKeeping(req, options || {}))
      if (typeof cb !== 'function') return promise
      settle(promise, cb, this)
    }

    // ---- extras --------------------------------------------------------------------------------------------------

    /**
     * Adds `delta` (an integer, default 1) to the integer at `key`, atomically in the grain, and answers the new
     * value; `req.session[key]` holds it too. Concurrent increments from any front end all count.
     */
    increment (req, key, delta = 1) {
      if (!Number.isSafeInteger(delta)) return Promise.reject(new TypeError('increment: delta must be a safe integer'))
      return this.enqueue(req, async () => {
        const baseline = await this.persist(req, 'increment')
        const sid = req.sessionID
        const sentAt = performance.now()
        const answer = await this.leasedWrite(sid, 'increment', 'POST', '/increment', {
          operationId: this.client.operationId(), key, delta
        })
        if (answer.status === 404) throw this.endedError(req, baseline, 'increment')
        if (answer.status !== 200) throw unexpected('increment', answer)
        const value = answer.body.value
        const entry = encode(key, value, this.rawStringKeys)
        this.wrote(sid, baseline, answer.body, [[key, entry]], [], sentAt)
        req.session[key] = value
        return value
      })
    }

    /** Lists the session under `userId` (its user sessions); answers `{ userId, handle }`. */
    bindUser (req, userId) {
      if (typeof userId !== 'string' || userId === '') return Promise.reject(new TypeError('bindUser: userId must be a non-empty string'))
      return this.enqueue(req, async () => {
        const baseline = await this.persist(req, 'bindUser')
        this.forget(req.sessionID)
        const answer = await this.client.call('POST', sessionPath(req.sessionID) + '/user', { userId, device: deviceOf(req) })
        if (answer.status === 404) throw this.endedError(req, baseline, 'bindUser')
        if (answer.status !== 200) throw unexpected('bindUser', answer)
        baseline.user = { userId: answer.body.userId, handle: answer.body.handle }
        return baseline.user
      })
    }

    /** Removes the session from its user's sessions; answers whether it was bound. */
    unbindUser (req) {
      return this.enqueue(req, async () => {
        const baseline = this.currentBaseline(req)
        if (!baseline || baseline.ended) return false
        this.forget(req.sessionID)
        const answer = await this.client.call('DELETE', sessionPath(req.sessionID) + '/user')
        if (answer.status === 404) return false
        if (answer.status !== 200) throw unexpected('unbindUser', answer)
        baseline.user = null
        return Boolean(answer.body && answer.body.unbound)
      })
    }

    /** The user this request's session is bound to, `{ userId, handle }`, as loaded or bound; or null. */
    getUser (req) {
      const baseline = this.currentBaseline(req)
      return baseline && !baseline.ended && baseline.user ? { ...baseline.user } : null
    }

    /** The user's live sessions, oldest first: `[{ handle, createdAt, lastAccessAt, device? }]`. */
    async listUserSessions (userId) {
      const answer = await this.client.call('GET', userPath(userId))
      if (answer.status !== 200) throw unexpected('listUserSessions', answer)
      return answer.body
    }

    /** Ends one of the user's sessions by its handle; answers whether there was one. */
    async revoke (userId, handle) {
      const answer = await this.client.call('DELETE', userPath(userId) + '/' + encodeURIComponent(handle))
      if (answer.status === 204 || answer.status === 200) return true
      if (answer.status === 404) return false
      throw unexpected('revoke', answer)
    }

    /** Ends every other session of the user this request's session is bound to; answers how many ended. */
    async revokeOthers (req) {
      const user = this.getUser(req)
      if (!user) throw new SessionGrainsError('revokeOthers: the session is not bound to a user (bindUser first)', { code: 'SESSIONGRAINS_NOT_BOUND' })
      const answer = await this.client.call('POST', userPath(user.userId) + '/revoke-others', { keepHandle: user.handle })
      if (answer.status !== 200) throw unexpected('revokeOthers', answer)
      return answer.body.revoked
    }

    /** Closes the store's keep-alive connections and its lease stream. */
    close () {
      this.readCache?.close()
      this.client.close()
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    /** A load answer as the store keeps it: `{ version, entries, user }`, its values as canonical entries by key. */
    loaded (answer) {
      const entries = new Map()
      for (const [key, text] of Object.entries(answer.values || {})) {
        if (!hidden(key)) entries.set(key, encode(key, decodeText(key, text, this.rawStringKeys), this.rawStringKeys))
      }
      for (const [key, base64] of Object.entries(answer.binary || {})) {
        if (!hidden(key)) entries.set(key, 'b' + Buffer.from(base64, 'base64').toString('base64'))
      }
      return { version: answer.version, entries, user: answer.user || null }
    }

    /** The session express gets for a loaded one: its own values (a leased copy serves many requests), a cookie. */
    toExpressSession (sid, loaded) {
      const sess = {}
      for (const [key, entry] of loaded.entries) sess[key] = entryValue(key, entry, this.rawStringKeys)
      sess.cookie = this.newCookie(undefined).data // { originalMaxAge, expires, secure, httpOnly, domain, path, sameSite, ... }
      // The entries are shared by every request served from this copy: a baseline replaces them, never changes them.
      sess[LOADED] = { sid, version: loaded.version, entries: loaded.entries, user: loaded.user, ended: false }
      return sess
    }

    /** The cookie a loaded session gets, from the store's copy of express-session's cookie options. */
    newCookie (req) {
      const options = typeof this.cookie === 'function' ? (req ? this.cookie(req) : {}) : this.cookie
      const cookie = new Cookie(options)
      if (cookie.secure === 'auto') cookie.secure = req ? isSecure(req, this.proxy) : false
      if (cookie.sameSite === 'auto') cookie.sameSite = req && isSecure(req, this.proxy) ? 'none' : 'lax'
      return cookie
    }

    /** The request's { baseline: { sid, version, entries: Map (never changed in place), user, ended } | null, queue: Promise }. */
    state (req) {
      let state = req[STATE]
      if (!state) {
        state = { baseline: null, queue: Promise.resolve() }
        req[STATE] = state
      }
      return state
    }

    /** Runs `work` after the request's earlier writes (so two saves of one new session make one create). */
    enqueue (req, work) {
      const state = this.state(req)
      const result = state.queue.then(work)
      state.queue = result.catch(() => {})
      return result
    }

    currentBaseline (req) {
      const baseline = this.state(req).baseline
      return baseline && baseline.sid === req.sessionID ? baseline : null
    }

    /** The session's entries (what a save would leave in the grain), by key. */
    entriesOf (session) {
      const entries = new Map()
      for (const key of Object.keys(session)) {
        if (hidden(key)) continue
        const entry = encode(key, session[key], this.rawStringKeys)
        if (entry !== undefined) entries.set(key, entry)
      }
      return entries
    }

    async save (req, sid, session) {
      const state = this.state(req)
      const baseline = state.baseline && state.baseline.sid === sid ? state.baseline : null
      if (!baseline) {
        state.baseline = await this.create(sid, this.entriesOf(session))
        return
      }
      if (baseline.ended) return // ended elsewhere earlier in this request: stays ended
      const sets = []
      let kept = 0 // baseline keys still present
      for (const key of Object.keys(session)) {
        if (hidden(key)) continue
        const entry = encode(key, session[key], this.rawStringKeys)
        if (entry === undefined) continue
        const before = baseline.entries.get(key)
        if (before !== undefined) kept++
        if (before !== entry) sets.push([key, entry])
      }
      const removals = kept === baseline.entries.size ? [] : removedKeys(baseline.entries, this.entriesOf(session))
      if (sets.length === 0 && removals.length === 0) return // unchanged: no call
      const fields = removals.length === 0 ? { operationId: this.client.operationId() } : { operationId: this.client.operationId(), removals }
      const sentAt = performance.now()
      const answer = await this.leasedWrite(sid, 'apply', 'PATCH', '', bodyJson(fields, sets))
      if (answer.status === 404) {
        this.forget(sid)
        baseline.ended = true
        this.emitEnded(sid, 'set')
        return
      }
      if (answer.status !== 200) throw unexpected('saving a session', answer)
      this.wrote(sid, baseline, answer.body, sets, removals, sentAt)
    }

    /**
     * After this store's write sent at `sentAt` (`answer`: its version and renewed lease): the request's baseline and
     * the read cache's copy move one step (one new entries map for both when they had the same).
     */
    wrote (sid, baseline, answer, sets, removals, sentAt) {
      const before = baseline.entries
      baseline.entries = withChanges(before, sets, removals)
      baseline.version = answer.version
      this.readCache?.applyWrite(sid, answer.version, sets, removals, sentAt, answer.leaseMs, before, baseline.entries)
    }

    /**
     * A change under this store's lease (on its lease stream, or with its key), so the grain keeps its lease; a failed
     * attempt may have applied it, so a failure drops the copy. `op`: the call as the lease stream names it.
     */
    async leasedWrite (sid, op, method, pathAfterSession, body) {
      try {
        const key = this.readCache && this.readCache.key // the stream's at the time of the change, even if it closes
        const path = () => sessionPath(sid) + pathAfterSession + leaseQuery(key)
        return await this.client.call(method, path, body, { op, id: sid })
      } catch (err) {
        this.forget(sid)
        throw err
      }
    }

    forget (sid) {
      this.readCache?.forget(sid)
    }

    async create (sid, entries) {
      const fields = { operationId: this.client.operationId() }
      if (this.idleTimeoutSeconds !== undefined) fields.idleTimeoutSeconds = this.idleTimeoutSeconds
      if (this.absoluteTimeoutSeconds !== undefined) fields.absoluteTimeoutSeconds = this.absoluteTimeoutSeconds
      const answer = await this.client.call('PUT', sessionPath(sid), bodyJson(fields, entries))
      if (answer.status !== 201 && answer.status !== 200) throw unexpected('creating a session', answer)
      return { sid, version: answer.body.version, entries, user: null, ended: false }
    }

    /** A save without a request: the stored session becomes `session` (created when there is none). */
    async replace (sid, session) {
      debug('set without a request: replacing the whole session')
      this.forget(sid)
      const entries = this.entriesOf(session || {})
      const answer = await this.client.call('PATCH', sessionPath(sid), bodyJson({ operationId: this.client.operationId(), clear: true }, entries))
      if (answer.status === 200) return
      if (answer.status !== 404) throw unexpected('replacing a session', answer)
      await this.create(sid, entries)
    }

    /** Saves the request's session now (creating it when new); answers its live baseline. */
    async persist (req, operation) {
      if (!req || !req.session) {
        throw new SessionGrainsError(`${operation}: the request has no session (is the express-session middleware in front?)`, { code: 'SESSIONGRAINS_NO_REQUEST_SESSION' })
      }
      await this.save(req, req.sessionID, req.session)
      const baseline = this.currentBaseline(req)
      if (!baseline || baseline.ended) throw this.endedError(req, baseline, operation)
      return baseline
    }

    async regenerateKeeping (req, { keepData = true, userId } = {}) {
      const session = req.session
      if (!session) throw new SessionGrainsError('regenerate: the request has no session', { code: 'SESSIONGRAINS_NO_REQUEST_SESSION' })
      if (typeof this.generate !== 'function') {
        throw new SessionGrainsError('regenerate: the store is not attached to the express-session middleware', { code: 'SESSIONGRAINS_NO_MIDDLEWARE' })
      }
      const oldId = req.sessionID
      const baseline = this.currentBaseline(req)
      this.forget(oldId)
      const data = keepData ? Object.fromEntries(Object.keys(session).filter(k => !hidden(k)).map(k => [k, session[k]])) : {}
      this.generate(req) // a new ID (express-session's genid), an empty Session and a new cookie
      const state = this.state(req)
      if (baseline && !baseline.ended) {
        const body = { operationId: this.client.operationId(), newId: req.sessionID, keepData: Boolean(keepData) }
        if (this.idleTimeoutSeconds !== undefined) body.idleTimeoutSeconds = this.idleTimeoutSeconds
        if (this.absoluteTimeoutSeconds !== undefined) body.absoluteTimeoutSeconds = this.absoluteTimeoutSeconds
        const answer = await this.client.call('POST', sessionPath(oldId) + '/regenerate', body)
        if (answer.status === 404) {
          // Ended elsewhere: its data is not carried into a new session.
          state.baseline = null
          this.emitEnded(oldId, 'regenerate')
        } else if (answer.status !== 200) {
          throw unexpected('regenerate', answer)
        } else {
          Object.assign(req.session, data)
          state.baseline = keepData
            ? { sid: req.sessionID, version: answer.body.version, entries: baseline.entries, user: baseline.user, ended: false }
            : null
        }
      } else {
        Object.assign(req.session, data) // never stored (or already ended): the next save creates it
        state.baseline = null
      }
      if (userId !== undefined) {
        const baselineAfter = await this.persist(req, 'regenerate')
        const answer = await this.client.call('POST', sessionPath(req.sessionID) + '/user', { userId, device: deviceOf(req) })
        if (answer.status !== 200) throw unexpected('bindUser', answer)
        baselineAfter.user = { userId: answer.body.userId, handle: answer.body.handle }
      }
      return req.session
    }

    endedError (req, baseline, operation) {
      if (baseline) baseline.ended = true
      this.emitEnded(req.sessionID, operation)
      return new SessionGrainsError(`${operation}: the session has ended (destroyed, revoked or expired)`, {
        status: 409, code: 'SESSIONGRAINS_NO_SESSION', apiStatus: 404
      })
    }

    /** A failure of a call made without a callback: an 'error' event when someone listens (never an unhandled one). */
    uncalledBack (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err)
      else debug('a store call without a callback failed: %s', err && err.message)
    }

    emitEnded (sid, operation) {
      // 'ended' is informational: a listener is optional (unlike 'error'). The ID is a bearer secret: don't log it.
      this.emit('ended', { sessionId: sid, operation })
    }
  }

  return SessionGrainsStore
}

function removedKeys (before, now) {
  return [...before.keys()].filter(key => !now.has(key))
}

function sessionPath (sid) {
  return '/sessions/' + encodeURIComponent(sid)
}

/** `?lease=KEY` for the key of a lease stream that was open (a load's start, or a change's), or nothing. */
function leaseQuery (key) {
  return key ? '?lease=' + encodeURIComponent(key) : ''
}

function userPath (userId) {
  return '/users/' + encodeURIComponent(userId) + '/sessions'
}

function seconds (ms, name) {
  if (ms === undefined || ms === null) return undefined
  if (typeof ms !== 'number' || !(ms > 0)) throw new TypeError(`connect-sessiongrains: \`${name}\` must be a positive number of milliseconds`)
  return Math.ceil(ms / 1000)
}

/** What the user's session list shows of the device (the host keeps it only when it records devices). */
function deviceOf (req) {
  const userAgent = req.headers && req.headers['user-agent']
  const clientAddress = req.ip || (req.socket && req.socket.remoteAddress)
  return userAgent || clientAddress ? { userAgent, clientAddress } : undefined
}

function isSecure (req, trustProxy) {
  // express-session's rule (index.js issecure)
  if (req.connection && req.connection.encrypted) return true
  if (trustProxy === false) return false
  if (trustProxy !== true) return req.secure === true
  const header = (req.headers && req.headers['x-forwarded-proto']) || ''
  return header.split(',')[0].trim().toLowerCase() === 'https'
}

/**
 * Calls back once: at once, or for a `held` response (AnswerBatch.hold's) with the turn's answers, letting it go after.
 * Without a callback a failure is an 'error' event when someone listens.
 */
function settle (promise, cb, store, held) {
  promise.then(value => {
    if (held) store.answers.later(cb, null, undefined, held)
    else callBack(cb, null, value)
  }, err => {
    if (typeof cb !== 'function') store.uncalledBack(err)
    if (held) store.answers.later(cb, err, undefined, held)
    else callBack(cb, err)
  })
}

module.exports = { createStoreClass }
