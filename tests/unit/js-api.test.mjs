// The npm package's JS API is declared once, in auth-wasm/src/js/declaration.rs: its options and requests
// field by field, and its error codes. auth-wasm's build.rs generates the .d.ts types from it and writes it
// as data (support/js-api.mjs reads that); the crate's own tests hold the declaration to the Rust code (the
// choices of the protocol types, the fields the readers read, the codes of the Rust errors). Here the
// shipped .d.ts must say what the declaration says, in types this file spells out itself: the interfaces
// field by field (name, optional or not, type), and `AuthErrorCode` code by code, index.js's included.
// Needs the package built (bash tests/build-npm.sh).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

import ts from 'typescript';

import { declarations, errorCodes } from '../support/js-api.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = path.join(root, 'target', 'npm', 'auth-wasm');

/** How the .d.ts types each kind of field (the members of a union); CacheLocation and Prompt: their names. */
const KINDS = {
  Text: ['string'],
  Flag: ['boolean'],
  Count: ['number'],
  Scopes: ['string[]', 'string'],
  Object: ['Record<string, unknown>'],
  Parameters: ['Record<string, string | number | boolean>'],
  ProviderMetadata: ['{ issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri: string; [field: string]: unknown }'],
  // The fields the core reads (declaration.rs METADATA_FIELDS); any other name is a type error.
  MetadataOverrides: [`{ ${[
    ['issuer', 'string'], ['authorization_endpoint', 'string'], ['token_endpoint', 'string'], ['jwks_uri', 'string'],
    ['userinfo_endpoint', 'string'], ['end_session_endpoint', 'string'], ['revocation_endpoint', 'string'],
    ['post_logout_redirect_uri_parameter', 'string'], ['id_token_hint_parameter', 'string'],
    ['code_challenge_methods_supported', 'string[]'], ['authorization_response_iss_parameter_supported', 'boolean'],
    ['pushed_authorization_request_endpoint', 'string'], ['require_pushed_authorization_requests', 'boolean'],
    ['dpop_signing_alg_values_supported', 'string[]'],
  ].map(([name, type]) => `${name}?: ${type} | null;`).join(' ')} }`],
  UrlCallback: ['(url: string) => unknown'],
};

/** A type as text with union members sorted, so that `A | B` and `B | A` compare equal. */
const unionText = (members) => members.map((m) => m.replace(/\s+/g, ' ').trim()).sort().join(' | ');
const typeText = (node) => (ts.isUnionTypeNode(node) ? unionText(node.types.map((t) => t.getText())) : unionText([node.getText()]));

const declaredAs = (field) => `${field.name}${field.required ? '' : '?'}: ${
  unionText(field.choices ? field.choices.map((c) => JSON.stringify(c)) : KINDS[field.kind])}`;

/** The shipped index.d.ts, type-checked, with the symbols it exports (aliases resolved). */
let shipped;
function shippedTypes() {
  shipped ??= readShippedTypes();
  return shipped;
}

function readShippedTypes() {
  const entry = path.join(pkg, 'index.d.ts');
  const program = ts.createProgram([entry], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(problems, [], 'the .d.ts files type-check');
  const checker = program.getTypeChecker();
  const exports = new Map();
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)))) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    exports.set(symbol.name, target);
  }
  return exports;
}

test('the .d.ts interfaces have the declared fields, of the declared types', () => {
  const declared = declarations();
  for (const field of Object.values(declared).flat()) {
    assert.ok(KINDS[field.kind] || field.choices?.length, `${field.name}: a kind this test has a TypeScript type for`);
  }
  assert.deepEqual(Object.keys(declared), ['AuthClientOptions', 'LoginRequest', 'LogoutRequest', 'TokenRequest']);
  const exports = shippedTypes();
  for (const [name, fields] of Object.entries(declared)) {
    const declaration = exports.get(name)?.declarations?.find(ts.isInterfaceDeclaration);
    assert.ok(declaration, `index.d.ts exports the interface ${name}`);
    const typed = declaration.members.map((member) => {
      assert.ok(ts.isPropertySignature(member) && member.type, `${name}: ${member.getText()} is a typed property`);
      return `${member.name.getText()}${member.questionToken ? '?' : ''}: ${typeText(member.type)}`;
    });
    assert.deepEqual(typed, fields.map(declaredAs), `${name} in the .d.ts (actual) and as declared (expected)`);
  }
});

test('AuthErrorCode in the .d.ts lists exactly the declared codes: those of the Rust errors, and those index.js throws', () => {
  const { wasm, loading } = errorCodes();
  assert.ok(wasm.length >= 25 && wasm.includes('state_mismatch') && wasm.includes('network_error'), `the Rust codes: ${wasm}`);
  const indexJs = readFileSync(path.join(root, 'auth-wasm', 'npm', 'index.js'), 'utf8');
  const thrownByIndex = [...indexJs.matchAll(/new AuthError\('([a-z_]+)'/g)].map((m) => m[1]);
  // And invalid_config, for the option it reads itself (navigate, a function the wasm never sees).
  assert.deepEqual(thrownByIndex.sort(), [...loading, 'invalid_config'].sort(), 'index.js throws the declared loading codes');
  assert.ok(wasm.includes('invalid_config'));

  const exports = shippedTypes();
  const alias = exports.get('AuthErrorCode').declarations.find(ts.isTypeAliasDeclaration);
  const typed = alias.type.types.map((t) => JSON.parse(t.getText()));
  assert.equal(new Set(typed).size, typed.length, 'no code twice');
  assert.deepEqual([...typed].sort(), [...wasm, ...loading].sort());

  const interaction = exports.get('InteractionRequiredError').declarations[0].members
    .find((m) => m.name?.getText() === 'code');
  assert.equal(interaction.type.getText(), '"interaction_required"');
  assert.ok(wasm.includes('interaction_required'), 'a code of the Rust errors');
});

test('index.js exports the values index.d.ts declares', async () => {
  const exported = Object.keys(await import(pathToFileURL(path.join(pkg, 'index.js')))).sort();
  const typed = [...shippedTypes()].filter(([, symbol]) => symbol.flags & ts.SymbolFlags.Value).map(([name]) => name);
  assert.deepEqual(exported, typed.sort());
  assert.deepEqual(exported, ['AuthClient', 'AuthError', 'InteractionRequiredError', 'createAuthClient', 'init']);
});
