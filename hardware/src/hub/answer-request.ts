/**
 * Answers a request from outside the process (a WebSocket message, an
 * Electron IPC call): validated by the one request validation, then handled.
 * Never rejects; a refusal is an error reply.
 */
import type { HubReply, HubRequest } from './protocol';
import { validateHubRequest } from './request-parser';

export async function answerHubRequest(
  hub: { handle(request: HubRequest): Promise<HubReply> },
  value: unknown,
): Promise<HubReply> {
  const parsed = validateHubRequest(value);
  return parsed.ok ? hub.handle(parsed.request) : parsed.reply;
}
