import { ApiError, isApiError } from './api.ts';

/**
 * POSTs a file as the raw request body, reporting upload progress (fetch cannot). Resolves with
 * the parsed JSON body of a 2xx answer; any other is an ApiError with the server's message.
 */
export function uploadFile(path: string, file: Blob, onProgress: (share: number) => void): Promise<unknown> {
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
      if (xhr.status < 300) resolve(body);
      else
        reject(
          isApiError(body)
            ? new ApiError(xhr.status, body.error.code, body.error.message)
            : new ApiError(xhr.status, 'http', `The server answered ${xhr.status}.`),
        );
    };
    xhr.send(file);
  });
}
