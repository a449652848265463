// The syncrules VS Code extension: starts `prov lsp` (setting prov.path) and connects it to
// .prov documents. Highlighting comes from syntaxes/prov.tmLanguage.json, brackets, comments and
// auto-closing quotes from language-configuration.json; everything else from the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("prov");
  let command = config.get("path", "prov");
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  // a relative path such as .venv/bin/prov is relative to the first workspace folder
  if (folder && (command.startsWith("./") || command.startsWith(".venv") || command.includes("/"))
      && !command.startsWith("/")) {
    command = vscode.Uri.joinPath(folder.uri, command).fsPath;
  }
  return {
    command,
    args: config.get("args", ["lsp"]),
    transport: TransportKind.stdio,
    options: folder ? { cwd: folder.uri.fsPath } : undefined,
  };
}

async function start() {
  client = new LanguageClient(
    "prov",
    "syncrules",
    serverOptions(),
    {
      documentSelector: [{ scheme: "file", language: "prov" }, { scheme: "untitled", language: "prov" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.prov") },
    }
  );
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `syncrules: cannot start "${serverOptions().command} lsp" (${err.message || err}). ` +
        "Install syncrules (pip install syncrules) or set prov.path."
    );
  }
}

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.commands.registerCommand("prov.restartServer", async () => {
      if (client) await client.stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("prov.path") || event.affectsConfiguration("prov.args")) {
        if (client) await client.stop();
        await start();
      }
    })
  );
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
