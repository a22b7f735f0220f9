// GCS JSON-API emulator for tests: the Cloud Storage emulator of npm firebase-tools, started WITHOUT its
// Java rules runtime (firebase-tools downloads that jar on first start, which cannot work offline, and it
// wants Java >= 21). Only the GCS ("gcloud") endpoints are usable: they act as admin and never consult rules.
// Relies on firebase-tools internals: the version is pinned in package.json / package-lock.json.
// usage: node run-gcs-emulator.js PORT [PROJECT_ID]     (binds 127.0.0.1; PORT 0 is not supported)
// Source: ../shared/research/storage-emulators.md §3.2.
const fs = require('fs');
const os = require('os');
const path = require('path');
// Blobs live under os.tmpdir()/firebase/storage/blobs and stop() deletes that folder: give every instance its own.
process.env.TMPDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'gcs-emu-'));
const { StorageEmulator } = require('firebase-tools/lib/emulator/storage');
const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry');
const port = Number(process.argv[2] || 9199);
const projectId = process.argv[3] || 'demo-test';
const emu = new StorageEmulator({ projectId, host: '127.0.0.1', port, auto_download: false, rules: undefined });
for (const o of [emu._rulesRuntime, emu._rulesManager]) { o.start = async () => {}; o.stop = async () => {}; }
// The registry must know the emulator: upload session URLs and object links are built from it.
EmulatorRegistry.start(emu).then(() => console.log(`GCS emulator on http://127.0.0.1:${port} (blobs in ${process.env.TMPDIR})`));
const stop = () => emu.stop().finally(() => { fs.rmSync(process.env.TMPDIR, { recursive: true, force: true }); process.exit(0); });
process.on('SIGTERM', stop); process.on('SIGINT', stop);
