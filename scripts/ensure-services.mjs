// Tests talk to a real PostgreSQL at 127.0.0.1:5432 (database `test`). The machine
// normally starts it; if it is down, start it the way the machine does.
import { execSync, spawnSync } from "node:child_process";

function pgReady() {
  return spawnSync("pg_isready", ["-h", "127.0.0.1", "-p", "5432"], { stdio: "ignore" }).status === 0;
}

export function ensureServices() {
  if (process.env.PLAINRUN_SKIP_SERVICES) return;
  if (!pgReady()) {
    try {
      execSync("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", { stdio: "inherit" });
    } catch {
      console.error("warning: could not start PostgreSQL; PostgreSQL tests will fail");
    }
  }
}
