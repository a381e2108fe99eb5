'use strict'

// How the store answers express-session. A save holds its request's response until the grain has the change; a touch
// (an unchanged session: nothing to write) holds it until the end of the event-loop turn, and the turn's held responses
// leave together, so the client side is woken once for a burst of answers rather than once for each.

class ResponseBatch {
  constructor () {
    this.held = [] // callback, release, callback, release, ...
  }

  /**
   * Calls `cb` back in this event-loop turn's check phase (setImmediate), with `res` corked until after the callback,
   * or at once when there is no response to hold.
   */
  add (res, cb) {
    const release = holdResponse(res)
    if (!release) {
      if (typeof cb === 'function') cb()
      return
    }
    this.held.push(cb, release)
    if (this.held.length === 2) setImmediate(releaseAll, this)
  }
}

function releaseAll (batch) {
  const held = batch.held
  batch.held = []
  for (let i = 0; i < held.length; i += 2) {
    const cb = held[i]
    if (typeof cb === 'function') callBack(cb, null)
    held[i + 1]()
  }
}

/**
 * Corks an express response; answers the uncork (undefined when there is nothing to hold). express-session writes the
 * response but its last byte before the store's callback: held, no byte leaves before then, and it all leaves in one
 * write.
 */
function holdResponse (res) {
  if (!res || typeof res.cork !== 'function' || res.writableEnded) return undefined
  res.cork()
  return () => res.uncork()
}

// An exception the callback throws is rethrown outside the caller (an uncaught exception, as a callback's is
// anywhere): it never turns into a second call, an unhandled rejection, or a response left corked.
function callBack (cb, err, value) {
  try {
    cb(err, value)
  } catch (thrown) {
    process.nextTick(() => { throw thrown })
  }
}

module.exports = { ResponseBatch, holdResponse, callBack }
