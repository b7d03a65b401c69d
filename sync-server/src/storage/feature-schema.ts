/**
 * [ST20] The tables of features beside the documents table, in the order
 * they are created (each list idempotent; later lists may refer to earlier
 * tables). Row-level security comes last, over every table before it.
 */
import { ROLLUP_SCHEMA } from '../console/rollup-schema';
import { EXCEPTION_REVIEW_SCHEMA } from '../console/exception-schema';
import { INVENTORY_SCHEMA } from '../inventory/schema';
import { LABEL_SCHEMA } from '../esl/schema';
import { CONSOLE_USERS_SCHEMA } from '../console/schema';

export const FEATURE_SCHEMA: readonly string[] = [
  ...ROLLUP_SCHEMA,
  ...EXCEPTION_REVIEW_SCHEMA,
  ...INVENTORY_SCHEMA,
  ...LABEL_SCHEMA,
  ...CONSOLE_USERS_SCHEMA,
];
