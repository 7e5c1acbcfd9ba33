// What `upload()` sends to POST /upload (§3.20) for each kind of file, name and type, and what it
// refuses before sending.
import { InvalidRequestError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFrameOptions, createApiFrame } from '../src/index.js';
import type { UploadFile } from '../src/upload.js';
import { BASE, KEY } from './helpers.js';

const client = (extra: ApiFrameOptions = {}) => createApiFrame({ apiKey: KEY, maxRetries: 0, ...extra });
const URL_BACK = 'https://cdn.apiframe.pro/images/up.png';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Uploads `file` and returns the `image` part APIFRAME received. */
async function received(file: UploadFile, options?: Parameters<ReturnType<typeof client>['upload']>[1]) {
  let part: File | undefined;
  const scope = nock(BASE, { reqheaders: { authorization: KEY } })
    .post('/upload')
    .reply(200, async (request: Request) => {
      part = (await request.formData()).get('image') as File;
      return { imageURL: URL_BACK };
    });
  const result = await client().upload(file, options);
  expect(scope.isDone()).toBe(true);
  expect(result.url).toBe(URL_BACK);
  return { name: part!.name, type: part!.type, bytes: new Uint8Array(await part!.arrayBuffer()) };
}

async function refusal(file: unknown): Promise<InvalidRequestError> {
  const error = await client()
    .upload(file as UploadFile)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error).toMatchObject({ provider: 'apiframe' });
  return error as InvalidRequestError;
}

describe('the type sent', () => {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 7, 8]);

  it("keeps a Blob's own type when no contentType is given", async () => {
    const part = await received(new Blob([bytes], { type: 'image/jpeg' }));
    expect(part).toEqual({ name: 'image.png', type: 'image/jpeg', bytes });
  });

  it('contentType overrides the Blob type, with the same bytes', async () => {
    const part = await received(new Blob([bytes], { type: 'image/jpeg' }), { contentType: 'image/webp' });
    expect(part).toEqual({ name: 'image.png', type: 'image/webp', bytes });
  });

  it('a Uint8Array is typed from its filename; an unknown extension is application/octet-stream', async () => {
    expect((await received(bytes, { filename: 'PHOTO.JPG' })).type).toBe('image/jpeg');
    expect((await received(bytes, { filename: 'scan.tiff' })).type).toBe('application/octet-stream');
    expect((await received(bytes.buffer, { filename: 'anim.gif' })).type).toBe('image/gif');
  });
});

describe('the name sent', () => {
  it('a File without a name goes as image.png; filename overrides a File name', async () => {
    expect((await received(new File([new Uint8Array([1])], '', { type: 'image/png' }))).name).toBe('image.png');
    expect(
      (await received(new File([new Uint8Array([1])], 'dog.png', { type: 'image/png' }), { filename: 'cat.png' })).name,
    ).toBe('cat.png');
  });
});

describe('the name sent for what is not a File', () => {
  it("only a File's own name is used: a Blob carrying a name property is sent as image.png", async () => {
    const blob = Object.assign(new Blob([new Uint8Array([1])], { type: 'image/png' }), { name: 'not-a-file.png' });
    expect((await received(blob)).name).toBe('image.png');
  });
});

describe('refused before sending', () => {
  it('what is not a file at all', async () => {
    for (const file of ['cat.png', { size: 3 }, 42]) {
      const error = await refusal(file);
      expect(error.message).toBe('upload() takes a Blob, a File, a Uint8Array (e.g. a Buffer) or an ArrayBuffer.');
    }
  });

  it('2 MB exactly is accepted; one byte more is refused, saying the size', async () => {
    const limit = 2 * 1024 * 1024;
    expect((await received(new Uint8Array(limit))).bytes.length).toBe(limit);
    const error = await refusal(new Uint8Array(limit + 1));
    expect(error.message).toBe(
      `APIFRAME uploads are limited to 2 MB; this file has ${limit + 1} bytes. Shrink it first.`,
    );
  });
});
