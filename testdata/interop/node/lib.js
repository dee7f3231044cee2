'use strict';
const fs = require('fs');
const path = require('path');

const TYPES = path.join(__dirname, 'node_modules/stripe/types');
const problems = [];
let checks = 0;

function fail(where, msg) {
  problems.push(`${where}: ${msg}`);
  console.log(`MISMATCH ${where}: ${msg}`);
}
function eq(where, got, want) {
  checks++;
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) fail(where, `got ${g}, want ${w}`);
}
function ok(where, cond, msg) {
  checks++;
  if (!cond) fail(where, msg || 'condition false');
}

// fields of a top-level interface in the SDK's d.ts: {name: optional}
function dtsFields(file, iface) {
  const src = fs.readFileSync(path.join(TYPES, file), 'utf8').split('\n');
  const out = {};
  let inside = false;
  for (const line of src) {
    if (!inside) {
      if (line === `    interface ${iface} {`) inside = true;
      continue;
    }
    if (line === '    }') break;
    const m = /^      (\w+)(\??):/.exec(line);
    if (m) out[m[1]] = m[2] === '?';
  }
  if (!Object.keys(out).length) throw new Error(`no fields for ${iface} in ${file}`);
  return out;
}

// shape compares an object's keys with the SDK's interface
function shape(where, obj, file, iface, allowMissing = []) {
  const f = dtsFields(file, iface);
  for (const [k, opt] of Object.entries(f)) {
    if (!opt && !(k in obj) && !allowMissing.includes(k)) fail(where, `missing required field ${k}`);
  }
  for (const k of Object.keys(obj)) {
    if (!(k in f) && k !== 'lastResponse') fail(where, `field ${k} not in the SDK's ${iface} type`);
  }
  checks++;
}

async function expectErr(where, fn, want) {
  try {
    const r = await fn();
    fail(where, `expected an error, got ${JSON.stringify(r).slice(0, 200)}`);
    return null;
  } catch (err) {
    if (!err || !err.type) { fail(where, `non-Stripe error ${err && err.stack}`); return err; }
    for (const [k, v] of Object.entries(want)) {
      eq(`${where} err.${k}`, err[k], v);
    }
    return err;
  }
}

module.exports = { problems, fail, eq, ok, shape, dtsFields, expectErr, get checks() { return checks; } };
