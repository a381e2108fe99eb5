'use strict'

// The local farm's express front end (deploy/local/farm.sh starts it; nginx serves it under /express/). express 5 +
// express-session 1.19 on connect-sessiongrains: the same cookie (connect.sid, the farm's secret, path /, SameSite=Lax)
// and the same session keys as the ASP.NET demo (src/SessionGrains.Web/DemoEndpoints.cs): "count", the counter
// (ASP.NET's SetString of plain digits, so a JSON number here), and "user", the login (ASP.NET's SetString/GetString,
// so a raw-string key here), bound to the user as the demo's /login does.
//
// Environment: PORT (listens on 127.0.0.1), SESSIONGRAINS_URL (a host serving /session-store: the farm's internal
// nginx port over the ASP.NET front ends), SESSIONGRAINS_TOKEN, SESSION_SECRET (the ASP.NET side's Session:Secrets:0),
// SESSION_IDLE_TIMEOUT_SECONDS (the ASP.NET side's Session:IdleTimeout).

const express = require('express')
const session = require('express-session')
const { SessionGrainsStore } = require('connect-sessiongrains')

function required (name) {
  const value = process.env[name]
  if (!value) {
    console.error(`farm express: ${name} is not set`)
    process.exit(1)
  }
  return value
}

const port = Number(process.env.PORT || 5080)
const base = '/express'
const idleSeconds = Number(process.env.SESSION_IDLE_TIMEOUT_SECONDS || 20 * 60)
const cookie = { path: '/', sameSite: 'lax', httpOnly: true, secure: false, maxAge: null } // as the ASP.NET demo's

const store = new SessionGrainsStore({
  url: required('SESSIONGRAINS_URL'),
  token: required('SESSIONGRAINS_TOKEN'),
  cookie,
  idleTimeout: idleSeconds * 1000,
  rawStringKeys: ['user'] // ASP.NET writes and reads it with SetString/GetString
})

const app = express()
app.disable('x-powered-by')
app.set('trust proxy', 'loopback') // nginx on 127.0.0.1
app.use(session({
  name: 'connect.sid',
  secret: required('SESSION_SECRET'),
  store,
  cookie,
  proxy: true,
  resave: false,
  saveUninitialized: false
}))
app.use(express.urlencoded({ extended: false, limit: '4kb' }))

const router = express.Router()

// Liveness and readiness of this process (the session API's own health is the ASP.NET front ends').
router.get('/healthz', (req, res) => res.type('text').send('Healthy'))
router.get('/healthz/ready', (req, res) => res.type('text').send('Healthy'))

const countOf = (req) => Number.isSafeInteger(Number(req.session.count)) ? Number(req.session.count) : 0
const userOf = (req) => typeof req.session.user === 'string' ? req.session.user : null

// Form posts add ?redirect=true to come back to the page, as on the ASP.NET demo.
async function respond (req, res, text) {
  if (req.query.redirect === 'true') {
    await new Promise((resolve, reject) => req.session.save(err => err ? reject(err) : resolve())) // before the redirect (express-session #360)
    res.redirect(303, base + '/')
  } else {
    res.type('text').send(String(text))
  }
}

router.get('/', (req, res) => {
  const user = userOf(req)
  const binding = store.getUser(req)
  res.set('Cache-Control', 'no-cache, no-store').type('html').send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>SessionGrains demo (express)</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d2733;background:#fdf8f3}
h1{font-size:1.5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1rem}
dt{font-weight:600;color:#57606a}dd{margin:0;font-variant-numeric:tabular-nums}
form{display:inline-block;margin:.25rem .25rem .25rem 0}
button,input{font:inherit;padding:.35rem .7rem;border-radius:6px;border:1px solid #afb8c1;background:#fff}
button{cursor:pointer;background:#bc4c00;border-color:#bc4c00;color:#fff}button:hover{background:#953800}
</style>
</head>
<body>
<h1>SessionGrains demo (express)</h1>
<p>The same session as the <a href="/">ASP.NET Core page</a>: one cookie, one session grain.</p>
<dl>
  <dt>Counter</dt><dd id="count">${countOf(req)}</dd>
  <dt>User</dt><dd id="user">${user === null ? 'not logged in' : escape(user)}</dd>
  <dt>Bound to user</dt><dd id="bound">${binding ? escape(binding.userId) : 'no'}</dd>
  <dt>Served by front end</dt><dd id="front-end">express ${escape(process.version)} (process ${process.pid})</dd>
</dl>
<form method="post" action="${base}/counter?redirect=true"><button>+1 (read-modify-write)</button></form>
<form method="post" action="${base}/counter/atomic?redirect=true"><button>+1 (atomic in the grain)</button></form>
<form method="post" action="${base}/login?redirect=true"><input name="user" placeholder="name" required> <button>Log in</button></form>
<form method="post" action="${base}/logout?redirect=true"><button>Log out</button></form>
</body>
</html>
`)
})

// The same API as the ASP.NET demo's, under /express.
router.get('/counter', (req, res) => res.type('text').send(String(countOf(req))))

router.post('/counter', async (req, res) => {
  req.session.count = countOf(req) + 1 // read-modify-write, as the demo's POST /counter
  await respond(req, res, req.session.count)
})

router.post('/counter/atomic', async (req, res) => {
  await respond(req, res, await store.increment(req, 'count'))
})

router.post('/login', async (req, res) => {
  const user = String(req.query.user || (req.body && req.body.user) || '')
  if (!user.trim()) {
    res.status(400).type('text').send('user is required')
    return
  }
  await store.regenerate(req, { keepData: true }) // a new ID at login, keeping data and binding, as the demo's
  req.session.user = user
  await store.bindUser(req, user) // saves, and lists the session under the user
  await respond(req, res, user)
})

router.get('/me', (req, res) => {
  const user = userOf(req)
  if (user === null) res.status(401).end()
  else res.type('text').send(user)
})

router.post('/logout', async (req, res) => {
  await new Promise((resolve, reject) => req.session.destroy(err => err ? reject(err) : resolve()))
  res.clearCookie('connect.sid', { path: '/' }) // as ASP.NET does on destroy
  if (req.query.redirect === 'true') res.redirect(303, base + '/')
  else res.status(204).end()
})

app.use(base, router)

// Store errors (the API unavailable, a refused token) reach here through next(err): a loud 5xx, never a page without
// its session.
app.use((err, req, res, next) => {
  console.error(`farm express: ${req.method} ${req.path}: ${err.code || err.name}: ${err.message}`)
  if (res.headersSent) return next(err)
  res.status(err.status && err.status >= 400 ? err.status : 500).type('text').send(err.code || 'error')
})

function escape (text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
}

const server = app.listen(port, '127.0.0.1', () => console.log(`farm express: listening on http://127.0.0.1:${port}${base}/ (session API ${process.env.SESSIONGRAINS_URL})`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
process.on('SIGINT', () => server.close(() => process.exit(0)))
