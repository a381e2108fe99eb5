'use strict'

// One cookie jar across an express app (this store) and the ASP.NET Core demo (SESSIONGRAINS_ASPNET_URL): counters,
// values, logins and destroys cross in both directions.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { env, startExpress, Jar, api } = require('./helpers')

const aspnet = env.aspnetUrl

test('a counter crosses both ways: read-modify-write and atomic, on either side', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()

  assert.equal((await jar.post(`${app.url}/counter`)).text, '1') // express creates the session
  assert.equal((await jar.text(`${aspnet}/counter`)).text, '1')
  assert.equal((await jar.post(`${aspnet}/counter`)).text, '2') // ASP.NET SetString("count", "2")
  assert.equal((await jar.text(`${app.url}/counter`)).text, '2')
  assert.equal((await jar.post(`${aspnet}/counter/atomic`)).text, '3') // IncrementAsync
  assert.equal((await jar.post(`${app.url}/counter/atomic`)).text, '4') // store.increment
  assert.equal((await jar.post(`${app.url}/counter`)).text, '5')
  assert.equal((await jar.text(`${aspnet}/counter`)).text, '5')
})

test('a session ASP.NET created is express\'s, and the reverse, on one cookie', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const fromAspnet = new Jar()
  await fromAspnet.post(`${aspnet}/counter/atomic`)
  const sid = fromAspnet.sessionId
  assert.equal((await fromAspnet.text(`${app.url}/counter`)).text, '1')
  assert.equal(fromAspnet.sessionId, sid) // express sent no new cookie

  const fromExpress = new Jar()
  const cart = { items: ['apple', 'pear'], note: 'Zoë <&>' }
  await fromExpress.post(`${app.url}/set?key=cart&value=${encodeURIComponent(JSON.stringify(cart))}`)
  await fromExpress.post(`${aspnet}/counter`) // ASP.NET changes only its own key
  const read = await (await fromExpress.fetch(`${app.url}/session`)).json()
  assert.deepEqual(read.data, { cart, count: 1 })
  assert.equal((await api.load(fromExpress.sessionId)).values.cart, JSON.stringify(cart))
})

test('increments from both sides, interleaved and in parallel, add up exactly', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  await jar.post(`${aspnet}/counter/atomic`)
  const perSide = 15

  const calls = []
  for (let i = 0; i < perSide; i++) {
    calls.push(jar.post(`${app.url}/counter/atomic`), jar.post(`${aspnet}/counter/atomic`))
  }
  const results = await Promise.all(calls)

  assert.ok(results.every(r => r.status === 200), JSON.stringify(results.filter(r => r.status !== 200)))
  const values = results.map(r => Number(r.text)).sort((a, b) => a - b)
  assert.deepEqual(values, Array.from({ length: 2 * perSide }, (_, i) => i + 2)) // every increment saw its own value
  assert.equal((await jar.text(`${aspnet}/counter`)).text, String(2 * perSide + 1))
  assert.equal((await jar.text(`${app.url}/counter`)).text, String(2 * perSide + 1))
})

test('a login on express is a login on ASP.NET, listed under the user there', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  const user = 'Zoë-' + crypto.randomUUID().slice(0, 8)
  await jar.post(`${app.url}/counter`)
  const anonymous = jar.sessionId

  assert.equal((await jar.post(`${app.url}/login?user=${encodeURIComponent(user)}`)).text, user)

  assert.notEqual(jar.sessionId, anonymous) // a new ID at login
  assert.equal((await jar.text(`${aspnet}/me`)).text, user)
  assert.equal((await jar.text(`${aspnet}/counter`)).text, '1') // the data came along
  const listed = await (await jar.fetch(`${aspnet}/me/sessions`)).json()
  assert.equal(listed.length, 1)
  assert.equal(listed[0].current, true)
})

test('a login on ASP.NET is a login on express, with its binding', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const jar = new Jar()
  const user = 'grace-' + crypto.randomUUID().slice(0, 8)
  await jar.post(`${app.url}/set?key=theme&value=%22dark%22`)

  assert.equal((await jar.post(`${aspnet}/login?user=${user}`)).text, user)

  assert.equal((await jar.text(`${app.url}/me`)).text, user)
  assert.deepEqual((await jar.text(`${app.url}/get?key=theme`)).text, '{"value":"dark"}')
  const binding = await (await jar.fetch(`${app.url}/me/binding`)).json()
  assert.equal(binding.userId, user)
  const listed = await (await jar.fetch(`${app.url}/me/sessions`)).json()
  assert.equal(listed.length, 1)
  assert.equal(listed[0].current, true)
})

