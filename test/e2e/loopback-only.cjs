/**
 * A safety net preloaded into end-to-end runs (`NODE_OPTIONS=--require <this file>`, see
 * runner.ts `loopbackOnly`): node's `dns.lookup` answers ENOTFOUND, without asking any server, for
 * every name but `localhost` and `*.localhost`. A run whose inputs or defaults name an outside host
 * (the default corgea-url, say) then fails as a name that does not exist would, instead of sending
 * traffic off the machine. IP literals do not go through `dns.lookup`; tests use loopback ones only.
 */
'use strict';
const dns = require('node:dns');

const realLookup = dns.lookup;
const realPromisesLookup = dns.promises.lookup;

function isLocal(hostname) {
  return typeof hostname === 'string' && /^(.+\.)?localhost\.?$/i.test(hostname);
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
  if (isLocal(hostname) || require('node:net').isIP(hostname))
    return realLookup.apply(this, arguments);
  const done = typeof options === 'function' ? options : callback;
  process.nextTick(() => done(notFound(hostname)));
  return {};
};

dns.promises.lookup = function lookup(hostname, options) {
  if (isLocal(hostname) || require('node:net').isIP(hostname))
    return realPromisesLookup.call(this, hostname, options);
  return Promise.reject(notFound(hostname));
};
