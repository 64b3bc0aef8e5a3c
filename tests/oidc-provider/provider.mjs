// Local OpenID Provider for end-to-end tests (panva/oidc-provider, certified OP).
//
//   node tests/oidc-provider/provider.mjs [--port N] [--ignore-stdin]
//
// Binds 127.0.0.1 only. When listening, prints exactly one line to stdout:
//   {"issuer":"http://127.0.0.1:PORT"}
// and nothing else is ever written to stdout. Exits on SIGTERM/SIGINT and when
// stdin reaches EOF (so a crashed test harness does not leave it running);
// pass --ignore-stdin to keep it running with stdin at /dev/null.
// See README.md for the full contract.

import * as http from 'node:http';
import * as crypto from 'node:crypto';

// ---------------------------------------------------------------------------
// stdout is reserved for the single JSON line. oidc-provider prints its
// "NOTICE" messages with console.info (stdout); route all console output to
// stderr so nothing can corrupt the contract.
// ---------------------------------------------------------------------------
for (const m of ['log', 'info', 'debug']) {
  console[m] = (...args) => console.error(...args);
}

const { default: Provider, interactionPolicy } = await import('oidc-provider');

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------
let port = 0;
let watchStdin = true;
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--port') {
      port = Number(argv[i += 1]);
    } else if (a.startsWith('--port=')) {
      port = Number(a.slice('--port='.length));
    } else if (a === '--ignore-stdin') {
      watchStdin = false;
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('--port must be an integer in 0..65535');
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------
// Demo citizens
// ---------------------------------------------------------------------------
const ACCOUNTS = {
  'external-citizen-1': {
    acr: 'LoA2',
    claims: {
      name: 'Lê Văn Hùng',
      birthdate: '1962-05-20',
      address: { formatted: 'Số 8 Trần Phú, Phường Hải Châu, Thành phố Đà Nẵng' },
      vn_personal_id: '048062001234',
    },
  },
  'external-citizen-2': {
    acr: 'LoA1',
    claims: {
      name: 'Phạm Thị Mai',
      birthdate: '1995-11-02',
      address: { formatted: 'Số 25 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh' },
      vn_personal_id: '079195004321',
    },
  },
};

const CLIENT_ID = 'motcua-app';
const GRANT_SCOPE = 'openid profile address';
const GRANT_CLAIMS = ['sub', 'name', 'birthdate', 'address', 'vn_personal_id', 'acr', 'auth_time', 'sid'];

// ---------------------------------------------------------------------------
// Tiny in-memory adapter (avoids the "development-only adapter" warning).
// ---------------------------------------------------------------------------
const store = new Map(); // key -> { payload, expiresAt }
const uidIndex = new Map(); // session uid -> id
const grantIndex = new Map(); // grantId -> Set<key>

function live(key) {
  const e = store.get(key);
  if (!e) return undefined;
  if (e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return e.payload;
}

class Adapter {
  constructor(model) { this.model = model; }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
    store.set(key, { payload, expiresAt });
    if (this.model === 'Session' && payload.uid) uidIndex.set(payload.uid, id);
    if (payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, new Set());
      grantIndex.get(payload.grantId).add(key);
    }
  }

  async find(id) { return live(this.key(id)); }

  async findByUid(uid) {
    const id = uidIndex.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode() { return undefined; }

  async consume(id) {
    const p = live(this.key(id));
    if (p) p.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { store.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const key of grantIndex.get(grantId) ?? []) store.delete(key);
    grantIndex.delete(grantId);
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

function sendHtml(res, status, body) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function page(title, inner) {
  return `<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body>
${inner}
</body>
</html>
`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// ---------------------------------------------------------------------------
// Server: listen first so that the issuer can contain the real port.
// ---------------------------------------------------------------------------
let handler = (_req, res) => { res.writeHead(503); res.end(); };
const server = http.createServer((req, res) => handler(req, res));
server.keepAliveTimeout = 1000;

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});

const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `motcua-test-${crypto.randomBytes(6).toString('hex')}`,
  use: 'sig',
  alg: 'RS256',
};

// Default prompts (login, consent) minus the consent check that forces an
// interaction on every authorization request from a *native* client
// ("native_client_prompt", RFC 8252 §8.6). Consent for our first-party client
// is given by loadExistingGrant below, so a fresh login goes
// /auth -> login page -> /auth/:uid -> redirect_uri with no consent page.
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');

const provider = new Provider(issuer, {
  adapter: Adapter,
  clients: [{
    client_id: CLIENT_ID,
    application_type: 'native', // loopback redirect_uri: any port allowed (RFC 8252 §7.3)
    token_endpoint_auth_method: 'none', // public client => PKCE (S256) required
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  acrValues: ['LoA1', 'LoA2'],
  claims: {
    acr: null,
    auth_time: null,
    sid: null,
    iss: null,
    // acr/auth_time are otherwise only released when requested (acr_values,
    // max_age, claims parameter); tie them to the openid scope so every ID
    // Token carries them.
    openid: ['sub', 'acr', 'auth_time'],
    profile: ['name', 'birthdate', 'vn_personal_id'],
    address: ['address'],
  },
  scopes: ['openid', 'profile', 'address'],
  // Put scope-granted claims into the ID Token itself, not only at userinfo.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
  },
  // PKCE: left at the 9.x default, which requires it for public clients
  // (token_endpoint_auth_method "none"); only S256 exists, "plain" is refused.
  interactions: {
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    policy,
  },
  // First-party client: skip consent by creating the grant on the fly.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    if (ctx.oidc.client.clientId !== CLIENT_ID) return undefined;
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(GRANT_SCOPE);
    grant.addOIDCClaims(GRANT_CLAIMS);
    await grant.save();
    return grant;
  },
  async findAccount(_ctx, sub) {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, ...structuredClone(account.claims) };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Lỗi', `<h1>Lỗi</h1><pre id="error">${esc(JSON.stringify(out, null, 2))}</pre>`);
  },
  clientBasedCORS: () => true,
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
});

