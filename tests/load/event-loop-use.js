'use strict'
// Preload for any Node app under load: SIGUSR1 prints, as one line, the event loop's utilization since the last signal
// (the share of the time it was running rather than waiting for I/O: near 1, the process itself bounds the rate), with
// the main thread's busy and idle seconds and the process's CPU seconds (all threads).
//
//   node -r ./tests/load/event-loop-use.js tests/load/anchors/express/server.js --store redis --port N
//   kill -USR1 <pid>; wrk ...; kill -USR1 <pid>   # the second line covers the wrk run

const { performance } = require('node:perf_hooks')

let since = performance.eventLoopUtilization()
let cpuSince = process.cpuUsage()
process.on('SIGUSR1', () => {
  const use = performance.eventLoopUtilization(since)
  const cpu = process.cpuUsage(cpuSince)
  since = performance.eventLoopUtilization()
  cpuSince = process.cpuUsage()
  console.log(`event loop utilization ${use.utilization.toFixed(3)}: busy ${(use.active / 1000).toFixed(2)} s, ` +
    `idle ${(use.idle / 1000).toFixed(2)} s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`)
})
