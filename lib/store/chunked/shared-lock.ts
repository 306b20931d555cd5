/**
 * A shared/exclusive lock within this process. Shared holders never wait for exclusive ones that are only queued
 * (a put holding it may wait for other puts that take it too: an archive awaits all its contents at the end), only
 * for one that holds it; an exclusive holder waits until no one holds it. Each acquire resolves with its release.
 */
export function createSharedLock() {
  let shared = 0;
  let exclusive = false;
  const waitingShared: (() => void)[] = [];
  const waitingExclusive: (() => void)[] = [];

  const wake = () => {
    if (exclusive) return;
    if (waitingShared.length) {
      for (const resolve of waitingShared.splice(0)) {
        shared += 1;
        resolve();
      }
      return;
    }
    if (shared === 0 && waitingExclusive.length) {
      exclusive = true;
      waitingExclusive.shift()!();
    }
  };
  const once = (release: () => void) => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };

  return {
    async shared(): Promise<() => void> {
      if (exclusive) await new Promise<void>((resolve) => waitingShared.push(resolve));
      else shared += 1;
      return once(() => {
        shared -= 1;
        wake();
      });
    },
    async exclusive(): Promise<() => void> {
      if (exclusive || shared > 0) await new Promise<void>((resolve) => waitingExclusive.push(resolve));
      else exclusive = true;
      return once(() => {
        exclusive = false;
        wake();
      });
    },
  };
}
