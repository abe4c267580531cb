/**
 * STAND-IN for node's `dns.lookup`, preloaded into end-to-end runs of the bundles with
 * `NODE_OPTIONS=--require <this file>`. It answers every name that ends in `.invalid` (a name
 * RFC 6761 reserves to never resolve) with ENOTFOUND, as the system resolver does for a name that
 * does not exist, without asking any DNS server; every other name goes to the real `dns.lookup`.
 * Tests use it so that an unresolvable host never turns into a DNS query leaving the machine.
 */
'use strict';
const dns = require('node:dns');

const realLookup = dns.lookup;
const realPromisesLookup = dns.promises.lookup;

function isInvalid(hostname) {
  return typeof hostname === 'string' && /(^|\.)invalid\.?$/i.test(hostname);
}

function notFound(hostname) {
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  error.errno = -3008;
  error.syscall = 'getaddrinfo';
  error.hostname = hostname;
  return error;
}

dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  if (!isInvalid(hostname)) return realLookup.apply(this, arguments);
  process.nextTick(() => done(notFound(hostname)));
  return {};
};

dns.promises.lookup = function lookup(hostname, options) {
  if (!isInvalid(hostname)) return realPromisesLookup.call(this, hostname, options);
  return Promise.reject(notFound(hostname));
};
