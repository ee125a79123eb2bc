import { ApiError, isApiError } from './api.ts';

/**
 * POSTs a file as the raw request body, reporting upload progress (fetch cannot). Resolves with
 * the parsed JSON body and status for 2xx and 400 answers, whose bodies the caller reads.
 */
export function uploadFile(path: string, file: Blob, onProgress: (share: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('content-type', 'application/x-ndjson');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the server could not be reached.'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status < 300 || (xhr.status === 400 && body && typeof body === 'object' && 'lines' in body)) {
        resolve({ status: xhr.status, body });
        return;
      }
      reject(isApiError(body) ? new ApiError(xhr.status, body.error.code, body.error.message) : new ApiError(xhr.status, 'http', `The server answered ${xhr.status}.`));
    };
    xhr.send(file);
  });
}
