// A worker pool: claims runs with a lease, executes them slice by slice with the
// interpreter, renews its leases (which also carries cross-process cancel requests),
// checkpoints long runs, takes over runs whose worker died, and on stop hands its runs
// back. See docs in index.ts for the recovery choice. This module wires the pool's parts,
// one job each: slots.ts (slot accounting), claims.ts (claims, recovery, renewal,
// adoption), inline.ts (the first slice inside the claim), execution.ts (the execution
// loop), results.ts (the writes).
import type { Store } from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import type { CompileCache } from "../compileCache.ts";
import type { GroupCommit } from "../groupCommit.ts";
import { Claims } from "./claims.ts";
import { type PoolConfig, poolConfig, type WorkerOptions } from "./config.ts";
import { type ExecutionContext, launch } from "./execution.ts";
import { relayMailer } from "./outbox.ts";
import { RunResults } from "./results.ts";
import { Slots } from "./slots.ts";

export type { Logger, WorkerOptions } from "./config.ts";

export interface WorkerPoolHandle {
  readonly workerId: string;
  /** Runs executing now. */
  readonly active: number;
  /**
   * Takes over one Running run leased by `from` and executes it; resolves once its segment
   * is written, false when the run was no longer `from`'s.
   */
  adopt(runId: string, from: string): Promise<boolean>;
  /**
   * Stops claiming, lets running runs finish for up to graceMs (default 5000), then hands
   * the rest back to the queue with their state, and resolves when all is written.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

export class WorkerPool implements WorkerPoolHandle {
  readonly workerId: string;
  private readonly cfg: PoolConfig;
  private readonly slots: Slots;
  private readonly claims: Claims;
  private readonly execution: ExecutionContext;
  private stopping = false;
  private readonly cleanups: Array<() => void | Promise<void>> = [];
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    cache: CompileCache,
    private readonly group: GroupCommit,
    opts: WorkerOptions = {},
  ) {
    const cfg = poolConfig(opts);
    this.cfg = cfg;
    this.workerId = cfg.workerId;
    const mailer =
      opts.mailer ?? (opts.mail?.relayUrl ? relayMailer(opts.mail.relayUrl) : undefined);
    if (mailer && !opts.mailer) this.cleanups.push(() => mailer.close());
    // A finished run frees a slot: a reason to claim.
    this.slots = new Slots(cfg.concurrency, () => this.claims.wake());
    const results = new RunResults(group, this.slots, cfg.log);
    this.execution = {
      store,
      cache,
      group,
      cfg,
      mailer,
      slots: this.slots,
      results,
      over: () => this.claims.nudge(),
    };
    this.claims = new Claims(store, cache, group, cfg, this.slots, (row, recovered, started) =>
      launch(this.execution, row, recovered, started),
    );
  }

  get active(): number {
    return this.slots.running.size;
  }

  async start(): Promise<void> {
    const { cfg, claims } = this;
    const renew = setInterval(() => void claims.renew(), cfg.renewMs);
    this.cleanups.push(() => clearInterval(renew));
    if (!cfg.claims) return;
    this.cleanups.push(
      this.bus.onWake(() => claims.wake()),
      this.bus.onCancel((id) => this.slots.cancel(id)),
    );
    const { wake, cancel } = this.store.channels;
    try {
      this.cleanups.push(await this.store.dialect.listen(wake, () => claims.wake()));
      this.cleanups.push(await this.store.dialect.listen(cancel, (id) => this.slots.cancel(id)));
    } catch (err) {
      cfg.log.warn({ err }, "LISTEN failed; relying on polling");
    }
    const recover = setInterval(() => void claims.recover(), cfg.recoverMs);
    const poll = setInterval(() => claims.wake(), cfg.pollMs);
    this.cleanups.push(() => {
      clearInterval(recover);
      clearInterval(poll);
    });
    this.loopDone = claims.loop();
    void claims.recover();
  }

  /**
   * Takes over one Running run leased by `from` (an executor that died, see
   * ../executor/executors.ts) and executes it; resolves once its segment is written.
   * False when the run was no longer `from`'s.
   */
  async adopt(runId: string, from: string): Promise<boolean> {
    const row = await this.claims.adopt(runId, from);
    if (!row) return false;
    launch(this.execution, row, false);
    await this.slots.running.get(runId)?.done;
    await this.group.drain();
    return true;
  }

  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.claims.stop();
    await this.loopDone;
    const { running } = this.slots;
    const all = Promise.all([...running.values()].map((e) => e.done));
    const grace = opts.graceMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, grace)))]);
    clearTimeout(timer);
    for (const e of running.values()) e.handBack = true;
    await all;
    await this.group.drain();
    for (const c of this.cleanups.splice(0)) await c();
  }
}
