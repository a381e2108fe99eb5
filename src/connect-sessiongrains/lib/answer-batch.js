'use strict'

// How the store answers express-session. Its callbacks run together, once per event-loop turn, in the turn's check
// phase (setImmediate): a load served from the read cache, a touch (an unchanged session: nothing to write), a save the
// host acknowledged. A request's response is held (its socket corked) from the store's save or touch until that
// callback, so the turn's responses leave in one burst, each in one write, and the client side is woken once for many
// of them; the calls the answered requests make (their saves) leave together as soon as they are all made.

class AnswerBatch {
  /** @param {() => void} afterAnswers runs after each batch's callbacks and the promise jobs they started */
  constructor (afterAnswers) {
    this.queued = [] // callback, error, value, held response, callback, ...
    this.afterAnswers = afterAnswers
  }

  /** Holds `res` (corks it) until the answer `later` lets it go; answers `res`, or undefined when it is no response. */
  hold (res) {
    if (!res || typeof res.cork !== 'function' || res.writableEnded) return undefined
    res.cork()
    return res
  }

  /** Queues `cb(err, value)` for this turn's check phase; `held` (from `hold`) goes after the callback. */
  later (cb, err, value, held) {
    this.queued.push(cb, err, value, held)
    if (this.queued.length === 4) setImmediate(answerQueued, this)
  }
}

function answerQueued (batch) {
  const queued = batch.queued
  batch.queued = []
  for (let i = 0; i < queued.length; i += 4) {
    callBack(queued[i], queued[i + 1], queued[i + 2])
    queued[i + 3]?.uncork() // end() in the callback let it go already; otherwise (no end yet) this does
  }
  // The saves these requests made are queued as promise jobs: a job queued now runs after theirs, and a tick it queues
  // after every job, so `afterAnswers` sees all their calls.
  queueMicrotask(() => process.nextTick(batch.afterAnswers))
}

// An exception the callback throws is rethrown outside the caller (an uncaught exception, as a callback's is
// anywhere): it never turns into a second call, an unhandled rejection, or a response left corked.
function callBack (cb, err, value) {
  if (typeof cb !== 'function') return
  try {
    cb(err, value)
  } catch (thrown) {
    process.nextTick(() => { throw thrown })
  }
}

module.exports = { AnswerBatch, callBack }
