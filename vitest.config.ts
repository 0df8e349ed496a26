import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    // Files in parallel, one worker per core, at least two and at most four: vitest's default
    // (cores − 1) runs one file at a time on a 2-core machine, while most files spend their
    // time waiting on child processes (the CLI, servers, Chromium), sockets or PostgreSQL; more
    // than four would crowd PostgreSQL's 100 connections (each file's stores and servers hold
    // pools). The longest files start first (vitest's sequencer, from the last run's times).
    maxWorkers: Math.min(4, Math.max(2, availableParallelism())),
    // Hang detectors, not speed requirements: generous enough for a machine that another
    // full test run loads (tests are several times slower then), short enough that a hang
    // is reported within minutes. Tests of several child processes set their own (CLI in
    // test/helpers/cli.ts).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
