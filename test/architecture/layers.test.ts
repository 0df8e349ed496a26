// The layers of docs/architecture.md, enforced: its table says which src/ folders each
// folder may import, and this test reads that table and every import under src/.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

interface Rule {
  /** Folders it may import at run time. */
  uses: Set<string>;
  /** Folders it may import with `import type` only. */
  typesOnly: Set<string>;
  /** No Node built-in modules (files, network, processes, threads). */
  noIo: boolean;
}

/** The table's rows for src/ folders: `| \`src/NAME/\` | job | may use |`. */
function layerRules(markdown: string): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const line of markdown.split("\n")) {
    const m = /^\|\s*`src\/([a-z]+)\/`\s*\|[^|]*\|([^|]*)\|\s*$/.exec(line);
    if (!m) continue;
    const cell = m[2] as string;
    const rule: Rule = { uses: new Set(), typesOnly: new Set(), noIo: /no I\/O/.test(cell) };
    for (const u of cell.matchAll(/`([a-z]+)`(\s*\(types only\))?/g)) {
      (u[2] ? rule.typesOnly : rule.uses).add(u[1] as string);
    }
    rules.set(m[1] as string, rule);
  }
  return rules;
}

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

/** Every static import, re-export and dynamic import() of a source file. */
function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings;
        typeOnly =
          clause !== undefined &&
          (clause.isTypeOnly ||
            (!clause.name &&
              named !== undefined &&
              ts.isNamedImports(named) &&
              named.elements.length > 0 &&
              named.elements.every((e) => e.isTypeOnly)));
      } else {
        typeOnly = node.isTypeOnly;
      }
      out.push({ file, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ file, specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts)$/.test(e.name) ? [p] : [];
  });
}

/** The src/ folder a path is in (undefined outside src/). */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith("..")) return undefined;
  return rel.split(sep)[0];
}

const NODE_BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, "")));
const isBuiltin = (s: string) => s.startsWith("node:") || NODE_BUILTINS.has(s.split("/")[0] ?? "");

/** Every import that breaks the table, as "file: imports X (why)". */
function violations(rules: Map<string, Rule>, files: Array<{ file: string; text: string }>) {
  const out: string[] = [];
  for (const { file, text } of files) {
    const from = folderOf(file) as string;
    const name = relative(ROOT, file);
    const rule = rules.get(from);
    if (!rule) {
      out.push(`${name}: src/${from}/ has no row in docs/architecture.md's layer table`);
      continue;
    }
    for (const imp of importsOf(file, text)) {
      if (imp.specifier.startsWith(".")) {
        const to = folderOf(resolve(dirname(file), imp.specifier));
        if (to === undefined || to === from) continue;
        if (rule.uses.has(to)) continue;
        if (rule.typesOnly.has(to) && imp.typeOnly) continue;
        const why = rule.typesOnly.has(to) ? "may import its types only" : "may not import it";
        out.push(`${name}: imports ${imp.specifier} (src/${from}/ ${why})`);
      } else if (rule.noIo && isBuiltin(imp.specifier)) {
        out.push(`${name}: imports ${imp.specifier} (src/${from}/ has no I/O)`);
      }
    }
  }
  return out;
}

const rules = layerRules(readFileSync(join(ROOT, "docs/architecture.md"), "utf8"));

describe("layers (docs/architecture.md's table)", () => {
  it("names each src/ folder's allowed imports", () => {
    expect([...rules.keys()].sort()).toEqual(
      readdirSync(SRC, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
    );
    expect(rules.get("engine")?.uses).toEqual(new Set(["store", "language", "interpreter"]));
    expect(rules.get("server")?.typesOnly).toEqual(new Set(["interpreter"]));
    expect(rules.get("language")?.noIo).toBe(true);
  });

  it("every import under src/ follows it", () => {
    const files = sourceFiles(SRC).map((file) => ({ file, text: readFileSync(file, "utf8") }));
    expect(files.length).toBeGreaterThan(100);
    expect(violations(rules, files)).toEqual([]);
  });

  it("catches an import the table does not allow, a value where only types may come, and I/O", () => {
    // A file that would sit in `folder` (only its text is checked; nothing is written).
    const check = (folder: string, text: string) =>
      violations(rules, [{ file: join(SRC, folder, "new.ts"), text }]);
    expect(check("store", 'import { createEngine } from "../engine/index.ts";')).toEqual([
      "src/store/new.ts: imports ../engine/index.ts (src/store/ may not import it)",
    ]);
    expect(check("server", 'import { drive } from "../interpreter/index.ts";')).toEqual([
      "src/server/new.ts: imports ../interpreter/index.ts (src/server/ may import its types only)",
    ]);
    expect(check("server", 'import type { Json } from "../interpreter/types.ts";')).toEqual([]);
    expect(check("server", 'import { type Json } from "../interpreter/types.ts";')).toEqual([]);
    expect(check("language", 'import { readFileSync } from "node:fs";')).toEqual([
      "src/language/new.ts: imports node:fs (src/language/ has no I/O)",
    ]);
    expect(check("engine", 'const app = await import("../server/app.ts");')).toHaveLength(1);
    expect(check("engine", 'export { x } from "../cli/main.ts";')).toHaveLength(1);
    expect(check("web", "export {};")).toEqual([
      "src/web/new.ts: src/web/ has no row in docs/architecture.md's layer table",
    ]);
  });
});
