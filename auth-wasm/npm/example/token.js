// What the example page shows of an access token, never the token itself.
//
// An access token is for the API, not for the app: many providers issue opaque tokens (random strings,
// or encrypted JWTs), and even a readable JWT may change format at any time. So the page decodes the
// token only when it is a JWT whose payload is a JSON object, and otherwise says what it can see.

function base64UrlJson(part) {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const padded = part.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const value = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of `token` if it is a JWT (three base64url parts, a JSON object as payload), else undefined. */
export function jwtClaims(token) {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !base64UrlJson(parts[0])) return undefined;
  return base64UrlJson(parts[1]);
}

/** One line about the `calls`-th access token: its subject, scope and expiry when it is a readable JWT. */
export function describeToken(token, calls) {
  const claims = jwtClaims(token);
  if (!claims) {
    return `Call ${calls}: an opaque access token (${String(token ?? '').length} characters), for the API to read`;
  }
  const parts = [`Call ${calls}: an access token`];
  if (typeof claims.sub === 'string') parts.push(`for ${claims.sub}`);
  let text = parts.join(' ');
  if (typeof claims.scope === 'string') text += `, scope ${claims.scope}`;
  if (Number.isFinite(claims.exp)) text += `, expires ${new Date(claims.exp * 1000).toLocaleTimeString()}`;
  return text;
}
