/**
 * The little of PouchDB's LevelDB adapter that the benchmarks use (it ships no
 * types): the plugin, and the `prefix` option that puts its databases in a folder.
 */
declare module 'pouchdb-adapter-leveldb' {
  const plugin: unknown;
  export default plugin;
}

declare module 'pouchdb-core' {
  interface PouchStatic {
    defaults(options: { adapter?: string; prefix?: string }): PouchStatic;
  }
}
