import { basicAuthorization } from '../../src/credentials/client-secret.js';
import { fetchToken } from '../../src/fetch-token.js';
import { silentLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import { fakeClock, fakeTransport, json } from './fakes.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const SECRET = 'Bx8~basic+secret&=% value';

/** Fetches with `client-auth`, recording what was protected and when the request went out. */
async function fetchWith(clientAuth: 'basic' | 'post') {
  const events: string[] = [];
  const inputs: Record<string, string> = {
    'tenant-id': TENANT,
    'client-id': CLIENT_ID,
    'client-secret': SECRET,
    'client-auth': clientAuth,
  };
  const answer = json(200, {
    access_token: 'opaque-token-0123',
    token_type: 'Bearer',
    expires_in: 60,
  });
  const transport = fakeTransport((request) => {
    events.push(`request ${request.headers['Authorization'] ?? '(no Authorization)'}`);
    return answer;
  });
  await fetchToken(
    parseSettings((name) => inputs[name] ?? ''),
    {
      log: silentLogger,
      protect: (value) => events.push(`protect ${value}`),
      transport,
      clock: fakeClock(),
    },
  );
  return events;
}

describe('fetchToken protects every form of the client secret it sends', () => {
  test(
    'with client_secret_basic, the base64 of id:secret ' + 'is protected before the request',
    async () => {
      const encoded = basicAuthorization(CLIENT_ID, SECRET).replace(/^Basic /, '');
      expect(await fetchWith('basic')).toEqual([
        `protect ${encoded}`,
        `request Basic ${encoded}`,
        'protect opaque-token-0123',
      ]);
    },
  );

  test('with client_secret_post there is no header to protect', async () => {
    expect(await fetchWith('post')).toEqual([
      'request (no Authorization)',
      'protect opaque-token-0123',
    ]);
  });
});
