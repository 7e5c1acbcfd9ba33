import { ResponseValidationError } from '@mjgate/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';

// Task → Job at its edges (§2.6, §4): labels with stray spaces, prompts that hold odd words, the
// input image of a shorten, and result URLs that are all refused.

const jobOf = (task: Record<string, unknown>) => taskToJob(task, v.parse(taskSchema, task));
const done = { id: '1', status: 'SUCCESS' };

describe('button labels (§4.1, §12.5)', () => {
  it('"Redo" is read from a label with stray spaces around it', () => {
    const job = jobOf({
      ...done,
      action: 'UPSCALE',
      imageUrl: 'https://cdn.example.com/u.png',
      buttons: [{ customId: 'MJ::JOB::upsample_v6r1_2x_subtle::1::h1::SOLO', label: '  Redo Upscale (Subtle) ' }],
    });
    expect(job.actions).toEqual(['redo-upscale-subtle']);
  });
});

describe('texts (§2.6)', () => {
  it('a describe keeps every word of its prompts, the word "undefined" included', () => {
    const job = jobOf({
      ...done,
      action: 'DESCRIBE',
      description: '1️⃣ an undefined shape in fog --ar 1:1\n\n2️⃣ a grey cat',
    });
    expect(job.texts).toEqual(['an undefined shape in fog --ar 1:1', 'a grey cat']);
  });

  it('only a describe or a shorten has texts, whatever the description of another task holds', () => {
    const job = jobOf({
      ...done,
      action: 'IMAGINE',
      imageUrl: 'https://cdn.example.com/g.png',
      description: '## Shortened prompts\n1️⃣ a cat',
    });
    expect(job.texts).toEqual([]);
  });

  it("a shorten's imageUrl is no result: no image, and no broken answer when the texts are missing", () => {
    const task = { ...done, action: 'SHORTEN', imageUrl: 'https://cdn.example.com/input.png' };
    const shortened = jobOf({ ...task, description: '## Shortened prompts\n1️⃣ a cat' });
    expect(shortened).toMatchObject({ status: 'succeeded', images: [], texts: ['a cat'] });
    expect(jobOf(task)).toMatchObject({ status: 'succeeded', images: [], texts: [] });
  });
});

describe('fields a task does not have', () => {
  it('a task without state and a client that knew no ref: the job has no ref key at all', () => {
    const job = jobOf({ ...done, action: 'IMAGINE', imageUrl: 'https://cdn.example.com/g.png' });
    expect(Object.hasOwn(job, 'ref')).toBe(false);
  });
});

describe('result URLs that are all refused', () => {
  it('a finished video whose only URLs are not http(s) is a broken answer', () => {
    expect(() => jobOf({ ...done, action: 'VIDEO', videoUrls: [{ url: 'ftp://cdn.example.com/v.mp4' }] })).toThrow(
      ResponseValidationError,
    );
  });
});
