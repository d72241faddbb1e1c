// The npm package's JS API is declared once: its options and requests in auth-wasm/src/js/types.rs
// (CLIENT_OPTIONS, LOGIN_REQUEST, LOGOUT_REQUEST, TOKEN_REQUEST; read by support/js-api.mjs), its error
// codes in the Rust `code()` functions. The shipped .d.ts must say the same: the interfaces field by field
// (name, optional or not, type), and `AuthErrorCode` code by code. Needs the package built
// (bash tests/build-npm.sh).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

import ts from 'typescript';

import { declarations, kinds } from '../support/js-api.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = path.join(root, 'target', 'npm', 'auth-wasm');
const src = path.join(root, 'auth-wasm', 'src');

/** How the .d.ts types each kind of field (the members of a union); CacheLocation and Prompt: their names. */
const KINDS = {
  Text: ['string'],
  Flag: ['boolean'],
  Count: ['number'],
  Scopes: ['string[]', 'string'],
  Object: ['Record<string, unknown>'],
  Parameters: ['Record<string, string | number | boolean>'],
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
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
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

test('the .d.ts interfaces have the fields the Rust declarations accept, of the same types', () => {
  assert.deepEqual(kinds().filter((kind) => !KINDS[kind]), ['CacheLocation', 'Prompt'], 'every kind has its TypeScript type');
  const declared = declarations();
  assert.deepEqual(Object.keys(declared), ['AuthClientOptions', 'LoginRequest', 'LogoutRequest', 'TokenRequest']);
  const exports = shippedTypes();
  for (const [name, fields] of Object.entries(declared)) {
    const declaration = exports.get(name)?.declarations?.find(ts.isInterfaceDeclaration);
    assert.ok(declaration, `index.d.ts exports the interface ${name}`);
    const typed = declaration.members.map((member) => {
      assert.ok(ts.isPropertySignature(member) && member.type, `${name}: ${member.getText()} is a typed property`);
      return `${member.name.getText()}${member.questionToken ? '?' : ''}: ${typeText(member.type)}`;
    });
    assert.deepEqual(typed, fields.map(declaredAs), `${name} in the .d.ts (actual) and in src/js/types.rs (expected)`);
  }
});

test('every declared client option is one ClientConfig reads', () => {
  const config = readFileSync(path.join(src, 'protocol', 'config.rs'), 'utf8');
  const reader = config.slice(config.indexOf('fn read(object: &JsonObject)'));
  for (const { name } of declarations().AuthClientOptions) {
    assert.ok(reader.includes(`"${name}"`), `ClientConfig::read reads \`${name}\``);
  }
});

/** The string literals that the `code()` functions of auth-wasm's error types return. */
function rustErrorCodes() {
  const codes = new Set();
  for (const file of readdirSync(src, { recursive: true }).filter((f) => f.endsWith('.rs'))) {
    const source = readFileSync(path.join(src, file), 'utf8');
    for (const start of [...source.matchAll(/pub fn code\(&self\) -> &'static str \{/g)].map((m) => m.index)) {
      let depth = 0;
      let end = source.indexOf('{', start);
      do {
        if (source[end] === '{') depth += 1;
        if (source[end] === '}') depth -= 1;
        end += 1;
      } while (depth > 0);
      for (const [, code] of source.slice(start, end).matchAll(/=> "([a-z_]+)"/g)) codes.add(code);
    }
  }
  return codes;
}

test('AuthErrorCode in errors.d.ts lists exactly the codes of the Rust errors and of index.js', () => {
  const rust = rustErrorCodes();
  assert.ok(rust.size >= 25 && rust.has('state_mismatch') && rust.has('network_error'), `found the Rust codes: ${[...rust]}`);
  const indexJs = readFileSync(path.join(root, 'auth-wasm', 'npm', 'index.js'), 'utf8');
  const thrownByIndex = [...indexJs.matchAll(/new AuthError\('([a-z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual(thrownByIndex.sort(), ['not_initialized', 'wasm_unavailable']);

  const exports = shippedTypes();
  const alias = exports.get('AuthErrorCode').declarations.find(ts.isTypeAliasDeclaration);
  const typed = alias.type.types.map((t) => JSON.parse(t.getText()));
  assert.equal(new Set(typed).size, typed.length, 'no code twice');
  assert.deepEqual([...typed].sort(), [...new Set([...rust, ...thrownByIndex])].sort());

  const interaction = exports.get('InteractionRequiredError').declarations[0].members
    .find((m) => m.name?.getText() === 'code');
  assert.equal(interaction.type.getText(), '"interaction_required"');
  const jsErrors = readFileSync(path.join(src, 'js', 'errors.rs'), 'utf8');
  assert.match(jsErrors, /\("interaction_required", /, 'src/js/errors.rs makes InteractionRequiredErrors with that code');
});

test('index.js exports the values index.d.ts declares', async () => {
  const exported = Object.keys(await import(pathToFileURL(path.join(pkg, 'index.js')))).sort();
  const typed = [...shippedTypes()].filter(([, symbol]) => symbol.flags & ts.SymbolFlags.Value).map(([name]) => name);
  assert.deepEqual(exported, typed.sort());
  assert.deepEqual(exported, ['AuthClient', 'AuthError', 'InteractionRequiredError', 'createAuthClient', 'init']);
});