test('"log out everywhere else" on either side ends the user\'s sessions on the other', async t => {
  const app = await startExpress()
  t.after(() => app.close())
  const user = 'hopper-' + crypto.randomUUID().slice(0, 8)
  const laptop = new Jar() // logs in on express
  const phone = new Jar() // logs in on ASP.NET
  const tablet = new Jar() // logs in on express later
  await laptop.post(`${app.url}/login?user=${user}`)
  await phone.post(`${aspnet}/login?user=${user}`)
  assert.equal((await (await laptop.fetch(`${app.url}/me/sessions`)).json()).length, 2)

  assert.equal((await (await laptop.fetch(`${app.url}/me/sessions/revoke-others`, { method: 'POST' })).json()).revoked, 1)
  assert.equal((await phone.text(`${aspnet}/me`)).status, 401)
  assert.equal((await laptop.text(`${aspnet}/me`)).text, user)

  await tablet.post(`${app.url}/login?user=${user}`)
  assert.equal((await laptop.fetch(`${aspnet}/me/sessions/revoke-others`, { method: 'POST' })).status, 204)
  assert.equal((await tablet.text(`${app.url}/me`)).status, 401)
  assert.equal((await laptop.text(`${app.url}/me`)).text, user)
})

test('destroy on one side is a new session on the other', async t => {
  const app = await startExpress()
  t.after(() => app.close())

  const first = new Jar()
  await first.post(`${app.url}/login?user=ada`)
  await first.post(`${aspnet}/counter/atomic`)
  const cookie = first.value
  assert.equal((await first.post(`${app.url}/logout`)).status, 204) // express keeps sending the cookie
  assert.equal(first.value, cookie)
  assert.equal((await first.text(`${aspnet}/me`)).status, 401)
  assert.equal((await first.text(`${aspnet}/counter`)).text, '0')

  const second = new Jar()
  await second.post(`${aspnet}/login?user=bob`)
  await second.post(`${app.url}/counter`)
  const sid = second.sessionId
  const signed = second.value
  assert.equal((await second.post(`${aspnet}/logout`)).status, 204) // ASP.NET clears the cookie
  assert.equal(second.value, null)
  assert.equal(await api.load(sid), null)
  second.value = signed // a copy of the cookie, replayed to express
  assert.equal((await second.text(`${app.url}/me`)).status, 401)
  assert.equal((await second.text(`${app.url}/counter`)).text, '0')
  const replay = new Jar()
  replay.value = cookie // the first session's signed cookie, replayed
  assert.equal((await replay.text(`${app.url}/counter`)).text, '0')
  assert.equal((await replay.text(`${app.url}/me`)).status, 401)
})

test('without rawStringKeys, a SetString value arrives as its text and goes back as JSON', async t => {
  const app = await startExpress({ storeOptions: { rawStringKeys: [] } })
  t.after(() => app.close())
  const jar = new Jar()
  const user = 'Zoë <&> ' + crypto.randomUUID().slice(0, 8)
  await jar.post(`${aspnet}/login?user=${encodeURIComponent(user)}`) // SetString("user", user): plain UTF-8 text

  assert.equal((await jar.text(`${app.url}/me`)).text, user) // not JSON: the text itself
  await jar.post(`${aspnet}/counter`) // "1" (SetString) is JSON: a number in express
  assert.deepEqual(await (await jar.fetch(`${app.url}/get?key=count`)).json(), { value: 1 })
  await jar.post(`${app.url}/set?key=a&value=1`) // unchanged keys are not re-sent
  assert.equal((await api.load(jar.sessionId)).values.user, user)

  await jar.post(`${app.url}/set?key=user&value=${encodeURIComponent(JSON.stringify('grace'))}`)
  assert.equal((await api.load(jar.sessionId)).values.user, '"grace"') // JSON now: ASP.NET's GetString sees the quotes
  assert.equal((await jar.text(`${aspnet}/me`)).text, '"grace"')
})
