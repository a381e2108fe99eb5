import type { IncomingMessage } from 'node:http'
import type { ConnectionOptions } from 'node:tls'
import session = require('express-session')

/** An express-session store on SessionGrains: per-key deltas, no-op touch, no resurrection after destroy. */
declare class SessionGrainsStore extends session.Store {
  constructor (options: SessionGrainsStore.SessionGrainsStoreOptions)
  get (sid: string, callback: (err: any, session?: session.SessionData | null) => void): void
  set (sid: string, session: session.SessionData, callback?: (err?: any) => void): void
  destroy (sid: string, callback?: (err?: any) => void): void
  /** Writes nothing: loading a session already slid its idle expiry. */
  touch (sid: string, session: session.SessionData, callback?: () => void): void
  /** express-session's regenerate: a new, empty session. */
  regenerate (req: IncomingMessage, callback: (err?: any) => any): void
  /** A new ID keeping the data and the user binding (default), optionally binding `userId`. */
  regenerate (req: IncomingMessage, options: SessionGrainsStore.RegenerateOptions): Promise<session.Session>
  regenerate (req: IncomingMessage, options: SessionGrainsStore.RegenerateOptions, callback: (err: any, session?: session.Session) => void): void
  /** Adds `delta` (default 1) atomically in the grain; `req.session[key]` holds the answer too. */
  increment (req: IncomingMessage, key: string, delta?: number): Promise<number>
  bindUser (req: IncomingMessage, userId: string): Promise<SessionGrainsStore.SessionUser>
  unbindUser (req: IncomingMessage): Promise<boolean>
  getUser (req: IncomingMessage): SessionGrainsStore.SessionUser | null
  listUserSessions (userId: string): Promise<SessionGrainsStore.UserSessionInfo[]>
  revoke (userId: string, handle: string): Promise<boolean>
  revokeOthers (req: IncomingMessage): Promise<number>
  /** Closes the connections to the host (calls in flight fail). */
  close (): void
  on (event: 'ended', listener: (info: SessionGrainsStore.EndedEvent) => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
}

declare namespace SessionGrainsStore {
  interface SessionGrainsStoreOptions {
    /** The SessionGrains host's root URL, e.g. `http://10.0.0.5:8080`; calls go to `<url>/session-store/...`. */
    url: string
    /** A bearer token the host accepts (one of its `SessionStoreApi:Tokens`). */
    token: string
    /** The express-session cookie options, the same object the middleware gets (synthesizes loaded sessions' cookie). */
    cookie?: session.CookieOptions | ((req: IncomingMessage) => session.CookieOptions)
    /** express-session's `proxy` option, to resolve `secure: 'auto'` and `sameSite: 'auto'`. */
    proxy?: boolean
    /** Idle timeout of the sessions this store creates, in ms (sent as whole seconds); equal to the ASP.NET side's. Default: the host's. */
    idleTimeout?: number
    /** Absolute timeout of the sessions this store creates, in ms (sent as whole seconds); equal to the ASP.NET side's. Default: the host's. */
    absoluteTimeout?: number
    /** Per-attempt timeout of a call, in ms. Default 5000. */
    timeout?: number
    /** How long transient failures (connection refused or reset, timeouts, 502/503/504) are retried, in ms. Default 10000. */
    retryBudget?: number
    /** Pipelined keep-alive connections to the host. Default 4. */
    connections?: number
    /**
     * How long a loaded session is served from the store's memory without a call, in ms: 0 (off) to 10000. Default
     * 1000. The host makes the store drop a copy before it acknowledges another front end's change to the session.
     */
    readLease?: number
    /** TLS options for an `https:` url (`ca`, client `cert`/`key`, ...). */
    tls?: ConnectionOptions
    /** Keys whose string values are stored as plain UTF-8 text (ASP.NET `SetString`/`GetString`) instead of JSON. */
    rawStringKeys?: string[]
  }

  interface SessionUser {
    userId: string
    handle: string
  }

  interface UserSessionInfo {
    handle: string
    createdAt: string
    lastAccessAt: string
    [key: string]: unknown
  }

  interface RegenerateOptions {
    /** Keep the data and the user binding. Default true. */
    keepData?: boolean
    /** Bind the new session to this user. */
    userId?: string
  }

  interface EndedEvent {
    /** The session ID: a bearer secret, never log it. */
    sessionId: string
    operation: 'set' | 'increment' | 'bindUser' | 'regenerate'
  }

  class SessionGrainsError extends Error {
    /** What express's error handler answers with. */
    status: number
    statusCode: number
    code: string
    /** The store API's HTTP status, when it answered. */
    apiStatus?: number
  }

  interface SessionGrainsOptions extends Omit<session.SessionOptions, 'store'> {
    store: Omit<SessionGrainsStoreOptions, 'cookie' | 'proxy'>
  }

  /** The store and express-session's middleware from one set of options (the store gets the middleware's cookie options). */
  function createSessionGrains (options: SessionGrainsOptions): { store: SessionGrainsStore; middleware: ReturnType<typeof session> }

  /** The store class built on another copy of express-session. */
  function withSession (expressSession: typeof session): typeof SessionGrainsStore

  /** The same class, for `const { SessionGrainsStore } = require('connect-sessiongrains')`. */
  const SessionGrainsStore: typeof SessionGrainsStoreClass
}

declare const SessionGrainsStoreClass: typeof SessionGrainsStore

export = SessionGrainsStore
