/**
 * "A store manager cannot see another store by any route": the console's
 * GET routes that name a store, to be asked as a user who may not see it.
 */
import { expect } from 'vitest';
import { requestAs } from '../test-support';

const PERIOD = 'from=2026-01-01T00:00:00.000Z&to=2026-02-01T00:00:00.000Z';

/** [UA3] Every console GET that takes a store, asked for `store`. */
export function consoleStorePaths(store: string): string[] {
  const s = encodeURIComponent(store);
  return [
    `/_console/dashboard/sales?${PERIOD}&store=${s}`,
    `/_console/dashboard/bopis?${PERIOD}&store=${s}`,
    `/_console/dashboard/clerks?${PERIOD}&store=${s}`,
    `/_console/dashboard/devices?store=${s}`,
    `/_console/dashboard/exceptions?${PERIOD}&store=${s}`,
    `/_console/dashboard/tryons?${PERIOD}&store=${s}`,
    `/_console/exceptions?status=all&store=${s}`,
    `/_console/safety-stock?store=${s}`,
    `/_console/alerts?store=${s}`,
    `/_console/replenishment?store=${s}`,
    `/_console/transfers?store=${s}`,
    `/_console/labels?store=${s}`,
    `/_console/labels/pushes?store=${s}`,
    `/_console/labels/integrity?store=${s}`,
  ];
}

/**
 * [UA3] Asks every console GET naming `store` (and `extraPaths`, e.g. an
 * exception or a transfer of that store by id) as `token`: each must be 404
 * and name nothing of the store. With `ownStore`, the same GET for that store
 * (one the token may see) must answer 200, so a 404 is the store's doing and
 * not a missing route. Returns the answers, for more checks.
 */
export async function expectNoOtherStore(
  url: string,
  token: string,
  store: string,
  options: { extraPaths?: readonly string[]; ownStore?: string } = {},
): Promise<{ path: string; status: number }[]> {
  const answers: { path: string; status: number }[] = [];
  const own = options.ownStore ? consoleStorePaths(options.ownStore) : [];
  for (const [i, path] of [...consoleStorePaths(store), ...(options.extraPaths ?? [])].entries()) {
    const res = await requestAs(url, token, path);
    answers.push({ path, status: res.status });
    expect.soft(res.status, path).toBe(404);
    expect.soft(res.text, path).not.toMatch(new RegExp(`"(storeId|from|to)":"${store}"`));
    const ownPath = own[i];
    if (ownPath) expect.soft((await requestAs(url, token, ownPath)).status, ownPath).toBe(200);
  }
  return answers;
}
