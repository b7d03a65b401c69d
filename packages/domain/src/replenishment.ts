/** PLACEHOLDER: this module's rules arrive with its feature (SPEC.md). */
export {};
