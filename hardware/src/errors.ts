import type { HubErrorCode } from './hub/protocol';

/** An error with a code from the catalogue in README.md ("Error codes"). */
export class HardwareError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HardwareError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
