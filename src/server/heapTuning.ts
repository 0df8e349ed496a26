// V8 settings for a long-running server, set before its threads start (V8's flags are the
// process's: the SMTP, executor and reader threads get them too).
//
// Allocation-site pretenuring is off. V8 moves an allocation site's objects straight to the
// old generation once most of them are seen surviving a young collection; a server's
// objects are per request, and whichever requests are in flight at a collection survive it,
// so sites of short-lived objects get pretenured and fill the old generation with garbage.
// On the SMTP thread that meant a full collection every ~150 messages, and after each, V8
// optimizing again the per-connection closures whose code it had dropped (bench/email:
// mailparser alone promoted 11 KB per message with pretenuring, 0.7 KB without; the
// server's CPU per message fell by 8% in side-by-side runs, 2.5 to 1.9 ms in the bench;
// docs/benchmarks.md, stop 12).
import { setFlagsFromString } from "node:v8";

/** Idempotent: setting a flag again changes nothing. */
export function tuneHeapForServing(): void {
  setFlagsFromString("--no-allocation-site-pretenuring");
}
