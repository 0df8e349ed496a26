// The SMTP server greets at once and searches DATA natively by replacing two of
// smtp-server's internals (promptServer.ts). If an upgrade of the library renamed them, the
// server would fall back to the library's own init and search silently, and bench/email
// would drop to about 80 messages/s: this test names the fall-back instead.
import { once } from "node:events";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { feedDataStream } from "../../src/triggers/email/dotScan.ts";
import { greetsPromptly, PromptSmtpServer } from "../../src/triggers/email/promptServer.ts";

let server: PromptSmtpServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("PromptSmtpServer", () => {
  it("finds the smtp-server internals it replaces in the installed version", () => {
    expect(greetsPromptly).toBe(true);
  });

  it("greets a client and reads its commands with the native DATA search", async () => {
    server = new PromptSmtpServer({
      banner: "test",
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      logger: false,
    });
    server.listen(0, "127.0.0.1");
    await once(server.server, "listening");
    const socket = connect((server.server.address() as AddressInfo).port, "127.0.0.1");
    try {
      const [greeting] = await once(socket, "data");
      expect(String(greeting)).toMatch(/^220 /);
      const [connection] = [...server.connections];
      const parser = connection?._parser || undefined; // false before its parser is made
      expect(parser?._feedDataStream).toBe(feedDataStream);
      socket.write("QUIT\r\n");
      const [bye] = await once(socket, "data");
      expect(String(bye)).toMatch(/^221 /);
    } finally {
      socket.destroy();
    }
  });
});
