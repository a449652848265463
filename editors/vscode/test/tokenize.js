// Tokenize .prov files with the extension's TextMate grammar, as VS Code does
// (vscode-textmate + vscode-oniguruma), and print the tokens as JSON on stdout:
//   {"<file>": [[[startIndex, endIndex, [scopes...]], ...], ...one array per line], ...}
// Usage: node test/tokenize.js FILE.prov...   (the pytest test tests/lsp/test_grammar.py runs it)
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..");
const wasm = fs.readFileSync(
  path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm")
);

async function main(files) {
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.prov") return null;
      const file = path.join(root, "syntaxes", "prov.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  const grammar = await registry.loadGrammar("source.prov");
  const out = {};
  for (const file of files) {
    const lines = fs.readFileSync(file, "utf8").replace(/\r\n/g, "\n").split("\n");
    let state = vsctm.INITIAL;
    const tokenized = [];
    for (const line of lines) {
      const result = grammar.tokenizeLine(line, state);
      tokenized.push(
        result.tokens.map((t) => [t.startIndex, Math.min(t.endIndex, line.length), t.scopes])
      );
      state = result.ruleStack;
    }
    out[file] = tokenized;
  }
  process.stdout.write(JSON.stringify(out));
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
