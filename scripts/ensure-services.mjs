// Tests talk to a real PostgreSQL at 127.0.0.1:5432 (database `test`). The machine
// normally starts it; if it is down, start it the way the machine does.
// The web journeys need Debian's chromium: installed with apt-get when missing.
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PG_HOW_TO_START =
  "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (Debian), " +
  "or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres`; " +
  "another server: PLAINRUN_TEST_PG_URL=postgres://…";

export function pgReady() {
  return (
    spawnSync("pg_isready", ["-h", "127.0.0.1", "-p", "5432"], { stdio: "ignore" }).status === 0
  );
}

/** The web UI's journeys drive Debian's chromium (Playwright's own download cannot work here). */
function ensureChromium() {
  if (existsSync("/usr/bin/chromium") || process.env.PLAINRUN_CHROMIUM) return;
  try {
    execSync(
      "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
      {
        stdio: "inherit",
      },
    );
  } catch {
    console.error("warning: could not install chromium; the web UI journeys will fail");
  }
}

export function ensureServices() {
  if (process.env.PLAINRUN_SKIP_SERVICES) return;
  ensureChromium();
  if (!pgReady()) {
    try {
      execSync("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", {
        stdio: "inherit",
      });
    } catch {
      // The tests' global setup says what is missing and stops the run (test/globalSetup.ts).
    }
  }
}
