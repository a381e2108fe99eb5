'use strict'

// connect-sessiongrains: an express-session store on SessionGrains (one Orleans grain per session), through a
// SessionGrains host's session store API. See README.md.

const { createStoreClass } = require('./lib/store')
const { SessionGrainsError } = require('./lib/client')

let expressSession
try {
  expressSession = require('express-session')
} catch (err) {
  throw new Error('connect-sessiongrains needs express-session (a peer dependency): npm install express-session', { cause: err })
}

const SessionGrainsStore = createStoreClass(expressSession)

/**
 * The store and express-session's middleware made from one set of options, so the store's copy of the cookie options
 * is the middleware's. Defaults for a farm shared with ASP.NET Core: name 'connect.sid', resave false,
 * saveUninitialized false, cookie.sameSite 'lax'.
 */
function createSessionGrains (options) {
  const { store: storeOptions, ...sessionOptions } = options || {}
  const cookie = typeof sessionOptions.cookie === 'function'
    ? sessionOptions.cookie
    : { sameSite: 'lax', ...(sessionOptions.cookie || {}) }
  const store = new SessionGrainsStore({ proxy: sessionOptions.proxy, ...storeOptions, cookie })
  const middleware = expressSession({
    name: 'connect.sid',
    resave: false,
    saveUninitialized: false,
    ...sessionOptions,
    cookie,
    store
  })
  return { store, middleware }
}

/** The store class built on another copy of express-session (e.g. when the app's is not the one `require` finds). */
function withSession (session) {
  return createStoreClass(session)
}

module.exports = SessionGrainsStore
module.exports.SessionGrainsStore = SessionGrainsStore
module.exports.SessionGrainsError = SessionGrainsError
module.exports.createSessionGrains = createSessionGrains
module.exports.withSession = withSession
module.exports.default = SessionGrainsStore
