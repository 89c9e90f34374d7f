// A background loop with an explicit lifecycle: runs `pass` until it reports no work, then waits
// `idleMs` or until woken. A failing pass is logged and the loop goes on, so one bad item never
// stops a worker. Used by the matching, coercion and delivery workers.

export interface PollingLoopOptions {
  /** One pass; returns how much work it did (0: idle). */
  pass: () => Promise<number>;
  idleMs: number;
  onError: (error: unknown) => void;
}

export class PollingLoop {
  readonly #options: PollingLoopOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: PollingLoopOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Work arrived: pass now instead of after the idle wait. */
  wake(): void {
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let work = 0;
      try {
        work = await this.#options.pass();
      } catch (error) {
        this.#options.onError(error);
      }
      if (!this.#running) break;
      if (work === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#options.idleMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = undefined;
      }
    }
  }
}
