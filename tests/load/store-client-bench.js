'use strict'
// CPU per store API call from Node: node:http (keep-alive agent) against connect-sessiongrains' pipelined client.
//
//   node tests/load/store-client-bench.js URL TOKEN SESSION_ID [seconds=5] [concurrency=32]
//
// URL is a SessionGrains host serving the session store API (e.g. the silo host with SessionStoreApi__Tokens__0 set),
// SESSION_ID a live session there (create one with PUT URL/session-store/sessions/ID). Prints calls/s and µs of this
// process's CPU per call for each client, one after the other.

const http = require('node:http')
const { StoreApiClient } = require('../../src/connect-sessiongrains/lib/client')

const [url, token, id, seconds = '5', concurrency = '32'] = process.argv.slice(2)
if (!url || !token || !id) {
  console.error('usage: node tests/load/store-client-bench.js URL TOKEN SESSION_ID [seconds] [concurrency]')
  process.exit(2)
}

const path = `/session-store/sessions/${encodeURIComponent(id)}`
const base = new URL(url)

function nodeHttp () {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const get = () => new Promise((resolve, reject) => {
    const req = http.request({ hostname: base.hostname, port: base.port, path: base.pathname.replace(/\/+$/, '') + path, agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString())) : reject(new Error(`HTTP ${res.statusCode}`)))
    })
    req.on('error', reject)
    req.end()
  })
  return { get, close: () => agent.destroy() }
}

function pipelined () {
  const client = new StoreApiClient({ url, token })
  const get = async () => {
    const answer = await client.call('GET', `/sessions/${encodeURIComponent(id)}`)
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`)
    return answer.body
  }
  return { get, close: () => client.close() }
}

async function measure (name, make) {
  const { get, close } = make()
  await get() // connect and warm up
  let calls = 0
  const end = Date.now() + Number(seconds) * 1000
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: Number(concurrency) }, async () => {
    while (Date.now() < end) {
      await get()
      calls++
    }
  }))
  const used = process.cpuUsage(cpu)
  close()
  console.log(`${name}: ${Math.round(calls / Number(seconds))} calls/s, ${((used.user + used.system) / calls).toFixed(1)} µs CPU per call`)
}

measure('node:http', nodeHttp).then(() => measure('pipelined (connect-sessiongrains)', pipelined)).catch(err => {
  console.error(err)
  process.exit(1)
})
