// The JS API's declarations, read from their one source, auth-wasm/src/js/types.rs (CLIENT_OPTIONS,
// LOGIN_REQUEST, LOGOUT_REQUEST, TOKEN_REQUEST), for the tests that compare them with the shipped .d.ts
// and with what the API accepts. A kind that names a protocol type (CacheLocation, Prompt) gets its
// choices from that type's `as_str`, where the readers' `parse` finds them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'auth-wasm', 'src');
const read = (file) => readFileSync(path.join(SRC, file), 'utf8');

const INTERFACES = {
  CLIENT_OPTIONS: 'AuthClientOptions', LOGIN_REQUEST: 'LoginRequest', LOGOUT_REQUEST: 'LogoutRequest', TOKEN_REQUEST: 'TokenRequest',
};
/** Where the kinds that are the names of a protocol type have that type. */
const NAMED_BY = { CacheLocation: 'protocol/config.rs', Prompt: 'protocol/request.rs' };

/** The variants of `Kind` in src/js/types.rs. */
export function kinds() {
  const types = read('js/types.rs');
  const body = types.slice(types.indexOf('pub enum Kind {'), types.indexOf('\n}\n', types.indexOf('pub enum Kind {')));
  return [...body.matchAll(/^ {4}(\w+),$/gm)].map((m) => m[1]);
}

/** The strings `Type::as_str` returns, checked against the length of `Type::ALL` (what `parse` accepts). */
export function namesOf(type) {
  const source = read(NAMED_BY[type]);
  const impl = source.slice(source.indexOf(`impl ${type} {`));
  const all = /const ALL: \[Self; (\d+)\]/.exec(impl);
  const start = impl.indexOf('pub fn as_str(self)');
  const names = [...impl.slice(start, impl.indexOf('\n    }\n', start)).matchAll(/Self::\w+ => "([^"]+)"/g)].map((m) => m[1]);
  if (!all || start < 0 || names.length !== Number(all[1])) {
    throw new Error(`${NAMED_BY[type]}: ${type}::as_str names ${names.length}, ALL has ${all?.[1]}`);
  }
  return names;
}

/** `{ AuthClientOptions: [{ name, kind, required, choices? }], LoginRequest: …, … }`, in declaration order. */
export function declarations() {
  const types = read('js/types.rs');
  const result = {};
  for (const [constant, name] of Object.entries(INTERFACES)) {
    const match = new RegExp(`pub const ${constant}: \\[Field; (\\d+)\\] =\\s*\\[([^;]*)\\];`).exec(types);
    if (!match) throw new Error(`src/js/types.rs declares no ${constant}`);
    result[name] = [...match[2].matchAll(/\b(given|optional)\("(\w+)", Kind::(\w+)\)/g)].map(([, how, field, kind]) => ({
      name: field, kind, required: how === 'given', ...(NAMED_BY[kind] ? { choices: namesOf(kind) } : {}),
    }));
    if (result[name].length !== Number(match[1])) throw new Error(`${constant}: read ${result[name].length} of ${match[1]} fields`);
  }
  return result;
}
