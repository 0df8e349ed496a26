// JUnit XML for a suite run, so CI shows each case: one <testsuite> per process, one
// <testcase> per case, a <failure> with the diff, an <error> with the reason and the run.
import type { DiffEntry, SuiteRunDetail } from "../engine/index.ts";

const escapeXml = (s: string) =>
  s
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 cannot hold them
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

/** `copy[1].amount`: where a difference is. */
export function diffPlace(d: DiffEntry): string {
  return d.output + d.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/** One line per difference: `total: expected 10, actual 11`. */
export function diffLines(diff: DiffEntry[]): string[] {
  const show = (v: unknown) => JSON.stringify(v);
  return diff.map((d) =>
    d.change === "missing"
      ? `${diffPlace(d)}: missing (expected ${show(d.expected)})`
      : d.change === "unexpected"
        ? `${diffPlace(d)}: unexpected (actual ${show(d.actual)})`
        : `${diffPlace(d)}: expected ${show(d.expected)}, actual ${show(d.actual)}`,
  );
}

export function junitXml(suite: SuiteRunDetail): string {
  const seconds = ((suite.duration_ms ?? 0) / 1000).toFixed(3);
  const processes = [
    ...suite.processes.map((p) => ({ id: p.id, name: p.name, missing: false })),
    ...suite.missing.map((p) => ({ id: p.id, name: p.name, missing: true })),
  ];
  const count = (rs: SuiteRunDetail["results"], s: string) =>
    rs.filter((r) => r.status === s).length;
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="plainrun" tests="${suite.counts.total}" failures="${suite.counts.failed}" errors="${suite.counts.error}" skipped="${suite.counts.cancelled}" time="${seconds}">`,
  ];
  for (const p of processes) {
    const rs = suite.results.filter((r) => r.process_id === p.id);
    parts.push(
      `  <testsuite name="${escapeXml(p.name)}" tests="${rs.length}" failures="${count(rs, "Failed")}" errors="${count(rs, "Error")}" skipped="${count(rs, "Cancelled")}" timestamp="${suite.created_at}">`,
    );
    if (p.missing) {
      parts.push(
        '    <properties><property name="missing" value="Missing test cases"/></properties>',
      );
    }
    for (const r of rs) {
      const open = `    <testcase name="${escapeXml(r.case_name)}" classname="${escapeXml(p.name)}"`;
      const run = r.run_id ? `run ${r.run_id}` : "no run";
      if (r.status === "Passed") {
        parts.push(`${open}/>`);
      } else if (r.status === "Failed") {
        const lines = diffLines(r.diff);
        parts.push(
          `${open}>`,
          `      <failure type="Failed" message="${escapeXml(`${lines.length} difference${lines.length === 1 ? "" : "s"} (${run})`)}">${escapeXml(lines.join("\n"))}</failure>`,
          "    </testcase>",
        );
      } else if (r.status === "Error") {
        parts.push(
          `${open}>`,
          `      <error type="Error" message="${escapeXml(r.reason ?? "error")}">${escapeXml(`${r.reason ?? ""}\n${run}`)}</error>`,
          "    </testcase>",
        );
      } else {
        parts.push(
          `${open}>`,
          `      <skipped message="${escapeXml(r.reason ?? "cancelled")}"/>`,
          "    </testcase>",
        );
      }
    }
    parts.push("  </testsuite>");
  }
  parts.push("</testsuites>", "");
  return parts.join("\n");
}
