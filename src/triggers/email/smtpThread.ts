// Inside the SMTP thread (smtpRole.ts starts it): the listener, asking the engine's thread
// for addresses and to start runs (intakePort.ts). SMTP sessions, reading messages and
// checking senders happen here, so mail never holds up the API's event loop, and the
// engine's thread spends on a message only what storing its runs costs.
import { parentPort, workerData } from "node:worker_threads";
import { portIntake, portLogger, type ToSmtpThread } from "./intakePort.ts";
import { listen, type SmtpListener, type SmtpSettings } from "./listener.ts";

export interface SmtpThreadData {
  settings: SmtpSettings;
  domain: string;
}

const port = parentPort;
if (!port) throw new Error("smtpThread runs in a worker thread");
const { settings, domain } = workerData as SmtpThreadData;
// Certificates arrive as plain Uint8Arrays; TLS wants Buffers.
const tls = settings.tls
  ? { cert: Buffer.from(settings.tls.cert), key: Buffer.from(settings.tls.key) }
  : undefined;

let listener: SmtpListener | undefined;
port.on("message", (m: ToSmtpThread) => {
  if (m.t !== "close") return;
  void (listener?.close() ?? Promise.resolve()).finally(() => {
    port.postMessage({ t: "closed" });
    port.close();
  });
});

listen({ ...settings, ...(tls ? { tls } : {}) }, portIntake(port, domain), portLogger(port)).then(
  (l) => {
    listener = l;
    port.postMessage({ t: "listening", port: l.port });
  },
  (err: Error) => port.postMessage({ t: "failed", message: err.message }),
);
