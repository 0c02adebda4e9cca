import type Docker from 'dockerode';

/** A failed image build: the engine's error, and the last lines the build printed. */
export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly tail: string[],
  ) {
    super(message);
  }
}

/**
 * Follows an image build's output to its end. Resolves when the build
 * succeeded; rejects with ImageBuildError (its error and last 30 lines) when
 * it failed. `onLine` sees each line the build prints.
 */
export function followBuild(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void = () => {},
): Promise<void> {
  const tail: string[] = [];
  return new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string }[] | undefined) => {
        const failed = err?.message ?? output?.find((o) => o.error)?.error;
        if (failed) reject(new ImageBuildError(String(failed), tail));
        else resolve();
      },
      (event: { stream?: string }) => {
        const line = event.stream?.trimEnd();
        if (!line) return;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      },
    );
  });
}
