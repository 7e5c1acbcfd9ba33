import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../src/provider.js';

describe('ConcurrencyLimit', () => {
  it('lets max holders in at once and starts the rest in call order', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const tasks = [1, 2, 3, 4].map((n) =>
      limit.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(n);
            finish.push(() => resolve(n));
          }),
      ),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([1, 2]);
    expect(limit.active).toBe(2);
    expect(limit.waiting).toBe(2);
    finish[1]!();
    await tasks[1];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([1, 2, 3]);
    finish[0]!();
    finish[2]!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    finish[3]!();
    expect(await Promise.all(tasks)).toEqual([1, 2, 3, 4]);
    expect(limit.active).toBe(0);
  });

  it('releases a slot once however often release is called, and when a task throws', async () => {
    const limit = new ConcurrencyLimit(1);
    const release = await limit.acquire();
    release();
    release();
    expect(limit.active).toBe(0);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limit.active).toBe(0);
  });

  it('rejects a waiter with the abort reason and takes it out of the queue', async () => {
    const limit = new ConcurrencyLimit(1);
    const release = await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    expect(limit.waiting).toBe(1);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limit.waiting).toBe(0);
    release();
    expect(limit.active).toBe(0);
    await expect(limit.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('one queue for run and acquire: a free slot goes at once, a released one to the first caller waiting', async () => {
    const limit = new ConcurrencyLimit(1);
    const order: string[] = [];
    let finishFirst = () => {};
    const first = limit.run(
      () =>
        new Promise<void>((resolve) => {
          order.push('run 1');
          finishFirst = resolve;
        }),
    );
    // The free slot was taken within the call, before any promise settled.
    expect(limit.active).toBe(1);
    const acquired = limit.acquire().then((release) => {
      order.push('acquire');
      return release;
    });
    const second = limit.run(async () => {
      order.push('run 2');
    });
    expect(limit.waiting).toBe(2);
    finishFirst();
    await first;
    const release = await acquired;
    expect(order).toEqual(['run 1', 'acquire']);
    expect(limit.active).toBe(1);
    release();
    await second;
    expect(order).toEqual(['run 1', 'acquire', 'run 2']);
    expect(limit.active).toBe(0);
    expect(limit.waiting).toBe(0);
  });

  it('run does not start its task when the signal is already aborted', async () => {
    const limit = new ConcurrencyLimit(2);
    let ran = false;
    const task = async () => {
      ran = true;
    };
    await expect(limit.run(task, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(ran).toBe(false);
    expect(limit.active).toBe(0);
  });

  it('is off for max <= 0', async () => {
    const limit = new ConcurrencyLimit(0);
    const releases = await Promise.all([1, 2, 3, 4, 5, 6].map(() => limit.acquire()));
    expect(releases).toHaveLength(6);
    expect(limit.active).toBe(0);
  });
});
