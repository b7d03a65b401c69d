/**
 * The push benchmark's peer, express-pouchdb on PouchDB 9 with LevelDB, in a
 * process of its own. IPC: → { listening: url } or { unavailable: reason };
 * ← { stop: true }.
 */
import { startPeer } from '../bench-support';

const started = await startPeer();
if (typeof started === 'string') {
  process.send!({ unavailable: started });
} else {
  const res = await fetch(`${started.url}/saleFacts`, { method: 'PUT' });
  if (!res.ok) throw new Error(`peer: creating saleFacts: ${res.status}`);
  process.on('message', () => {
    void started.close().then(() => process.exit(0));
  });
  process.send!({ listening: started.url });
}
