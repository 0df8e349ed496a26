// The email routes: a process's addresses (made on first read), rotation, the sender rule,
// and their problems, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailAddresses } from "../../src/triggers/email/addresses.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

describe("email routes", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("sqlite", {
      config: { mailDomain: "In.Example.Test" },
      workers: false,
    });
    await s.engine.processes.create({ name: "Invoice Intake", source: 'say "hi"\n' });
  });
  afterAll(async () => s?.close());

  it("shows both addresses and the default rule (anyone), the same on every read", async () => {
    const first = await s.api("GET", "/api/v2/processes/Invoice%20Intake/email");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      process: "Invoice Intake",
      published: expect.stringMatching(/^invoice-intake\.[a-z0-9]{10}@in\.example\.test$/),
      draft: expect.stringMatching(/^invoice-intake\.draft\.[a-z0-9]{10}@in\.example\.test$/),
      senders: { allow: [], authenticated: false },
    });
    const again = await s.api("GET", `/api/v2/processes/${first.body.process_id}/email`);
    expect(again.body.published).toBe(first.body.published);
  });

  it("rotates: new addresses, and the old ones name no process any more", async () => {
    const before = (await s.api("GET", "/api/v2/processes/Invoice%20Intake/email")).body;
    const rotated = await s.api("POST", "/api/v2/processes/Invoice%20Intake/email/rotate");
    expect(rotated.status).toBe(200);
    expect(rotated.body.published).not.toBe(before.published);
    const resolver = new EmailAddresses(s.engine, "in.example.test");
    expect(await resolver.resolve(before.published)).toBeUndefined();
    expect((await resolver.resolve(rotated.body.draft))?.stage).toBe("draft");
  });

  it("sets the sender rule, and refuses a bad entry naming it", async () => {
    const set = await s.api("PUT", "/api/v2/processes/Invoice%20Intake/email/senders", {
      allow: ["AP@example.com", "partner.org"],
      authenticated: true,
    });
    expect(set.status).toBe(200);
    expect(set.body.senders).toEqual({
      allow: ["ap@example.com", "partner.org"],
      authenticated: true,
    });
    const bad = await s.api("PUT", "/api/v2/processes/Invoice%20Intake/email/senders", {
      allow: ["nobody"],
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toMatch(/problem\+json/);
    expect(bad.body.detail).toMatch(/"nobody" is neither an email address/);
    const missing = await s.api("GET", "/api/v2/processes/nope/email");
    expect(missing.status).toBe(404);
  });
});