const providerCallback = provider.callback();

// ---------------------------------------------------------------------------
// Interaction routes (plain node:http)
// ---------------------------------------------------------------------------
async function interactionRoute(req, res, url) {
  const m = /^\/interaction\/([^/]+)(?:\/(login|abort))?$/.exec(url.pathname);
  if (!m) return false;
  const [, uid, action] = m;

  if (!action && req.method === 'GET') {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction uid mismatch');
    const forms = Object.entries(ACCOUNTS).map(([sub, a]) => `
<form method="post" action="/interaction/${esc(uid)}/login" data-citizen="${esc(sub)}">
  <input type="hidden" name="account" value="${esc(sub)}">
  <button type="submit">Đăng nhập: ${esc(a.claims.name)} (${esc(a.acr)})</button>
</form>`).join('');
    sendHtml(res, 200, page('Đăng nhập', `<h1>Đăng nhập công dân</h1>
<p>Prompt: <span id="prompt">${esc(details.prompt.name)}</span></p>
${forms}
<form method="post" action="/interaction/${esc(uid)}/abort" data-action="cancel">
  <button type="submit">Hủy</button>
</form>`));
    return true;
  }

  if (action && req.method === 'POST') {
    const form = await readForm(req);
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction uid mismatch');
    if (action === 'abort') {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      }, { mergeWithLastSubmission: false });
      return true;
    }
    const accountId = form.get('account');
    const account = ACCOUNTS[accountId];
    if (!account) {
      sendHtml(res, 400, page('Lỗi', '<p id="error">unknown account</p>'));
      return true;
    }
    await provider.interactionFinished(req, res, {
      login: { accountId, acr: account.acr, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return true;
  }

  res.writeHead(405, { allow: action ? 'POST' : 'GET' });
  res.end();
  return true;
}

handler = (req, res) => {
  const url = new URL(req.url, issuer);
  if (!url.pathname.startsWith('/interaction/')) {
    providerCallback(req, res);
    return;
  }
  interactionRoute(req, res, url).then((handled) => {
    if (!handled) providerCallback(req, res);
  }).catch((err) => {
    console.error('interaction error:', err?.message ?? err);
    if (!res.headersSent) {
      sendHtml(res, 400, page('Lỗi', `<p id="error">${esc(err?.message ?? 'error')}</p>`));
    } else {
      res.end();
    }
  });
};

provider.on('server_error', (_ctx, err) => console.error('server_error:', err));

// ---------------------------------------------------------------------------
// Ready: announce, then wait for a reason to exit.
// ---------------------------------------------------------------------------
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdout.on('error', () => {}); // reader went away (EPIPE): keep serving until stdin/signal

if (watchStdin) {
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.on('data', () => {});
  process.stdin.resume();
}
