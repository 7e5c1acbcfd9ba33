import { type CallOptions, InvalidRequestError } from '@mjgate/core';
import { APIFRAME_UPLOAD_MAX_BYTES, PROVIDER } from './vendor.js';

// APIFRAME's media upload (§3.20): a local file becomes a CDN URL that describe, blend, faceswap
// and imagine can take.

/** A file for `ApiFrameClient.upload`. */
export type UploadFile = Blob | Uint8Array | ArrayBuffer;

/** Options of `ApiFrameClient.upload`. */
export interface UploadOptions extends CallOptions {
  /** The file name sent with the form. Default: the `File`'s name, else `image.png`. */
  filename?: string;
  /** The MIME type. Default: the `Blob`'s type, else guessed from `filename`. */
  contentType?: string;
}

/** What `/upload` returned. */
export interface UploadResult {
  /** The public URL of the uploaded image: pass it to `describe`, `blend`, `faceSwap` or `imagine`. */
  url: string;
  /** The vendor's answer, untouched. */
  raw: unknown;
}

const refuse = (message: string): never => {
  throw new InvalidRequestError(message, { provider: PROVIDER });
};

/**
 * The multipart form `/upload` takes (§3.20: field `image`, at most 2 MB), refused before sending
 * when the file is empty, too large or not a file at all.
 */
export function uploadForm(file: UploadFile, filename?: string, contentType?: string): FormData {
  const isFile = typeof File !== 'undefined' && file instanceof File;
  const name = filename ?? (isFile && file.name ? file.name : 'image.png');
  let blob: Blob;
  if (file instanceof Blob) {
    blob = contentType && file.type !== contentType ? new Blob([file], { type: contentType }) : file;
  } else if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    blob = new Blob([new Uint8Array(file)], { type: contentType ?? mimeOf(name) });
  } else {
    return refuse('upload() takes a Blob, a File, a Uint8Array (e.g. a Buffer) or an ArrayBuffer.');
  }
  if (blob.size === 0) refuse('upload() got an empty file.');
  if (blob.size > APIFRAME_UPLOAD_MAX_BYTES) {
    refuse(`APIFRAME uploads are limited to 2 MB; this file has ${blob.size} bytes. Shrink it first.`);
  }
  const form = new FormData();
  form.append('image', blob, name);
  return form;
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

function mimeOf(filename: string): string {
  // split() always yields at least one part: a name without a dot is its own "extension".
  const extension = filename.split('.').pop()!.toLowerCase();
  // An own-property lookup: a file named `x.constructor` has no known type.
  return Object.hasOwn(MIME_TYPES, extension) ? MIME_TYPES[extension]! : 'application/octet-stream';
}
