/** The tables of console-auth (users, sessions, the console's database role and its row-level security policies): idempotent statements, run at every start under the migration lock ([ST20]). */
export const CONSOLE_USERS_SCHEMA: readonly string[] = [];
