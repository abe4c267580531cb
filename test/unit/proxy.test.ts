import { proxyAuthorization, proxyPasswords } from '../../src/http/proxy-credentials.js';
import { matchNoProxy, selectProxy } from '../../src/http/proxy.js';

const https = new URL('https://login.example.com/token');
const http = new URL('http://login.example.com/token');

/** The proxy URL chosen for `target` under `env`, and the variable it came from. */
function chosen(target: URL, env: Record<string, string>) {
  const { proxy } = selectProxy(target, env);
  return proxy ? { url: proxy.url.href, variable: proxy.variable } : undefined;
}

describe('selectProxy: which variable applies', () => {
  test('no proxy variable means a direct connection', () => {
    expect(selectProxy(https, {})).toEqual({ proxy: undefined, bypassedBy: undefined });
  });

  test('https URLs use https_proxy, http URLs use http_proxy', () => {
    const env = { https_proxy: 'http://tls-proxy:3128', http_proxy: 'http://plain-proxy:3128' };
    expect(chosen(https, env)).toEqual({ url: 'http://tls-proxy:3128/', variable: 'https_proxy' });
    expect(chosen(http, env)).toEqual({ url: 'http://plain-proxy:3128/', variable: 'http_proxy' });
  });

  test('a scheme-specific variable does not apply to the other scheme', () => {
    expect(chosen(https, { http_proxy: 'http://plain-proxy:3128' })).toBeUndefined();
    expect(chosen(http, { HTTPS_PROXY: 'http://tls-proxy:3128' })).toBeUndefined();
  });

  test('lower case is read before upper case', () => {
    const env = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' };
    expect(chosen(https, env)?.variable).toBe('https_proxy');
    expect(chosen(https, { HTTPS_PROXY: 'http://upper:2' })?.variable).toBe('HTTPS_PROXY');
    expect(chosen(http, { HTTP_PROXY: 'http://upper:2' })?.variable).toBe('HTTP_PROXY');
  });

  test('an empty variable counts as unset', () => {
    expect(chosen(https, { https_proxy: '', HTTPS_PROXY: 'http://upper:2' })?.variable).toBe(
      'HTTPS_PROXY',
    );
  });

  test('ALL_PROXY applies to both schemes when no scheme-specific variable is set', () => {
    expect(chosen(https, { ALL_PROXY: 'http://any:8080' })?.variable).toBe('ALL_PROXY');
    expect(chosen(http, { all_proxy: 'http://any:8080' })?.variable).toBe('all_proxy');
    expect(
      chosen(https, { ALL_PROXY: 'http://any:8080', HTTPS_PROXY: 'http://tls:1' })?.variable,
    ).toBe('HTTPS_PROXY');
  });

  test('a proxy written without a scheme is taken as http', () => {
    expect(chosen(https, { HTTPS_PROXY: 'proxy.corp:3128' })?.url).toBe('http://proxy.corp:3128/');
  });

  test('a proxy with another scheme is refused naming the variable', () => {
    expect(() => selectProxy(https, { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(/HTTPS_PROXY/);
  });

  test('loopback is not special: without NO_PROXY it goes through the proxy too', () => {
    const env = { http_proxy: 'http://proxy:3128' };
    expect(chosen(new URL('http://127.0.0.1:8080/'), env)?.variable).toBe('http_proxy');
    expect(chosen(new URL('http://localhost:8080/'), env)?.variable).toBe('http_proxy');
  });
});

describe('selectProxy: NO_PROXY', () => {
  const proxied = { HTTPS_PROXY: 'http://proxy:3128' };

  test('a matching entry sends the request direct and says which entry matched', () => {
    expect(selectProxy(https, { ...proxied, NO_PROXY: 'other.org,example.com' })).toEqual({
      proxy: undefined,
      bypassedBy: 'example.com',
    });
  });

  test('lower-case no_proxy is read before NO_PROXY', () => {
    const env = { ...proxied, no_proxy: 'example.com', NO_PROXY: 'other.org' };
    expect(selectProxy(https, env).bypassedBy).toBe('example.com');
  });

  test('an entry that does not match keeps the proxy', () => {
    expect(chosen(https, { ...proxied, NO_PROXY: 'other.org' })?.variable).toBe('HTTPS_PROXY');
  });
});

describe('matchNoProxy', () => {
  test('* matches every host', () => {
    expect(matchNoProxy('anything.example', '*')).toBe('*');
    expect(matchNoProxy('10.0.0.1', '*')).toBe('*');
  });

  test('a domain matches itself and its subdomains, with or without a leading dot', () => {
    expect(matchNoProxy('example.com', 'example.com')).toBe('example.com');
    expect(matchNoProxy('login.example.com', 'example.com')).toBe('example.com');
    expect(matchNoProxy('example.com', '.example.com')).toBe('.example.com');
    expect(matchNoProxy('a.b.example.com', '.example.com')).toBe('.example.com');
  });

  test('a domain does not match a host that merely ends with the same letters', () => {
    expect(matchNoProxy('notexample.com', 'example.com')).toBeUndefined();
    expect(matchNoProxy('notexample.com', '.example.com')).toBeUndefined();
    expect(matchNoProxy('example.com.evil.org', 'example.com')).toBeUndefined();
  });

  test('matching ignores case and a trailing dot', () => {
    expect(matchNoProxy('Login.Example.COM', 'example.com')).toBe('example.com');
    expect(matchNoProxy('login.example.com.', 'EXAMPLE.com')).toBe('EXAMPLE.com');
  });

  test('an IPv4 literal matches only itself, never as a suffix', () => {
    expect(matchNoProxy('10.1.2.3', '10.1.2.3')).toBe('10.1.2.3');
    expect(matchNoProxy('10.1.2.33', '10.1.2.3')).toBeUndefined();
    expect(matchNoProxy('4.1.2.3', '1.2.3')).toBeUndefined();
  });

  test('an IPv6 literal matches with or without brackets', () => {
    expect(matchNoProxy('[::1]', '::1')).toBe('::1');
    expect(matchNoProxy('[::1]', '[::1]')).toBe('[::1]');
    expect(matchNoProxy('[2001:db8::5]', '2001:db8::6')).toBeUndefined();
  });

  test('an IPv4 CIDR range matches the addresses inside it only', () => {
    expect(matchNoProxy('10.20.30.40', '10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(matchNoProxy('11.0.0.1', '10.0.0.0/8')).toBeUndefined();
    expect(matchNoProxy('192.168.1.255', '192.168.1.0/24')).toBe('192.168.1.0/24');
    expect(matchNoProxy('192.168.2.0', '192.168.1.0/24')).toBeUndefined();
    expect(matchNoProxy('8.8.8.8', '0.0.0.0/0')).toBe('0.0.0.0/0');
  });

  test('an IPv6 CIDR range matches the addresses inside it only', () => {
    expect(matchNoProxy('[2001:db8::1]', '2001:db8::/32')).toBe('2001:db8::/32');
    expect(matchNoProxy('[2001:db9::1]', '2001:db8::/32')).toBeUndefined();
    expect(matchNoProxy('[fd00::abcd]', 'fd00::/8')).toBe('fd00::/8');
  });

  test('a CIDR range never matches a host name, nor an address of the other family', () => {
    expect(matchNoProxy('example.com', '10.0.0.0/8')).toBeUndefined();
    expect(matchNoProxy('[::ffff:a00:1]', '10.0.0.0/8')).toBeUndefined();
    expect(matchNoProxy('10.0.0.1', '::/0')).toBeUndefined();
  });

  test('a malformed CIDR range matches nothing', () => {
    expect(matchNoProxy('10.0.0.1', '10.0.0.0/33')).toBeUndefined();
    expect(matchNoProxy('10.0.0.1', '10.0.0.0/x')).toBeUndefined();
  });

  test('whitespace and empty entries are skipped', () => {
    expect(matchNoProxy('login.example.com', ' , ,other.org ,  example.com , ')).toBe(
      'example.com',
    );
    expect(matchNoProxy('login.example.com', 'other.org example.com')).toBe('example.com');
    expect(matchNoProxy('login.example.com', ',,')).toBeUndefined();
    expect(matchNoProxy('login.example.com', '')).toBeUndefined();
  });

  test('loopback is not bypassed unless listed', () => {
    expect(matchNoProxy('127.0.0.1', 'example.com')).toBeUndefined();
    expect(matchNoProxy('localhost', 'example.com')).toBeUndefined();
    expect(matchNoProxy('127.0.0.1', 'localhost,127.0.0.1')).toBe('127.0.0.1');
    expect(matchNoProxy('localhost', 'localhost,127.0.0.1')).toBe('localhost');
  });
});

describe('proxy variables that are not usable', () => {
  test('a socks proxy is refused with an error naming the variable', () => {
    expect(() =>
      selectProxy(new URL('https://login.example.com/'), {
        HTTPS_PROXY: 'socks5://127.0.0.1:1080',
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INPUT', input: 'HTTPS_PROXY' }));
  });

  test('a * inside a longer NO_PROXY list is an ordinary entry, as in curl', () => {
    expect(matchNoProxy('login.example.com', 'internal.example, *')).toBeUndefined();
  });
});

describe('proxyPasswords: what the transport sends as proxy credentials', () => {
  test('reads a variable without a scheme as selectProxy does', () => {
    const env = { HTTP_PROXY: 'alice:pw-1234@127.0.0.1:3128' };
    expect(selectProxy(http, env).proxy?.url.password).toBe('pw-1234');
    expect(proxyPasswords(env)).toContain('pw-1234');
  });

  test(
    'includes the Proxy-Authorization credential the transport sends, ' + 'base64 of user:password',
    () => {
      const env = { HTTPS_PROXY: 'http://alice:pw%2F1234@127.0.0.1:3128' };
      const sent = proxyAuthorization(new URL(env.HTTPS_PROXY))['Proxy-Authorization'];
      expect(sent).toBe(`Basic ${Buffer.from('alice:pw/1234').toString('base64')}`);
      expect(proxyPasswords(env)).toContain(sent?.slice('Basic '.length));
    },
  );

  test('gives the password of every proxy variable, decoded and as written', () => {
    expect(
      proxyPasswords({
        https_proxy: 'http://u:first%40pw@proxy:1',
        ALL_PROXY: 'https://u:second@proxy:2',
        NO_PROXY: '*',
      }).sort(),
    ).toEqual(
      [
        'first%40pw',
        'first@pw',
        'second',
        Buffer.from('u:first@pw').toString('base64'),
        Buffer.from('u:second').toString('base64'),
      ].sort(),
    );
  });

  test('gives nothing for variables without a password or that are not URLs', () => {
    expect(proxyPasswords({ HTTPS_PROXY: 'http://proxy:3128', http_proxy: 'http://[bad' })).toEqual(
      [],
    );
  });
});

describe('a proxy password with a stray %', () => {
  test('is sent as written, as curl sends it, instead of failing the request', () => {
    const header = proxyAuthorization(new URL('http://alice:p%zzass@127.0.0.1:3128'));
    expect(header['Proxy-Authorization']).toBe(
      `Basic ${Buffer.from('alice:p%zzass').toString('base64')}`,
    );
    expect(proxyPasswords({ HTTP_PROXY: 'alice:p%zzass@127.0.0.1:3128' })).toContain('p%zzass');
  });
});
