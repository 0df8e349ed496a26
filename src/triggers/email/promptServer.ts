// smtp-server waits a fixed 100 ms after each connection before its 220 greeting, to catch
// clients that talk first ("early talkers", a spam heuristic). Most senders open one
// connection per message, so that pause bounds a sender to 10 messages per second per
// connection whatever the server does (bench/email: 10 sessions never passed ~80 msg/s,
// with or without Plainrun behind it). Plainrun's addresses are guarded by their random
// token and the sender rules, not by greeting pauses, so this server greets at once: the
// library's own init without the timer. Everything else (the connection limit, "talk too
// soon" for input before the greeting, reverse lookup settings, STARTTLS) stays the library's.
// Its connections also search DATA for the end of the message natively (dotScan.ts).
// The internals used here are in smtp-server's own type declarations; if a version lacks
// them, the library's init (with its pause) and its own search are used.
import type { Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import { SMTPConnection } from "smtp-server/lib/smtp-connection.js";
import { SMTPStream } from "smtp-server/lib/smtp-stream.js";
import { feedDataStream } from "./dotScan.ts";

const internalsPresent =
  typeof SMTPConnection.prototype._setListeners === "function" &&
  typeof SMTPConnection.prototype.connectionReady === "function" &&
  typeof SMTPConnection.prototype._createParser === "function" &&
  typeof SMTPStream.prototype._feedDataStream === "function";

/** A connection whose parser searches DATA natively. */
class ScanningConnection extends SMTPConnection {
  override _createParser(): SMTPStream {
    const parser = super._createParser();
    parser._feedDataStream = feedDataStream;
    return parser;
  }
}

/** Starts a connection as SMTPConnection.init does, minus the 100 ms pause. */
function initPromptly(connection: SMTPConnection, server: SMTPServer): void {
  connection._setListeners(() => {
    const max = server.options.maxClients;
    if (max && server.connections.size > max) {
      connection.send(
        421,
        `${connection.name} Too many connected clients, try again in a moment`,
        false,
      );
      return;
    }
    connection.connectionReady();
  });
}

export class PromptSmtpServer extends SMTPServer {
  override connect(
    socket: Socket,
    socketOptions?: ConstructorParameters<typeof SMTPConnection>[2],
  ) {
    if (!internalsPresent) return super.connect(socket, socketOptions);
    // As SMTPServer.connect, with the prompt init.
    const connection = new ScanningConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on("error", (err: Error) => this._onError(err));
    connection.on("connect", (data) => this._onClientConnect(data));
    initPromptly(connection, this);
  }
}

/**
 * Whether connections are greeted without smtp-server's pause and search DATA natively
 * (false on an unknown version).
 */
export const greetsPromptly = internalsPresent;
