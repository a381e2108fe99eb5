'use strict'
// Preload for an express app using connect-sessiongrains: counts the calls its store sends on the lease stream, by
// operation (load, apply, increment), and the reads of the stream's socket that brought their answers (`reads`).
// SIGUSR2 prints the counts since the last signal as one JSON line and resets them.
//
//   CONNECT_SESSIONGRAINS_DIR=<the package folder the app loads> node -r ./tests/load/count-store-calls.js \
//     tests/load/anchors/express/server.js --store sessiongrains --api-url URL --port N
//   kill -USR2 <pid>   # before and after a wrk run: loads per write request = load / apply

const path = require('node:path')

const dir = process.env.CONNECT_SESSIONGRAINS_DIR
if (!dir) throw new Error('count-store-calls.js: set CONNECT_SESSIONGRAINS_DIR to the package folder the app loads')
const { LeaseStream } = require(path.resolve(dir, 'lib', 'lease-stream.js'))
const counts = {}
const call = LeaseStream.prototype.call
LeaseStream.prototype.call = function (op, id, body) {
  counts[op] = (counts[op] || 0) + 1
  return call.call(this, op, id, body)
}
const read = LeaseStream.prototype.read
LeaseStream.prototype.read = function (data) {
  counts.reads = (counts.reads || 0) + 1
  return read.call(this, data)
}
process.on('SIGUSR2', () => {
  console.log(JSON.stringify(counts))
  for (const op of Object.keys(counts)) delete counts[op]
})
