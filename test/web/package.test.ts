// An npm-installed plainrun serves the web UI too: the package carries the built UI (web/dist,
// git-ignored, so it needs the "files" list), and the server finds it beside its own code
// whatever the working directory (the journeys start serve from its data directory).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureUiBuilt } from "./browser.ts";

const run = promisify(execFile);

describe("the npm package", () => {
  beforeAll(() => ensureUiBuilt(), 180_000);

  it("contains the built web UI and the code that serves it", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map(
      (f) => f.path,
    );
    expect(files).toContain("web/dist/index.html");
    expect(files.some((f) => /^web\/dist\/assets\/index-.+\.js$/.test(f))).toBe(true);
    expect(files).toContain("src/server/static.ts");
    expect(files).toContain("bin/plainrun.js");
    expect(files.some((f) => f.startsWith("web/src/") || f.startsWith("test/"))).toBe(false);
  });
});
