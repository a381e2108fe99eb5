'use strict'

// How session values cross between express (JavaScript values) and the grain (one byte[] per top-level key):
// JSON text as UTF-8 by default; Buffers as bytes; strings of `rawStringKeys` as plain UTF-8 text (ASP.NET SetString).
//
// A baseline entry is the value's canonical form: 't' + text or 'b' + base64. A loaded value's entry comes from
// re-serialising the parsed value (never the host's raw bytes), so values another side wrote in another JSON
// spelling (System.Text.Json escapes non-ASCII and <>&') are not taken for changes.

/**
 * The canonical form of a value the app holds, or undefined when the key is absent in JSON terms (undefined,
 * functions, symbols).
 */
function encode (key, value, rawStringKeys) {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined
  if (Buffer.isBuffer(value)) return 'b' + value.toString('base64')
  if (value instanceof Uint8Array) return 'b' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  if (typeof value === 'string' && rawStringKeys.has(key)) return 't' + value
  const json = JSON.stringify(value)
  return json === undefined ? undefined : 't' + json
}

/**
 * A call's JSON body: the object `fields`, whose first field is its `operationId`, with the API's `values` (UTF-8 text)
 * and `binary` (base64) maps of `entries` (canonical forms by key), written as text without building the maps.
 */
function bodyJson (fields, entries) {
  let values = ''
  let binary = ''
  for (const [key, entry] of entries) {
    const pair = JSON.stringify(key) + ':' + JSON.stringify(entry.slice(1))
    if (entry[0] === 'b') binary += (binary === '' ? '' : ',') + pair
    else values += (values === '' ? '' : ',') + pair
  }
  const head = JSON.stringify(fields)
  return head.slice(0, -1) + ',"values":{' + values + (binary === '' ? '}}' : '},"binary":{' + binary + '}}')
}

/** The value of a canonical entry: a new object (or Buffer) on each call. */
function entryValue (key, entry, rawStringKeys) {
  const text = entry.slice(1)
  if (entry[0] === 'b') return Buffer.from(text, 'base64')
  return rawStringKeys.has(key) ? text : JSON.parse(text)
}

/** A loaded text value: parsed JSON, or the text itself when it is not JSON (values ASP.NET wrote with SetString). */
function decodeText (key, text, rawStringKeys) {
  if (rawStringKeys.has(key)) return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Entries (by key) after `sets` (`[key, entry]`) and `removals`: a new map (entries maps are shared, never changed). */
function withChanges (entries, sets, removals) {
  const next = new Map(entries)
  for (const [key, entry] of sets) next.set(key, entry)
  for (const key of removals) next.delete(key)
  return next
}

module.exports = { encode, entryValue, bodyJson, decodeText, withChanges }
