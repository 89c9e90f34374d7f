// A sleep that a signal can cut short: the workers wait for their poll interval or until new work
// is signalled (a stored message, an enqueued request), whichever comes first, and stop() wakes them.

export class WakeableTimer {
  #wake: (() => void) | undefined;
  #signalled = false;

  /** Resolves after `ms` ('elapsed'), or when wake() is called or was called since the last sleep. */
  sleep(ms: number): Promise<'woken' | 'elapsed'> {
    if (this.#signalled) {
      this.#signalled = false;
      return Promise.resolve('woken');
    }
    return new Promise((resolve) => {
      const done = (how: 'woken' | 'elapsed'): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(how);
      };
      const timer = setTimeout(() => done('elapsed'), Math.max(0, ms));
      this.#wake = () => done('woken');
    });
  }

  wake(): void {
    if (this.#wake === undefined) this.#signalled = true;
    else this.#wake();
  }
}
